import { around } from 'geokdbush';
import KDBush from 'kdbush';
import {
	type AccessSummary,
	type AggregationRow,
	approximateMinutes,
	distanceKm,
	REACH_KM,
	summarise,
	TRAVEL_BANDS,
	type TravelBand,
	travelBand,
	UNDER_SERVED,
} from './access.ts';

/**
 * "What if" on top of the official APL: the effect of GPs leaving or arriving, added to the DREES
 * value. Method: `docs/scenario-method.md` of the shared folder.
 *
 *     D_j     = Σ_k w(t_kj) · P̃_k                    (demand reaching j; does not depend on supply)
 *     ΔAPL_i  = w(t_ij) · ΔS_j / D_j                  (one change of supply ΔS_j at j)
 *     APL'_i  = max(0, APL_i(DREES) + Σ_changes ΔAPL_i)
 *
 * w is the DREES band weight (1 under 10 min, 2/3 from 10 to 15, 1/3 from 15 to 20, 0 beyond) and t
 * the straight-line approximation of `approximateMinutes` (t_ii = 0). Pure: no I/O, runs in the
 * browser as on the server.
 *
 * Scope of the input: D_j is exact for every commune j whose 20-minute neighbourhood was given.
 * To simulate changes in a territory, give the territory plus every commune within `REACH_KM` of it
 * (whatever its department); a simulation then touches only the communes within 20 minutes of each
 * change.
 */

/** One commune, with the DREES values of one vintage. A missing value is null. */
export type ScenarioCommune = {
	code: string;
	name?: string;
	lon: number;
	lat: number;
	apl: number | null;
	aplUnder65: number | null;
	standardisedPopulation: number | null;
	population: number | null;
	/**
	 * D_j when it was computed beforehand over a wider area (the importer stores it): used instead of
	 * the sum over the communes given, which is exact only where a commune's whole 20-minute
	 * neighbourhood is given too.
	 */
	demand?: number | null;
};

/**
 * The precomputed model: the communes in typed arrays, their symmetric neighbour lists within 20
 * minutes in CSR form (the neighbours of commune i are `neighbours[offsets[i] .. offsets[i + 1] - 1]`,
 * with the band code of each pair in `bands`: 1 = under 10 min, 2 = 10–15, 3 = 15–20; a commune is
 * its own first neighbour) and D_j.
 */
export type ScenarioModel = {
	size: number;
	codes: readonly string[];
	names: readonly (string | undefined)[];
	indexOf: ReadonlyMap<string, number>;
	/** DREES APL; NaN where missing. */
	apl: Float64Array;
	/** DREES APL to GPs under 65; NaN where missing. */
	aplUnder65: Float64Array;
	/** 0 where missing. */
	standardisedPopulation: Float64Array;
	/** 0 where missing. */
	population: Float64Array;
	/** D_j = Σ_k w(t_kj) · P̃_k, over every commune given. */
	demand: Float64Array;
	offsets: Int32Array;
	neighbours: Int32Array;
	bands: Uint8Array;
};

/** Band code → weight (index 0 = no weight). Doubles, so that 2/3 and 1/3 are as exact as they can be. */
const BAND_ORDER: readonly TravelBand[] = ['under10', 'from10to15', 'from15to20'];
export const BAND_WEIGHTS: Float64Array = Float64Array.from([
	0,
	...BAND_ORDER.map((band) => TRAVEL_BANDS[band].weight),
]);

/** Straight-line distance at which `approximateMinutes` reaches 20 minutes (≈ 16.55 km; `REACH_KM` rounds it). */
export const REACH_LIMIT_KM = (20 - 0.64) / 1.17;
/** Search radius of the spatial index: a little beyond the 20-minute limit; the band decides. */
const SEARCH_KM = Math.max(REACH_KM, REACH_LIMIT_KM) + 0.05;

/** DREES imputation for a GP whose activity is unknown, consultations and visits a year. */
export const DEFAULT_ACTIVITY = 5400;
/** DREES caps counted activity between these (251–3,600 counts as 3,600; above 6,000 as 6,000). */
export const MIN_ACTIVITY = 3600;
export const MAX_ACTIVITY = 6000;
/** Above this many GPs in one change, the entry is taken for a typing mistake. */
export const MAX_GPS_PER_CHANGE = 50;

