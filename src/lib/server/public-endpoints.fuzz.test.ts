import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as mapConfig } from '../../../netlify/functions/access-map.mts';
import { config as csvConfig } from '../../../netlify/functions/access-map-csv.mts';
import { config as sessionConfig } from '../../../netlify/functions/admin-session.mts';
import { config as healthConfig } from '../../../netlify/functions/health.mts';
import { pgliteTarget } from '../../test/db/targets.ts';
import { startApiSite } from '../../test/http/api-site.ts';
import { expectContractAnswer, hostileBody, hostileString } from '../../test/http/hostile.ts';
import { createAccessMapCsvHandler, createAccessMapHandler } from './access/access-map.ts';
import { loadAccessData, readAccessData } from './access/importer.ts';
import { createSignIn } from './auth/sign-in.ts';
import { readEnv } from './env.ts';
import { createHealthHandler } from './health.ts';

/**
 * The public endpoints the other fuzz files do not cover (access map, its CSV, health, sign-in),
 * plus every other path shape. With registrations.fuzz (2,000) and proposals.fuzz (2,000), the
 * suite sends 10,000 generated requests.
 */
const FIXTURES = new URL('../../test/fixtures/access-data', import.meta.url).pathname;

describe('public endpoints under random and hostile input', () => {
	let site: Awaited<ReturnType<typeof startApiSite>>;
	beforeAll(async () => {
		site = await startApiSite(pgliteTarget, (port) => [
			{ config: mapConfig, handler: createAccessMapHandler(port) },
			{ config: csvConfig, handler: createAccessMapCsvHandler(port) },
			{ config: healthConfig, handler: createHealthHandler(port) },
			{
				config: sessionConfig,
				handler: createSignIn(port, () => ({ ...readEnv(), COORDINATOR_PASSWORD: 'une phrase de passe de test' })),
			},
		]);
		await loadAccessData(site.port(), readAccessData(FIXTURES), [
			{ id: 'nontronnais', name: 'Nontronnais', communes: ['24311', '24102', '24200'] },
		]);
	}, 60_000);
	afterAll(() => site?.stop());

	it('answers 4,000 generated access-map queries (GeoJSON and CSV, any parameter) with no 5xx', async () => {
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(hostileString, fc.constantFrom('nontronnais', 'porcien-thierache', 'NONTRONNAIS', '')),
				fc.constantFrom('/api/access-map', '/api/access-map.csv'),
				fc.constantFrom('territory', 'territoire', 'territory[]'),
				fc.oneof(fc.constant(undefined), hostileString),
				async (value, path, name, etag) => {
					runs++;
					const query = new URLSearchParams({ [name]: value.toWellFormed() });
					const response = await fetch(`${site.url}${path}?${query}`, {
						headers: etag ? { 'If-None-Match': etag.replace(/[^\x20-\x7e]/g, '') } : {},
					});
					await expectContractAnswer(response);
					if (value === 'nontronnais' && name === 'territory') expect([200, 304]).toContain(response.status);
				},
			),
			{ numRuns: 4000 },
		);
		expect(runs).toBe(4000);
	}, 240_000);

	it('answers 2,000 generated sign-ins, health checks and unknown paths with no 5xx', async () => {
		const body = hostileBody({ password: fc.constant('une phrase de passe de test'), email: fc.emailAddress() });
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(
				body,
				hostileString,
				fc.integer({ min: 0, max: 2 }),
				async ({ type, body: payload }, value, kind) => {
					runs++;
					const response =
						kind === 0
							? await fetch(`${site.url}/api/admin/session`, {
									method: 'POST',
									headers: {
										...(type ? { 'Content-Type': type } : {}),
										'x-nf-client-connection-ip': `10.9.${runs >> 8}.${runs & 255}`,
									},
									body: payload,
								})
							: kind === 1
								? await fetch(`${site.url}/api/health?${encodeURIComponent(value.toWellFormed())}`)
								: await fetch(`${site.url}/api/${encodeURIComponent(value.toWellFormed())}`, { method: 'POST' });
					await expectContractAnswer(response);
				},
			),
			{ numRuns: 2000 },
		);
		expect(runs).toBe(2000);
	}, 240_000);
});
