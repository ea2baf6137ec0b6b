import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { TEST_JWT_SECRET } from '../db/contract';
import { runAstro } from './astro-cli';
import { startDevServer } from './dev-server';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The `npm run dev` server shared by the browser tests that need on-demand pages and functions. */
		devUrl: string;
		devDatabaseUrl: string;
		/** decap-server's API (the CMS's write path) of that dev server. */
		devCmsUrl: string;
	}
}

export const ACCESS_FIXTURES = join(import.meta.dirname, '../fixtures/access-data');
/** The coordinator password of the shared dev server (the workspace stays closed without one). */
export const TEST_COORDINATOR_PASSWORD = 'phrase de passe de test assez longue';

/**
 * Once for the whole `site` project: builds the site (the tests read `dist/`) and starts one
 * `npm run dev` (embedded database in a temporary folder, the access map's fixture data) for the
 * browser tests, since Astro's first start and Vite's dependency optimisation take most of a minute.
 */
export default async function setup(project: TestProject) {
	const root = join(import.meta.dirname, '../../..');
	const dev = await startDevServer({
		LOCAL_JWT_SECRET: TEST_JWT_SECRET,
		DATA_DIR: ACCESS_FIXTURES,
		COORDINATOR_PASSWORD: TEST_COORDINATOR_PASSWORD,
	});
	try {
		const result = runAstro(['build'], root);
		if (result.status !== 0) throw new Error(`astro build failed:\n${result.output}`);
		console.info(`site built in ${result.seconds.toFixed(1)} s`);
	} catch (error) {
		await dev.stop();
		throw error;
	}
	project.provide('devUrl', dev.url);
	project.provide('devDatabaseUrl', dev.databaseUrl);
	project.provide('devCmsUrl', dev.cmsUrl);
	return () => dev.stop();
}
