import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRowCounts, servedMigratedPGlite } from '../../../test/db/pglite.ts';
import { ANON, DatabaseError, type DataPort, SERVICE } from '../db/port.ts';
import { type AccessDataset, formatReport, loadAccessData, type Perimeter, readAccessData } from './importer.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/access-data');
const FIXTURES_2024 = join(import.meta.dirname, '../../../test/fixtures/access-data-2024');
const APL = 'apl_mg_drees_fixture_2022_2023.csv';
const POPULATIONS = 'communes_cog2026_pop2023_fixture.csv';
const POINTS = 'commune_points_fixture.csv';
const SHAPES_24 = 'communes_24_fixture_ign2018.geojson';
const SHAPES_16 = 'communes-16-geoapi.geojson';

const MEMBERS = ['24311', '24102', '24200', '24500'];
// D_j rows: the 4 members and their 3 neighbours within 20 minutes, for 2022 (7) and 2023 (6: 24500 has no 2023 row).
const DEMAND_ROWS = 13;
const nontronnais = (communes = MEMBERS): Perimeter[] => [{ id: 'nontronnais', name: 'Nontronnais', communes }];

const value = (dataset: AccessDataset, code: string, indicator: string, vintage: number) =>
	dataset.indicators.find((row) => row.code === code && row.indicator === indicator && row.vintage === vintage)?.value;

