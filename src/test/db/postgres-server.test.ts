import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, realPostgresAvailability, startPostgresServer } from './postgres-server';

const availability = realPostgresAvailability();
if (!availability.run) console.info(availability.reason);

(availability.run ? describe : describe.skip)('throw-away PostgreSQL server', () => {
	let server: PostgresServer;

	beforeAll(async () => {
		server = await startPostgresServer();
	}, 60_000);

	afterAll(async () => {
		await server?.stop();
	});

	it('serves PostgreSQL 15 or newer with at least 200 connections', async () => {
		expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
		const sql = postgres(server.url, { max: 1 });
		try {
			const [{ version }] = await sql<[{ version: string }]>`select version()`;
			expect(Number(/^PostgreSQL (\d+)/.exec(version)?.[1])).toBeGreaterThanOrEqual(15);
			const [{ max_connections }] = await sql<[{ max_connections: string }]>`show max_connections`;
			expect(Number(max_connections)).toBeGreaterThanOrEqual(200);
		} finally {
			await sql.end();
		}
	});

	it('accepts 120 parallel connections', async () => {
		const sql = postgres(server.url, { max: 120 });
		try {
			const rows = await Promise.all(
				Array.from({ length: 120 }, () => sql<[{ pid: number }]>`select pg_backend_pid() as pid, pg_sleep(0.05)`),
			);
			expect(rows).toHaveLength(120);
			expect(new Set(rows.map(([row]) => row.pid)).size).toBe(120);
		} finally {
			await sql.end();
		}
	});

	it('no longer accepts connections after stop()', async () => {
		const second = await startPostgresServer();
		await second.stop();
		const sql = postgres(second.url, { max: 1, connect_timeout: 2 });
		try {
			await expect(sql`select 1`).rejects.toThrow();
		} finally {
			await sql.end();
		}
	}, 60_000);
});
