import type { AccessMap } from './access.ts';
import {
	computeDemand,
	type KnownGps,
	MAX_GPS_PER_CHANGE,
	type ScenarioCommune,
	type ScenarioModel,
	type SupplyChange,
	validateChanges,
} from './scenario.ts';

/**
 * The access simulator's changes as they live in the page address, so that a simulation can be
 * shared, works without JavaScript and prints: `?depart=24328-2-1&arrivee=24311-1&msp=24001-3`
 * (commune INSEE code, number of GPs, and for a departure how many of them are 65 or older).
 */
export type ChangeKind = 'depart' | 'arrivee' | 'msp';
export type ScenarioChange = { kind: ChangeKind; commune: string; gps: number; aged65OrMore: number };

export const CHANGE_KINDS: Record<ChangeKind, { label: string }> = {
	depart: { label: 'Des médecins partent' },
	arrivee: { label: 'Des médecins s’installent' },
	msp: { label: 'Une maison de santé ouvre' },
};
const KINDS = Object.keys(CHANGE_KINDS) as ChangeKind[];

/** At most this many changes in one simulation: beyond, the address is taken for a mistake. */
export const MAX_CHANGES = 12;

export type ScenarioIssue = { field: 'ajout' | 'commune' | 'nombre' | 'dont65' | 'adresse'; message: string };

/** A simulable commune: with a point and a stored D_j, so that a change there is exact. */
export type SimCommune = {
	code: string;
	name: string;
	lon: number;
	lat: number;
	inTerritory: boolean;
	apl: number | null;
	aplUnder65: number | null;
	standardisedPopulation: number | null;
	population: number | null;
	demand: number | null;
};

export function simCommunes(map: AccessMap): SimCommune[] {
	return map.features.flatMap(({ properties: c }) =>
		c.point
			? [
					{
						code: c.code,
						name: c.name,
						lon: c.point[0],
						lat: c.point[1],
						inTerritory: c.inTerritory,
						apl: c.apl,
						aplUnder65: c.aplUnder65,
						standardisedPopulation: c.standardisedPopulation,
						population: c.aplPopulation,
						demand: c.demand,
					},
				]
			: [],
	);
}

/**
 * The communes as one short string, for the simulator island's props: Astro writes each prop into the
 * page's HTML with a type tag on every field of every object (about 360 bytes per commune, 44 KB for
 * a pilot territory), this form takes about 70. Records are separated by `;`, fields by `|` in the order
 * of SIM_FIELDS; a missing number is empty, a boolean 1 or 0. Numbers are written in full, so that the
 * browser computes the same figures as the server (commune names never hold `;` or `|`; one that did
 * would have them replaced by spaces).
 */
const SIM_FIELDS = [
	'code',
	'name',
	'lon',
	'lat',
	'inTerritory',
	'apl',
	'aplUnder65',
	'standardisedPopulation',
	'population',
	'demand',
] as const satisfies readonly (keyof SimCommune)[];

export function encodeSimCommunes(communes: readonly SimCommune[]): string {
	return communes
		.map((c) =>
			SIM_FIELDS.map((field) => {
				const value = c[field];
				if (typeof value === 'boolean') return value ? '1' : '0';
				if (typeof value === 'string') return value.replace(/[;|]/g, ' ');
				return value == null ? '' : String(value);
			}).join('|'),
		)
		.join(';');
}

export function decodeSimCommunes(text: string): SimCommune[] {
	if (text === '') return [];
	const number = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));
	return text.split(';').map((record) => {
		const [code, name, lon, lat, inTerritory, apl, aplUnder65, standardisedPopulation, population, demand] =
			record.split('|');
		return {
			code: code ?? '',
			name: name ?? '',
			lon: Number(lon),
			lat: Number(lat),
			inTerritory: inTerritory === '1',
			apl: number(apl),
			aplUnder65: number(aplUnder65),
			standardisedPopulation: number(standardisedPopulation),
			population: number(population),
			demand: number(demand),
		};
	});
}

/**
 * The model of a map: its communes with the DREES values and their stored D_j. A territory commune
 * without a stored D_j (data imported before D_j was) gets the sum over the map's communes, which
 * are every commune within 20 minutes of the territory.
 */