/** The band code (1, 2, 3) of the pair, or 0 beyond 20 minutes. */
function bandCode(km: number): number {
	const band = travelBand(approximateMinutes(km));
	return band ? BAND_ORDER.indexOf(band) + 1 : 0;
}

const orNaN = (value: number | null | undefined) => (value == null || !Number.isFinite(value) ? Number.NaN : value);
const orZero = (value: number | null | undefined) => (value == null || !Number.isFinite(value) ? 0 : value);

/**
 * Builds the model: a kd-tree of the commune points, each commune's neighbours within 20 minutes
 * (geokdbush), and D_j over every commune given, across department borders. Throws on a duplicate
 * code or a point out of range (the caller leaves out communes without a point).
 */
export function computeDemand(communes: readonly ScenarioCommune[]): ScenarioModel {
	const n = communes.length;
	const codes: string[] = new Array(n);
	const names: (string | undefined)[] = new Array(n);
	const indexOf = new Map<string, number>();
	const lon = new Float64Array(n);
	const lat = new Float64Array(n);
	const apl = new Float64Array(n);
	const aplUnder65 = new Float64Array(n);
	const standardisedPopulation = new Float64Array(n);
	const population = new Float64Array(n);
	const index = new KDBush(Math.max(n, 1));
	communes.forEach((commune, i) => {
		if (indexOf.has(commune.code)) throw new Error(`Duplicate commune code ${commune.code}`);
		if (!(Math.abs(commune.lon) <= 180 && Math.abs(commune.lat) <= 90)) {
			throw new Error(`Commune ${commune.code} has no valid point`);
		}
		indexOf.set(commune.code, i);
		codes[i] = commune.code;
		names[i] = commune.name;
		lon[i] = commune.lon;
		lat[i] = commune.lat;
		apl[i] = orNaN(commune.apl);
		aplUnder65[i] = orNaN(commune.aplUnder65);
		standardisedPopulation[i] = orZero(commune.standardisedPopulation);
		population[i] = orZero(commune.population);
		index.add(commune.lon, commune.lat);
	});
	if (n === 0) index.add(0, 0);
	index.finish();

	const offsets = new Int32Array(n + 1);
	let neighbours = new Int32Array(Math.max(16, n * 64));
	let bands = new Uint8Array(neighbours.length);
	let count = 0;
	for (let i = 0; i < n; i++) {
		const found = around(index, lon[i]!, lat[i]!, Number.POSITIVE_INFINITY, SEARCH_KM);
		if (count + found.length + 1 > neighbours.length) {
			const grownNeighbours = new Int32Array((count + found.length + 1) * 2);
			grownNeighbours.set(neighbours.subarray(0, count));
			neighbours = grownNeighbours;
			const grownBands = new Uint8Array(grownNeighbours.length);
			grownBands.set(bands.subarray(0, count));
			bands = grownBands;
		}
		// The commune itself first (t_ii = 0), then the others in increasing distance.
		neighbours[count] = i;
		bands[count] = 1;
		count++;
		for (const k of found) {
			if (k === i) continue;
			const band = bandCode(distanceKm([lon[i]!, lat[i]!], [lon[k]!, lat[k]!]));
			if (band === 0) continue;
			neighbours[count] = k;
			bands[count] = band;
			count++;
		}
		offsets[i + 1] = count;
	}
	neighbours = neighbours.slice(0, count);
	bands = bands.slice(0, count);

	const demand = new Float64Array(n);
	for (let j = 0; j < n; j++) {
		const stored = communes[j]!.demand;
		if (stored != null && Number.isFinite(stored)) {
			demand[j] = stored;
			continue;
		}
		demand[j] = demandAt({ offsets, neighbours, bands }, standardisedPopulation, j);
	}
	return {
		size: n,
		codes,
		names,
		indexOf,
		apl,
		aplUnder65,
		standardisedPopulation,
		population,
		demand,
		offsets,
		neighbours,
		bands,
	};
}

