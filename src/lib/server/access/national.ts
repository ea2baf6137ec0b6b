import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FeatureCollection, Geometry } from 'geojson';
import { around, distance } from 'geokdbush';
import KDBush from 'kdbush';
import readXlsxFile from 'read-excel-file/node';
import { APL_SOURCE } from '../../domain/access.ts';
import { approximateCentre, type CommuneShape, simplifyCommunes } from './geometry.ts';
import {
	type AccessDataset,
	type AreaRow,
	areaReferences,
	COMMUNE_CODE,
	type CommuneRow,
	departmentOf,
	type IndicatorName,
	type IndicatorRow,
	type Perimeter,
	type Skip,
} from './importer.ts';

/**
 * The national reader of the access map: the official DREES APL workbook as published (or its CSV
 * form), commune boundaries per department (IGN Admin Express COG 2024 `depNN.geojson`, overseas
 * COG 2018, geo.api.gouv.fr), and the communes of `@etalab/decoupage-administratif`. It keeps what
 * the configured territories need — their communes and every commune whose centre lies within
 * `RING_KM` of one of them, across any department border — or all of France. Department and France
 * references are computed from the whole national file. Bad inputs throw a `NationalDataError`
 * (French message) before anything is written.
 */

/** The ring of neighbours kept around a territory (the APL's own reach is 20 minutes ≈ 16.5 km). */
export const RING_KM = 35;
/** Populations of `@etalab/decoupage-administratif` 6.x: Insee legal populations 2023. */
const COMMUNES_POPULATION_YEAR = 2023;
/** A plausible ceiling: Montgenèvre (ski resort, 457 residents) has an APL 2023 of 40.0. */
const APL_MAX = 100;

export class NationalDataError extends Error {
	override name = 'NationalDataError';
}

/** The per-commune APL indicators of one vintage; `apl_gp_62_or_less`/`_60_or_less` from the 2024 releases. */
const APL_INDICATORS = ['apl_gp', 'apl_gp_under_65', 'apl_gp_62_or_less', 'apl_gp_60_or_less'] as const;
type AplIndicator = (typeof APL_INDICATORS)[number];
const INDICATOR_ORDER: IndicatorName[] = [...APL_INDICATORS, 'standardised_population', 'population'];

/** One commune of one vintage, as the file gives it (the file's own COG year). */
export type NationalRow = {
	code: string;
	name: string;
	vintage: number;
	values: Partial<Record<AplIndicator, number>> & { standardised_population: number; population: number };
	file: string;
	line: number;
};

export type NationalSources = {
	/** The DREES workbook (xlsx) or, without it, the national CSV. */
	apl: { path: string; kind: 'xlsx' | 'csv' };
	/** Boundary files per department code. */
	boundaries: Map<string, string[]>;
	/** CSV files `code_insee, lon, lat` (representative points), optional. */
	points: string[];
};

const normalise = (text: unknown) =>
	String(text ?? '')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.toLowerCase();

function listFiles(dir: string, depth = 2): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.sort()
		.flatMap((name) => {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) return depth > 0 ? listFiles(path, depth - 1) : [];
			return [path];
		});
}

function firstLine(path: string): string {
	const text = readFileSync(path, 'utf8').slice(0, 2000);
	return text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
}

const NATIONAL_CSV = /^code,nom,apl_mg_[0-9]{4}/;

/** The department a boundary file covers, from its name; undefined when the name is not one of the layouts. */
export function boundaryDepartment(name: string): string | undefined {
	return (
		/^dep([0-9]{2}|2[AB]|97[1-6])\.geojson$/i.exec(name)?.[1] ??
		/^communes-(97[1-6])-[a-z-]+\.geojson$/i.exec(name)?.[1] ??
		/^communes-([0-9]{2}|2[AB]|97[1-6])\.geojson$/i.exec(name)?.[1]
	)?.toUpperCase();
}

/**
 * Finds the national files in `dir` and its sub-folders (two levels: `national/communes-cog2024/`):
 * undefined when there is neither a DREES workbook nor the national CSV.
 */
