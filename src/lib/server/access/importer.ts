import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FeatureCollection, Geometry } from 'geojson';
import { APL_SOURCE, summarise } from '../../domain/access.ts';
import { type Caller, type DataPort, SERVICE } from '../db/port.ts';
import { demandRows } from './demand.ts';
import { approximateCentre, type CommuneShape, simplifyCommunes } from './geometry.ts';

/**
 * The open-data importer of the access map. Reads a folder of files in the layouts of
 * `../shared/data` (DREES APL CSV, INSEE populations CSV, commune points CSV, commune boundaries
 * GeoJSON in the shared or the geo.api.gouv.fr layout), validates every row, reports what it
 * skipped and why, and loads the rest through the service role, idempotently.
 */

export const COMMUNE_CODE = /^([0-9]{5}|2[AB][0-9]{3}|97[1-6][0-9]{2})$/;
/** APL values are consultations per year per standardised inhabitant: a plausible range. */
const APL_MAX = 30;
/** DREES published the first APL to GPs for 2012; the method was recast in 2015. */
const FIRST_VINTAGE = 2012;
/** Commune count from which a file is taken to cover France, so that a national reference is computed. */
export const FRANCE_DEPARTMENTS = 96;

export type Skip = { file: string; line?: number; code?: string; reason: string };

export type CommuneRow = {
	code: string;
	name: string;
	department: string;
	population: number | null;
	populationYear: number | null;
	populationSource: string | null;
	/** The population DREES used, for a commune the files give no Insee population: fills a blank only. */
	fallbackPopulation: number | null;
	fallbackYear: number | null;
	fallbackSource: string | null;
	geometry: CommuneShape | null;
	geometrySource: string | null;
	lon: number | null;
	lat: number | null;
};

export type IndicatorName =
	| 'apl_gp'
	| 'apl_gp_under_65'
	| 'apl_gp_62_or_less'
	| 'apl_gp_60_or_less'
	| 'standardised_population'
	| 'population'
	/** D_j, the demand reaching the commune within 20 minutes (demand.ts): computed at import, not read. */
	| 'gp_demand'
	/** GPs practising in the commune, from the RPPS extraction (rpps-import.ts). */
	| 'gp_count_rpps';
export type IndicatorRow = { code: string; indicator: IndicatorName; vintage: number; value: number; source: string };

export type AreaIndicatorName =
	| 'apl_gp'
	| 'apl_gp_under_65'
	| 'apl_gp_62_or_less'
	| 'apl_gp_60_or_less'
	| 'population_under_2_5_share'
	| 'population_under_2_5_share_under_65'
	| 'population_under_2_5_share_62_or_less'
	| 'population_under_2_5_share_60_or_less';
export type AreaRow = {
	area: string;
	indicator: AreaIndicatorName;
	vintage: number;
	value: number;
	communes: number;
	source: string;
};

export type Perimeter = { id: string; name: string; communes: string[] };

export type AccessDataset = {
	communes: CommuneRow[];
	indicators: IndicatorRow[];
	areas: AreaRow[];
	vintages: number[];
	files: { file: string; kind: string; rows: number }[];
	skipped: Skip[];
	notes: string[];
};

/** The department of a commune code (two characters, three overseas). */
export const departmentOf = (code: string) => (code.startsWith('97') ? code.slice(0, 3) : code.slice(0, 2));

