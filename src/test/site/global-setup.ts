import { join } from 'node:path';
import { runAstro } from './astro-cli';

/** Builds the site once for the whole `site` project; the tests read `dist/`. */
export default function buildSite() {
	const root = join(import.meta.dirname, '../../..');
	const result = runAstro(['build'], root);
	if (result.status !== 0) throw new Error(`astro build failed:\n${result.output}`);
	console.info(`site built in ${result.seconds.toFixed(1)} s`);
}
