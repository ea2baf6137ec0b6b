import type { Geometry } from 'geojson';

/**
 * Care access (DREES APL): classes, the retirement-risk share, straight-line reach and the DREES
 * aggregation rule. Pure functions shared by the importer, the API, the page and the map island.
 * Method: `docs/access-method.md` of the shared folder; DREES workbook, sheet `Paramètres`.
 */

/** Under 2.5 consultations a year per standardised inhabitant: under-served (zoning, arrêté du 13/11/2017). */
export const UNDER_SERVED = 2.5;
/** About the national average; the upper class boundary of the access map. */
export const WELL_SERVED = 4;

export type AplClass = 'under' | 'vigilance' | 'served';

/** Classes with their words (never colour alone) and a colour-blind-safe palette (ColorBrewer PuOr). */
export const APL_CLASSES: Record<AplClass, { label: string; range: string; colour: string }> = {
	under: { label: 'Sous-dense', range: 'moins de 2,5', colour: '#b35806' },
	vigilance: { label: 'Vigilance', range: 'de 2,5 à moins de 4', colour: '#fdb863' },
	served: { label: 'Mieux desservie', range: '4 ou plus', colour: '#8073ac' },
};

export function aplClass(apl: number | null | undefined): AplClass | null {
	if (apl == null || !Number.isFinite(apl)) return null;
	return apl < UNDER_SERVED ? 'under' : apl < WELL_SERVED ? 'vigilance' : 'served';
}

/**
 * Share of the accessible GP supply provided by doctors aged 65 or more: 1 − APL<65 / APL.
 * Null where there is no supply at all (APL 0) or a value is missing.
 */
export function retirementShare(apl: number | null | undefined, aplUnder65: number | null | undefined): number | null {
	if (apl == null || aplUnder65 == null || !(apl > 0)) return null;
	return Math.min(1, Math.max(0, 1 - aplUnder65 / apl));
}

export type RiskClass = 'low' | 'medium' | 'high' | 'very_high';

/** Retirement-risk classes, sequential (ColorBrewer Blues), with their words. */
export const RISK_CLASSES: Record<RiskClass, { label: string; range: string; colour: string }> = {
	low: { label: 'Faible', range: 'moins de 10 %', colour: '#eff3ff' },
	medium: { label: 'Modéré', range: 'de 10 % à moins de 25 %', colour: '#9ecae1' },
	high: { label: 'Élevé', range: 'de 25 % à moins de 50 %', colour: '#3182bd' },
	very_high: { label: 'Très élevé', range: '50 % ou plus', colour: '#08306b' },
};

export function riskClass(share: number | null | undefined): RiskClass | null {
	if (share == null || !Number.isFinite(share)) return null;
	return share < 0.1 ? 'low' : share < 0.25 ? 'medium' : share < 0.5 ? 'high' : 'very_high';
}

/** Change from the previous vintage, or null when one is missing. */
export function trend(current: number | null | undefined, previous: number | null | undefined): number | null {
	return current == null || previous == null ? null : current - previous;
}

/** Standardised / actual population: 1.13 means 13 % more GP demand per inhabitant than the national average. */
export function ageNeedIndex(
	standardised: number | null | undefined,
	population: number | null | undefined,
): number | null {
	return standardised == null || population == null || !(population > 0) ? null : standardised / population;
}