export function findNationalSources(dir: string): NationalSources | undefined {
	const files = listFiles(dir);
	const workbook = files.find((path) => /\.xlsx$/i.test(path) && /apl/i.test(basename(path)));
	const csv = files.find((path) => /\.csv$/i.test(path) && NATIONAL_CSV.test(firstLine(path)));
	const apl = workbook
		? { path: workbook, kind: 'xlsx' as const }
		: csv
			? { path: csv, kind: 'csv' as const }
			: undefined;
	if (!apl) return undefined;
	const boundaries = new Map<string, string[]>();
	for (const path of files) {
		const department = boundaryDepartment(basename(path));
		if (department) boundaries.set(department, [...(boundaries.get(department) ?? []), path]);
	}
	const points = files.filter(
		(path) =>
			/\.csv$/i.test(path) &&
			['code_insee', 'lon', 'lat'].every((column) => firstLine(path).split(',').includes(column)),
	);
	return { apl, boundaries, points };
}

// ---------------------------------------------------------------------------------------------
// APL: workbook and CSV

type Columns = Partial<Record<AplIndicator, number>> & {
	code: number;
	name: number | undefined;
	standardised: number;
	population: number;
	populationYear: number;
};

const COLUMN_LABELS = {
	code: 'Code commune INSEE',
	apl_gp: 'APL aux médecins généralistes',
	apl_gp_under_65: 'APL aux médecins généralistes de moins de 65 ans',
	standardised: 'Population standardisée AAAA pour la médecine générale',
	population: 'Population totale AAAA',
};

/** Columns by meaning, so that a reworded title or a new column does not break the import. */
function workbookColumns(header: unknown[], sheet: string, file: string, headerRow: number): Columns {
	const titles = header.map(normalise);
	const find = (test: (title: string) => boolean) => {
		const index = titles.findIndex(test);
		return index >= 0 ? index : undefined;
	};
	const isApl = (title: string) => title.startsWith('apl') && title.includes('generalistes');
	const found = {
		code: find((t) => t === 'code commune insee'),
		name: find((t) => t === 'commune' || t === 'libelle commune' || t === 'nom de la commune'),
		apl_gp: find((t) => isApl(t) && !/[0-9]{2} ans/.test(t)),
		apl_gp_under_65: find((t) => isApl(t) && /65 ans/.test(t)),
		apl_gp_62_or_less: find((t) => isApl(t) && /62 ans/.test(t)),
		apl_gp_60_or_less: find((t) => isApl(t) && /60 ans/.test(t)),
		standardised: find((t) => /^population standardisee( [0-9]{4})?/.test(t)),
		population: find((t) => /^population totale( [0-9]{4})?/.test(t)),
	};
	const missing = (['code', 'apl_gp', 'apl_gp_under_65', 'standardised', 'population'] as const).filter(
		(key) => found[key] === undefined,
	);
	if (missing.length > 0) {
		throw new NationalDataError(
			`${file}, feuille « ${sheet} » : colonne${missing.length > 1 ? 's' : ''} ${missing
				.map((key) => `« ${COLUMN_LABELS[key]} »`)
				.join(', ')} introuvable${missing.length > 1 ? 's' : ''} dans l’en-tête (ligne ${headerRow}). ` +
				'Le classeur a peut-être changé de présentation. Rien n’a été importé.',
		);
	}
	const yearOf = (index: number | undefined) => Number(/([0-9]{4})/.exec(titles[index ?? -1] ?? '')?.[1]) || 0;
	return {
		code: found.code as number,
		name: found.name,
		apl_gp: found.apl_gp as number,
		apl_gp_under_65: found.apl_gp_under_65 as number,
		...(found.apl_gp_62_or_less !== undefined ? { apl_gp_62_or_less: found.apl_gp_62_or_less } : {}),
		...(found.apl_gp_60_or_less !== undefined ? { apl_gp_60_or_less: found.apl_gp_60_or_less } : {}),
		standardised: found.standardised as number,
		population: found.population as number,
		populationYear: yearOf(found.population) || yearOf(found.standardised),
	};
}

function cellCode(cell: unknown): string {
	if (typeof cell === 'number') return String(cell).padStart(5, '0');
	return String(cell ?? '').trim();
}

