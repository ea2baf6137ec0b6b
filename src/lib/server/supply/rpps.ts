import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { COMMUNE_CODE, departmentOf } from '../access/importer.ts';

/**
 * Reads the RPPS "Annuaire Santé" public extraction (`PS_LibreAcces_Personne_activite_*.txt`,
 * `|`-separated, UTF-8, one line per practitioner and activity site, a trailing `|` on each line;
 * format in `data/FORMATS.md` of the shared folder) and counts general practitioners by commune of
 * practice, for the access simulator.
 *
 * - Streamed line by line (the national file is 1–2 GB): never read whole.
 * - Filtered early: lines outside the configured departments are counted, not examined further.
 * - A GP is `Code profession` 10 (médecin) with `Code savoir-faire` SM54 (médecine générale).
 * - Counted: distinct practitioners (`Identification nationale PP`) per commune of practice. A GP
 *   practising in two communes counts once in each (a departure is simulated from one site, and each
 *   commune knows the doctor practises there); two sites in the same commune count once. `multiSite`
 *   says how many GPs were counted in more than one commune.
 * - The commune is `Code commune (coord. structure)`; when empty, the postcode, if the optional
 *   `communeOfPostcode` resolves it to exactly one commune.
 * - Malformed lines (wrong column count, bad commune code, missing identifier) are listed with their
 *   line number and a French reason; nothing is thrown and no line is dropped unsaid.
 * - Only identifiers are held while reading, and only counts are returned: no names.
 */

export const RPPS_COLUMNS = {
	id: 'Identification nationale PP',
	profession: 'Code profession',
	skill: 'Code savoir-faire',
	mode: 'Code mode exercice',
	postcode: 'Code postal (coord. structure)',
	commune: 'Code commune (coord. structure)',
	department: 'Code Département (structure)',
} as const;

/** `Code profession` of doctors, and `Code savoir-faire` of general practice. */
export const PHYSICIAN = '10';
export const GENERAL_PRACTICE = 'SM54';
/** Detailed skipped lines kept in the result; the rest are counted in `skippedTotal`. */
export const MAX_SKIPPED_LISTED = 1000;

export type RppsSkip = { line: number; reason: string };

export type RppsResult = {
	/** Distinct GPs per commune of practice (INSEE code), in the configured departments. */
	byCommune: Map<string, number>;
	/** Malformed lines, with their number in the file (the header is line 1) and a French reason. */
	skipped: RppsSkip[];
	/** All skipped lines, including those beyond `MAX_SKIPPED_LISTED`. */
	skippedTotal: number;
	/** Data lines read (header and blank lines not counted). */
	read: number;
	/** Lines outside the configured departments (not examined further). */
	outside: number;
	/** Lines in the departments that are not a GP (other professions or specialities). */
	notGp: number;
	/** Distinct GPs counted, and those counted in more than one commune. */
	practitioners: number;
	multiSite: number;
};

export type RppsOptions = {
	/** Department codes as INSEE writes them: '24', '08', '2A', '971'. */
	departments: readonly string[];
	/** Resolves a postcode to a single INSEE code, for lines whose commune code is empty. */
	communeOfPostcode?: (postcode: string) => string | undefined;
};