/** A decimal from a CSV cell ("3.2" or "3,2"); undefined when empty, NaN when not a number. */
function decimal(cell: string | undefined): number | undefined {
	const text = (cell ?? '').trim();
	if (text === '') return undefined;
	return /^-?[0-9]+([.,][0-9]+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
}

function readCsv(path: string): { header: string[]; records: { line: number; cells: Record<string, string> }[] } {
	const text = readFileSync(path, 'utf8');
	const firstLine = text.slice(0, text.indexOf('\n') + 1 || undefined);
	const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
	const rows = parse(text, {
		bom: true,
		delimiter,
		relax_column_count: true,
		skip_empty_lines: true,
		info: true,
	}) as unknown as {
		record: string[];
		info: { lines: number };
	}[];
	const header = (rows[0]?.record ?? []).map((name) => name.trim());
	return {
		header,
		records: rows.slice(1).map(({ record, info }) => ({
			line: info.lines,
			cells: Object.fromEntries(header.map((name, i) => [name, record[i] ?? ''])),
		})),
	};
}

type AplVintage = { vintage: number; apl: string; under65: string; standardised: string; population: string };

/** The DREES layout: per vintage Y, apl_mg_Y, apl_mg_moins65_Y, pop_std_{Y-2}, pop_tot_{Y-2}. */
function aplVintages(header: string[], file: string, skipped: Skip[]): AplVintage[] | undefined {
	if (!header.includes('code_insee')) return undefined;
	const years = header.flatMap((name) => /^apl_mg_([0-9]{4})$/.exec(name)?.[1] ?? []).map(Number);
	if (years.length === 0) return undefined;
	const thisYear = new Date().getFullYear();
	return years.flatMap((vintage) => {
		const populationYear = vintage - 2;
		const columns = {
			vintage,
			apl: `apl_mg_${vintage}`,
			under65: `apl_mg_moins65_${vintage}`,
			standardised: `pop_std_${populationYear}`,
			population: `pop_tot_${populationYear}`,
		};
		if (vintage < FIRST_VINTAGE || vintage > thisYear) {
			skipped.push({
				file,
				reason: `vintage ${vintage} is outside ${FIRST_VINTAGE}–${thisYear}: column ${columns.apl} ignored`,
			});
			return [];
		}
		const missing = [columns.under65, columns.standardised, columns.population].filter(
			(name) => !header.includes(name),
		);
		if (missing.length > 0) {
			skipped.push({
				file,
				reason: `vintage ${vintage} ignored: column(s) ${missing.join(', ')} missing (DREES computes APL ${vintage} on populations ${populationYear})`,
			});
			return [];
		}
		return [columns];
	});
}

type Sources = { apl: (vintage: number) => string; areas: (vintage: number) => string };
const SOURCES: Sources = {
	apl: (vintage) => `${APL_SOURCE} — APL ${vintage}`,
	areas: (vintage) => `${APL_SOURCE} — APL ${vintage} ; moyenne pondérée par la population standardisée (règle DREES)`,
};

/** Reads and validates every file of the folder; touches no database. */
export function readAccessData(dir: string): AccessDataset {
	const skipped: Skip[] = [];
	const notes: string[] = [];
	const files: AccessDataset['files'] = [];
	const names = readdirSync(dir).sort();

	// 1. APL files define the communes: every other file is checked against their codes.
	const communes = new Map<string, CommuneRow>();
	const indicators: IndicatorRow[] = [];
	const vintages = new Set<number>();
	const seen = new Set<string>();
	const csvFiles = names.filter((name) => name.toLowerCase().endsWith('.csv'));
	const others: { name: string; csv: ReturnType<typeof readCsv> }[] = [];
	for (const name of csvFiles) {
		const csv = readCsv(join(dir, name));
		const vintageSkips: Skip[] = [];
		const layout = aplVintages(csv.header, name, vintageSkips);
		if (layout?.length === 0) {
			notes.push(
				`${name}: APL columns without the DREES layout (${vintageSkips.map((s) => s.reason).join('; ')}); ignored.`,
			);
			continue;
		}
		skipped.push(...vintageSkips);
		if (!layout) {
			others.push({ name, csv });
			continue;
		}
		let rows = 0;
		for (const { line, cells } of csv.records) {
			const code = (cells.code_insee ?? '').trim();
			if (!COMMUNE_CODE.test(code)) {
				skipped.push({ file: name, line, code, reason: 'invalid commune code' });
				continue;
			}
			const values: IndicatorRow[] = [];
			for (const columns of layout) {
				if (seen.has(`${code}|${columns.vintage}`)) {
					skipped.push({
						file: name,
						line,
						code,
						reason: `vintage ${columns.vintage} already read (first occurrence kept)`,
					});
					continue;
				}
				const read = {
					apl_gp: decimal(cells[columns.apl]),
					apl_gp_under_65: decimal(cells[columns.under65]),
					standardised_population: decimal(cells[columns.standardised]),
					population: decimal(cells[columns.population]),
				};
				const missing = Object.entries(read).filter(([, value]) => value === undefined);
				const invalid = Object.entries(read).filter(
					([key, value]) =>
						value !== undefined && (Number.isNaN(value) || value < 0 || (key.startsWith('apl') && value > APL_MAX)),
				);
				if (missing.length > 0 || invalid.length > 0) {
					const problems = [
						...missing.map(([key]) => `${key} missing`),
						...invalid.map(([key]) => `${key} not a valid value`),
					];
					skipped.push({
						file: name,
						line,
						code,
						reason: `vintage ${columns.vintage} skipped: ${problems.join(', ')}`,
					});
					continue;
				}
				if ((read.apl_gp_under_65 ?? 0) > (read.apl_gp ?? 0) + 1e-9) {
					skipped.push({
						file: name,
						line,
						code,
						reason: `vintage ${columns.vintage} skipped: APL under 65 exceeds APL`,
					});
					continue;
				}
				vintages.add(columns.vintage);
				seen.add(`${code}|${columns.vintage}`);
				for (const [indicator, value] of Object.entries(read) as [IndicatorName, number][]) {
					values.push({ code, indicator, vintage: columns.vintage, value, source: SOURCES.apl(columns.vintage) });
				}
			}
			if (values.length === 0) continue;
			const commune = (cells.commune ?? '').trim();
			indicators.push(...values);
			rows += 1;
			if (communes.has(code)) continue;
			communes.set(code, {
				code,
				name: commune || code,
				department: departmentOf(code),
				population: null,
				populationYear: null,
				populationSource: null,
				fallbackPopulation: null,
				fallbackYear: null,
				fallbackSource: null,
				geometry: null,
				geometrySource: null,
				lon: null,
				lat: null,
			});
		}
		files.push({ file: name, kind: 'DREES APL', rows });
	}
	if (communes.size === 0)
		notes.push('No DREES APL file (columns code_insee, apl_mg_YYYY…) was found: nothing to import.');

	// 2. Populations (INSEE legal populations) and representative points.
	const aplDepartments = new Set([...communes.values()].map((c) => c.department));
	for (const { name, csv } of others) {
		const populationColumn = csv.header.find((column) => /^pop_municipale_[0-9]{4}$/.test(column));
		const isPoints = ['code_insee', 'lon', 'lat'].every((column) => csv.header.includes(column));
		if (!csv.header.includes('code_insee') || (!populationColumn && !isPoints)) {
			notes.push(`${name}: not a layout the importer reads; ignored.`);
			continue;
		}
		let rows = 0;
		for (const { line, cells } of csv.records) {
			const code = (cells.code_insee ?? '').trim();
			const commune = communes.get(code);
			if (!COMMUNE_CODE.test(code)) {
				skipped.push({ file: name, line, code, reason: 'invalid commune code' });
				continue;
			}
			if (!commune) {
				// Points are given for a wider area than the APL files: only report codes of their departments.
				if (populationColumn || aplDepartments.has(departmentOf(code))) {
					skipped.push({ file: name, line, code, reason: 'unknown commune code (not in the APL files)' });
				}
				continue;
			}
			if (populationColumn) {
				const value = decimal(cells[populationColumn]);
				if (value === undefined || Number.isNaN(value) || value < 0 || !Number.isInteger(value)) {
					skipped.push({ file: name, line, code, reason: `${populationColumn} missing or not a whole number` });
					continue;
				}
				const year = Number(populationColumn.slice(-4));
				commune.population = value;
				commune.populationYear = year;
				commune.populationSource = `Insee, populations légales ${year} (population municipale)`;
				if (cells.nom?.trim()) commune.name = cells.nom.trim();
			} else {
				const lon = decimal(cells.lon);
				const lat = decimal(cells.lat);
				if (lon === undefined || lat === undefined || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) {
					skipped.push({ file: name, line, code, reason: 'lon/lat missing or out of range' });
					continue;
				}
				commune.lon = lon;
				commune.lat = lat;
			}
			rows += 1;
		}
		files.push({ file: name, kind: populationColumn ? 'Insee populations' : 'commune points', rows });
	}

	// 3. Boundaries: every communes*.geojson (the shared layout, or geo.api.gouv.fr's), simplified together.
	const shapes = new Map<string, CommuneShape>();
	const shapeSources = new Map<string, string>();
	for (const name of names.filter((n) => /^communes.*\.(geo)?json$/i.test(n))) {
		let collection: FeatureCollection<Geometry | null, Record<string, unknown> | null>;
		try {
			collection = JSON.parse(readFileSync(join(dir, name), 'utf8'));
		} catch {
			skipped.push({ file: name, reason: 'not valid JSON' });
			continue;
		}
		if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
			skipped.push({ file: name, reason: 'not a GeoJSON FeatureCollection' });
			continue;
		}
		const ign = /ign([0-9]{4})/i.exec(name)?.[1];
		const source = ign
			? `IGN, Admin Express COG ${ign}, contours simplifiés`
			: 'geo.api.gouv.fr (IGN, Admin Express), contours simplifiés';
		let rows = 0;
		collection.features.forEach((item, index): void => {
			const code = String(item?.properties?.code ?? '');
			const geometry = item?.geometry;
			const where = { file: name, line: index + 1, code };
			if (!COMMUNE_CODE.test(code)) {
				skipped.push({ ...where, reason: 'feature without a valid commune code' });
				return;
			}
			const commune = communes.get(code);
			if (!commune) {
				skipped.push({ ...where, reason: 'unknown commune code (not in the APL files)' });
				return;
			}
			if (geometry?.type === 'Point') {
				commune.lon ??= geometry.coordinates[0] ?? null;
				commune.lat ??= geometry.coordinates[1] ?? null;
			} else if (geometry?.type === 'Polygon' || geometry?.type === 'MultiPolygon') {
				shapes.set(code, geometry);
				shapeSources.set(code, source);
			} else {
				skipped.push({ ...where, reason: 'geometry is not a Polygon, MultiPolygon or Point' });
				return;
			}
			rows += 1;
		});
		files.push({ file: name, kind: 'commune boundaries', rows });
	}
	for (const [code, shape] of simplifyCommunes(shapes)) {
		const commune = communes.get(code);
		if (!commune) continue;
		commune.geometry = shape;
		commune.geometrySource = shapeSources.get(code) ?? null;
		if (commune.lon == null) {
			[commune.lon, commune.lat] = approximateCentre(shape);
			notes.push(`${code}: no representative point in the files; the centre of its boundary is used.`);
		}
	}

	// 4. Communes without an INSEE population keep the population DREES used for the latest vintage.
	const latest = Math.max(...vintages);
	const dreesPopulation = new Map(
		indicators.filter((i) => i.indicator === 'population' && i.vintage === latest).map((i) => [i.code, i.value]),
	);
	for (const commune of communes.values()) {
		const value = dreesPopulation.get(commune.code);
		if (commune.population != null || value === undefined) continue;
		commune.fallbackPopulation = Math.round(value);
		commune.fallbackYear = latest - 2;
		commune.fallbackSource = `Insee, population ${latest - 2} retenue par la DREES pour l’APL ${latest}`;
	}

	return {
		communes: [...communes.values()],
		indicators,
		areas: areaReferences([...communes.values()], indicators, [...vintages]),
		vintages: [...vintages].sort(),
		files,
		skipped,
		notes,
	};
}