function cellNumber(cell: unknown): number | undefined {
	if (cell == null || cell === '') return undefined;
	if (typeof cell === 'number') return cell;
	const text = String(cell).trim();
	if (text === '') return undefined;
	return /^-?[0-9]+([.,][0-9]+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
}

type RawRow = { code: unknown; name: unknown; values: Record<string, unknown>; line: number };

/** Validates a row's values like the pilot reader: a row with a missing or implausible value is skipped. */
function validRow(raw: RawRow, vintage: number, file: string, skipped: Skip[]): NationalRow | undefined {
	const code = cellCode(raw.code);
	if (!COMMUNE_CODE.test(code)) {
		skipped.push({ file, line: raw.line, code, reason: 'invalid commune code' });
		return undefined;
	}
	const read = Object.fromEntries(Object.entries(raw.values).map(([key, cell]) => [key, cellNumber(cell)]));
	const problems = Object.entries(read).flatMap(([key, value]) => {
		const optional = key === 'apl_gp_62_or_less' || key === 'apl_gp_60_or_less';
		if (value === undefined) return optional ? [] : [`${key} missing`];
		if (Number.isNaN(value) || value < 0 || (key.startsWith('apl') && value > APL_MAX))
			return [`${key} not a valid value`];
		return [];
	});
	if (problems.length === 0) {
		for (const key of ['apl_gp_under_65', 'apl_gp_62_or_less', 'apl_gp_60_or_less'])
			if ((read[key] ?? 0) > (read.apl_gp ?? 0) + 1e-9) problems.push(`${key} exceeds APL`);
	}
	if (problems.length > 0) {
		skipped.push({ file, line: raw.line, code, reason: `vintage ${vintage} skipped: ${problems.join(', ')}` });
		return undefined;
	}
	const values = Object.fromEntries(
		Object.entries(read).filter((entry): entry is [string, number] => entry[1] !== undefined),
	) as NationalRow['values'];
	return { code, name: String(raw.name ?? '').trim() || code, vintage, values, file, line: raw.line };
}

/** Reads every `APL YYYY` sheet of a DREES workbook. */
export async function readWorkbook(path: string, skipped: Skip[]): Promise<NationalRow[]> {
	const file = basename(path);
	let sheets: { sheet: string; data: unknown[][] }[];
	try {
		sheets = (await readXlsxFile(path)) as never;
	} catch {
		throw new NationalDataError(
			`${file} : ce fichier n’est pas un classeur Excel (xlsx) lisible. Rien n’a été importé.`,
		);
	}
	const apl = sheets
		.map((sheet) => ({ ...sheet, vintage: Number(/^\s*APL\s+([0-9]{4})\s*$/i.exec(sheet.sheet)?.[1]) }))
		.filter((sheet) => sheet.vintage > 0)
		.sort((a, b) => a.vintage - b.vintage);
	if (apl.length === 0) {
		throw new NationalDataError(
			`${file} : aucune feuille « APL AAAA » (par exemple « APL 2023 ») dans le classeur (feuilles trouvées : ${sheets
				.map((s) => `« ${s.sheet} »`)
				.join(', ')}). Rien n’a été importé.`,
		);
	}
	const first = apl[0]?.vintage ?? 0;
	const last = apl[apl.length - 1]?.vintage ?? 0;
	for (let year = first; year <= last; year++) {
		if (!apl.some((sheet) => sheet.vintage === year)) {
			throw new NationalDataError(
				`${file} : la feuille « APL ${year} » manque entre « APL ${first} » et « APL ${last} ». Le classeur semble incomplet. Rien n’a été importé.`,
			);
		}
	}
	const rows: NationalRow[] = [];
	for (const { sheet, data, vintage } of apl) {
		const headerIndex = data
			.slice(0, 40)
			.findIndex((row) => row.some((cell) => normalise(cell) === 'code commune insee'));
		if (headerIndex < 0) {
			throw new NationalDataError(
				`${file}, feuille « ${sheet} » : l’en-tête « Code commune INSEE » est introuvable dans les 40 premières lignes. Rien n’a été importé.`,
			);
		}
		const columns = workbookColumns(data[headerIndex] ?? [], sheet, file, headerIndex + 1);
		const label = `${file} (${sheet})`;
		let count = 0;
		for (let index = headerIndex + 1; index < data.length; index++) {
			const cells = data[index] ?? [];
			// The units row after the header, and blank rows, have no code.
			if (cells[columns.code] == null || String(cells[columns.code]).trim() === '') continue;
			const values: Record<string, unknown> = {
				standardised_population: cells[columns.standardised],
				population: cells[columns.population],
			};
			for (const key of APL_INDICATORS) if (columns[key] !== undefined) values[key] = cells[columns[key]];
			const row = validRow(
				{
					code: cells[columns.code],
					name: columns.name === undefined ? '' : cells[columns.name],
					values,
					line: index + 1,
				},
				vintage,
				label,
				skipped,
			);
			if (row) {
				rows.push(row);
				count += 1;
			}
		}
		if (count === 0)
			throw new NationalDataError(`${file}, feuille « ${sheet} » : aucune commune lue. Rien n’a été importé.`);
	}
	return rows;
}

/** Reads the national CSV: `code,nom,apl_mg_Y,apl_mg_moins65_Y,pop_std_{Y-2},pop_tot_{Y-2},…`. */
export function readNationalCsv(path: string, skipped: Skip[]): NationalRow[] {
	const file = basename(path);
	const records = parse(readFileSync(path, 'utf8'), {
		bom: true,
		relax_column_count: true,
		skip_empty_lines: true,
	}) as string[][];
	const header = (records[0] ?? []).map((name) => name.trim());
	const years = header.flatMap((name) => /^apl_mg_([0-9]{4})$/.exec(name)?.[1] ?? []).map(Number);
	if (!header.includes('code') || years.length === 0) {
		throw new NationalDataError(
			`${file} : colonnes « code » et « apl_mg_AAAA » attendues dans l’en-tête. Rien n’a été importé.`,
		);
	}
	const layouts = years.map((vintage) => {
		const column = (pattern: RegExp) => header.findIndex((name) => pattern.test(name));
		const found = {
			apl_gp: column(new RegExp(`^apl_mg_${vintage}$`)),
			apl_gp_under_65: column(new RegExp(`^apl_mg_moins65_${vintage}$`)),
			apl_gp_62_or_less: column(new RegExp(`^apl_mg_(moins)?62(ans)?_${vintage}$`)),
			apl_gp_60_or_less: column(new RegExp(`^apl_mg_(moins)?60(ans)?_${vintage}$`)),
			standardised_population: column(new RegExp(`^pop_std_${vintage - 2}$`)),
			population: column(new RegExp(`^pop_tot_${vintage - 2}$`)),
		};
		const missing = (['apl_gp_under_65', 'standardised_population', 'population'] as const).filter(
			(key) => found[key] < 0,
		);
		if (missing.length > 0) {
			const names = {
				apl_gp_under_65: `apl_mg_moins65_${vintage}`,
				standardised_population: `pop_std_${vintage - 2}`,
				population: `pop_tot_${vintage - 2}`,
			};
			throw new NationalDataError(
				`${file} : colonne${missing.length > 1 ? 's' : ''} ${missing.map((key) => `« ${names[key]} »`).join(', ')} introuvable${missing.length > 1 ? 's' : ''} pour l’APL ${vintage}. Rien n’a été importé.`,
			);
		}
		return { vintage, found };
	});
	const code = header.indexOf('code');
	const name = header.indexOf('nom');
	const rows: NationalRow[] = [];
	records.slice(1).forEach((cells, index) => {
		for (const { vintage, found } of layouts) {
			// A commune absent from one vintage's COG has empty cells for it.
			if (!cells[found.apl_gp]?.trim() && !cells[found.population]?.trim()) continue;
			const values = Object.fromEntries(
				Object.entries(found)
					.filter(([, column]) => column >= 0)
					.map(([key, column]) => [key, cells[column]]),
			);
			const row = validRow({ code: cells[code], name: cells[name], values, line: index + 2 }, vintage, file, skipped);
			if (row) rows.push(row);
		}
	});
	return rows;
}

// ---------------------------------------------------------------------------------------------
// COG: codes of different years

type CogCommune = {
	code: string;
	nom: string;
	type: string;
	chefLieu?: string;
	departement: string;
	population?: number;
};

let cog: { current: Map<string, CogCommune>; former: Map<string, CogCommune> } | undefined;

/** Current communes (and municipal arrondissements) of `@etalab/decoupage-administratif`, and former ones. */
export function cogCommunes() {
	if (!cog) {
		const require = createRequire(import.meta.url);
		const all = JSON.parse(
			readFileSync(require.resolve('@etalab/decoupage-administratif/data/communes.json'), 'utf8'),
		) as CogCommune[];
		cog = { current: new Map(), former: new Map() };
		for (const commune of all) {
			if (commune.type === 'commune-actuelle' || commune.type === 'arrondissement-municipal')
				cog.current.set(commune.code, commune);
			else if (!cog.former.has(commune.code)) cog.former.set(commune.code, commune);
		}
	}
	return cog;
}

/** The current code of a code of any recent COG year: itself, the commune it merged into, or undefined. */
export function currentCode(code: string): string | undefined {
	const { current, former } = cogCommunes();
	if (current.has(code)) return code;
	const chefLieu = former.get(code)?.chefLieu;
	return chefLieu && current.has(chefLieu) ? chefLieu : undefined;
}

// ---------------------------------------------------------------------------------------------
// Boundaries and points

type Extents = Record<string, [number, number, number, number]>;
const EXTENTS_FILE = join(import.meta.dirname, 'department-extents.json');

/** The bounding box of every department's communes ([west, south, east, north]): chooses the files a ring needs. */
export function departmentExtents(): Extents {
	return existsSync(EXTENTS_FILE) ? (JSON.parse(readFileSync(EXTENTS_FILE, 'utf8')) as Extents) : {};
}

/** Kilometres from a point to a box (0 inside): the ring can only reach departments closer than its radius. */
function distanceToBox([lon, lat]: [number, number], [west, south, east, north]: [number, number, number, number]) {
	return distance(lon, lat, Math.min(Math.max(lon, west), east), Math.min(Math.max(lat, south), north));
}

type Shapes = Map<string, { shape: CommuneShape; source: string }>;

/** Reads boundary files: `code_territoire` "com24062" (IGN via france-geojson) or `code` (geo.api.gouv.fr, overseas). */
export function readBoundaries(paths: string[], skipped: Skip[]): { shapes: Shapes; rows: Map<string, number> } {
	const shapes: Shapes = new Map();
	const rows = new Map<string, number>();
	for (const path of paths) {
		const file = basename(path);
		let collection: FeatureCollection<Geometry | null, Record<string, unknown> | null>;
		try {
			collection = JSON.parse(readFileSync(path, 'utf8'));
		} catch {
			throw new NationalDataError(
				`${file} : fichier de contours illisible (GeoJSON tronqué ou invalide). Téléchargez-le à nouveau (npm run data:download). Rien n’a été importé.`,
			);
		}
		if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
			throw new NationalDataError(
				`${file} : ce n’est pas une collection GeoJSON (FeatureCollection). Rien n’a été importé.`,
			);
		}
		const source = /cog2024|dep[0-9]/i.test(path)
			? 'IGN, Admin Express COG 2024, contours simplifiés'
			: /cog2018|communes-97[0-9]-/i.test(path)
				? 'IGN, Admin Express COG 2018, contours simplifiés'
				: 'geo.api.gouv.fr (IGN, Admin Express), contours simplifiés';
		let count = 0;
		collection.features.forEach((item, index) => {
			const properties = item?.properties ?? {};
			const raw = String(properties.code ?? properties.code_territoire ?? '').replace(/^com/, '');
			const geometry = item?.geometry;
			if (!COMMUNE_CODE.test(raw)) {
				skipped.push({ file, line: index + 1, code: raw, reason: 'feature without a valid commune code' });
				return;
			}
			if (geometry?.type !== 'Polygon' && geometry?.type !== 'MultiPolygon') {
				skipped.push({ file, line: index + 1, code: raw, reason: 'geometry is not a Polygon or MultiPolygon' });
				return;
			}
			shapes.set(raw, { shape: geometry, source });
			count += 1;
		});
		rows.set(file, count);
	}
	return { shapes, rows };
}

