import { createHash } from 'node:crypto';
import type { Geometry } from 'geojson';
import { departmentNames } from '../../content/perimeter.ts';
import {
	type AccessCommune,
	type AccessMap,
	APL_CLASSES,
	APL_SOURCE,
	type AreaReference,
	ageNeedIndex,
	aplClass,
	formatNumber,
	retirementShare,
	summarise,
	trend,
} from '../../domain/access.ts';
import { spreadsheetCsv } from '../csv.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, DatabaseError, type DataPort } from '../db/port.ts';
import { problem, problemFromError } from '../http.ts';

export type { AccessCommune, AccessMap, AreaReference } from '../../domain/access.ts';

/** What `public.access_map` returns. */
type StoredCommune = {
	code: string;
	name: string;
	department: string;
	inTerritory: boolean;
	population: number | null;
	populationYear: number | null;
	populationSource: string | null;
	geometry: Geometry | null;
	geometrySource: string | null;
	point: [number, number] | null;
	apl: number | null;
	aplUnder65: number | null;
	aplPrevious: number | null;
	aplUnder65Previous: number | null;
	standardisedPopulation: number | null;
	aplPopulation: number | null;
	demand?: number | null;
	apl62OrLess?: number | null;
	apl60OrLess?: number | null;
	gpsRpps?: number | null;
	gpsRppsSource?: string | null;
	source: string | null;
};
type StoredArea = { area: string; indicator: string; vintage: number; value: number; communes: number; source: string };
type StoredMap = {
	territory: { id: string; name: string };
	aplYear: number | null;
	previousYear: number | null;
	communes: StoredCommune[];
	areas: StoredArea[];
};

/**
 * A department's official name (01 … 976) from `@etalab/decoupage-administratif`. If the package's
 * file cannot be read where the function runs, the code stands in for the name rather than failing the map.
 */
export function departmentName(code: string): string {
	try {
		const name = departmentNames().get(code);
		if (name) return name;
	} catch {
		// Fall through to the code.
	}
	return `Département ${code}`;
}

const round = (value: number | null, digits: number) =>
	value == null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

const TERRITORY_SLUG = /^[a-z0-9-]{1,60}$/;

function references(stored: StoredMap): AreaReference[] {
	const byArea = new Map<string, StoredArea[]>();
	for (const row of stored.areas) byArea.set(row.area, [...(byArea.get(row.area) ?? []), row]);
	return [...byArea].map(([area, rows]) => {
		const value = (indicator: string, vintage: number | null) =>
			rows.find((r) => r.indicator === indicator && r.vintage === vintage)?.value ?? null;
		const latest = rows.find((r) => r.indicator === 'apl_gp' && r.vintage === stored.aplYear);
		return {
			code: area,
			name: area === 'FR' ? 'France' : departmentName(area.slice(1)),
			communes: latest?.communes ?? 0,
			apl: value('apl_gp', stored.aplYear),
			aplUnder65: value('apl_gp_under_65', stored.aplYear),
			aplPrevious: value('apl_gp', stored.previousYear),
			shareUnderServed: round(value('population_under_2_5_share', stored.aplYear), 4),
			source: latest?.source ?? APL_SOURCE,
		};
	});
}

/** Builds the map's FeatureCollection from what SQL returned: derived figures, summary, sources. */
export function toAccessMap(stored: StoredMap): AccessMap {
	const features = stored.communes.map((c) => {
		const hasBoundary = c.geometry != null;
		const properties: AccessCommune = {
			code: c.code,
			name: c.name,
			department: c.department,
			inTerritory: c.inTerritory,
			population: c.population,
			populationYear: c.populationYear,
			apl: c.apl,
			aplUnder65: c.aplUnder65,
			aplYear: c.apl == null ? null : stored.aplYear,
			aplPrevious: c.aplPrevious,
			aplUnder65Previous: c.aplUnder65Previous,
			previousYear: c.aplPrevious == null ? null : stored.previousYear,
			aplTrend: round(trend(c.apl, c.aplPrevious), 3),
			aplUnder65Trend: round(trend(c.aplUnder65, c.aplUnder65Previous), 3),
			share65: round(retirementShare(c.apl, c.aplUnder65), 3),
			ageNeedIndex: round(ageNeedIndex(c.standardisedPopulation, c.aplPopulation), 3),
			standardisedPopulation: c.standardisedPopulation,
			aplPopulation: c.aplPopulation,
			demand: c.demand ?? null,
			apl62OrLess: c.apl62OrLess ?? null,
			apl60OrLess: c.apl60OrLess ?? null,
			gpsRpps: c.gpsRpps ?? null,
			gpsRppsSource: c.gpsRppsSource ?? null,
			point: c.point,
			hasBoundary,
		};
		const geometry: Geometry | null =
			c.geometry ?? (c.point ? { type: 'Point', coordinates: [c.point[0], c.point[1]] } : null);
		return { type: 'Feature' as const, id: c.code, geometry, properties };
	});
	const members = stored.communes.filter((c) => c.inTerritory);
	const rows = (apl: 'apl' | 'aplUnder65') =>
		members.map((c) => ({
			apl: c[apl],
			standardisedPopulation: c.standardisedPopulation,
			population: c.aplPopulation,
		}));
	const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
	return {
		type: 'FeatureCollection',
		territory: stored.territory,
		aplYear: stored.aplYear,
		previousYear: stored.previousYear,
		summary: { all: summarise(rows('apl')), under65: summarise(rows('aplUnder65')) },
		references: references(stored),
		sources: {
			apl: stored.aplYear ? `${APL_SOURCE} — APL ${stored.aplYear}` : APL_SOURCE,
			population: distinct(stored.communes.map((c) => c.populationSource)),
			geometry: distinct(stored.communes.map((c) => c.geometrySource)),
			reach:
				'Distance à vol d’oiseau entre les points représentatifs des communes ; 16,5 km ≈ 20 minutes de route (approximation, t = 0,64 + 1,17 × km)',
		},
		features,
	};
}