describe('readAccessData on the fixture folder', () => {
	const dataset = readAccessData(FIXTURES);
	const commune = (code: string) => dataset.communes.find((c) => c.code === code);

	it('reads every file in its layout', () => {
		expect(dataset.files).toEqual([
			{ file: APL, kind: 'DREES APL', rows: 10 },
			{ file: POINTS, kind: 'commune points', rows: 7 },
			{ file: POPULATIONS, kind: 'Insee populations', rows: 5 },
			{ file: SHAPES_16, kind: 'commune boundaries', rows: 2 },
			{ file: SHAPES_24, kind: 'commune boundaries', rows: 6 },
		]);
		expect(dataset.vintages).toEqual([2022, 2023]);
		expect(dataset.notes).toEqual([]);
	});

	it('loads the good rows with their exact values', () => {
		expect(dataset.communes.map((c) => c.code)).toEqual([
			'24311',
			'24102',
			'24200',
			'24500',
			'24300',
			'24400',
			'24600',
			'24700',
			'16200',
			'16300',
		]);
		// 10 communes × 4 indicators for 2022, 7 communes × 4 for 2023 (24500, 24600 and 24700 lack a valid 2023).
		expect(dataset.indicators).toHaveLength(68);
		expect(dataset.indicators.filter((row) => row.code === '24311')).toEqual([
			{
				code: '24311',
				indicator: 'apl_gp',
				vintage: 2022,
				value: 4,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2022',
			},
			{
				code: '24311',
				indicator: 'apl_gp_under_65',
				vintage: 2022,
				value: 3.6,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2022',
			},
			{
				code: '24311',
				indicator: 'standardised_population',
				vintage: 2022,
				value: 2950,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2022',
			},
			{
				code: '24311',
				indicator: 'population',
				vintage: 2022,
				value: 3250,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2022',
			},
			{
				code: '24311',
				indicator: 'apl_gp',
				vintage: 2023,
				value: 4.2,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
			},
			{
				code: '24311',
				indicator: 'apl_gp_under_65',
				vintage: 2023,
				value: 2.1,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
			},
			{
				code: '24311',
				indicator: 'standardised_population',
				vintage: 2023,
				value: 3000,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
			},
			{
				code: '24311',
				indicator: 'population',
				vintage: 2023,
				value: 3200,
				source: 'DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
			},
		]);
		// The duplicate row of 24102 (9.9 everywhere) is ignored: the first occurrence is kept.
		expect(value(dataset, '24102', 'apl_gp', 2023)).toBe(2.0);
		expect(value(dataset, '24102', 'apl_gp_under_65', 2023)).toBe(1.2);
		expect(value(dataset, '24102', 'apl_gp', 2022)).toBe(2.2);
		// A row whose 2023 cells are bad keeps its valid 2022 values.
		expect(value(dataset, '24500', 'apl_gp', 2022)).toBe(1.8);
		expect(value(dataset, '24500', 'apl_gp', 2023)).toBeUndefined();
		expect(value(dataset, '24600', 'apl_gp', 2022)).toBe(3.1);
		expect(value(dataset, '24600', 'apl_gp_under_65', 2023)).toBeUndefined();
		expect(value(dataset, '24700', 'apl_gp', 2023)).toBeUndefined();
		expect(value(dataset, '16300', 'population', 2023)).toBe(182);
	});

	it('takes the INSEE name and legal population, else the population DREES used', () => {
		expect(commune('24102')).toMatchObject({
			name: 'Saint-Front-sur-Nizonne',
			department: '24',
			population: 880,
			populationYear: 2023,
			populationSource: 'Insee, populations légales 2023 (population municipale)',
		});
		// 24200's INSEE population (1083.5) is not a whole number: the DREES population of 2021 is the
		// fallback, which SQL uses only where no population is stored.
		expect(commune('24200')).toMatchObject({
			name: 'Javerlhac',
			population: null,
			fallbackPopulation: 1100,
			fallbackYear: 2021,
			fallbackSource: 'Insee, population 2021 retenue par la DREES pour l’APL 2023',
		});
		expect(commune('16200')).toMatchObject({
			name: 'Montbron',
			department: '16',
			fallbackPopulation: 2160,
			fallbackYear: 2021,
		});
		// Neither an INSEE population nor a valid 2023 row: no population at all.
		expect(commune('24600')).toMatchObject({ population: null, fallbackPopulation: null, fallbackSource: null });
	});

	it('reports every bad row with its file, line, code and reason', () => {
		expect(dataset.skipped).toEqual([
			{
				file: APL,
				line: 5,
				code: '24500',
				reason:
					'vintage 2023 skipped: apl_gp missing, apl_gp_under_65 missing, standardised_population missing, population missing',
			},
			{ file: APL, line: 6, code: '2431', reason: 'invalid commune code' },
			{ file: APL, line: 9, code: '24600', reason: 'vintage 2023 skipped: apl_gp not a valid value' },
			{ file: APL, line: 10, code: '24700', reason: 'vintage 2023 skipped: APL under 65 exceeds APL' },
			{ file: APL, line: 13, code: '24102', reason: 'vintage 2022 already read (first occurrence kept)' },
			{ file: APL, line: 13, code: '24102', reason: 'vintage 2023 already read (first occurrence kept)' },
			{ file: POINTS, line: 9, code: '24700', reason: 'lon/lat missing or out of range' },
			// 87001 is not reported: points cover neighbouring departments that the APL files do not.
			{ file: POINTS, line: 10, code: '24998', reason: 'unknown commune code (not in the APL files)' },
			{ file: POPULATIONS, line: 4, code: '24200', reason: 'pop_municipale_2023 missing or not a whole number' },
			{ file: POPULATIONS, line: 8, code: '24999', reason: 'unknown commune code (not in the APL files)' },
			{ file: SHAPES_24, line: 7, code: '24997', reason: 'unknown commune code (not in the APL files)' },
		]);
		const report = formatReport(dataset);
		expect(report).toContain('Skipped (11):');
		expect(report).toContain(`  ${APL}, line 6, code 2431: invalid commune code`);
	});

	it('reads the shared boundary layout and the geo.api.gouv.fr layout (polygons and points)', () => {
		expect(commune('24311')).toMatchObject({
			geometry: {
				type: 'Polygon',
				coordinates: [
					[
						[0.65, 45.52],
						[0.67, 45.52],
						[0.67, 45.54],
						[0.65, 45.54],
						[0.65, 45.52],
					],
				],
			},
			geometrySource: 'IGN, Admin Express COG 2018, contours simplifiés',
			lon: 0.66,
			lat: 45.53,
		});
		expect(commune('16200')?.geometry?.type).toBe('MultiPolygon');
		expect(commune('16200')?.geometry?.coordinates).toHaveLength(2);
		expect(commune('16200')?.geometrySource).toBe('geo.api.gouv.fr (IGN, Admin Express), contours simplifiés');
		// A Point feature gives the representative point, not a boundary.
		expect(commune('16300')).toMatchObject({ geometry: null, geometrySource: null, lon: 0.52, lat: 45.58 });
		expect(commune('24600')).toMatchObject({ geometry: null, lon: null, lat: null });
	});

	it('computes department references with the DREES rule, and no France reference from two departments', () => {
		const area = (code: string, indicator: string, vintage: number) =>
			dataset.areas.find((row) => row.area === code && row.indicator === indicator && row.vintage === vintage);
		// D24, 2023: (4.2·3000 + 2.0·1000 + 3.0·1000 + 5.1·700 + 1.5·4100) / 9800 = 27320 / 9800;
		// under 2.5: 24102 (900) and 24400 (3950) of 9800 people.
		expect(area('D24', 'apl_gp', 2023)?.value).toBeCloseTo(27320 / 9800, 12);
		expect(area('D24', 'apl_gp', 2023)?.communes).toBe(5);
		expect(area('D24', 'population_under_2_5_share', 2023)?.value).toBeCloseTo(4850 / 9800, 12);
		// D16, 2023: (2.4·2120 + 3.3·190) / 2310; under 2.5: 16200 (2160) of 2342 people.
		expect(area('D16', 'apl_gp', 2023)?.value).toBeCloseTo(5715 / 2310, 12);
		expect(area('D16', 'population_under_2_5_share', 2023)?.value).toBeCloseTo(2160 / 2342, 12);
		expect(area('D24', 'apl_gp', 2022)?.communes).toBe(8);
		expect(dataset.areas).toHaveLength(16);
		expect(dataset.areas.some((row) => row.area === 'FR')).toBe(false);
	});

	it('reports a column of an impossible vintage and reads the valid one beside it', () => {
		const later = readAccessData(FIXTURES_2024);
		expect(later.vintages).toEqual([2024]);
		expect(later.skipped).toEqual([
			{
				file: 'apl_mg_drees_fixture_2024.csv',
				reason: `vintage 2099 is outside 2012–${new Date().getFullYear()}: column apl_mg_2099 ignored`,
			},
		]);
		expect(later.indicators).toHaveLength(12);
		expect(later.indicators.every((row) => row.vintage === 2024)).toBe(true);
		expect(value(later, '24311', 'apl_gp', 2024)).toBe(4.4);
		expect(value(later, '24311', 'standardised_population', 2024)).toBe(3010);
		expect(value(later, '24400', 'population', 2024)).toBe(3940);
	});
});