function readPoints(paths: string[]): Map<string, [number, number]> {
	const points = new Map<string, [number, number]>();
	for (const path of paths) {
		const records = parse(readFileSync(path, 'utf8'), { bom: true, columns: true, skip_empty_lines: true }) as Record<
			string,
			string
		>[];
		for (const record of records) {
			const lon = Number(record.lon);
			const lat = Number(record.lat);
			if (COMMUNE_CODE.test(record.code_insee ?? '') && Math.abs(lon) <= 180 && Math.abs(lat) <= 90)
				points.set(record.code_insee as string, [lon, lat]);
		}
	}
	return points;
}

/** Joins the polygons of several (former) communes into one shape. */
function joinShapes(shapes: CommuneShape[]): CommuneShape | undefined {
	if (shapes.length <= 1) return shapes[0];
	return {
		type: 'MultiPolygon',
		coordinates: shapes.flatMap((shape) => (shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates)),
	};
}

// ---------------------------------------------------------------------------------------------
// The national dataset

export type NationalOptions = { territories: Perimeter[]; all?: boolean; ringKm?: number };

const SOURCE = (vintage: number, file: string) => `${APL_SOURCE} — APL ${vintage} (${file})`;

/** Department and France references from every commune of the national file (its own codes, the DREES rule). */
export function nationalReferences(rows: NationalRow[], areas: Set<string> | 'all'): AreaRow[] {
	const communes = new Map<string, CommuneRow>();
	const indicators: IndicatorRow[] = [];
	for (const row of rows) {
		if (!communes.has(row.code))
			communes.set(row.code, { code: row.code, department: departmentOf(row.code) } as CommuneRow);
		for (const [indicator, value] of Object.entries(row.values))
			indicators.push({
				code: row.code,
				indicator: indicator as IndicatorName,
				vintage: row.vintage,
				value,
				source: '',
			});
	}
	const vintages = [...new Set(rows.map((row) => row.vintage))];
	return areaReferences([...communes.values()], indicators, vintages, { france: true }).filter(
		(row) => areas === 'all' || row.area === 'FR' || areas.has(row.area),
	);
}