/**
 * Department and France references with the DREES rule (a department is taken as complete in the
 * files). France is computed when the files cover every department, or when `france` is set (the
 * national reader passes every commune of the national file).
 */
export function areaReferences(
	communes: Pick<CommuneRow, 'code' | 'department'>[],
	indicators: IndicatorRow[],
	vintages: number[],
	options: { france?: boolean } = {},
): AreaRow[] {
	const byKey = new Map(indicators.map((row) => [`${row.code}|${row.indicator}|${row.vintage}`, row.value]));
	const get = (code: string, indicator: IndicatorName, vintage: number) =>
		byKey.get(`${code}|${indicator}|${vintage}`) ?? null;
	const present = new Set(indicators.map((row) => row.indicator));
	const departments = [...new Set(communes.map((c) => c.department))].sort();
	const byDepartment = new Map<string, string[]>();
	for (const c of communes) byDepartment.set(c.department, [...(byDepartment.get(c.department) ?? []), c.code]);
	const areas: { area: string; codes: string[] }[] = departments.map((department) => ({
		area: `D${department}`,
		codes: byDepartment.get(department) ?? [],
	}));
	if (options.france || departments.length >= FRANCE_DEPARTMENTS)
		areas.push({ area: 'FR', codes: communes.map((c) => c.code) });
	const variants = [
		['apl_gp', 'apl_gp', 'population_under_2_5_share'],
		['apl_gp_under_65', 'apl_gp_under_65', 'population_under_2_5_share_under_65'],
		['apl_gp_62_or_less', 'apl_gp_62_or_less', 'population_under_2_5_share_62_or_less'],
		['apl_gp_60_or_less', 'apl_gp_60_or_less', 'population_under_2_5_share_60_or_less'],
	] as const;
	const rows: AreaRow[] = [];
	for (const vintage of vintages) {
		for (const { area, codes } of areas) {
			const source = SOURCES.areas(vintage);
			const push = (indicator: AreaIndicatorName, value: number | null, communes: number) => {
				if (value != null && communes > 0) rows.push({ area, indicator, vintage, value, communes, source });
			};
			const summaries = variants
				.filter(([apl]) => present.has(apl))
				.map(([apl, aplName, shareName]) => {
					const summary = summarise(
						codes.map((code) => ({
							apl: get(code, apl, vintage),
							standardisedPopulation: get(code, 'standardised_population', vintage),
							population: get(code, 'population', vintage),
						})),
					);
					return { summary, aplName, shareName };
				});
			// The APL rows first, then the shares: the order the pilot reader has always produced.
			for (const { summary, aplName } of summaries) push(aplName, summary.apl, summary.communes);
			for (const { summary, shareName } of summaries) push(shareName, summary.shareUnderServed, summary.communes);
		}
	}
	return rows;
}

