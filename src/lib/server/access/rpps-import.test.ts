import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedPGlite, servedMigratedPGlite } from '../../../test/db/pglite.ts';
import { servePGlite } from '../db/pglite-server.ts';
import { ANON, type DataPort, SERVICE } from '../db/port.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import { readRppsGps } from '../supply/rpps.ts';
import { loadAccessData, readAccessData } from './importer.ts';
import { extractionDate, formatRppsReport, importRpps } from './rpps-import.ts';

const ACCESS = join(import.meta.dirname, '../../../test/fixtures/access-data');
const RPPS = join(import.meta.dirname, '../../../test/fixtures/rpps/PS_LibreAcces_Personne_activite_202501010000.txt');

type Stored = {
	communes: { code: string; department: string; gpsRpps: number | null; gpsRppsSource: string | null }[];
};

describe('the RPPS extraction into the database (npm run data:import -- --rpps)', () => {
	let db: PGlite;
	let port: DataPort;

	let served: Awaited<ReturnType<typeof servedMigratedPGlite>>;
	beforeAll(async () => {
		served = await servedMigratedPGlite();
		({ db, port } = served);
		await loadAccessData(port, readAccessData(ACCESS), [
			{ id: 'nontronnais', name: 'Nontronnais', communes: ['24311', '24102', '24200', '24500'] },
		]);
	}, 60_000);

	afterAll(() => served?.close());

	it('refuses to run before the APL data, in French, writing nothing', async () => {
		const empty = await createMigratedPGlite();
		const emptyServer = await servePGlite(empty);
		const emptyPort = createPostgresAdapter({ url: emptyServer.url, database: 'pglite', max: 1 });
		try {
			await emptyPort.callRpc(
				'sync_content',
				{ p_territories: [{ id: 'nontronnais', name: 'Nontronnais' }], p_meetings: [] },
				SERVICE,
			);
			await expect(importRpps(emptyPort, ['nontronnais'], RPPS)).rejects.toThrow(/importez d’abord les données/);
			const { rows } = await empty.query<{ n: number }>(
				"select count(*)::int as n from public.indicators where indicator = 'gp_count_rpps'",
			);
			expect(rows[0]?.n).toBe(0);
		} finally {
			await emptyPort.close();
			await emptyServer.stop();
			await empty.close();
		}
	});

	it('stores the GPs of every commune the map shows (0 where none practises), with the extraction as source', async () => {
		const done = await importRpps(port, ['nontronnais'], RPPS);
		const { communes } = await port.callRpc<Stored>('access_map', { p_territory: 'nontronnais' }, ANON);
		const expected = await readRppsGps(RPPS, { departments: [...new Set(communes.map((c) => c.department))] });
		expect(done.stored).toBe(communes.length);
		expect(done.vintage).toBe(2025);
		for (const commune of communes) {
			expect(commune.gpsRpps, commune.code).toBe(expected.byCommune.get(commune.code) ?? 0);
			expect(commune.gpsRppsSource).toContain('extraction du 01/01/2025');
		}
		expect(communes.find((c) => c.code === '24311')?.gpsRpps).toBeGreaterThan(0);
		// Every malformed line of the file is in the report with its number.
		const report = formatRppsReport(done);
		for (const skip of done.result.skipped) expect(report).toContain(`line ${skip.line}: ${skip.reason}`);
		expect(done.result.skippedTotal).toBeGreaterThan(0);
	});

	it('changes nothing when the same file is imported again', async () => {
		const before = await db.query("select * from public.indicators where indicator = 'gp_count_rpps' order by 1");
		await importRpps(port, ['nontronnais'], RPPS);
		const after = await db.query("select * from public.indicators where indicator = 'gp_count_rpps' order by 1");
		expect(after.rows).toStrictEqual(before.rows);
	});

	it('reads the extraction date from the official file name', () => {
		expect(extractionDate('/x/PS_LibreAcces_Personne_activite_202411150930.txt').toISOString()).toBe(
			'2024-11-15T00:00:00.000Z',
		);
		const today = new Date('2026-12-06T00:00:00Z');
		expect(extractionDate('extraction.txt', today)).toBe(today);
	});
});
