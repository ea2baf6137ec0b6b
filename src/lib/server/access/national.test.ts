import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRowCounts, servedMigratedPGlite } from '../../../test/db/pglite.ts';
import {
	COMMUNES,
	geoApiBoundaries,
	under60,
	under62,
	writeBoundaries,
} from '../../../test/fixtures/national/make-fixtures.ts';
import { summarise } from '../../domain/access.ts';
import { readContentMirror } from '../db/content-mirror.ts';
import { ANON, type DataPort } from '../db/port.ts';
import { accessMapCsv, toAccessMap } from './access-map.ts';
import { BOUNDARIES_FOLDER, DREES_WORKBOOK_PATH, downloadOpenData, WORKBOOK_FILE } from './download.ts';
import { type AccessDataset, loadAccessData, type Perimeter } from './importer.ts';
import { currentCode, findNationalSources, NationalDataError, readNationalData } from './national.ts';
import { importDataFolder } from './run-import.ts';
import { loadSnapshot, readSnapshot } from './snapshot.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/national');
const TERRITORY: Perimeter[] = [{ id: 'nontronnais', name: 'Nontronnais', communes: ['24311', '24001'] }];
const temporary: string[] = [];

/** A data folder made of fixture parts: a workbook (or the CSV), and the boundaries (or one replaced). */
function folder(parts: { workbook?: string; csv?: boolean; truncated?: boolean }): string {
	const dir = mkdtempSync(join(tmpdir(), 'national-'));
	temporary.push(dir);
	if (parts.workbook) cpSync(join(FIXTURES, parts.workbook), join(dir, 'national', 'apl_generalistes_drees.xlsx'));
	if (parts.csv) cpSync(join(FIXTURES, 'csv'), join(dir, 'national'), { recursive: true });
	writeBoundaries(join(dir, 'national'), { truncated: parts.truncated === true });
	return dir;
}
const GOOD = 'good/apl_generalistes_fixture.xlsx';