/**
 * Reads the national files in `dir` and keeps the configured territories with their ring (or all
 * of France). Throws a `NationalDataError` on a bad input; touches no database.
 */
export async function readNationalData(dir: string, options: NationalOptions): Promise<AccessDataset> {
	const sources = findNationalSources(dir);
	if (!sources) {
		throw new NationalDataError(
			`Aucun fichier APL national dans ${basename(dir)} : le classeur DREES (xlsx) ou sa forme CSV (code,nom,apl_mg_AAAA…) est attendu. Lancez npm run data:download.`,
		);
	}
	const skipped: Skip[] = [];
	const notes: string[] = [];
	const files: AccessDataset['files'] = [];
	const aplFile = basename(sources.apl.path);
	const rows =
		sources.apl.kind === 'xlsx'
			? await readWorkbook(sources.apl.path, skipped)
			: readNationalCsv(sources.apl.path, skipped);
	files.push({
		file: aplFile,
		kind: sources.apl.kind === 'xlsx' ? 'DREES APL workbook' : 'DREES APL CSV (national)',
		rows: rows.length,
	});
	const vintages = [...new Set(rows.map((row) => row.vintage))].sort();

	// 1. Codes of the file's COG years → current codes; unmatched ones are reported (and kept in the references).
	const { current } = cogCommunes();
	const byCurrent = new Map<string, NationalRow[]>();
	const unmatched = new Set<string>();
	for (const row of rows) {
		const code = currentCode(row.code);
		if (!code) {
			if (!unmatched.has(`${row.code}|${row.vintage}`)) {
				unmatched.add(`${row.code}|${row.vintage}`);
				skipped.push({
					file: row.file,
					line: row.line,
					code: row.code,
					reason: `APL ${row.vintage}: code unknown to the COG tables (current and former communes) of @etalab/decoupage-administratif; kept in the department and France references only`,
				});
			}
			continue;
		}
		byCurrent.set(code, [...(byCurrent.get(code) ?? []), row]);
	}

	// 2. The selection: the territories' communes and their ring, or all of France.
	const territoryCodes = new Set(options.territories.flatMap((t) => t.communes));
	if (!options.all && territoryCodes.size === 0) {
		throw new NationalDataError(
			'Aucune commune à importer : aucun territoire configuré (content/territories/*.md) ne donne de commune. Ajoutez les codes INSEE du territoire, ou importez toute la France avec --all. Rien n’a été importé.',
		);
	}
	for (const code of territoryCodes) {
		if (!current.has(code)) {
			const into = currentCode(code);
			notes.push(
				into
					? `territory commune ${code} is a former commune, now part of ${into} (${current.get(into)?.nom}): use ${into}.`
					: `territory commune ${code} is not a current commune code.`,
			);
		} else if (!byCurrent.has(code)) notes.push(`territory commune ${code} has no APL in ${aplFile}.`);
	}
	const points = readPoints(sources.points);
	const available = [...sources.boundaries.keys()];
	const extents = departmentExtents();
	const territoryDepartments = new Set(
		[...territoryCodes].map((code) => current.get(code)?.departement ?? departmentOf(code)),
	);
	const read = new Set<string>();
	const shapes: Shapes = new Map();
	const readDepartments = (departments: Iterable<string>) => {
		const paths: string[] = [];
		for (const department of departments) {
			if (read.has(department)) continue;
			read.add(department);
			paths.push(...(sources.boundaries.get(department) ?? []));
		}
		const result = readBoundaries(paths, skipped);
		for (const [code, shape] of result.shapes) shapes.set(code, shape);
		for (const [file, count] of result.rows) files.push({ file, kind: 'commune boundaries', rows: count });
	};
	/** Centres of current communes: a representative point from the files, else the centre of its (former communes') shapes. */
	const centreOf = (code: string): [number, number] | undefined => {
		const point = points.get(code);
		if (point) return point;
		const own = shapes.get(code)?.shape;
		if (own) return approximateCentre(own);
		for (const row of byCurrent.get(code) ?? []) {
			const shape = shapes.get(row.code)?.shape;
			if (shape) return approximateCentre(shape);
		}
		return undefined;
	};

	let selection: Set<string>;
	if (options.all) {
		readDepartments(available);
		selection = new Set(byCurrent.keys());
	} else {
		readDepartments(territoryDepartments);
		const centres = [...territoryCodes].flatMap((code) => {
			const centre = centreOf(code);
			return centre ? [centre] : [];
		});
		if (centres.length === 0) {
			throw new NationalDataError(
				`Aucune commune des territoires n’a de contour ni de point dans les fichiers (départements ${[...territoryDepartments].join(', ')}) : le cercle de voisinage ne peut pas être calculé. Lancez npm run data:download. Rien n’a été importé.`,
			);
		}
		const ringKm = options.ringKm ?? RING_KM;
		const nearby = available.filter((department) => {
			const box = extents[department];
			return !box || centres.some((centre) => distanceToBox(centre, box) <= ringKm);
		});
		readDepartments(nearby);
		const candidates = [...new Set([...byCurrent.keys(), ...points.keys()])].filter(
			(code) => read.has(current.get(code)?.departement ?? departmentOf(code)) && byCurrent.has(code),
		);
		const located = candidates.flatMap((code) => {
			const centre = centreOf(code);
			return centre ? [{ code, centre }] : [];
		});
		const index = new KDBush(Math.max(located.length, 1));
		for (const { centre } of located) index.add(centre[0], centre[1]);
		index.finish();
		selection = new Set([...territoryCodes].filter((code) => byCurrent.has(code)));
		for (const [lon, lat] of centres)
			for (const id of around(index, lon, lat, Number.POSITIVE_INFINITY, ringKm))
				selection.add(located[id]?.code ?? '');
		selection.delete('');
		const missingFiles = [...territoryDepartments, ...nearby].filter(
			(department) => !sources.boundaries.has(department),
		);
		if (missingFiles.length > 0)
			notes.push(
				`no boundary file for department(s) ${[...new Set(missingFiles)].join(', ')}: their communes are drawn as points or left out of the ring.`,
			);
	}

	// 3. Communes and indicators of the selection (several former communes of one vintage are combined with the DREES rule).
	const selectedShapes = new Map<string, CommuneShape>();
	const shapeSources = new Map<string, string>();
	const communes: CommuneRow[] = [];
	const indicators: IndicatorRow[] = [];
	for (const code of [...selection].sort()) {
		const info = current.get(code);
		const sourceRows = byCurrent.get(code) ?? [];
		// A commune nouvelle more recent than the boundary files is drawn as the union of its former communes.
		const parts = [...new Set([code, ...sourceRows.map((row) => row.code)])].flatMap((c) => shapes.get(c) ?? []);
		const shape = joinShapes(parts.map((part) => part.shape));
		if (shape) {
			selectedShapes.set(code, shape);
			shapeSources.set(code, parts[0]?.source ?? '');
		}
		const centre = points.get(code) ?? (shape ? approximateCentre(shape) : undefined);
		communes.push({
			code,
			name: info?.nom ?? sourceRows[0]?.name ?? code,
			department: info?.departement ?? departmentOf(code),
			population: info?.population ?? null,
			populationYear: info?.population != null ? COMMUNES_POPULATION_YEAR : null,
			populationSource:
				info?.population != null
					? `Insee, populations légales ${COMMUNES_POPULATION_YEAR} (population municipale)`
					: null,
			fallbackPopulation: null,
			fallbackYear: null,
			fallbackSource: null,
			geometry: null,
			geometrySource: null,
			lon: centre?.[0] ?? null,
			lat: centre?.[1] ?? null,
		});
		for (const vintage of vintages) {
			const parts = sourceRows.filter((row) => row.vintage === vintage);
			if (parts.length === 0) continue;
			const source = SOURCE(vintage, aplFile);
			if (parts.length === 1) {
				const values: Partial<Record<IndicatorName, number>> = parts[0]?.values ?? {};
				for (const indicator of INDICATOR_ORDER) {
					const value = values[indicator];
					if (value !== undefined) indicators.push({ code, indicator, vintage, value, source });
				}
				continue;
			}
			notes.push(
				`${code}: APL ${vintage} combines the former communes ${parts.map((p) => p.code).join(', ')} (weighted by standardised population, populations added).`,
			);
			const weights = parts.reduce((sum, p) => sum + p.values.standardised_population, 0);
			const combined: Record<string, number> = {
				standardised_population: weights,
				population: parts.reduce((sum, p) => sum + p.values.population, 0),
			};
			for (const key of APL_INDICATORS) {
				if (!parts.every((p) => p.values[key] !== undefined) || weights <= 0) continue;
				combined[key] =
					Math.round(
						(parts.reduce((sum, p) => sum + (p.values[key] ?? 0) * p.values.standardised_population, 0) / weights) *
							1000,
					) / 1000;
			}
			for (const indicator of INDICATOR_ORDER) {
				const value = combined[indicator];
				if (value !== undefined)
					indicators.push({ code, indicator, vintage, value, source: `${source}, communes fusionnées` });
			}
		}
	}
	const byCode = new Map(communes.map((commune) => [commune.code, commune]));
	for (const [code, shape] of simplifyCommunes(selectedShapes)) {
		const commune = byCode.get(code);
		if (!commune) continue;
		commune.geometry = shape;
		commune.geometrySource = shapeSources.get(code) ?? null;
	}
	if (communes.length === 0) {
		throw new NationalDataError(
			'Sélection vide : aucune commune des territoires n’a été trouvée dans le fichier APL. Rien n’a été importé.',
		);
	}

	// 4. References: France and the departments of the selection, from the whole national file.
	const departments = new Set(communes.map((c) => `D${c.department}`));
	const areas = nationalReferences(rows, options.all ? 'all' : departments);
	for (const commune of communes)
		if (commune.lon == null) notes.push(`${commune.code}: no boundary or point in the files.`);
	return { communes, indicators, areas, vintages, files, skipped, notes };
}