/** D_j = Σ_k w(t_kj) · P̃_k over commune j's neighbours, for the given standardised populations. */
function demandAt(
	model: Pick<ScenarioModel, 'offsets' | 'neighbours' | 'bands'>,
	standardisedPopulation: Float64Array,
	j: number,
): number {
	let sum = 0;
	for (let p = model.offsets[j]!; p < model.offsets[j + 1]!; p++)
		sum += BAND_WEIGHTS[model.bands[p]!]! * standardisedPopulation[model.neighbours[p]!]!;
	return sum;
}

/**
 * D_j of every commune of a model for other standardised populations (another vintage, in model
 * order, 0 where missing): the neighbour search is not done again.
 */
export function demandFor(model: ScenarioModel, standardisedPopulation: Float64Array): Float64Array {
	const demand = new Float64Array(model.size);
	for (let j = 0; j < model.size; j++) demand[j] = demandAt(model, standardisedPopulation, j);
	return demand;
}

/** D_j of one commune, or null if unknown. */
export function demandOf(model: ScenarioModel, code: string): number | null {
	const j = model.indexOf.get(code);
	return j === undefined ? null : model.demand[j]!;
}

/**
 * One change of supply: `gps` > 0 arrivals, < 0 departures. `aged65OrMore`: how many of the
 * departing GPs are 65 or more (they do not count in APL<65); arrivals are taken to be under 65.
 * `activity`: consultations a year per GP, 5,400 when unknown, capped to 3,600–6,000.
 */
export type SupplyChange = {
	commune: string;
	gps: number;
	aged65OrMore?: number;
	activity?: number;
};

/** ΔS for both variants, in consultations a year. */
export function supplyDelta(change: SupplyChange): { all: number; under65: number } {
	const activity = Math.min(MAX_ACTIVITY, Math.max(MIN_ACTIVITY, change.activity ?? DEFAULT_ACTIVITY));
	const all = change.gps * activity;
	if (change.gps >= 0) return { all, under65: all };
	const aged = Math.min(Math.max(0, change.aged65OrMore ?? 0), -change.gps);
	return { all, under65: (change.gps + aged) * activity };
}

/**
 * The simulated values of the communes within 20 minutes of a change (`touched`, ascending
 * indices); every other commune keeps its DREES value. NaN where DREES gives no value.
 */
export type Simulation = {
	touched: Int32Array;
	apl: Float64Array;
	aplUnder65: Float64Array;
};

/**
 * APL'_i = max(0, APL_i(DREES) + Σ w(t_ij) · ΔS_j / D_j), for both variants. Touches only the
 * neighbours of each changed commune. Throws on an unknown commune: check with `validateChanges`.
 * A change at a commune with no demand within 20 minutes (D_j = 0) changes nothing.
 */
export function simulate(model: ScenarioModel, changes: readonly SupplyChange[]): Simulation {
	const slot = new Map<number, number>();
	const deltaAll: number[] = [];
	const deltaUnder: number[] = [];
	for (const change of changes) {
		const j = model.indexOf.get(change.commune);
		if (j === undefined) throw new Error(`Unknown commune ${change.commune}`);
		const demand = model.demand[j]!;
		if (!(demand > 0)) continue;
		const delta = supplyDelta(change);
		const ratioAll = delta.all / demand;
		const ratioUnder = delta.under65 / demand;
		for (let p = model.offsets[j]!; p < model.offsets[j + 1]!; p++) {
			const i = model.neighbours[p]!;
			const weight = BAND_WEIGHTS[model.bands[p]!]!;
			let s = slot.get(i);
			if (s === undefined) {
				s = deltaAll.length;
				slot.set(i, s);
				deltaAll.push(0);
				deltaUnder.push(0);
			}
			deltaAll[s]! += weight * ratioAll;
			deltaUnder[s]! += weight * ratioUnder;
		}
	}
	const touched = Int32Array.from(slot.keys()).sort();
	const apl = new Float64Array(touched.length);
	const aplUnder65 = new Float64Array(touched.length);
	touched.forEach((i, t) => {
		const s = slot.get(i)!;
		apl[t] = Math.max(0, model.apl[i]! + deltaAll[s]!);
		aplUnder65[t] = Math.max(0, model.aplUnder65[i]! + deltaUnder[s]!);
	});
	return { touched, apl, aplUnder65 };
}

