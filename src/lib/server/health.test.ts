import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../../netlify/functions/health.mts';
import { pgliteTarget } from '../../test/db/targets.ts';
import { createPostgresAdapter } from './db/postgres-adapter.ts';
import { createHealthHandler } from './health.ts';

describe('GET /api/health', () => {
	let target: Awaited<ReturnType<typeof pgliteTarget>>;
	beforeAll(async () => {
		target = await pgliteTarget();
	}, 60_000);
	afterAll(() => target?.stop());

	it('is served at the contract path', () => {
		expect(config).toStrictEqual({ path: '/api/health', method: 'GET' });
	});

	it('answers 200 with the database name when the database answers', async () => {
		const response = await createHealthHandler(() => target.port)();
		expect(response.status).toBe(200);
		expect(await response.json()).toStrictEqual({ ok: true, database: 'pglite' });
	});

	it('answers 503 in the French error shape when the database is unreachable', async () => {
		// Port 9 (discard) on loopback: nothing listens there.
		const unreachable = createPostgresAdapter({
			url: 'postgres://postgres@127.0.0.1:9/postgres',
			database: 'postgres',
		});
		const response = await createHealthHandler(() => unreachable)();
		expect(response.status).toBe(503);
		expect(await response.json()).toStrictEqual({
			error: {
				code: 'database_unavailable',
				message: 'La base de données ne répond pas. Le service sera rétabli dès que possible.',
			},
		});
		await unreachable.close();
	});
});
