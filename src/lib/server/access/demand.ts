import { computeDemand, demandFor, type ScenarioCommune } from '../../domain/scenario.ts';
import { type AccessDataset, departmentOf, FRANCE_DEPARTMENTS, type IndicatorRow, type Perimeter } from './importer.ts';

/** Where the stored D_j comes from, shown beside every simulated figure's method. */
export const DEMAND_SOURCE =
	'Calcul du site : demande de médecine générale parvenant à la commune (populations standardisées DREES des communes à moins de 20 minutes, pondérées par les tranches de la DREES ; temps estimé à vol d’oiseau)';

/**
 * D_j = Σ_k w(t_kj) · P̃_k for each vintage of the dataset, as 'gp_demand' indicator rows (the
 * access simulator's denominator, scenario-method.md). It is computed over every commune loaded
 * (the territories' 35 km ring, or all France) but stored only where it is complete: for the
 * territories' communes and their neighbours within 20 minutes, the communes the map shows, whose
 * own 20-minute neighbourhood lies inside the ring. With no perimeter, or an import of all France
 * (`--all`), for every commune.
 */
export function demandRows(
	dataset: Pick<AccessDataset, 'communes' | 'indicators'>,
	perimeters: Perimeter[],
): IndicatorRow[] {
	const located = dataset.communes.filter((c) => c.lon != null && c.lat != null);
	if (located.length === 0) return [];
	// The neighbours within 20 minutes, found once: the points do not change from a vintage to the next.
	const model = computeDemand(
		located.map(
			(c): ScenarioCommune => ({
				code: c.code,
				lon: c.lon as number,
				lat: c.lat as number,
				apl: null,
				aplUnder65: null,
				standardisedPopulation: null,
				population: null,
			}),
		),
	);
	// A dataset of all France (`--all`): every commune's D_j is complete.
	const national = new Set(dataset.communes.map((c) => departmentOf(c.code))).size >= FRANCE_DEPARTMENTS;
	const members = national ? [] : perimeters.flatMap((p) => p.communes);
	const stored = new Set<number>();
	if (members.length === 0) for (let j = 0; j < model.size; j++) stored.add(j);
	for (const code of members) {
		const j = model.indexOf.get(code);
		if (j === undefined) continue;
		for (let p = model.offsets[j]!; p < model.offsets[j + 1]!; p++) stored.add(model.neighbours[p]!);
	}
	const order = [...stored].sort((a, b) => a - b);
	const rows: IndicatorRow[] = [];
	const vintages = [...new Set(dataset.indicators.map((i) => i.vintage))].sort();
	for (const vintage of vintages) {
		const standardised = new Map(
			dataset.indicators
				.filter((i) => i.vintage === vintage && i.indicator === 'standardised_population')
				.map((i) => [i.code, i.value]),
		);
		if (standardised.size === 0) continue;
		const demand = demandFor(
			model,
			Float64Array.from(model.codes, (code) => standardised.get(code) ?? 0),
		);
		for (const j of order) {
			if (!standardised.has(model.codes[j]!)) continue;
			rows.push({
				code: model.codes[j]!,
				indicator: 'gp_demand',
				vintage,
				value: demand[j]!,
				source: `${DEMAND_SOURCE} — APL ${vintage}`,
			});
		}
	}
	return rows;
}