/** The bounding boxes of the departments of the boundary files (what `department-extents.json` holds). */
export function computeDepartmentExtents(sources: NationalSources): Extents {
	const extents: Extents = {};
	for (const [department, paths] of [...sources.boundaries].sort(([a], [b]) => a.localeCompare(b))) {
		let box: [number, number, number, number] = [180, 90, -180, -90];
		for (const { shape } of readBoundaries(paths, []).shapes.values()) {
			const polygons = shape.type === 'Polygon' ? [shape.coordinates] : shape.coordinates;
			for (const polygon of polygons)
				for (const [lon = 0, lat = 0] of polygon[0] ?? [])
					box = [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)];
		}
		extents[department] = box.map((value) => Math.round(value * 1000) / 1000) as typeof box;
	}
	return extents;
}

/**
 * The departments a territory's ring may reach, before any boundary is read: those whose extent
 * lies within `km` of the extent of one of `departments` (box to box, so a superset).
 */
export function departmentsNear(departments: Iterable<string>, km = RING_KM): string[] {
	const extents = departmentExtents();
	const wanted = new Set(departments);
	const near = new Set(wanted);
	for (const department of wanted) {
		const a = extents[department];
		if (!a) continue;
		for (const [other, b] of Object.entries(extents)) {
			const dx = Math.max(0, a[0] - b[2], b[0] - a[2]);
			const dy = Math.max(0, a[1] - b[3], b[1] - a[3]);
			const latitude = (Math.max(a[1], b[1]) + Math.min(a[3], b[3])) / 2;
			const gapKm = Math.hypot(dx * 111.32 * Math.cos((latitude * Math.PI) / 180), dy * 110.57);
			if (gapKm <= km) near.add(other);
		}
	}
	return [...near].sort();
}

/** Every department of the COG tables that has communes (metropolitan France, Corsica, overseas). */
export function allDepartments(): string[] {
	return [...new Set([...cogCommunes().current.values()].map((c) => c.departement))].sort();
}