export class UnknownTerritory extends Error {}

/** How long a map read stays fresh in this process: the data only change on import (browsers keep it 5 minutes). */
export const MAP_FRESH_MS = 60_000;
/** How long a map read may stand in for the database when it does not answer (the CDN's stale-while-revalidate). */
export const MAP_STALE_MS = 24 * 3600_000;

type Memo = { map: AccessMap; at: number };
/** Per data port (tests open several): the last complete map of each territory, and the read in flight. */
const memos = new WeakMap<DataPort, { done: Map<string, Memo>; pending: Map<string, Promise<AccessMap>> }>();

/** A map worth keeping: the import has reached its last step (the perimeters) and the APL is there. */
const isComplete = (map: AccessMap) => map.aplYear != null && map.features.some((f) => f.properties.inTerritory);

async function queryAccessMap(port: DataPort, territory: string): Promise<AccessMap> {
	try {
		return toAccessMap(await port.callRpc<StoredMap>('access_map', { p_territory: territory }, ANON));
	} catch (error) {
		if (error instanceof DatabaseError && error.kind === 'not_found') throw new UnknownTerritory(territory);
		throw error;
	}
}

/**
 * Reads one territory's map; throws `UnknownTerritory` for a slug no territory has. The page and
 * the API read the same map, so a complete one is kept a minute per process, simultaneous reads
 * share one query, and when the database does not answer (busy with an import, restarting) the
 * last map read is served rather than a 503.
 */
export async function readAccessMap(
	port: DataPort,
	territory: string,
	now: () => number = Date.now,
): Promise<AccessMap> {
	if (!TERRITORY_SLUG.test(territory)) throw new UnknownTerritory(territory);
	let memo = memos.get(port);
	if (!memo) {
		memo = { done: new Map(), pending: new Map() };
		memos.set(port, memo);
	}
	const { done, pending } = memo;
	const kept = done.get(territory);
	if (kept && now() - kept.at < MAP_FRESH_MS) return kept.map;
	let read = pending.get(territory);
	if (!read) {
		read = queryAccessMap(port, territory).finally(() => pending.delete(territory));
		pending.set(territory, read);
	}
	try {
		const map = await read;
		if (isComplete(map)) done.set(territory, { map, at: now() });
		else done.delete(territory);
		return map;
	} catch (error) {
		if (error instanceof DatabaseError && error.kind === 'unavailable' && kept && now() - kept.at < MAP_STALE_MS) {
			console.warn(
				`access map: database ${error.reason}; serving the map read ${Math.round((now() - kept.at) / 1000)} s ago`,
			);
			return kept.map;
		}
		throw error;
	}
}

/**
 * Reads every territory's map once, right after an import: the first visitor then meets a warm
 * database (PGlite's single backend, PostgreSQL's buffers and plan) instead of a cold one.
 * Returns the milliseconds each read took.
 */
export async function warmAccessMaps(port: DataPort, territories: string[]): Promise<Record<string, number>> {
	const took: Record<string, number> = {};
	for (const territory of territories) {
		const started = performance.now();
		try {
			await queryAccessMap(port, territory);
			took[territory] = Math.round(performance.now() - started);
		} catch {
			took[territory] = -1;
		}
	}
	return took;
}

const yesNo = (value: boolean) => (value ? 'oui' : 'non');
const decimal = (value: number | null, digits: number) => (value == null ? '' : formatNumber(value, digits));