describe('loadAccessData into PGlite', () => {
	let db: PGlite;
	let port: DataPort;
	const dataset = readAccessData(FIXTURES);

	const counts = () => accessRowCounts(db);
	const snapshot = async (vintages: number[]) => ({
		indicators: (
			await db.query(
				`select commune_code, indicator, vintage, value::text, source from public.indicators
				 where vintage = any($1::smallint[]) order by 1, 2, 3`,
				[vintages],
			)
		).rows,
		areas: (
			await db.query(
				`select area, indicator, vintage, value::text, communes, source from public.area_indicators
				 where vintage = any($1::smallint[]) order by 1, 2, 3`,
				[vintages],
			)
		).rows,
		communes: (
			await db.query<Record<string, unknown>>(
				`select code, name, territory_id, population, population_year, population_source, geometry, point_lon,
				        point_lat, updated_at
				 from public.communes order by code`,
			)
		).rows,
	});
	const territoryOf = async (code: string) =>
		(
			await db.query<{ territory_id: string | null }>('select territory_id from public.communes where code = $1', [
				code,
			])
		).rows[0]?.territory_id;

	let served: Awaited<ReturnType<typeof servedMigratedPGlite>>;
	beforeAll(async () => {
		served = await servedMigratedPGlite();
		({ db, port } = served);
	}, 60_000);

	afterAll(() => served?.close());

	// The tests below run in order on one database: each starts from the state the previous one left.

	it('inserts everything on the first run and sets the perimeter', async () => {
		const result = await loadAccessData(port, dataset, nontronnais());
		expect(result).toEqual({
			communes: { inserted: 10, updated: 0, unchanged: 0 },
			indicators: { inserted: 68, updated: 0, unchanged: 0 },
			// D_j for the 2 vintages of the perimeter's communes and their neighbours within 20 minutes.
			demand: { inserted: DEMAND_ROWS, updated: 0, unchanged: 0 },
			areas: { inserted: 16, updated: 0, unchanged: 0 },
			perimeters: { joined: 4, released: 0, missing: [] },
		});
		expect(await counts()).toEqual({ communes: 10, indicators: 68, areas: 16 });
		const { rows } = await db.query(
			`select code, name, department, territory_id, population, population_year, point_lon, point_lat,
			        geometry ->> 'type' as shape, geometry_source
			 from public.communes where code in ('24311', '16300', '24400') order by code`,
		);
		expect(rows).toEqual([
			{
				code: '16300',
				name: 'Rouzède',
				department: '16',
				territory_id: null,
				population: 182,
				population_year: 2021,
				point_lon: 0.52,
				point_lat: 45.58,
				shape: null,
				geometry_source: null,
			},
			{
				code: '24311',
				name: 'Nontron',
				department: '24',
				territory_id: 'nontronnais',
				population: 3105,
				population_year: 2023,
				point_lon: 0.66,
				point_lat: 45.53,
				shape: 'Polygon',
				geometry_source: 'IGN, Admin Express COG 2018, contours simplifiés',
			},
			{
				code: '24400',
				name: 'Ribérac',
				department: '24',
				territory_id: null,
				population: 3890,
				population_year: 2023,
				point_lon: 0.66,
				point_lat: 45.15,
				shape: 'Polygon',
				geometry_source: 'IGN, Admin Express COG 2018, contours simplifiés',
			},
		]);
		const stored = await db.query<{ value: string }>(
			`select value::text from public.indicators where commune_code = '24311' and indicator = 'apl_gp_under_65' and vintage = 2023`,
		);
		expect(stored.rows).toEqual([{ value: '2.1' }]);
	});

	it('changes nothing when the same folder is imported again', async () => {
		const before = await snapshot([2022, 2023]);
		const result = await loadAccessData(port, readAccessData(FIXTURES), nontronnais());
		expect(result).toEqual({
			communes: { inserted: 0, updated: 0, unchanged: 10 },
			indicators: { inserted: 0, updated: 0, unchanged: 68 },
			demand: { inserted: 0, updated: 0, unchanged: DEMAND_ROWS },
			areas: { inserted: 0, updated: 0, unchanged: 16 },
			perimeters: { joined: 0, released: 0, missing: [] },
		});
		expect(await counts()).toEqual({ communes: 10, indicators: 68, areas: 16 });
		// Not even updated_at moved.
		expect(await snapshot([2022, 2023])).toEqual(before);
	});

	it('adds rows for a new vintage only and leaves the 2022 and 2023 rows untouched', async () => {
		const before = await snapshot([2022, 2023]);
		const result = await loadAccessData(port, readAccessData(FIXTURES_2024), []);
		// Only the fallback (DREES) population changes with a vintage: it never replaces a stored one.
		expect(result.communes).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
		expect(result.indicators).toEqual({ inserted: 12, updated: 0, unchanged: 0 });
		expect(result.areas).toEqual({ inserted: 4, updated: 0, unchanged: 0 });
		expect(await counts()).toEqual({ communes: 10, indicators: 80, areas: 20 });
		const after = await snapshot([2022, 2023]);
		expect(after.indicators).toEqual(before.indicators);
		expect(after.areas).toEqual(before.areas);
		// Attributes the 2024 folder does not give (population, boundary, point, perimeter) keep their stored values.
		const strip = (rows: Record<string, unknown>[]) =>
			rows.map(
				({ code, population, population_year, population_source, geometry, point_lon, point_lat, territory_id }) => ({
					code,
					population,
					population_year,
					population_source,
					geometry,
					point_lon,
					point_lat,
					territory_id,
				}),
			);
		expect(strip(after.communes)).toEqual(strip(before.communes));
		const added = await db.query(
			`select commune_code, indicator, value::text from public.indicators where vintage = 2024 and commune_code = '24311' order by indicator`,
		);
		expect(added.rows).toEqual([
			{ commune_code: '24311', indicator: 'apl_gp', value: '4.4' },
			{ commune_code: '24311', indicator: 'apl_gp_under_65', value: '2' },
			{ commune_code: '24311', indicator: 'population', value: '3190' },
			{ commune_code: '24311', indicator: 'standardised_population', value: '3010' },
		]);
	});

	it('returns the perimeter codes the files do not know in missing', async () => {
		const result = await loadAccessData(port, dataset, nontronnais([...MEMBERS, '24999']));
		expect(result.perimeters).toEqual({ joined: 0, released: 0, missing: ['24999'] });
		expect(await counts()).toEqual({ communes: 10, indicators: 80, areas: 20 });
	});

	it('releases a commune moved out of the perimeter, and takes it back', async () => {
		const out = await loadAccessData(port, dataset, nontronnais(['24311', '24102', '24200']));
		expect(out.perimeters).toEqual({ joined: 0, released: 1, missing: [] });
		expect(await territoryOf('24500')).toBeNull();
		expect(await territoryOf('24311')).toBe('nontronnais');
		const back = await loadAccessData(port, dataset, nontronnais());
		expect(back.perimeters).toEqual({ joined: 1, released: 0, missing: [] });
		expect(await territoryOf('24500')).toBe('nontronnais');
	});

	it('refuses import_access_data to the anon role', async () => {
		const error = await port.callRpc('import_access_data', { p_communes: dataset.communes.slice(0, 1) }, ANON).then(
			() => undefined,
			(failure: unknown) => failure,
		);
		expect(error).toBeInstanceOf(DatabaseError);
		expect(error).toMatchObject({ kind: 'forbidden', sqlState: '42501' });
		await expect(loadAccessData(port, dataset, nontronnais(), ANON)).rejects.toMatchObject({ kind: 'forbidden' });
		// The service role may: the same call succeeds and changes nothing.
		const allowed = await port.callRpc('import_access_data', { p_communes: dataset.communes.slice(0, 1) }, SERVICE);
		expect(allowed).toMatchObject({ communes: { inserted: 0, updated: 0, unchanged: 1 } });
	});
});