export function scenarioModel(communes: readonly SimCommune[]): ScenarioModel {
	return computeDemand(communes.map((c): ScenarioCommune => ({ ...c, demand: c.demand ?? null })));
}

/** Where a change can be simulated: a commune of the territory (arrivals), or where GPs are known (departures). */
export function changeable(communes: readonly SimCommune[], known: KnownGps) {
	const arrivals = communes.filter((c) => c.inTerritory).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	const departures = communes
		.filter((c) => (known.get(c.code)?.gps ?? 0) > 0)
		.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
	return { arrivals, departures };
}

const whole = (text: string | undefined) => (text !== undefined && /^[0-9]{1,3}$/.test(text) ? Number(text) : null);

/** One `CODE-N[-M]` value of the address, or why it cannot be read. */
function parseValue(kind: ChangeKind, value: string): ScenarioChange | string {
	const [commune, gps, aged, ...rest] = value.trim().split('-');
	const count = whole(gps);
	const older = aged === undefined ? 0 : whole(aged);
	if (!commune || count === null || older === null || rest.length > 0 || (kind !== 'depart' && aged !== undefined)) {
		return `« ${value.slice(0, 40)} » ne se lit pas : il faut le code INSEE de la commune puis le nombre de médecins${kind === 'depart' ? ', et éventuellement combien ont 65 ans ou plus' : ''}, séparés par des tirets (ex. 24311-2${kind === 'depart' ? '-1' : ''})`;
	}
	return { kind, commune: commune.toUpperCase(), gps: count, aged65OrMore: older };
}

/**
 * The changes of an address, and a French message for each part that cannot be used (unreadable,
 * unknown commune, absurd count, more departures than GPs known): the page then shows no simulation
 * and says what to correct.
 */
export function parseScenario(
	params: URLSearchParams,
	model: ScenarioModel,
	communes: readonly SimCommune[],
	known: KnownGps,
): { changes: ScenarioChange[]; issues: ScenarioIssue[] } {
	const changes: ScenarioChange[] = [];
	const issues: ScenarioIssue[] = [];
	for (const kind of KINDS) {
		for (const value of params.getAll(kind)) {
			const parsed = parseValue(kind, value);
			if (typeof parsed === 'string') issues.push({ field: 'adresse', message: parsed });
			else changes.push(parsed);
		}
	}
	if (changes.length > MAX_CHANGES) {
		issues.push({ field: 'adresse', message: `${MAX_CHANGES} changements au plus dans une simulation` });
	}
	// Problems of the address itself are shown above the form, not beside one of its fields.
	for (const issue of checkChanges(changes, model, communes, known)) issues.push({ ...issue, field: 'adresse' });
	return { changes: issues.length > 0 ? [] : changes, issues };
}

/** The engine's checks, in the words of the form's fields. */
export function checkChanges(
	changes: readonly ScenarioChange[],
	model: ScenarioModel,
	communes: readonly SimCommune[],
	known: KnownGps,
): ScenarioIssue[] {
	const issues: ScenarioIssue[] = [];
	const byCode = new Map(communes.map((c) => [c.code, c]));
	const fieldOf = { commune: 'commune', gps: 'nombre', aged65OrMore: 'dont65', activity: 'nombre' } as const;
	changes.forEach((change) => {
		const commune = byCode.get(change.commune);
		if (!commune) {
			issues.push({
				field: 'commune',
				message: `la commune ${change.commune} n’est ni dans le territoire ni à moins de 20 minutes de lui : elle ne peut pas être simulée ici`,
			});
		} else if (change.kind !== 'depart' && !commune.inTerritory) {
			issues.push({
				field: 'commune',
				message: `${commune.name} est une commune voisine : une installation se simule dans une commune du territoire`,
			});
		} else if (change.gps < 1) {
			issues.push({ field: 'nombre', message: 'au moins 1 médecin' });
		}
	});
	if (issues.length > 0) return issues;
	for (const issue of validateChanges(model, toSupplyChanges(changes), known)) {
		issues.push({ field: fieldOf[issue.field], message: issue.message });
	}
	return issues;
}