/** Perimeter codes that the files do not know, and, when the INSEE 2014 table is present, differences with it. */
export function checkPerimeters(dir: string, perimeters: Perimeter[], dataset: AccessDataset): string[] {
	const known = new Set(dataset.communes.map((c) => c.code));
	const notes = perimeters.flatMap(({ id, communes }) =>
		communes
			.filter((code) => !known.has(code))
			.map((code) => `${id}: commune ${code} of the perimeter is not in the APL files`),
	);
	const table = join(dir, 'former_cantons_2014_dep24_08.csv');
	if (existsSync(table)) {
		const codes = new Set(readCsv(table).records.map(({ cells }) => cells.commune_code_2023 ?? ''));
		// The table covers its departments only: a territory elsewhere (or across their border) is not compared.
		const covered = new Set([...codes].map(departmentOf));
		const ours = new Set(perimeters.flatMap((p) => p.communes).filter((code) => covered.has(departmentOf(code))));
		for (const code of ours)
			if (!codes.has(code)) notes.push(`perimeter commune ${code} is not in the INSEE 2014 former-cantons table`);
		for (const code of codes)
			if (!ours.has(code)) notes.push(`commune ${code} of the INSEE 2014 former cantons is in no territory`);
	}
	return notes;
}

export type ImportCounts = { inserted: number; updated: number; unchanged: number };
export type ImportResult = {
	communes: ImportCounts;
	indicators: ImportCounts;
	/** D_j rows (gp_demand), computed from what was loaded. */
	demand: ImportCounts;
	areas: ImportCounts;
	perimeters: { joined: number; released: number; missing: string[] };
};