/** '8' and '08' are the same department; '2a' is '2A'. */
function normaliseDepartment(value: string): string {
	const trimmed = value.trim().toUpperCase();
	return /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

/** The department of a postcode, where it says it unambiguously (not Corsica's 20xxx). */
function departmentOfPostcode(postcode: string): string | undefined {
	if (!/^\d{5}$/.test(postcode) || postcode.startsWith('20')) return undefined;
	return postcode.startsWith('97') ? postcode.slice(0, 3) : postcode.slice(0, 2);
}

/**
 * Counts GPs by commune from an extraction file (path) or a stream of its text. Resolves with the
 * counts and the report; rejects only when the file itself cannot be read.
 */
export async function readRppsGps(source: string | Readable, options: RppsOptions): Promise<RppsResult> {
	const departments = new Set(options.departments.map(normaliseDepartment));
	const input = typeof source === 'string' ? createReadStream(source, { encoding: 'utf8' }) : source;
	const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
	const result: RppsResult = {
		byCommune: new Map(),
		skipped: [],
		skippedTotal: 0,
		read: 0,
		outside: 0,
		notGp: 0,
		practitioners: 0,
		multiSite: 0,
	};
	const skip = (line: number, reason: string) => {
		result.skippedTotal++;
		if (result.skipped.length < MAX_SKIPPED_LISTED) result.skipped.push({ line, reason });
	};
	const gpsByCommune = new Map<string, Set<string>>();
	let columns: Record<keyof typeof RPPS_COLUMNS, number> | undefined;
	let width = 0;
	let number = 0;
	for await (const raw of lines) {
		number++;
		if (number === 1) {
			const header = raw.replace(/^\ufeff/, '').split('|');
			const found = Object.fromEntries(
				Object.entries(RPPS_COLUMNS).map(([key, name]) => [key, header.indexOf(name)]),
			) as Record<keyof typeof RPPS_COLUMNS, number>;
			const missing = Object.entries(RPPS_COLUMNS)
				.filter(([key]) => found[key as keyof typeof RPPS_COLUMNS] < 0)
				.map(([, name]) => `« ${name} »`);
			if (missing.length > 0) {
				skip(
					1,
					`En-tête inattendu : ${missing.length > 1 ? 'colonnes' : 'colonne'} ${missing.join(', ')} introuvable${missing.length > 1 ? 's' : ''}. Ce fichier n’est pas une extraction « Personne activité » de l’Annuaire Santé ; il n’a pas été lu.`,
				);
				lines.close();
				input.destroy();
				break;
			}
			columns = found;
			width = header[header.length - 1] === '' ? header.length - 1 : header.length;
			continue;
		}
		if (raw.trim() === '') continue;
		result.read++;
		const fields = raw.split('|');
		// Each line ends with `|`: one empty field more than there are columns.
		const count = raw.endsWith('|') ? fields.length - 1 : fields.length;
		if (count !== width) {
			skip(number, `Ligne mal formée : ${count} colonne${count > 1 ? 's' : ''} au lieu de ${width}.`);
			continue;
		}
		const cols = columns!;
		const communeField = (fields[cols.commune] ?? '').trim();
		const postcode = (fields[cols.postcode] ?? '').trim();
		const departmentField = (fields[cols.department] ?? '').trim();
		const communeValid = COMMUNE_CODE.test(communeField);
		// Early department filter, from the best information the line has.
		const department = communeValid
			? departmentOf(communeField)
			: departmentField
				? normaliseDepartment(departmentField)
				: departmentOfPostcode(postcode);
		if (department !== undefined && !departments.has(department)) {
			result.outside++;
			continue;
		}
		if (fields[cols.profession]?.trim() !== PHYSICIAN || fields[cols.skill]?.trim() !== GENERAL_PRACTICE) {
			result.notGp++;
			continue;
		}
		let commune = communeValid ? communeField : undefined;
		if (communeField !== '' && !communeValid) {
			skip(
				number,
				`Code commune invalide : « ${communeField.slice(0, 12)} » (5 caractères attendus, par exemple 24311 ou 2A004).`,
			);
			continue;
		}
		if (commune === undefined) {
			commune = postcode ? options.communeOfPostcode?.(postcode) : undefined;
			if (commune === undefined) {
				skip(
					number,
					postcode
						? `Code commune absent et code postal ${postcode.slice(0, 10)} partagé par plusieurs communes ou inconnu : commune d’exercice introuvable.`
						: 'Code commune et code postal absents : commune d’exercice introuvable.',
				);
				continue;
			}
			if (!departments.has(departmentOf(commune))) {
				result.outside++;
				continue;
			}
		}
		const id = (fields[cols.id] ?? '').trim();
		if (id === '') {
			skip(number, 'Identifiant national du praticien (RPPS) absent : ce médecin ne peut pas être compté.');
			continue;
		}
		let gps = gpsByCommune.get(commune);
		if (!gps) {
			gps = new Set();
			gpsByCommune.set(commune, gps);
		}
		gps.add(id);
	}
	if (number === 0) skip(1, 'Fichier vide : aucune ligne d’en-tête.');

	const communesOf = new Map<string, number>();
	for (const [commune, ids] of [...gpsByCommune].sort(([a], [b]) => a.localeCompare(b))) {
		result.byCommune.set(commune, ids.size);
		for (const id of ids) communesOf.set(id, (communesOf.get(id) ?? 0) + 1);
	}
	result.practitioners = communesOf.size;
	result.multiSite = [...communesOf.values()].filter((count) => count > 1).length;
	return result;
}

let postcodes: Map<string, string> | undefined;

/**
 * A postcode → commune resolver from the INSEE commune list of `@etalab/decoupage-administratif`
 * (current communes only): only postcodes served by exactly one commune resolve.
 */
export function communeOfPostcode(postcode: string): string | undefined {
	if (!postcodes) {
		const require = createRequire(import.meta.url);
		const communes = require('@etalab/decoupage-administratif/data/communes.json') as {
			code: string;
			type: string;
			codesPostaux?: string[];
		}[];
		const seen = new Map<string, string | null>();
		for (const commune of communes) {
			if (commune.type !== 'commune-actuelle') continue;
			for (const code of commune.codesPostaux ?? []) seen.set(code, seen.has(code) ? null : commune.code);
		}
		postcodes = new Map([...seen].filter((entry): entry is [string, string] => entry[1] !== null));
	}
	return postcodes.get(postcode);
}