export function toSupplyChanges(changes: readonly ScenarioChange[]): SupplyChange[] {
	return changes.map((change) =>
		change.kind === 'depart'
			? { commune: change.commune, gps: -change.gps, aged65OrMore: change.aged65OrMore }
			: { commune: change.commune, gps: change.gps },
	);
}

/** The query string of a list of changes (no leading `?`), in a stable order. */
export function scenarioQuery(changes: readonly ScenarioChange[]): string {
	const params = new URLSearchParams();
	for (const kind of KINDS) {
		for (const change of changes.filter((c) => c.kind === kind)) {
			params.append(
				kind,
				kind === 'depart' && change.aged65OrMore > 0
					? `${change.commune}-${change.gps}-${change.aged65OrMore}`
					: `${change.commune}-${change.gps}`,
			);
		}
	}
	return params.toString();
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** "2 médecins partent de Piégut-Pluviers (dont 1 de 65 ans ou plus)". */
export function describeChange(change: ScenarioChange, name: string): string {
	if (change.kind === 'depart') {
		const older = change.aged65OrMore > 0 ? ` (dont ${change.aged65OrMore} de 65 ans ou plus)` : '';
		return `${plural(change.gps, 'médecin part', 'médecins partent')} de ${name}${older}`;
	}
	if (change.kind === 'msp') {
		return `Une maison de santé ouvre à ${name} avec ${plural(change.gps, 'médecin', 'médecins')}`;
	}
	return `${plural(change.gps, 'médecin s’installe', 'médecins s’installent')} à ${name}`;
}

/** The "add a change" fields of the simulator's form. */
export const FORM_FIELDS = ['ajout', 'commune', 'nombre', 'dont65'] as const;

/**
 * The "add a change" fields of the form (`ajout`, `commune`, `nombre`, `dont65`) as a change, or
 * their French messages. Without JavaScript the form sends them with the changes already made.
 */
export function changeFromForm(params: URLSearchParams): ScenarioChange | ScenarioIssue[] | null {
	const kind = params.get('ajout');
	if (kind === null) return null;
	const issues: ScenarioIssue[] = [];
	if (!KINDS.includes(kind as ChangeKind))
		issues.push({ field: 'ajout', message: 'Choisissez le type de changement.' });
	const commune = (params.get('commune') ?? '').trim().toUpperCase();
	if (!commune) issues.push({ field: 'commune', message: 'Choisissez la commune.' });
	const gps = whole((params.get('nombre') ?? '').trim());
	if (gps === null || gps < 1 || gps > MAX_GPS_PER_CHANGE) {
		issues.push({ field: 'nombre', message: `Indiquez un nombre de médecins entre 1 et ${MAX_GPS_PER_CHANGE}.` });
	}
	const agedText = (params.get('dont65') ?? '').trim();
	const aged = agedText === '' ? 0 : whole(agedText);
	if (kind === 'depart' && (aged === null || (gps !== null && aged > gps))) {
		issues.push({
			field: 'dont65',
			message: 'Indiquez combien de ces médecins ont 65 ans ou plus (de 0 au nombre de médecins qui partent).',
		});
	}
	if (issues.length > 0) return issues;
	return { kind: kind as ChangeKind, commune, gps: gps as number, aged65OrMore: kind === 'depart' ? (aged ?? 0) : 0 };
}

/**
 * What the form's new change makes of a simulation: the changes with it, or the French messages of
 * its fields or of the whole (an unknown commune, more departures than GPs known); null when the
 * form sent no change. The page (without JavaScript) and the island (with it) both add changes so.
 */
export function addFromForm(
	params: URLSearchParams,
	changes: readonly ScenarioChange[],
	model: ScenarioModel,
	communes: readonly SimCommune[],
	known: KnownGps,
): { changes: ScenarioChange[] } | { issues: ScenarioIssue[] } | null {
	const added = changeFromForm(params);
	if (added === null) return null;
	if (Array.isArray(added)) return { issues: added };
	const next = [...changes, added];
	const issues = checkChanges(next, model, communes, known);
	return issues.length > 0 ? { issues } : { changes: next };
}
