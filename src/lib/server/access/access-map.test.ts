import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as mapConfig } from '../../../../netlify/functions/access-map.mts';
import { config as csvConfig } from '../../../../netlify/functions/access-map-csv.mts';
import { createMigratedPGlite } from '../../../test/db/pglite.ts';
import { pgliteTarget } from '../../../test/db/targets.ts';
import { startApiSite } from '../../../test/http/api-site.ts';
import { readContentMirror } from '../db/content-mirror.ts';
import { servePGlite } from '../db/pglite-server.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import {
	type AccessCommune,
	type AccessMap,
	createAccessMapCsvHandler,
	createAccessMapHandler,
	MAP_FRESH_MS,
	MAP_STALE_MS,
	readAccessMap,
} from './access-map.ts';
import { loadAccessData, readAccessData, resolveDataDir } from './importer.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/access-data');
const PROJECT_ROOT = join(import.meta.dirname, '../../../..');

const startSite = () =>
	startApiSite(pgliteTarget, (port) => [
		{ config: mapConfig, handler: createAccessMapHandler(port) },
		{ config: csvConfig, handler: createAccessMapCsvHandler(port) },
	]);

type Site = Awaited<ReturnType<typeof startSite>>;

const REQUIRED = ['code', 'name', 'population', 'apl', 'aplUnder65', 'aplYear', 'inTerritory'] as const;

