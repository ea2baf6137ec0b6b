import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import departements from '@etalab/decoupage-administratif/data/departements.json' with { type: 'json' };

/**
 * A territory's perimeter, resolved against the official list of communes.
 *
 * A territory file (`content/territories/<slug>.md`) gives its perimeter in exactly one form: a list
 * of INSEE commune codes (`communes`), the SIREN number of an EPCI (`epci`), or former cantons and
 * their communes (`formerCantons`). Names, departments and populations are looked up here in the
 * npm package `@etalab/decoupage-administratif`, never typed by hand.
 *
 * The package's JSON files (about 12 MB) are read from disk the first time a perimeter is resolved,
 * at content-load time (`astro sync`, `astro build`, `astro dev`, `readContentMirror()`); the pages
 * read the resolved perimeter from Astro's content store, so the data never reaches a browser bundle
 * or a server function. The one exception is the departments' names (10 KB, {@link departmentNames}),
 * which the access map's server code reads.
 */

/** The package (6.0.0) holds the Code officiel géographique at 1 January 2026 (its README's table of vintages). */
export const COG_YEAR = 2026;
/**
 * `population` in the package's communes.json is the Insee "population municipale" of the legal
 * populations 2023 (README: "Population légale", Insee page 8680726, « Populations légales 2023 »,
 * in force on 1 January 2026). perimeter.test.ts fails when the package's version changes, so that
 * both years are checked again.
 */
export const POPULATION_YEAR = 2023;
export const POPULATION_SOURCE = `Insee, populations légales ${POPULATION_YEAR} (population municipale)`;
export const PACKAGE_VERSION = '6.0.0';

/** A current commune code: 5 digits, or 2A/2B and 3 digits in Corsica. */
export const INSEE_CODE = /^(\d{5}|2[AB]\d{3})$/;
export const EPCI_CODE = /^\d{9}$/;

export type CommuneEntry = string | { code: string; name?: string | undefined };

/** What a territory file says about its perimeter (after its schema has checked the syntax). */
export type PerimeterSpec = {
	communes?: readonly string[] | undefined;
	epci?: string | undefined;
	formerCantons?: readonly { code: string; name: string; communes: readonly CommuneEntry[] }[] | undefined;
	/** Optional in content: derived from the communes; when written, it must agree with them. */
	departments?: readonly { code: string; name?: string | undefined }[] | undefined;
};

export type PerimeterCommune = {
	code: string;
	name: string;
	department: string;
	departmentName: string;
	/** Population municipale, Insee legal populations of {@link POPULATION_YEAR}. */
	population: number;
	/** Only for a perimeter given by former cantons: the canton's name. */
	formerCanton?: string;
};

export type Perimeter = {
	form: 'communes' | 'epci' | 'formerCantons';
	/** In the order of the file (EPCI: the order of its members in the official list). */
	communes: PerimeterCommune[];
	/** Departments of the communes, in the usual order (01 … 19, 2A, 2B, 21 … 95, 971 …). */
	departments: { code: string; name: string }[];
	epci?: { code: string; name: string };
	formerCantons?: { code: string; name: string; communes: string[] }[];
	population: number;
	populationSource: string;
	populationYear: number;
	/** The Code officiel géographique the codes were checked against. */
	cogYear: number;
};

export type PerimeterIssue = { path: (string | number)[]; message: string };

export type PerimeterResult = { ok: true; perimeter: Perimeter } | { ok: false; issues: PerimeterIssue[] };

type RawCommune = {
	code: string;
	nom: string;
	type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
	departement: string;
	population?: number;
	chefLieu?: string;
	commune?: string;
	anciensCodes?: string[];
	codesPostaux?: string[];
	siren?: string;
};
type RawEpci = { code: string; nom: string; membres: { code: string }[] };
type RawDepartment = { code: string; nom: string };

type Current = { code: string; name: string; department: string; population: number; siren?: string };
type Tables = {
	current: Map<string, Current>;
	/** Former communes (merged): their name when the package still lists them, and the commune they merged into. */
	former: Map<string, { name?: string; chefLieu: string }>;
	/** Arrondissements of Paris, Lyon and Marseille: the commune they belong to. */
	arrondissements: Map<string, { name: string; commune: string }>;
	departments: ReadonlyMap<string, string>;
	epci: Map<string, { name: string; members: string[] }>;
	raw: RawCommune[];
};

let tables: Tables | undefined;