/** Every commune's simulated values (the DREES value where untouched), in model order. */
export function simulatedValues(
	model: ScenarioModel,
	simulation: Simulation,
): { apl: Float64Array; aplUnder65: Float64Array } {
	const apl = model.apl.slice();
	const aplUnder65 = model.aplUnder65.slice();
	simulation.touched.forEach((i, t) => {
		apl[i] = simulation.apl[t]!;
		aplUnder65[i] = simulation.aplUnder65[t]!;
	});
	return { apl, aplUnder65 };
}

export type Variant = 'all' | 'under65';
const baseline = (model: ScenarioModel, variant: Variant) => (variant === 'all' ? model.apl : model.aplUnder65);
const simulated = (simulation: Simulation, variant: Variant) =>
	variant === 'all' ? simulation.apl : simulation.aplUnder65;
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

/** One commune's value before and after, or null values where DREES gives none. */
export function simulatedValue(
	model: ScenarioModel,
	simulation: Simulation,
	code: string,
): { apl: number | null; aplUnder65: number | null } | null {
	const i = model.indexOf.get(code);
	if (i === undefined) return null;
	const t = binarySearch(simulation.touched, i);
	return t < 0
		? { apl: finiteOrNull(model.apl[i]!), aplUnder65: finiteOrNull(model.aplUnder65[i]!) }
		: { apl: finiteOrNull(simulation.apl[t]!), aplUnder65: finiteOrNull(simulation.aplUnder65[t]!) };
}

function binarySearch(sorted: Int32Array, value: number): number {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const found = sorted[middle]!;
		if (found === value) return middle;
		if (found < value) low = middle + 1;
		else high = middle - 1;
	}
	return -1;
}

export type Crossing = {
	code: string;
	name: string | undefined;
	before: number;
	after: number;
	/** 'down': from 2.5 or more to under 2.5; 'up': from under 2.5 to 2.5 or more. */
	direction: 'down' | 'up';
	population: number;
};

export type VariantImpact = {
	/** Communes (and their actual population) whose value changed. */
	changed: { communes: number; population: number };
	/** Communes that fell under 2.5. */
	fellUnder: { communes: number; population: number };
	/** Communes that rose to 2.5 or more. */
	roseAbove: { communes: number; population: number };
	/** Every crossing of 2.5, largest population first, then by code. */
	crossings: Crossing[];
};

export type Impact = { all: VariantImpact; under65: VariantImpact };

/**
 * What a simulation changes, for both variants: communes whose value changed, those that crossed
 * 2.5 either way, and the people living there (actual population, the DREES rule for counting
 * people). `scope`: only these communes (e.g. the territory); all touched communes by default.
 */
export function impact(model: ScenarioModel, simulation: Simulation, scope?: Iterable<string>): Impact {
	const inScope = scope ? new Set([...scope].map((code) => model.indexOf.get(code))) : null;
	const variantImpact = (variant: Variant): VariantImpact => {
		const before = baseline(model, variant);
		const after = simulated(simulation, variant);
		const result: VariantImpact = {
			changed: { communes: 0, population: 0 },
			fellUnder: { communes: 0, population: 0 },
			roseAbove: { communes: 0, population: 0 },
			crossings: [],
		};
		simulation.touched.forEach((i, t) => {
			if (inScope && !inScope.has(i)) return;
			const old = before[i]!;
			const value = after[t]!;
			if (!Number.isFinite(old) || !Number.isFinite(value) || old === value) return;
			const population = model.population[i]!;
			result.changed.communes++;
			result.changed.population += population;
			const wasUnder = old < UNDER_SERVED;
			const isUnder = value < UNDER_SERVED;
			if (wasUnder === isUnder) return;
			const bucket = isUnder ? result.fellUnder : result.roseAbove;
			bucket.communes++;
			bucket.population += population;
			result.crossings.push({
				code: model.codes[i]!,
				name: model.names[i],
				before: old,
				after: value,
				direction: isUnder ? 'down' : 'up',
				population,
			});
		});
		result.crossings.sort((a, b) => b.population - a.population || a.code.localeCompare(b.code));
		return result;
	};
	return { all: variantImpact('all'), under65: variantImpact('under65') };
}