/** The table's rows as a French spreadsheet CSV (semicolons, decimal commas). */
export function accessMapCsv(map: AccessMap): string {
	const year = map.aplYear ?? '';
	// The 2024 DREES releases' variants (GPs aged 62 or less, 60 or less): columns only when imported.
	const variants = map.features.some((f) => f.properties.apl62OrLess != null || f.properties.apl60OrLess != null);
	const previous = map.previousYear ?? '';
	const header = [
		'Code commune (Insee)',
		'Commune',
		'Département',
		'Dans le territoire',
		'Population',
		'Année de la population',
		`APL ${year} (consultations par an et par habitant standardisé)`,
		`Classe APL ${year}`,
		`APL moins de 65 ans ${year}`,
		`Part de l’offre assurée par des médecins de 65 ans ou plus ${year} (%)`,
		`APL ${previous}`,
		`Évolution ${previous}-${year}`,
		'Indice de besoin lié à l’âge',
		...(variants ? [`APL médecins de 62 ans ou moins ${year}`, `APL médecins de 60 ans ou moins ${year}`] : []),
		'Source',
	];
	const rows = map.features.map(({ properties: c }) => {
		const klass = aplClass(c.apl);
		return [
			c.code,
			c.name,
			departmentName(c.department),
			yesNo(c.inTerritory),
			c.population == null ? '' : String(c.population),
			c.populationYear == null ? '' : String(c.populationYear),
			decimal(c.apl, 3),
			klass ? `${APL_CLASSES[klass].label} (${APL_CLASSES[klass].range})` : '',
			decimal(c.aplUnder65, 3),
			c.share65 == null ? '' : formatNumber(c.share65 * 100, 1),
			decimal(c.aplPrevious, 3),
			decimal(c.aplTrend, 3),
			decimal(c.ageNeedIndex, 3),
			...(variants ? [decimal(c.apl62OrLess, 3), decimal(c.apl60OrLess, 3)] : []),
			map.sources.apl,
		];
	});
	return spreadsheetCsv(header, rows);
}

/** Browsers keep it 5 minutes; the CDN an hour, serving the stale copy while it refreshes. Data change only on import. */
const CACHE_HEADERS = {
	'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
	'Netlify-CDN-Cache-Control': 'public, max-age=3600, stale-while-revalidate=86400, durable',
};

const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

function matches(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	return ifNoneMatch
		.split(',')
		.map((tag) => tag.trim().replace(/^W\//, ''))
		.some((tag) => tag === etag || tag === '*');
}

/** A cacheable answer: ETag from the body, 304 when the client already holds it. */
function cacheable(request: Request, body: string, contentType: string, extra: Record<string, string> = {}): Response {
	const etag = etagOf(body);
	const headers = { ...CACHE_HEADERS, ETag: etag, ...extra };
	if (matches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
	// Bytes, not a string: a layer that decodes a string body would drop the CSV's byte-order mark.
	return new Response(new TextEncoder().encode(body), {
		status: 200,
		headers: { 'Content-Type': contentType, ...headers },
	});
}

const MESSAGES = { territory_not_found: 'Ce territoire n’existe pas.' };

function territoryParameter(request: Request): string | Response {
	const territory = new URL(request.url).searchParams.get('territory');
	if (!territory) {
		return problem(400, 'invalid_filter', 'Indiquez le territoire de la carte.', {
			territory: 'Choisissez un territoire : son identifiant figure à la fin de l’adresse de sa page sur le site.',
		});
	}
	return territory;
}

async function answer(
	request: Request,
	port: () => DataPort,
	render: (map: AccessMap, territory: string) => Response,
): Promise<Response> {
	const territory = territoryParameter(request);
	if (territory instanceof Response) return territory;
	try {
		return render(await readAccessMap(port(), territory), territory);
	} catch (error) {
		if (error instanceof UnknownTerritory) return problem(404, 'territory_not_found', MESSAGES.territory_not_found);
		return problemFromError(error, MESSAGES);
	}
}

/** `GET /api/access-map?territory=`: the territory's communes and their neighbours as GeoJSON. */
export function createAccessMapHandler(port: () => DataPort = getDataPort) {
	return (request: Request) =>
		answer(request, port, (map) => cacheable(request, JSON.stringify(map), 'application/geo+json; charset=utf-8'));
}

/** `GET /api/access-map.csv?territory=`: the same communes as a spreadsheet. */
export function createAccessMapCsvHandler(port: () => DataPort = getDataPort) {
	return (request: Request) =>
		answer(request, port, (map, territory) =>
			cacheable(request, accessMapCsv(map), 'text/csv; charset=utf-8', {
				'Content-Disposition': `attachment; filename="acces-medecins-${territory}-${map.aplYear ?? 'apl'}.csv"`,
			}),
		);
}