const add = (a: ImportCounts, b: ImportCounts): ImportCounts => ({
	inserted: a.inserted + b.inserted,
	updated: a.updated + b.updated,
	unchanged: a.unchanged + b.unchanged,
});
const ZERO: ImportCounts = { inserted: 0, updated: 0, unchanged: 0 };

function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** Loads a dataset in batches through `import_access_data` (service role); each batch is one transaction. */
export async function loadAccessData(
	port: DataPort,
	dataset: AccessDataset,
	perimeters: Perimeter[],
	caller: Caller = SERVICE,
): Promise<ImportResult> {
	type Answer = Omit<ImportResult, 'perimeters'> & { perimeters: ImportResult['perimeters'] };
	const call = (args: Record<string, object>) => port.callRpc<Answer>('import_access_data', args, caller);
	const result: ImportResult = {
		communes: ZERO,
		indicators: ZERO,
		demand: ZERO,
		areas: ZERO,
		perimeters: { joined: 0, released: 0, missing: [] },
	};
	// Computed before anything is written: a failure here leaves the database as it was.
	const demand = demandRows(dataset, perimeters);
	await port.callRpc(
		'sync_content',
		{ p_territories: perimeters.map(({ id, name }) => ({ id, name })), p_meetings: [] },
		caller,
	);
	for (const batch of chunks(dataset.communes, 400)) {
		result.communes = add(result.communes, (await call({ p_communes: batch })).communes);
	}
	for (const batch of chunks(dataset.indicators, 5000)) {
		result.indicators = add(result.indicators, (await call({ p_indicators: batch })).indicators);
	}
	for (const batch of chunks(demand, 5000)) {
		result.demand = add(result.demand, (await call({ p_indicators: batch })).indicators);
	}
	if (dataset.areas.length > 0) result.areas = (await call({ p_areas: dataset.areas })).areas;
	if (perimeters.length > 0) {
		result.perimeters = (
			await call({ p_perimeters: perimeters.map(({ id, communes }) => ({ id, communes })) })
		).perimeters;
	}
	return result;
}