export type SummaryChange = { before: AccessSummary; after: AccessSummary };

/**
 * The territory's summary before and after, for both variants, by the DREES aggregation rule
 * (`summarise`: mean weighted by the standardised population, people counted with the actual
 * population). Unknown codes are left out.
 */
export function territorySummary(
	model: ScenarioModel,
	simulation: Simulation,
	territoryCodes: Iterable<string>,
): { all: SummaryChange; under65: SummaryChange } {
	const indices = [...new Set(territoryCodes)]
		.map((code) => model.indexOf.get(code))
		.filter((i): i is number => i !== undefined);
	const summary = (variant: Variant, after: boolean) => {
		const values = baseline(model, variant);
		const changed = simulated(simulation, variant);
		return summarise(
			indices.map((i): AggregationRow => {
				const t = after ? binarySearch(simulation.touched, i) : -1;
				return {
					apl: finiteOrNull(t < 0 ? values[i]! : changed[t]!),
					standardisedPopulation: model.standardisedPopulation[i]!,
					population: model.population[i]!,
				};
			}),
		);
	};
	return {
		all: { before: summary('all', false), after: summary('all', true) },
		under65: { before: summary('under65', false), after: summary('under65', true) },
	};
}

export type Placement = {
	code: string;
	name: string | undefined;
	/** People lifted from under 2.5 to 2.5 or more by one more GP here, and their communes; everywhere. */
	all: { people: number; communes: number; peopleInTerritory: number };
	under65: { people: number; communes: number; peopleInTerritory: number };
};

/**
 * "Où un médecin de plus aiderait le plus ?": for each commune of the territory, the people an
 * additional GP there (5,400 consultations a year unless told) would lift from under 2.5 to 2.5 or
 * more, for both variants, counting every commune within 20 minutes (across borders too).
 * Ranked by the chosen variant (all GPs by default), then the other one, then name and code.
 * Codes the model does not know are left out.
 */
export function rankPlacements(
	model: ScenarioModel,
	territoryCodes: Iterable<string>,
	options: { activity?: number; variant?: Variant } = {},
): Placement[] {
	const activity = Math.min(MAX_ACTIVITY, Math.max(MIN_ACTIVITY, options.activity ?? DEFAULT_ACTIVITY));
	const territory = new Set<number>();
	for (const code of territoryCodes) {
		const i = model.indexOf.get(code);
		if (i !== undefined) territory.add(i);
	}
	const placements: Placement[] = [];
	for (const j of territory) {
		const placement: Placement = {
			code: model.codes[j]!,
			name: model.names[j],
			all: { people: 0, communes: 0, peopleInTerritory: 0 },
			under65: { people: 0, communes: 0, peopleInTerritory: 0 },
		};
		const demand = model.demand[j]!;
		if (demand > 0) {
			const ratio = activity / demand;
			for (let p = model.offsets[j]!; p < model.offsets[j + 1]!; p++) {
				const i = model.neighbours[p]!;
				const delta = BAND_WEIGHTS[model.bands[p]!]! * ratio;
				for (const variant of ['all', 'under65'] as const) {
					const value = baseline(model, variant)[i]!;
					if (value < UNDER_SERVED && value + delta >= UNDER_SERVED) {
						const counts = placement[variant];
						counts.people += model.population[i]!;
						counts.communes++;
						if (territory.has(i)) counts.peopleInTerritory += model.population[i]!;
					}
				}
			}
		}
		placements.push(placement);
	}
	const first = options.variant ?? 'all';
	const second: Variant = first === 'all' ? 'under65' : 'all';
	return placements.sort(
		(a, b) =>
			b[first].people - a[first].people ||
			b[second].people - a[second].people ||
			(a.name ?? '').localeCompare(b.name ?? '', 'fr') ||
			a.code.localeCompare(b.code),
	);
}

export type ChangeField = 'commune' | 'gps' | 'aged65OrMore' | 'activity';
export type ChangeIssue = { index: number; field: ChangeField; message: string };
/** GPs known per commune (practices entered by the coordinator, or the RPPS import). */
export type KnownGps = ReadonlyMap<string, { gps: number; aged65OrMore?: number }>;

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