describe('GET /api/access-map on the fixtures', () => {
	let site: Site;
	let response: Response;
	let map: AccessMap;
	const feature = (code: string) => map.features.find((f) => f.properties.code === code);
	const get = (query: string, headers: Record<string, string> = {}) =>
		fetch(`${site.url}/api/access-map${query}`, { headers });

	beforeAll(async () => {
		site = await startSite();
		await loadAccessData(site.port(), readAccessData(FIXTURES), [
			{ id: 'nontronnais', name: 'Nontronnais', communes: ['24311', '24102', '24200', '24500'] },
		]);
		response = await get('?territory=nontronnais');
		map = await response.clone().json();
	}, 60_000);

	afterAll(async () => {
		await site?.stop();
	});

	it('answers a GeoJSON FeatureCollection', () => {
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
		expect(map.type).toBe('FeatureCollection');
		expect(map.territory).toEqual({ id: 'nontronnais', name: 'Nontronnais' });
		expect(map).toMatchObject({ aplYear: 2023, previousYear: 2022 });
		for (const item of map.features) {
			expect(item.type).toBe('Feature');
			expect(item.id).toBe(item.properties.code);
			for (const key of REQUIRED) expect(item.properties).toHaveProperty(key);
		}
	});

	it('serves the territory first, then the ring within 16.5 km, and not the far commune', () => {
		// Territory: 24102, 24200, 24311, 24500. Ring: 16200 (9.9 km), 16300 (11.0 km), 24300 (10.0 km).
		// Not served: 24400 (about 39 km away), 24600 and 24700 (no point at all).
		expect(map.features.map((f) => [f.properties.code, f.properties.inTerritory])).toEqual([
			['24102', true],
			['24200', true],
			['24311', true],
			['24500', true],
			['16200', false],
			['16300', false],
			['24300', false],
		]);
		expect(feature('24400')).toBeUndefined();
	});

	it('gives each commune its figures, with the derived share, trend and age-need index', () => {
		expect(feature('24311')?.properties).toEqual({
			code: '24311',
			name: 'Nontron',
			department: '24',
			inTerritory: true,
			population: 3105,
			populationYear: 2023,
			apl: 4.2,
			aplUnder65: 2.1,
			aplYear: 2023,
			aplPrevious: 4,
			aplUnder65Previous: 3.6,
			previousYear: 2022,
			aplTrend: 0.2,
			aplUnder65Trend: -1.5,
			share65: 0.5,
			ageNeedIndex: 0.938,
			standardisedPopulation: 3000,
			aplPopulation: 3200,
			demand: feature('24311')?.properties.demand ?? null,
			apl62OrLess: null,
			apl60OrLess: null,
			gpsRpps: null,
			gpsRppsSource: null,
			point: [0.66, 45.53],
			hasBoundary: true,
		} satisfies AccessCommune);
		for (const { properties: c } of map.features) {
			if (c.apl != null && c.aplUnder65 != null) {
				expect(c.share65).toBeCloseTo(1 - c.aplUnder65 / c.apl, 3);
			}
		}
		expect(feature('24102')?.properties.share65).toBe(0.4);
		expect(feature('24200')?.properties.share65).toBe(0);
		// No valid 2023 row: no current figures, the 2022 ones are still shown.
		expect(feature('24500')?.properties).toMatchObject({
			apl: null,
			aplUnder65: null,
			aplYear: null,
			aplPrevious: 1.8,
			previousYear: 2022,
			aplTrend: null,
			share65: null,
			population: 372,
		});
	});

	it('gives each commune of the map its demand within 20 minutes (D_j), as an independent sum finds it', () => {
		const communes = map.features.map((f) => f.properties);
		const weight = (km: number) => {
			const minutes = km === 0 ? 0 : 0.64 + 1.17 * km;
			return minutes < 10 ? 1 : minutes < 15 ? 2 / 3 : minutes < 20 ? 1 / 3 : 0;
		};
		const radians = (degrees: number) => (degrees * Math.PI) / 180;
		const km = (a: [number, number], b: [number, number]) =>
			2 *
			6371 *
			Math.asin(
				Math.sqrt(
					Math.sin(radians(b[1] - a[1]) / 2) ** 2 +
						Math.cos(radians(a[1])) * Math.cos(radians(b[1])) * Math.sin(radians(b[0] - a[0]) / 2) ** 2,
				),
			);
		let checked = 0;
		for (const j of communes.filter((c) => c.inTerritory && c.point && c.standardisedPopulation != null)) {
			// Every commune within 20 minutes of a territory commune is on the map (the fixture's ring).
			const expected = communes
				.filter((k) => k.point && k.standardisedPopulation != null)
				.reduce((sum, k) => sum + weight(km(j.point!, k.point!)) * k.standardisedPopulation!, 0);
			expect(j.demand).toBeCloseTo(expected, 6);
			checked++;
		}
		expect(checked).toBeGreaterThan(0);
	});

	it('serves a boundary when the files give one, and the point otherwise', () => {
		expect(feature('24300')?.properties).toMatchObject({ inTerritory: false, apl: 5.1, hasBoundary: true });
		expect(feature('24300')?.geometry).toEqual({
			type: 'Polygon',
			coordinates: [
				[
					[0.65, 45.65],
					[0.67, 45.65],
					[0.67, 45.67],
					[0.65, 45.67],
					[0.65, 45.65],
				],
			],
		});
		expect(feature('16200')?.geometry?.type).toBe('MultiPolygon');
		expect(feature('16300')?.geometry).toEqual({ type: 'Point', coordinates: [0.52, 45.58] });
		expect(feature('16300')?.properties).toMatchObject({ department: '16', hasBoundary: false, apl: 3.3 });
	});

	it('summarises the territory with the DREES rule', () => {
		// 24500 has no 2023 figures and is left out. Weights are the standardised populations of 2021,
		// people are the populations DREES used (2021), not the INSEE legal populations:
		//   24311: APL 4.2, under 65 2.1, std 3000, pop 3200
		//   24102: APL 2.0, under 65 1.2, std 1000, pop  900
		//   24200: APL 3.0, under 65 3.0, std 1000, pop 1100
		// APL = (4.2·3000 + 2.0·1000 + 3.0·1000) / 5000 = 17600 / 5000 = 3.52
		//   under 2.5: 24102 → 900 of 5200 people = 17.3 %, 1 commune
		// APL under 65 = (2.1·3000 + 1.2·1000 + 3.0·1000) / 5000 = 10500 / 5000 = 2.1
		//   under 2.5: 24311 and 24102 → 4100 of 5200 people = 78.8 %, 2 communes
		expect(map.summary.all.apl).toBeCloseTo(3.52, 12);
		expect(map.summary.all).toMatchObject({
			populationUnderServed: 900,
			population: 5200,
			communes: 3,
			communesUnderServed: 1,
		});
		expect(map.summary.all.shareUnderServed).toBeCloseTo(900 / 5200, 12);
		expect(map.summary.under65.apl).toBeCloseTo(2.1, 12);
		expect(map.summary.under65).toMatchObject({
			populationUnderServed: 4100,
			population: 5200,
			communes: 3,
			communesUnderServed: 2,
		});
		expect(map.summary.under65.shareUnderServed).toBeCloseTo(4100 / 5200, 12);
	});

	it('gives the department references and the sources', () => {
		expect(map.references.map((r) => [r.code, r.name, r.communes])).toEqual([
			['D16', 'Charente', 2],
			['D24', 'Dordogne', 5],
		]);
		const d24 = map.references[1];
		// (4.2·3000 + 2.0·1000 + 3.0·1000 + 5.1·700 + 1.5·4100) / 9800; 4850 of 9800 people under 2.5.
		expect(d24?.apl).toBeCloseTo(27320 / 9800, 12);
		expect(d24?.shareUnderServed).toBe(0.4949);
		expect(d24?.aplPrevious).toBeCloseTo(29616 / 10840, 12);
		expect(map.references[0]?.apl).toBeCloseTo(5715 / 2310, 12);
		expect(map.sources.apl).toBe('DREES, SNIIR-AM, Insee, distancier Metric — APL 2023');
		expect(map.sources.population).toEqual([
			'Insee, population 2021 retenue par la DREES pour l’APL 2023',
			'Insee, populations légales 2023 (population municipale)',
		]);
		expect(map.sources.geometry).toEqual([
			'IGN, Admin Express COG 2018, contours simplifiés',
			'geo.api.gouv.fr (IGN, Admin Express), contours simplifiés',
		]);
	});

	it('answers 400 with a French field message when the territory is missing', async () => {
		for (const query of ['', '?territory=', '?other=nontronnais']) {
			const answer = await get(query);
			expect(answer.status).toBe(400);
			expect(await answer.json()).toEqual({
				error: {
					code: 'invalid_filter',
					message: 'Indiquez le territoire de la carte.',
					fields: {
						territory:
							'Choisissez un territoire : son identifiant figure à la fin de l’adresse de sa page sur le site.',
					},
				},
			});
		}
	});

	it('answers 404 in the French error shape for an unknown or malformed territory', async () => {
		for (const slug of ['inconnu', 'Nontronnais', '..%2Fnontronnais', 'x'.repeat(61), "nontronnais'--"]) {
			const answer = await get(`?territory=${slug}`);
			expect(answer.status).toBe(404);
			expect(answer.headers.get('cache-control')).toBe('no-store');
			expect(await answer.json()).toEqual({
				error: { code: 'territory_not_found', message: 'Ce territoire n’existe pas.' },
			});
		}
	});

	it('can be cached: Cache-Control, a stable ETag, and 304 with an empty body when it matches', async () => {
		expect(response.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
		const etag = response.headers.get('etag') ?? '';
		expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
		const again = await get('?territory=nontronnais');
		expect(again.headers.get('etag')).toBe(etag);
		expect(await again.text()).toBe(await response.clone().text());
		for (const ifNoneMatch of [etag, `W/${etag}`, `"something-else", W/${etag}`, '*']) {
			const cached = await get('?territory=nontronnais', { 'If-None-Match': ifNoneMatch });
			expect(cached.status).toBe(304);
			expect(cached.headers.get('etag')).toBe(etag);
			expect(await cached.text()).toBe('');
		}
		const stale = await get('?territory=nontronnais', { 'If-None-Match': '"something-else"' });
		expect(stale.status).toBe(200);
		expect((await stale.json()).features).toHaveLength(7);
	});

	it('serves the same communes as a French spreadsheet CSV', async () => {
		const answer = await fetch(`${site.url}/api/access-map.csv?territory=nontronnais`);
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(answer.headers.get('content-disposition')).toBe(
			'attachment; filename="acces-medecins-nontronnais-2023.csv"',
		);
		expect(answer.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
		const bytes = Buffer.from(await answer.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = bytes.toString('utf8').slice(1).split('\r\n');
		expect(lines.at(-1)).toBe('');
		expect(lines).toHaveLength(1 + map.features.length + 1);
		expect(lines[0]).toBe(
			[
				'Code commune (Insee)',
				'Commune',
				'Département',
				'Dans le territoire',
				'Population',
				'Année de la population',
				'APL 2023 (consultations par an et par habitant standardisé)',
				'Classe APL 2023',
				'APL moins de 65 ans 2023',
				'Part de l’offre assurée par des médecins de 65 ans ou plus 2023 (%)',
				'APL 2022',
				'Évolution 2022-2023',
				'Indice de besoin lié à l’âge',
				'Source',
			].join(';'),
		);
		expect(lines.slice(1, -1).map((line) => line.split(';')[0])).toEqual(map.features.map((f) => f.id));
		expect(lines).toContain(
			'24311;Nontron;Dordogne;oui;3105;2023;4,200;Mieux desservie (4 ou plus);2,100;50,0;4,000;0,200;0,938;DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
		);
		// 16300's trend (3.3 − 3.5) is checked in the known-defect test below.
		expect(lines.find((line) => line.startsWith('16300;'))?.split(';')).toEqual([
			'16300',
			'Rouzède',
			'Charente',
			'non',
			'182',
			'2021',
			'3,300',
			'Vigilance (de 2,5 à moins de 4)',
			'2,200',
			'33,3',
			'3,500',
			expect.any(String),
			'1,044',
			'DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
		]);
		expect(lines).toContain(
			'24500;Abjat;Dordogne;oui;372;2023;;;;;1,800;;;DREES, SNIIR-AM, Insee, distancier Metric — APL 2023',
		);
		const cached = await fetch(`${site.url}/api/access-map.csv?territory=nontronnais`, {
			headers: { 'If-None-Match': answer.headers.get('etag') ?? '' },
		});
		expect(cached.status).toBe(304);
		const missing = await fetch(`${site.url}/api/access-map.csv`);
		expect(missing.status).toBe(400);
	});

	// The formula guard of spreadsheetCsv must let a plain negative number through (it was text before).
	it('exports a falling trend as a plain negative number', async () => {
		const answer = await fetch(`${site.url}/api/access-map.csv?territory=nontronnais`);
		const row = (await answer.text()).split('\r\n').find((line) => line.startsWith('16300;'));
		expect(row?.split(';')[11]).toBe('-0,200');
	});
});

const dataDir = resolveDataDir(PROJECT_ROOT, undefined);

describe.runIf(dataDir !== undefined)('GET /api/access-map on the real open data (../shared/data)', () => {
	const dir = dataDir ?? '';
	let site: Site;
	const bodies = new Map<string, string>();
	const maps = new Map<string, AccessMap>();

	type Row = Record<string, string>;
	const readRows = (file: string): Row[] => parse(readFileSync(join(dir, file), 'utf8'), { columns: true, bom: true });
	/** The DREES file, read here independently of the importer. */
	const drees = new Map(
		dataDir
			? [
					...readRows('apl_mg_drees_2022_2023_dep24_08.csv'),
					...readRows('apl_mg_drees_2022_2023_neighbour_deps.csv'),
				].map((row) => [row.code_insee ?? '', row])
			: [],
	);
	const pilot = dataDir ? readRows('pilot_territories_communes_apl.csv') : [];
	const cell = (text: string | undefined) => (text == null || text.trim() === '' ? null : Number(text));

	beforeAll(async () => {
		site = await startSite();
		await loadAccessData(site.port(), readAccessData(dir), readContentMirror().territories);
		for (const territory of ['nontronnais', 'porcien-thierache']) {
			const answer = await fetch(`${site.url}/api/access-map?territory=${territory}`);
			expect(answer.status).toBe(200);
			const body = await answer.text();
			bodies.set(territory, body);
			maps.set(territory, JSON.parse(body));
		}
	}, 120_000);

	afterAll(async () => {
		await site?.stop();
	});

	it('keeps each territory under 70 KB gzipped', () => {
		for (const [territory, body] of bodies) {
			const gzipped = gzipSync(Buffer.from(body)).length;
			console.info(
				`access map ${territory}: ${maps.get(territory)?.features.length} communes, ${(body.length / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped`,
			);
			expect(gzipped).toBeLessThanOrEqual(70 * 1024);
		}
	});

	it('serves the 30 and 88 communes of the perimeters', () => {
		const inside = (territory: string) => maps.get(territory)?.features.filter((f) => f.properties.inTerritory) ?? [];
		expect(inside('nontronnais')).toHaveLength(30);
		expect(inside('porcien-thierache')).toHaveLength(88);
		for (const territory of ['nontronnais', 'porcien-thierache']) {
			expect(
				inside(territory)
					.map((f) => f.id)
					.sort(),
			).toEqual(
				pilot
					.filter((row) => row.territoire === territory)
					.map((row) => row.code_insee)
					.sort(),
			);
			expect(maps.get(territory)?.aplYear).toBe(2023);
			expect(maps.get(territory)?.previousYear).toBe(2022);
		}
	});

	it('gives every commune served exactly the APL values of the DREES file', () => {
		const mismatches: unknown[] = [];
		let checked = 0;
		for (const map of maps.values()) {
			for (const { properties: c } of map.features) {
				const row = drees.get(c.code);
				const served = { code: c.code, apl: c.apl, aplUnder65: c.aplUnder65, aplPrevious: c.aplPrevious };
				const expected = {
					code: c.code,
					apl: cell(row?.apl_mg_2023),
					aplUnder65: cell(row?.apl_mg_moins65_2023),
					aplPrevious: cell(row?.apl_mg_2022),
				};
				if (!row || JSON.stringify(served) !== JSON.stringify(expected)) mismatches.push({ served, expected });
				checked += 1;
			}
		}
		expect(mismatches).toEqual([]);
		expect(checked).toBeGreaterThan(118);
	});

	it('gives the 118 territory communes the retirement share of the helper table', () => {
		const byCode = new Map(pilot.map((row) => [row.code_insee, row]));
		let checked = 0;
		for (const map of maps.values()) {
			for (const { properties: c } of map.features.filter((f) => f.properties.inTerritory)) {
				const expected = cell(byCode.get(c.code)?.part_offre_medecins_65plus_2023);
				expect(expected, c.code).not.toBeNull();
				expect(c.share65, c.code).not.toBeNull();
				expect(Math.abs((c.share65 ?? Number.NaN) - (expected ?? Number.NaN)), c.code).toBeLessThanOrEqual(
					0.0005 + 1e-9,
				);
				checked += 1;
			}
		}
		expect(checked).toBe(118);
	});
});

describe('readAccessMap keeps the last complete map', () => {
	it('reads again once imported, shares simultaneous reads, and serves the kept map while the database is down', async () => {
		// A migrated database from the cached snapshot, served on loopback: stopping the server is the outage.
		const db = await createMigratedPGlite();
		await db.query('select public.sync_content($1::jsonb, $2::jsonb)', [
			JSON.stringify(readContentMirror().territories),
			'[]',
		]);
		const database = await servePGlite(db);
		const port = createPostgresAdapter({ url: database.url, database: 'pglite', max: 2, callTimeoutMs: 500 });
		let stopping: Promise<void> | undefined;
		let now = 1_000_000;
		const clock = () => now;
		try {
			// Before the import the map is empty: it is not kept, so the import shows at once.
			expect((await readAccessMap(port, 'nontronnais', clock)).features).toHaveLength(0);
			await loadAccessData(port, readAccessData(FIXTURES), [
				{ id: 'nontronnais', name: 'Nontronnais', communes: ['24311'] },
			]);
			const [first, second] = await Promise.all([
				readAccessMap(port, 'nontronnais', clock),
				readAccessMap(port, 'nontronnais', clock),
			]);
			expect(first.features.length).toBeGreaterThan(1);
			expect(second).toBe(first);
			expect(await readAccessMap(port, 'nontronnais', clock)).toBe(first);

			// The database stops: past its minute of freshness, the kept map stands in for a 503…
			// stop() drops the connections and the listener at once; it resolves only when the pool has
			// closed its sockets, which the finally block does.
			stopping = database.stop();
			now += MAP_FRESH_MS + 1;
			expect(await readAccessMap(port, 'nontronnais', clock)).toBe(first);
			// …for a day at most; a territory never read still fails as unavailable.
			await expect(readAccessMap(port, 'porcien-thierache', clock)).rejects.toMatchObject({ kind: 'unavailable' });
			now += MAP_STALE_MS;
			await expect(readAccessMap(port, 'nontronnais', clock)).rejects.toMatchObject({ kind: 'unavailable' });
		} finally {
			await port.close();
			await (stopping ?? database.stop()).catch(() => {});
			await db.close();
		}
	}, 60_000);
});