/** Where `npm run data:download` puts the official files when DATA_DIR is not set. */
export const DOWNLOAD_DIR = '.data/open-data';

/** The data folder: DATA_DIR, else ../shared/data beside the project, else .data/open-data, when it exists. */
export function resolveDataDir(projectRoot: string, dataDir: string | undefined): string | undefined {
	if (dataDir) return isAbsolute(dataDir) ? dataDir : resolve(projectRoot, dataDir);
	return [resolve(projectRoot, '..', 'shared', 'data'), resolve(projectRoot, DOWNLOAD_DIR)].find((dir) =>
		existsSync(dir),
	);
}

/** A plain-text report of a run: files read, counts, and every skipped row with its reason. */
export function formatReport(dataset: AccessDataset, result?: ImportResult, perimeterNotes: string[] = []): string {
	const lines = [
		'Files read:',
		...dataset.files.map(({ file, kind, rows }) => `  ${file} (${kind}): ${rows} rows`),
		`Vintages: ${dataset.vintages.join(', ') || 'none'}`,
		`Communes: ${dataset.communes.length} (with boundary: ${dataset.communes.filter((c) => c.geometry).length}); indicator values: ${dataset.indicators.length}; area references: ${dataset.areas.length}`,
	];
	if (result) {
		const counts = (c: ImportCounts) => `${c.inserted} added, ${c.updated} updated, ${c.unchanged} unchanged`;
		lines.push(
			`Database: communes ${counts(result.communes)}; indicators ${counts(result.indicators)}; demand within 20 min (D_j) ${counts(result.demand)}; areas ${counts(result.areas)}`,
			`Perimeters: ${result.perimeters.joined} communes joined a territory, ${result.perimeters.released} released, ${result.perimeters.missing.length} missing`,
		);
	}
	if (dataset.skipped.length > 0) {
		lines.push(`Skipped (${dataset.skipped.length}):`);
		for (const skip of dataset.skipped) {
			const where = [skip.file, skip.line != null ? `line ${skip.line}` : '', skip.code ? `code ${skip.code}` : '']
				.filter(Boolean)
				.join(', ');
			lines.push(`  ${where}: ${skip.reason}`);
		}
	}
	for (const note of [...dataset.notes, ...perimeterNotes]) lines.push(`Note: ${note}`);
	return lines.join('\n');
}