/**
 * Checks changes before `simulate`, with a French message per field (never throws): the commune
 * must be known; the number of GPs a whole number, not zero, at most 50 either way; the number of
 * those aged 65 or more a whole number from 0 to the number leaving (departures only); the
 * activity a positive number (it is then capped to 3,600–6,000). With `known`, departures from a
 * commune (all changes together) cannot exceed the GPs known there.
 */
export function validateChanges(
	model: ScenarioModel,
	changes: readonly Partial<Record<keyof SupplyChange, unknown>>[],
	known?: KnownGps,
): ChangeIssue[] {
	const issues: ChangeIssue[] = [];
	const departures = new Map<string, { gps: number; aged: number; first: number }>();
	changes.forEach((change, index) => {
		const issue = (field: ChangeField, message: string) => issues.push({ index, field, message });
		const commune = typeof change.commune === 'string' ? change.commune.trim() : '';
		const knownCommune = commune !== '' && model.indexOf.has(commune);
		if (commune === '') issue('commune', 'Choisissez une commune.');
		else if (!knownCommune) issue('commune', `Commune inconnue : « ${commune.slice(0, 20)} ».`);

		const gps = change.gps;
		let gpsOk = false;
		if (typeof gps !== 'number' || !Number.isFinite(gps)) issue('gps', 'Indiquez un nombre de médecins.');
		else if (!Number.isInteger(gps)) issue('gps', 'Le nombre de médecins doit être un nombre entier.');
		else if (gps === 0) issue('gps', 'Indiquez au moins un médecin qui arrive ou qui part.');
		else if (Math.abs(gps) > MAX_GPS_PER_CHANGE) {
			issue('gps', `Le nombre de médecins ne peut pas dépasser ${MAX_GPS_PER_CHANGE} par changement.`);
		} else gpsOk = true;

		const aged = change.aged65OrMore;
		let agedCount = 0;
		if (aged !== undefined && aged !== null) {
			if (typeof aged !== 'number' || !Number.isFinite(aged)) {
				issue('aged65OrMore', 'Indiquez un nombre de médecins de 65 ans ou plus.');
			} else if (!Number.isInteger(aged) || aged < 0) {
				issue('aged65OrMore', 'Le nombre de médecins de 65 ans ou plus doit être un nombre entier, 0 ou plus.');
			} else if (aged > 0 && gpsOk && (gps as number) > 0) {
				issue('aged65OrMore', 'Les médecins qui arrivent sont comptés comme ayant moins de 65 ans.');
			} else if (gpsOk && (gps as number) < 0 && aged > -(gps as number)) {
				issue(
					'aged65OrMore',
					`Le nombre de médecins de 65 ans ou plus ne peut pas dépasser celui des départs (${-(gps as number)}).`,
				);
			} else agedCount = aged;
		}

		const activity = change.activity;
		if (activity !== undefined && activity !== null) {
			if (typeof activity !== 'number' || !Number.isFinite(activity) || activity <= 0) {
				issue('activity', 'L’activité doit être un nombre de consultations par an supérieur à 0.');
			}
		}

		if (knownCommune && gpsOk && (gps as number) < 0) {
			const total = departures.get(commune) ?? { gps: 0, aged: 0, first: index };
			total.gps += -(gps as number);
			total.aged += agedCount;
			departures.set(commune, total);
			if (!known) return;
			const there = known.get(commune);
			const name = model.names[model.indexOf.get(commune)!] ?? commune;
			if (!there || there.gps <= 0) {
				issue('gps', `Aucun médecin connu à ${name} : un départ ne peut pas y être simulé.`);
			} else if (total.gps > there.gps) {
				issue(
					'gps',
					`${plural(there.gps, 'médecin est connu', 'médecins sont connus')} à ${name} : impossible d’en retirer ${total.gps}.`,
				);
			} else if (there.aged65OrMore !== undefined && total.aged > there.aged65OrMore) {
				issue(
					'aged65OrMore',
					`${plural(there.aged65OrMore, 'médecin de 65 ans ou plus est connu', 'médecins de 65 ans ou plus sont connus')} à ${name} : impossible d’en retirer ${total.aged}.`,
				);
			}
		}
	});
	return issues;
}