/** Straight-line (haversine) distance in km between two [lon, lat] points. */
export function distanceKm(a: readonly [number, number], b: readonly [number, number]): number {
	const rad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * rad;
	const dLon = (b[0] - a[0]) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/**
 * Approximate road minutes from a straight-line distance, t = 0.64 + 1.17 · d (calibrated on OSRM
 * pairs under 30 km); a commune to itself is 0. 20 minutes is then about 16.5 km.
 */
export function approximateMinutes(km: number): number {
	return km === 0 ? 0 : 0.64 + 1.17 * km;
}

/** Straight-line reach of the APL (≈ 20 minutes); the SQL ring of neighbours uses the same figure. */
export const REACH_KM = 16.5;

export type TravelBand = 'under10' | 'from10to15' | 'from15to20';

/** The DREES decay bands for GPs: under 10 min weight 1, 10–15 min 2/3, 15–20 min 1/3, beyond 0. */
export const TRAVEL_BANDS: Record<TravelBand, { label: string; weight: number }> = {
	under10: { label: 'moins de 10 minutes environ', weight: 1 },
	from10to15: { label: 'de 10 à 15 minutes environ', weight: 2 / 3 },
	from15to20: { label: 'de 15 à 20 minutes environ', weight: 1 / 3 },
};

export function travelBand(minutes: number): TravelBand | null {
	return minutes < 10 ? 'under10' : minutes < 15 ? 'from10to15' : minutes < 20 ? 'from15to20' : null;
}

export type AggregationRow = {
	apl: number | null;
	standardisedPopulation: number | null;
	population: number | null;
};

export type AccessSummary = {
	/** Mean APL weighted by the standardised population (DREES rule); null without data. */
	apl: number | null;
	/** People (actual population) living in a commune under 2.5. */
	populationUnderServed: number;
	population: number;
	shareUnderServed: number | null;
	communes: number;
	communesUnderServed: number;
};

/**
 * The DREES aggregation rule: to average APL over an area, weight each commune's APL by its
 * standardised population; to count people under a threshold, use the actual population.
 * Communes with a missing value are left out of both.
 */
export function summarise(rows: readonly AggregationRow[]): AccessSummary {
	let weighted = 0;
	let weights = 0;
	let population = 0;
	let under = 0;
	let communes = 0;
	let communesUnder = 0;
	for (const row of rows) {
		if (row.apl == null || row.standardisedPopulation == null || row.population == null) continue;
		communes += 1;
		weighted += row.apl * row.standardisedPopulation;
		weights += row.standardisedPopulation;
		population += row.population;
		if (row.apl < UNDER_SERVED) {
			under += row.population;
			communesUnder += 1;
		}
	}
	return {
		apl: weights > 0 ? weighted / weights : null,
		populationUnderServed: under,
		population,
		shareUnderServed: population > 0 ? under / population : null,
		communes,
		communesUnderServed: communesUnder,
	};
}

/** The properties of one commune on the map, in the table and in the CSV. */
export type AccessCommune = {
	code: string;
	name: string;
	department: string;
	inTerritory: boolean;
	population: number | null;
	populationYear: number | null;
	apl: number | null;
	aplUnder65: number | null;
	aplYear: number | null;
	aplPrevious: number | null;
	aplUnder65Previous: number | null;
	previousYear: number | null;
	aplTrend: number | null;
	aplUnder65Trend: number | null;
	share65: number | null;
	ageNeedIndex: number | null;
	standardisedPopulation: number | null;
	aplPopulation: number | null;
	/**
	 * D_j: the demand reaching the commune from every commune within 20 minutes (standardised people),
	 * computed at import; the access simulator's denominator. Null where not stored.
	 */
	demand: number | null;
	/** The APL counting only GPs aged 62 or less, and 60 or less (2024 DREES releases); null where not imported. */
	apl62OrLess: number | null;
	apl60OrLess: number | null;
	/** GPs practising in the commune by the latest RPPS extraction imported, and that source; null where none was. */
	gpsRpps: number | null;
	gpsRppsSource: string | null;
	/** Representative point [lon, lat], for the approximate 20-minute reach. */
	point: [number, number] | null;
	/** False when the files gave no boundary: the geometry is then the representative point. */
	hasBoundary: boolean;
};

export type AreaReference = {
	code: string;
	name: string;
	communes: number;
	apl: number | null;
	aplUnder65: number | null;
	aplPrevious: number | null;
	shareUnderServed: number | null;
	source: string;
};

export type AccessMap = {
	type: 'FeatureCollection';
	territory: { id: string; name: string };
	aplYear: number | null;
	previousYear: number | null;
	summary: { all: AccessSummary; under65: AccessSummary };
	references: AreaReference[];
	sources: { apl: string; population: string[]; geometry: string[]; reach: string };
	features: { type: 'Feature'; id: string; geometry: Geometry | null; properties: AccessCommune }[];
};

/** The citation DREES asks for, for every APL figure. */
export const APL_SOURCE = 'DREES, SNIIR-AM, Insee, distancier Metric';

// One formatter per number of decimals: building an Intl.NumberFormat costs far more than a format,
// and the simulator formats hundreds of figures per update.
const formatters = new Map<number, Intl.NumberFormat>();
const decimals = (digits: number) => {
	let formatter = formatters.get(digits);
	if (!formatter) {
		formatter = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
		formatters.set(digits, formatter);
	}
	return formatter;
};
const whole = new Intl.NumberFormat('fr-FR');

/** French number formatting; a dash stands for a missing value. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
	if (value == null || !Number.isFinite(value)) return '—';
	return digits === 0 ? whole.format(Math.round(value)) : decimals(digits).format(value);
}

/**
 * An APL value with 2 decimals, or 3 when rounding would put it on the other side of a class
 * boundary (2.497 shows as 2,497, not 2,50, since it is under-served).
 */
export function formatApl(value: number | null | undefined): string {
	if (value == null || !Number.isFinite(value)) return '—';
	const nearBoundary = [UNDER_SERVED, WELL_SERVED].some((limit) => value < limit && value >= limit - 0.005);
	return formatNumber(value, nearBoundary ? 3 : 2);
}

export function formatPercent(share: number | null | undefined): string {
	// A no-break space keeps the number and its sign on one line.
	return share == null || !Number.isFinite(share) ? '—' : `${formatNumber(share * 100, 0)}\u00a0%`;
}

export function formatTrend(change: number | null | undefined): string {
	if (change == null || !Number.isFinite(change)) return '—';
	const rounded = Math.round(change * 100) / 100;
	return rounded === 0 ? 'stable' : `${rounded > 0 ? '+' : '−'}${formatNumber(Math.abs(rounded), 2)}`;
}

/** Sort keys of the communes table (query `?tri=`), with the value each one sorts on. */
export const TABLE_SORTS = {
	commune: { label: 'Commune', value: (c: AccessCommune) => c.name },
	population: { label: 'Population', value: (c: AccessCommune) => c.population },
	apl: { label: 'APL', value: (c: AccessCommune) => c.apl },
	apl65: { label: 'APL moins de 65 ans', value: (c: AccessCommune) => c.aplUnder65 },
	part65: { label: 'Part des 65 ans ou plus', value: (c: AccessCommune) => c.share65 },
	evolution: { label: 'Évolution', value: (c: AccessCommune) => c.aplTrend },
	besoin: { label: 'Indice de besoin', value: (c: AccessCommune) => c.ageNeedIndex },
} as const;
export type TableSort = keyof typeof TABLE_SORTS;

/**
 * The table's order: communes of the territory first, then neighbours; within each, by the chosen
 * column (missing values last, whatever the direction), then by name.
 */
export function sortCommunes(
	communes: readonly AccessCommune[],
	sort: TableSort,
	descending: boolean,
): AccessCommune[] {
	const value = TABLE_SORTS[sort].value;
	const byName = (a: AccessCommune, b: AccessCommune) => a.name.localeCompare(b.name, 'fr');
	return [...communes].sort((a, b) => {
		if (a.inTerritory !== b.inTerritory) return a.inTerritory ? -1 : 1;
		const x = value(a);
		const y = value(b);
		if (x == null || y == null) return x == null && y == null ? byName(a, b) : x == null ? 1 : -1;
		const order =
			typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y, 'fr') : (x as number) - (y as number);
		return (descending ? -order : order) || byName(a, b);
	});
}