afterAll(() => {
	for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const value = (dataset: AccessDataset, code: string, indicator: string, vintage: number) =>
	dataset.indicators.find((row) => row.code === code && row.indicator === indicator && row.vintage === vintage)?.value;
const area = (dataset: AccessDataset, name: string, indicator: string, vintage: number) =>
	dataset.areas.find((row) => row.area === name && row.indicator === indicator && row.vintage === vintage)?.value;

/** The DREES rule computed independently from the fixture's rows (its own codes, every commune). */
function reference(codes: (code: string) => boolean, vintage: 2022 | 2023, under65 = false) {
	return summarise(
		COMMUNES.filter(([code]) => codes(code)).map(([, , , a, b]) => {
			const [apl, young, std, pop] = (vintage === 2022 ? a : b) as [number, number, number, number];
			return { apl: under65 ? young : apl, standardisedPopulation: std, population: pop };
		}),
	);
}

describe('COG matching', () => {
	it('maps a code to itself, a former commune to the commune it merged into, and an unknown code to nothing', () => {
		expect(currentCode('24311')).toBe('24311');
		expect(currentCode('16147')).toBe('16198');
		expect(currentCode('75101')).toBe('75101');
		expect(currentCode('16238')).toBeUndefined();
	});
});

describe('readNationalData on the DREES workbook', async () => {
	const dataset = await readNationalData(folder({ workbook: GOOD }), { territories: TERRITORY });
	const commune = (code: string) => dataset.communes.find((c) => c.code === code);

	it('keeps the territory and the communes within 35 km across department borders, in every boundary layout', () => {
		// 16198 (Charente, COG 2024 layout) is 33.5 km from Nontron, 87187 (Haute-Vienne, geo.api layout) 34.7 km
		// from Abjat; Bergerac (77 km), Angoulême (44 km) and Saint-Junien (45 km) are outside.
		expect(dataset.communes.map((c) => c.code)).toEqual(['16198', '24001', '24311', '87187']);
		expect(dataset.vintages).toEqual([2022, 2023]);
		expect(commune('87187')?.geometrySource).toMatch(/geo\.api\.gouv\.fr/);
		expect(commune('24311')?.geometrySource).toMatch(/COG 2024/);
	});

	it('takes names, departments and populations from the COG tables, and the exact DREES values', () => {
		expect(commune('24311')).toMatchObject({
			name: 'Nontron',
			department: '24',
			population: 3057,
			populationYear: 2023,
			populationSource: 'Insee, populations légales 2023 (population municipale)',
		});
		expect(commune('24311')?.lon).toBeCloseTo(0.684, 3);
		expect(value(dataset, '24311', 'apl_gp', 2022)).toBe(3.039);
		expect(value(dataset, '24311', 'apl_gp_under_65', 2023)).toBe(2.306);
		expect(value(dataset, '24311', 'standardised_population', 2023)).toBe(3462.7);
		expect(value(dataset, '24311', 'population', 2023)).toBe(3041);
	});

	it('imports the ≤ 62 and ≤ 60 columns where a sheet has them', () => {
		expect(value(dataset, '24311', 'apl_gp_62_or_less', 2023)).toBe(under62(2.306));
		expect(value(dataset, '24311', 'apl_gp_60_or_less', 2023)).toBe(under60(2.306));
		expect(value(dataset, '24311', 'apl_gp_62_or_less', 2022)).toBeUndefined();
		expect(area(dataset, 'FR', 'apl_gp_62_or_less', 2023)).toBeGreaterThan(0);
	});

	it('combines the former communes of a commune nouvelle with the DREES rule and joins their boundaries', () => {
		const apl = (1.866 * 461.137 + 2.332 * 266.549) / (461.137 + 266.549);
		expect(value(dataset, '16198', 'apl_gp', 2022)).toBeCloseTo(apl, 3);
		expect(value(dataset, '16198', 'population', 2022)).toBe(459 + 259);
		expect(commune('16198')?.geometry?.type).toBe('MultiPolygon');
		expect(
			dataset.notes.some((note) => note.includes('16198: APL 2022 combines the former communes 16147, 16198')),
		).toBe(true);
	});

	it('reports codes the COG tables cannot match instead of dropping them silently', () => {
		expect(dataset.skipped.filter((skip) => skip.code === '16238').map((skip) => skip.reason)).toEqual([
			expect.stringContaining('APL 2022: code unknown to the COG tables'),
			expect.stringContaining('APL 2023: code unknown to the COG tables'),
		]);
	});

	it('computes France and the departments from every commune of the national file, not the selection', () => {
		for (const vintage of [2022, 2023] as const) {
			const france = reference(() => true, vintage);
			expect(area(dataset, 'FR', 'apl_gp', vintage)).toBeCloseTo(france.apl ?? 0, 9);
			expect(area(dataset, 'FR', 'population_under_2_5_share', vintage)).toBeCloseTo(france.shareUnderServed ?? 0, 9);
			const young = reference(() => true, vintage, true);
			expect(area(dataset, 'FR', 'apl_gp_under_65', vintage)).toBeCloseTo(young.apl ?? 0, 9);
			// Charente with Angoulême and Moutonneau, which are not in the selection.
			const charente = reference((code) => code.startsWith('16'), vintage);
			expect(area(dataset, 'D16', 'apl_gp', vintage)).toBeCloseTo(charente.apl ?? 0, 9);
		}
		expect(dataset.areas.find((row) => row.area === 'FR')?.communes).toBe(COMMUNES.length);
	});
});

describe('readNationalData on the national CSV and for all France', () => {
	it('reads the CSV form to the same figures as the workbook', async () => {
		const fromCsv = await readNationalData(folder({ csv: true }), { territories: TERRITORY });
		const fromWorkbook = await readNationalData(folder({ workbook: GOOD }), { territories: TERRITORY });
		const strip = (dataset: AccessDataset) =>
			dataset.indicators
				.filter((row) => !row.indicator.includes('_or_less'))
				.map(({ code, indicator, vintage, value }) => ({ code, indicator, vintage, value }));
		expect(strip(fromCsv)).toEqual(strip(fromWorkbook));
		expect(fromCsv.files[0]?.kind).toBe('DREES APL CSV (national)');
	});

	it('keeps every matched commune with --all', async () => {
		const dataset = await readNationalData(folder({ workbook: GOOD }), { territories: [], all: true });
		expect(dataset.communes.map((c) => c.code)).toEqual([
			'16015',
			'16198',
			'24001',
			'24037',
			'24311',
			'87154',
			'87187',
		]);
	});
});

describe('bad national inputs', () => {
	const cases: [string, () => string, RegExp][] = [
		[
			'a workbook with a missing sheet',
			() => folder({ workbook: 'workbooks/apl-missing-sheet.xlsx' }),
			/la feuille « APL 2023 » manque/,
		],
		[
			'a workbook with a renamed column',
			() => folder({ workbook: 'workbooks/apl-renamed-column.xlsx' }),
			/feuille « APL 2023 » : colonne « Population totale AAAA » introuvable dans l’en-tête \(ligne 9\)/,
		],
		[
			'a truncated GeoJSON',
			() => folder({ workbook: GOOD, truncated: true }),
			/dep24\.geojson : fichier de contours illisible/,
		],
	];
	for (const [name, make, message] of cases) {
		it(`rejects ${name} with a French message`, async () => {
			const error = await readNationalData(make(), { territories: TERRITORY }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NationalDataError);
			expect((error as Error).message).toMatch(message);
			expect((error as Error).message).toMatch(/Rien n’a été importé/);
		});
	}

	it('rejects an empty selection', async () => {
		await expect(
			readNationalData(folder({ workbook: GOOD }), { territories: [{ id: 'x', name: 'X', communes: [] }] }),
		).rejects.toThrow(/Aucune commune à importer/);
	});
});

describe('loading national data and the snapshot into a fresh database', () => {
	let db: PGlite;
	let port: DataPort;
	const count = () => accessRowCounts(db);

	let served: Awaited<ReturnType<typeof servedMigratedPGlite>>;
	beforeAll(async () => {
		served = await servedMigratedPGlite();
		({ db, port } = served);
	}, 60_000);

	afterAll(() => served?.close());

	it('stores the ≤ 62 / ≤ 60 indicators, and a bad workbook changes nothing', async () => {
		const dataset = await readNationalData(folder({ workbook: GOOD }), { territories: TERRITORY });
		await loadAccessData(port, dataset, TERRITORY);
		const before = await count();
		expect(before?.indicators).toBe(dataset.indicators.length);
		const stored = await db.query<{ value: string }>(
			"select value::text from public.indicators where commune_code = '24311' and indicator = 'apl_gp_60_or_less' and vintage = 2023",
		);
		expect(Number(stored.rows[0]?.value)).toBe(under60(2.306));
		// The map and its spreadsheet show them as extra retirement-risk variants.
		const map = toAccessMap(await port.callRpc('access_map', { p_territory: 'nontronnais' }, ANON));
		const nontron = map.features.find((f) => f.properties.code === '24311')?.properties;
		expect(nontron?.apl60OrLess).toBe(under60(2.306));
		expect(nontron?.apl62OrLess).toBe(under62(2.306));
		const header = accessMapCsv(map).split('\r\n')[0] ?? '';
		expect(header).toContain('APL médecins de 62 ans ou moins 2023');
		expect(header).toContain('APL médecins de 60 ans ou moins 2023');
		await expect(importDataFolder(folder({ workbook: 'workbooks/apl-renamed-column.xlsx' }), port)).rejects.toThrow(
			NationalDataError,
		);
		expect(await count()).toEqual(before);
	});

	it('shows both pilot maps from the snapshot kept in the repository', async () => {
		const snapshot = readSnapshot();
		expect(snapshot?.territories).toEqual(['nontronnais', 'porcien-thierache']);
		await db.exec(
			'truncate public.indicators, public.area_indicators; update public.communes set territory_id = null; delete from public.communes',
		);
		const loaded = await loadSnapshot(port);
		expect(loaded?.missing).toEqual([]);
		for (const territory of readContentMirror().territories) {
			const map = await port.callRpc<{
				aplYear: number;
				communes: { code: string; inTerritory: boolean; apl: number | null; geometry: unknown }[];
				areas: { area: string; indicator: string; vintage: number; value: number }[];
			}>('access_map', { p_territory: territory.id }, ANON);
			const members = map.communes.filter((c) => c.inTerritory);
			expect(members.map((c) => c.code).sort()).toEqual([...territory.communes].sort());
			expect(members.every((c) => c.apl != null && c.geometry != null)).toBe(true);
			expect(map.communes.length).toBeGreaterThan(members.length);
			expect(map.aplYear).toBe(2023);
			const france = map.areas.find((a) => a.area === 'FR' && a.indicator === 'apl_gp' && a.vintage === 2023);
			expect(Number(france?.value).toFixed(3)).toBe('3.745');
		}
	});
});

describe('npm run data:download against a local server', () => {
	let server: Server;
	let base: string;
	const served = new Map<string, { status: number; body: Buffer | string }>();

	beforeAll(async () => {
		served.set(DREES_WORKBOOK_PATH, { status: 200, body: readFileSync(join(FIXTURES, GOOD)) });
		served.set('/departements/87/communes', {
			status: 200,
			body: geoApiBoundaries('87'),
		});
		server = createServer((request, response) => {
			const path = (request.url ?? '').split('?')[0] ?? '';
			const answer = served.get(path) ?? { status: 404, body: 'not found' };
			response.writeHead(answer.status).end(answer.body);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	it('writes the workbook and the boundaries, which the national reader then finds', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'download-'));
		temporary.push(dir);
		const written = await downloadOpenData({ dir, departments: ['87'], dreesBase: base, geoApiBase: base });
		expect(written).toEqual([join(dir, WORKBOOK_FILE), join(dir, BOUNDARIES_FOLDER, 'communes-87.geojson')]);
		expect(readFileSync(join(dir, WORKBOOK_FILE))).toEqual(readFileSync(join(FIXTURES, GOOD)));
		const sources = findNationalSources(dir);
		expect(sources?.apl.kind).toBe('xlsx');
		expect([...(sources?.boundaries.keys() ?? [])]).toEqual(['87']);
	});

	it('says in French which file failed, and leaves the previous file in place', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'download-'));
		temporary.push(dir);
		writeFileSync(join(dir, WORKBOOK_FILE), 'previous');
		await expect(
			downloadOpenData({ dir, departments: ['24'], dreesBase: `${base}/missing`, geoApiBase: base }),
		).rejects.toThrow(/Téléchargement impossible de l’APL de la DREES \(.*\) : le serveur a répondu 404/);
		expect(readFileSync(join(dir, WORKBOOK_FILE), 'utf8')).toBe('previous');

		served.set('/departements/24/communes', { status: 200, body: '{"type":"FeatureCollection","features":[{"type":' });
		await expect(downloadOpenData({ dir, departments: ['24'], dreesBase: base, geoApiBase: base })).rejects.toThrow(
			/contours des communes du département 24 .* incomplets ou illisibles/,
		);
		expect(existsSync(join(dir, BOUNDARIES_FOLDER, 'communes-24.geojson'))).toBe(false);
		expect(readdirSync(dir).filter((name) => name.endsWith('.part'))).toEqual([]);
	});
});