function readPackageJson<T>(file: string): T {
	const require = createRequire(import.meta.url);
	return JSON.parse(readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8')) as T;
}

let departmentTable: ReadonlyMap<string, string> | undefined;

/**
 * The departments' names by code (`departements.json`, 10 KB), read once, on first use, without the
 * communes: the access map's server code names a department with it.
 */
export function departmentNames(): ReadonlyMap<string, string> {
	// A static import, not a file read: a server function's bundle then carries the table (10 KB).
	departmentTable ??= new Map((departements as RawDepartment[]).map((d) => [d.code, d.nom]));
	return departmentTable;
}

/** The package's tables, read once, on first use. */
function load(): Tables {
	if (tables) return tables;
	const raw = readPackageJson<RawCommune[]>('communes.json');
	const current = new Map<string, Current>();
	const former = new Map<string, { name?: string; chefLieu: string }>();
	const arrondissements = new Map<string, { name: string; commune: string }>();
	for (const c of raw) {
		if (c.type === 'commune-actuelle') {
			current.set(c.code, {
				code: c.code,
				name: c.nom,
				department: c.departement,
				population: c.population ?? 0,
				...(c.siren ? { siren: c.siren } : {}),
			});
		} else if (c.type === 'arrondissement-municipal' && c.commune) {
			arrondissements.set(c.code, { name: c.nom, commune: c.commune });
		} else if (c.chefLieu && !former.has(c.code)) {
			former.set(c.code, { name: c.nom, chefLieu: c.chefLieu });
		}
	}
	// Codes merged away without a "commune déléguée" left behind are only listed by their new commune.
	for (const c of raw) {
		if (c.type !== 'commune-actuelle') continue;
		for (const old of c.anciensCodes ?? []) if (!former.has(old)) former.set(old, { chefLieu: c.code });
	}
	const departments = departmentNames();
	const epci = new Map(
		readPackageJson<RawEpci[]>('epci.json').map((e) => [
			e.code,
			{ name: e.nom, members: e.membres.map((m) => m.code) },
		]),
	);
	tables = { current, former, arrondissements, departments, epci, raw };
	return tables;
}

/** Sort key putting Corsica where its former code 20 was: 19, 2A, 2B, 21. */
const departmentOrder = (code: string) => code.replace(/^2([AB])$/, '20$1');

/** The prefix of every message when the file is known: `content/territories/<slug>.md : `. */
export const territoryFile = (id: string) => `content/territories/${id}.md`;

const describeCommune = (code: string, name?: string) => (name ? `${code} (${name})` : code);

/** Why a code that is not a current commune was refused, in plain French, with the fix. */
function unknownCommuneMessage(t: Tables, code: string, listed: ReadonlySet<string>): string {
	if (!INSEE_CODE.test(code)) {
		return `« ${code} » n’est pas un code de commune : 5 caractères attendus, des chiffres (ex. 37261), ou 2A/2B suivi de 3 chiffres en Corse (ex. 2A004).`;
	}
	const merged = t.former.get(code);
	if (merged) {
		// A commune merged into one that later merged again: follow to the current commune.
		let target = merged.chefLieu;
		for (let hop = 0; hop < 5 && !t.current.has(target); hop++) target = t.former.get(target)?.chefLieu ?? target;
		const into = t.current.get(target);
		if (into && /^20\d{3}$/.test(code) && into.code === code.replace(/^20/, into.code.slice(0, 2))) {
			return `${code} est l’ancien code de la commune ${into.name}, d’avant la création des deux départements de Corse en 1976 : remplacez-le par ${into.code}.`;
		}
		if (into) {
			const fix = listed.has(into.code)
				? `${into.code} est déjà dans la liste : retirez ${code}.`
				: `remplacez le code par ${into.code}.`;
			return `la commune ${describeCommune(code, merged.name)} n’existe plus : elle a fusionné dans ${into.code} ${into.name} ; ${fix}`;
		}
	}
	const arrondissement = t.arrondissements.get(code);
	if (arrondissement) {
		const commune = t.current.get(arrondissement.commune);
		return `${code} est un arrondissement (${arrondissement.name}), pas une commune : mettez le code de la commune, ${arrondissement.commune}${commune ? ` (${commune.name})` : ''}.`;
	}
	const byPostalCode = t.raw.filter((c) => c.type === 'commune-actuelle' && c.codesPostaux?.includes(code));
	if (byPostalCode.length > 0) {
		const names = byPostalCode
			.slice(0, 3)
			.map((c) => `${c.nom} : ${c.code}`)
			.join(', ');
		return `le code ${code} ne correspond à aucune commune : c’est un code postal. Le code à écrire est le code officiel (code INSEE) de la commune (${names}${byPostalCode.length > 3 ? ', …' : ''}).`;
	}
	return `le code ${code} ne correspond à aucune commune au 1er janvier ${COG_YEAR}. Vérifiez le code officiel (code INSEE, différent du code postal) de la commune.`;
}

function unknownEpciMessage(t: Tables, code: string): string {
	if (!EPCI_CODE.test(code)) {
		return `« ${code} » n’est pas un numéro SIREN d’intercommunalité : 9 chiffres attendus (ex. 200071819).`;
	}
	const commune = [...t.current.values()].find((c) => c.siren === code);
	const hint = commune
		? ` C’est le numéro SIREN de la commune ${commune.name} : mettez celui de son intercommunalité, ou la liste des communes (communes).`
		: ' Vérifiez le numéro SIREN (9 chiffres) de la communauté de communes, d’agglomération, urbaine ou de la métropole.';
	return `l’intercommunalité ${code} n’existe pas dans la liste officielle des EPCI à fiscalité propre au 1er janvier ${COG_YEAR}.${hint}`;
}

const FORMS = ['communes', 'epci', 'formerCantons'] as const;

/** Whether `code` is the INSEE code of a current commune ("commune-actuelle"): the practices' check. */
export function isCurrentCommune(code: string): boolean {
	return load().current.has(code);
}

/**
 * The communes of a territory, with their names, departments and populations, or the French messages
 * that say what is wrong and how to fix it. `id` is the file's slug: when given, every message starts
 * with `content/territories/<id>.md : `; the content schema passes `null` because Astro names the
 * file itself.
 */
export function resolvePerimeter(id: string | null, spec: PerimeterSpec): PerimeterResult {
	const issues: PerimeterIssue[] = [];
	const prefix = id === null ? '' : `${territoryFile(id)} : `;
	const fail = (path: (string | number)[], message: string) => issues.push({ path, message: `${prefix}${message}` });

	const given = FORMS.filter((form) => spec[form] !== undefined);
	if (given.length !== 1) {
		fail(
			[],
			given.length === 0
				? 'périmètre attendu : la liste des codes des communes (communes), le numéro SIREN d’une intercommunalité (epci) ou les anciens cantons (formerCantons).'
				: `le périmètre doit être donné d’une seule façon, or ce fichier en donne ${given.length} (${given.join(', ')}) : gardez-en une.`,
		);
		return { ok: false, issues };
	}
	const form = given[0]!;
	const t = load();

	// Every commune of the perimeter, where it is written in the file.
	let entries: { code: string; path: (string | number)[]; formerCanton?: string }[] = [];
	let epci: Perimeter['epci'];
	if (form === 'communes') {
		entries = (spec.communes ?? []).map((code, i) => ({ code, path: ['communes', i] }));
		if (entries.length === 0) fail(['communes'], 'au moins une commune attendue dans la liste communes.');
	} else if (form === 'epci') {
		const code = spec.epci ?? '';
		const found = t.epci.get(code);
		if (!found) {
			fail(['epci'], unknownEpciMessage(t, code));
		} else {
			epci = { code, name: found.name };
			entries = found.members.map((member) => ({ code: member, path: ['epci'] }));
		}
	} else {
		const cantons = spec.formerCantons ?? [];
		if (cantons.length === 0) fail(['formerCantons'], 'au moins un ancien canton attendu.');
		cantons.forEach((canton, c) => {
			if (canton.communes.length === 0) fail(['formerCantons', c, 'communes'], 'au moins une commune attendue.');
			canton.communes.forEach((commune, i) => {
				const code = typeof commune === 'string' ? commune : commune.code;
				entries.push({ code, path: ['formerCantons', c, 'communes', i, 'code'], formerCanton: canton.name });
			});
		});
	}

	const listed = new Set(entries.map((entry) => entry.code));
	const seen = new Map<string, (typeof entries)[number]>();
	const communes: PerimeterCommune[] = [];
	for (const entry of entries) {
		const commune = t.current.get(entry.code);
		if (!commune) {
			fail(entry.path, unknownCommuneMessage(t, entry.code, listed));
			continue;
		}
		const first = seen.get(entry.code);
		if (first) {
			const where =
				first.formerCanton && entry.formerCanton && first.formerCanton !== entry.formerCanton
					? ` (anciens cantons de ${first.formerCanton} et de ${entry.formerCanton})`
					: '';
			fail(
				entry.path,
				`la commune ${describeCommune(commune.code, commune.name)} est écrite deux fois${where} : gardez-en une seule.`,
			);
			continue;
		}
		seen.set(entry.code, entry);
		communes.push({
			code: commune.code,
			name: commune.name,
			department: commune.department,
			departmentName: t.departments.get(commune.department) ?? commune.department,
			population: commune.population,
			...(entry.formerCanton ? { formerCanton: entry.formerCanton } : {}),
		});
	}

	const departments = [...new Set(communes.map((c) => c.department))]
		.sort((a, b) => departmentOrder(a).localeCompare(departmentOrder(b)))
		.map((code) => ({ code, name: t.departments.get(code) ?? code }));

	if (spec.departments && issues.length === 0) {
		const written = [...new Set(spec.departments.map((d) => d.code))].sort();
		const derived = departments.map((d) => d.code).sort();
		if (written.join() !== derived.join()) {
			fail(
				['departments'],
				`les départements écrits (${written.join(', ')}) ne sont pas ceux des communes (${derived.join(', ')}) : retirez la liste departments, elle est déduite des communes.`,
			);
		}
	}

	if (issues.length > 0) return { ok: false, issues };
	return {
		ok: true,
		perimeter: {
			form,
			communes,
			departments,
			...(epci ? { epci } : {}),
			...(form === 'formerCantons'
				? {
						formerCantons: (spec.formerCantons ?? []).map((canton) => ({
							code: canton.code,
							name: canton.name,
							communes: canton.communes.map((c) => (typeof c === 'string' ? c : c.code)),
						})),
					}
				: {}),
			population: communes.reduce((sum, c) => sum + c.population, 0),
			populationSource: POPULATION_SOURCE,
			populationYear: POPULATION_YEAR,
			cogYear: COG_YEAR,
		},
	};
}
