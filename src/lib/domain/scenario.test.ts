import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approximateMinutes, distanceKm } from './access.ts';
import {
	computeDemand,
	DEFAULT_ACTIVITY,
	demandOf,
	impact,
	MAX_ACTIVITY,
	MIN_ACTIVITY,
	REACH_LIMIT_KM,
	rankPlacements,
	type ScenarioCommune,
	type ScenarioModel,
	type Simulation,
	type SupplyChange,
	simulate,
	simulatedValue,
	simulatedValues,
	supplyDelta,
	territorySummary,
	validateChanges,
} from './scenario.ts';
import { decodeSimCommunes, encodeSimCommunes, type SimCommune } from './scenario-url.ts';

// ---------------------------------------------------------------------------------------------
// A synthetic grid of 14 × 10 communes about 4 km apart (jittered), at the latitude of the
// Périgord: columns 0–6 are "Charente" (16xxx), columns 7–13 "Dordogne" (24xxx), so that every
// 20-minute neighbourhood near the middle crosses a department border.

const COLUMNS = 14;
const ROWS = 10;
const SIZE = COLUMNS * ROWS;
const KM_LAT = 1 / 111.19492664455873;
const KM_LON = KM_LAT / Math.cos((45.5 * Math.PI) / 180);

/** Deterministic jitter (a small linear congruential generator), so that distances vary. */
function jitter(seed: number): number {
	return (((seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 1.6;
}

const GRID = Array.from({ length: SIZE }, (_, index) => {
	const column = index % COLUMNS;
	const row = Math.floor(index / COLUMNS);
	const department = column < COLUMNS / 2 ? '16' : '24';
	return {
		code: `${department}${String(index).padStart(3, '0')}`,
		name: `Commune ${index}`,
		lon: 0.4 + (column * 4 + jitter(index * 2 + 1)) * KM_LON,
		lat: 45.3 + (row * 4 + jitter(index * 2 + 2)) * KM_LAT,
	};
});

type Values = { apl: number; share65: number; standardised: number; ratio: number };
const valueArb: fc.Arbitrary<Values> = fc.record({
	apl: fc.double({ min: 0.2, max: 8, noNaN: true }),
	share65: fc.double({ min: 0, max: 0.6, noNaN: true }),
	standardised: fc.double({ min: 20, max: 5000, noNaN: true }),
	ratio: fc.double({ min: 0.75, max: 1.3, noNaN: true }),
});
const valuesArb = fc.array(valueArb, { minLength: SIZE, maxLength: SIZE });

function gridCommunes(values: Values[]): ScenarioCommune[] {
	return GRID.map((point, i) => {
		const v = values[i]!;
		return {
			...point,
			apl: v.apl,
			aplUnder65: v.apl * (1 - v.share65),
			standardisedPopulation: v.standardised,
			population: Math.round(v.standardised / v.ratio),
		};
	});
}

const changeArb = (gps: fc.Arbitrary<number>): fc.Arbitrary<SupplyChange> =>
	fc
		.record({
			index: fc.nat(SIZE - 1),
			gps,
			agedShare: fc.double({ min: 0, max: 1, noNaN: true }),
			activity: fc.option(fc.double({ min: 1000, max: 9000, noNaN: true }), { nil: undefined }),
		})
		.map(({ index, gps, agedShare, activity }) => ({
			commune: GRID[index]!.code,
			gps,
			...(gps < 0 ? { aged65OrMore: Math.round(-gps * agedShare) } : {}),
			...(activity === undefined ? {} : { activity }),
		}));
const gpsArb = fc.integer({ min: -50, max: 50 }).filter((n) => n !== 0);

const deltas = (model: ScenarioModel, simulation: Simulation, variant: 'apl' | 'aplUnder65') => {
	const after = simulatedValues(model, simulation)[variant];
	return Array.from(after, (value, i) => value - model[variant][i]!);
};
const clamped = (model: ScenarioModel, simulation: Simulation) =>
	Array.from(simulation.touched).some(
		(i, t) =>
			(simulation.apl[t] === 0 && model.apl[i]! > 0) || (simulation.aplUnder65[t] === 0 && model.aplUnder65[i]! > 0),
	);
const pointOf = (code: string): [number, number] => {
	const point = GRID.find((p) => p.code === code)!;
	return [point.lon, point.lat];
};

describe('the neighbour lists and D_j', () => {
	const model = computeDemand(
		gridCommunes(Array.from({ length: SIZE }, () => ({ apl: 3, share65: 0.2, standardised: 1000, ratio: 1 }))),
	);

	it('lists exactly the communes within 20 minutes, with their DREES band, symmetrically', () => {
		for (let i = 0; i < SIZE; i++) {
			const listed = new Map<number, number>();
			for (let p = model.offsets[i]!; p < model.offsets[i + 1]!; p++) listed.set(model.neighbours[p]!, model.bands[p]!);
			for (let k = 0; k < SIZE; k++) {
				const minutes =
					k === i ? 0 : approximateMinutes(distanceKm([GRID[i]!.lon, GRID[i]!.lat], [GRID[k]!.lon, GRID[k]!.lat]));
				const expected = minutes < 10 ? 1 : minutes < 15 ? 2 : minutes < 20 ? 3 : undefined;
				expect(listed.get(k)).toBe(expected);
			}
		}
		const pairs = new Set<string>();
		for (let i = 0; i < SIZE; i++) {
			for (let p = model.offsets[i]!; p < model.offsets[i + 1]!; p++)
				pairs.add(`${i}-${model.neighbours[p]}-${model.bands[p]}`);
		}
		for (const pair of pairs) {
			const [i, k, band] = pair.split('-');
			expect(pairs.has(`${k}-${i}-${band}`)).toBe(true);
		}
	});

	it('counts demand across the department border', () => {
		// A Dordogne commune on the border: its D_j includes Charente communes.
		const border = GRID[3 * COLUMNS + 7]!.code;
		const dordogneOnly = computeDemand(
			gridCommunes(Array.from({ length: SIZE }, () => ({ apl: 3, share65: 0.2, standardised: 1000, ratio: 1 }))).filter(
				(c) => c.code.startsWith('24'),
			),
		);
		expect(demandOf(model, border)!).toBeGreaterThan(demandOf(dordogneOnly, border)! + 1000);
		expect(demandOf(model, '99999')).toBeNull();
	});

	it('refuses a duplicate code or a commune without a point', () => {
		const one = {
			code: '24001',
			lon: 0.6,
			lat: 45.5,
			apl: 3,
			aplUnder65: 2,
			standardisedPopulation: 10,
			population: 10,
		};
		expect(() => computeDemand([one, one])).toThrow(/Duplicate/);
		expect(() => computeDemand([{ ...one, lon: Number.NaN }])).toThrow(/point/);
		expect(computeDemand([]).size).toBe(0);
	});
});

describe('the six properties of the method', () => {
	it('(1) with no change, every simulated value is the DREES value exactly', () => {
		fc.assert(
			fc.property(valuesArb, (values) => {
				const model = computeDemand(gridCommunes(values));
				const simulation = simulate(model, []);
				const after = simulatedValues(model, simulation);
				expect(simulation.touched.length).toBe(0);
				for (let i = 0; i < SIZE; i++) {
					expect(after.apl[i]).toBe(values[i]!.apl);
					expect(after.aplUnder65[i]).toBe(values[i]!.apl * (1 - values[i]!.share65));
					expect(simulatedValue(model, simulation, GRID[i]!.code)?.apl).toBe(values[i]!.apl);
				}
				const summary = territorySummary(
					model,
					simulation,
					GRID.map((c) => c.code),
				);
				expect(summary.all.after).toEqual(summary.all.before);
				expect(impact(model, simulation).all.changed.communes).toBe(0);
			}),
			{ numRuns: 20 },
		);
	});

	it('(2) conserves mass: Σ P̃_i · ΔAPL_i = ΔS_j for any single change (where nothing is clamped at 0)', () => {
		fc.assert(
			fc.property(valuesArb, changeArb(gpsArb), (values, change) => {
				const model = computeDemand(gridCommunes(values));
				const simulation = simulate(model, [change]);
				fc.pre(!clamped(model, simulation));
				const expected = supplyDelta(change);
				const activity = Math.min(MAX_ACTIVITY, Math.max(MIN_ACTIVITY, change.activity ?? DEFAULT_ACTIVITY));
				expect(expected.all).toBe(change.gps * activity);
				for (const [variant, delta] of [
					['apl', expected.all],
					['aplUnder65', expected.under65],
				] as const) {
					const changes = deltas(model, simulation, variant);
					const mass = changes.reduce((sum, d, i) => sum + model.standardisedPopulation[i]! * d, 0);
					if (delta === 0) expect(Math.abs(mass)).toBeLessThan(1e-9);
					else expect(Math.abs(mass - delta) / Math.abs(delta)).toBeLessThan(1e-9);
				}
			}),
			{ numRuns: 100 },
		);
	});

	it('(3) is linear: two changes together are the sum of each alone; adding then removing returns the baseline', () => {
		const arrivals = fc.integer({ min: 1, max: 50 });
		fc.assert(
			fc.property(valuesArb, changeArb(arrivals), changeArb(arrivals), (values, a, b) => {
				const model = computeDemand(gridCommunes(values));
				for (const variant of ['apl', 'aplUnder65'] as const) {
					const both = deltas(model, simulate(model, [a, b]), variant);
					const first = deltas(model, simulate(model, [a]), variant);
					const second = deltas(model, simulate(model, [b]), variant);
					both.forEach((d, i) => {
						expect(Math.abs(d - (first[i]! + second[i]!))).toBeLessThan(1e-12);
					});
					const undone = simulatedValues(model, simulate(model, [a, { ...a, gps: -a.gps }]))[variant];
					undone.forEach((value, i) => {
						expect(Math.abs(value - model[variant][i]!)).toBeLessThan(1e-12);
					});
				}
			}),
			{ numRuns: 40 },
		);
	});

	it('(4) is local: communes farther than 20 minutes from every change are unchanged', () => {
		fc.assert(
			fc.property(valuesArb, fc.array(changeArb(gpsArb), { minLength: 1, maxLength: 4 }), (values, changes) => {
				const model = computeDemand(gridCommunes(values));
				const after = simulatedValues(model, simulate(model, changes));
				let far = 0;
				GRID.forEach((commune, i) => {
					const minutes = Math.min(
						...changes.map((change) =>
							change.commune === commune.code
								? 0
								: approximateMinutes(distanceKm([commune.lon, commune.lat], pointOf(change.commune))),
						),
					);
					if (minutes < 20) return;
					far++;
					expect(after.apl[i]).toBe(model.apl[i]);
					expect(after.aplUnder65[i]).toBe(model.aplUnder65[i]);
				});
				// The grid is 52 × 36 km: a single change always leaves far communes to check.
				if (changes.length === 1) expect(far).toBeGreaterThan(0);
			}),
			{ numRuns: 50 },
		);
		expect(REACH_LIMIT_KM).toBeCloseTo(16.547, 3);
	});

	it('(5) is monotonic: removing supply never raises a value, adding never lowers one', () => {
		fc.assert(
			fc.property(
				valuesArb,
				fc.array(changeArb(fc.integer({ min: 1, max: 50 })), { minLength: 1, maxLength: 4 }),
				fc.boolean(),
				(values, arrivals, remove) => {
					const model = computeDemand(gridCommunes(values));
					const changes = remove
						? arrivals.map((change) => ({ ...change, gps: -change.gps, aged65OrMore: 0 }))
						: arrivals;
					const simulation = simulate(model, changes);
					for (const variant of ['apl', 'aplUnder65'] as const) {
						simulatedValues(model, simulation)[variant].forEach((value, i) => {
							if (remove) expect(value).toBeLessThanOrEqual(model[variant][i]!);
							else expect(value).toBeGreaterThanOrEqual(model[variant][i]!);
							expect(value).toBeGreaterThanOrEqual(0);
						});
					}
				},
			),
			{ numRuns: 50 },
		);
	});

	it('(6) a departing GP aged 65 or more leaves APL<65 unchanged; an arrival changes both variants alike', () => {
		fc.assert(
			fc.property(valuesArb, changeArb(fc.integer({ min: 1, max: 50 })), (values, change) => {
				const model = computeDemand(gridCommunes(values));
				const departure = simulate(model, [{ ...change, gps: -change.gps, aged65OrMore: change.gps }]);
				const after = simulatedValues(model, departure);
				after.aplUnder65.forEach((value, i) => {
					expect(value).toBe(model.aplUnder65[i]);
				});
				expect(after.apl.some((value, i) => value < model.apl[i]!)).toBe(true);
				// An arrival: the same ΔS in both variants.
				const arrival = simulate(model, [change]);
				const all = deltas(model, arrival, 'apl');
				const under = deltas(model, arrival, 'aplUnder65');
				all.forEach((d, i) => {
					expect(Math.abs(d - under[i]!)).toBeLessThan(1e-12);
				});
			}),
			{ numRuns: 40 },
		);
		expect(supplyDelta({ commune: 'x', gps: -3, aged65OrMore: 1 })).toEqual({ all: -16200, under65: -10800 });
		expect(supplyDelta({ commune: 'x', gps: 2, aged65OrMore: 2 })).toEqual({ all: 10800, under65: 10800 });
		expect(supplyDelta({ commune: 'x', gps: 1, activity: 100 }).all).toBe(3600);
		expect(supplyDelta({ commune: 'x', gps: 1, activity: 9000 }).all).toBe(6000);
	});
});

// ---------------------------------------------------------------------------------------------
// A hand-computed example: four communes on one meridian (1 km = 1/111.19493 degree of latitude),
// A and B in Dordogne, C and D in Charente, at 0, 5, 10 and 20 km.
//
// Distances and t = 0.64 + 1.17 km, w:
//   A–B 5 km: 6.49 min → 1     A–C 10 km: 12.34 min → 2/3     A–D 20 km: 24.04 min → 0
//   B–C 5 km: 6.49 min → 1     B–D 15 km: 18.19 min → 1/3     C–D 10 km: 12.34 min → 2/3
// Standardised populations P̃: A 1000, B 2000, C 500, D 4000 (actual: 900, 2100, 450, 3800).
//   D_A = 1000 + 2000 + 2/3·500          = 10000/3
//   D_B = 1000 + 2000 + 500 + 1/3·4000   = 14500/3
//   D_C = 2/3·1000 + 2000 + 500 + 2/3·4000 = 17500/3
//   D_D = 1/3·2000 + 2/3·500 + 4000      = 5000
// DREES values (APL / APL<65): A 2.0 / 1.8, B 3.0 / 2.5, C 4.0 / 3.0, D 1.5 / 1.5.
//
// Changes: one GP arrives at B (5,400); two leave C, one of them 65 or more (default activity).
//   Arrival at B: ΔS/D_B = 5400·3/14500 = 162/145, to A, B, C (w 1) and D (1/3 → 54/145), both variants.
//   Departures from C: all −10800·3/17500 = −324/175; under 65 −5400·3/17500 = −162/175;
//     to B, C (w 1), A and D (w 2/3).
//   APL'   A = 2   + 162/145 − 2/3·324/175 = 9556/5075  = 1.8829556650246306
//          B = 3   + 162/145 − 324/175     = 11499/5075 = 2.2658128078817734
//          C = 4   + 162/145 − 324/175     = 16574/5075 = 3.2658128078817734
//          D = 1.5 + 54/145  − 2/3·324/175 = 6477/10150 = 0.638128078817734
//   APL<65 A = 1.8 + 162/145 − 2/3·162/175 = 11673/5075  = 2.3000985221674877
//          B = 2.5 + 162/145 − 162/175     = 27319/10150 = 2.691527093596059
//          C = 3   + 162/145 − 162/175     = 16197/5075  = 3.191527093596059
//          D = 1.5 + 54/145  − 2/3·162/175 = 12741/10150 = 1.2552709359605911

const KM = KM_LAT;
const HAND: ScenarioCommune[] = [
	{
		code: '24001',
		name: 'Alpha',
		lon: 0.7,
		lat: 45.4,
		apl: 2,
		aplUnder65: 1.8,
		standardisedPopulation: 1000,
		population: 900,
	},
	{
		code: '24002',
		name: 'Bravo',
		lon: 0.7,
		lat: 45.4 + 5 * KM,
		apl: 3,
		aplUnder65: 2.5,
		standardisedPopulation: 2000,
		population: 2100,
	},
	{
		code: '16001',
		name: 'Charlie',
		lon: 0.7,
		lat: 45.4 + 10 * KM,
		apl: 4,
		aplUnder65: 3,
		standardisedPopulation: 500,
		population: 450,
	},
	{
		code: '16002',
		name: 'Delta',
		lon: 0.7,
		lat: 45.4 + 20 * KM,
		apl: 1.5,
		aplUnder65: 1.5,
		standardisedPopulation: 4000,
		population: 3800,
	},
];

describe('a hand-computed example with every band', () => {
	const model = computeDemand(HAND);

	it('computes D_j by hand', () => {
		expect(demandOf(model, '24001')).toBeCloseTo(10000 / 3, 9);
		expect(demandOf(model, '24002')).toBeCloseTo(14500 / 3, 9);
		expect(demandOf(model, '16001')).toBeCloseTo(17500 / 3, 9);
		expect(demandOf(model, '16002')).toBeCloseTo(5000, 9);
	});

	it('simulates an arrival at B and two departures from C (one aged 65 or more)', () => {
		const simulation = simulate(model, [
			{ commune: '24002', gps: 1 },
			{ commune: '16001', gps: -2, aged65OrMore: 1 },
		]);
		const expected = {
			'24001': [1.8829556650246306, 2.3000985221674877],
			'24002': [2.2658128078817734, 2.691527093596059],
			'16001': [3.2658128078817734, 3.191527093596059],
			'16002': [0.638128078817734, 1.2552709359605911],
		};
		for (const [code, [apl, under65]] of Object.entries(expected)) {
			const value = simulatedValue(model, simulation, code)!;
			expect(Math.abs(value.apl! - apl!)).toBeLessThan(1e-9);
			expect(Math.abs(value.aplUnder65! - under65!)).toBeLessThan(1e-9);
		}
		// B falls under 2.5 (2,100 people); nothing crosses in APL<65.
		const result = impact(model, simulation);
		expect(result.all.crossings.map((c) => [c.code, c.direction])).toEqual([['24002', 'down']]);
		expect(result.all.fellUnder).toEqual({ communes: 1, population: 2100 });
		expect(result.all.changed).toEqual({ communes: 4, population: 7250 });
		expect(result.under65.crossings).toEqual([]);
		// Territory A + B: means weighted by P̃ (DREES rule), people counted with the actual population.
		const summary = territorySummary(model, simulation, ['24001', '24002']);
		expect(summary.all.before.apl).toBeCloseTo((2 * 1000 + 3 * 2000) / 3000, 12);
		expect(summary.all.after.apl).toBeCloseTo((1.8829556650246306 * 1000 + 2.2658128078817734 * 2000) / 3000, 9);
		expect(summary.all.before.populationUnderServed).toBe(900);
		expect(summary.all.after.populationUnderServed).toBe(3000);
	});

	it('an arrival at B alone lifts A above 2.5 in both variants', () => {
		const result = impact(model, simulate(model, [{ commune: '24002', gps: 1 }]));
		expect(result.all.crossings).toEqual([
			{ code: '24001', name: 'Alpha', before: 2, after: 2 + 162 / 145, direction: 'up', population: 900 },
		]);
		expect(result.under65.roseAbove).toEqual({ communes: 1, population: 900 });
		// Only in the territory's scope: Alpha is not in it.
		expect(impact(model, simulate(model, [{ commune: '24002', gps: 1 }]), ['16001', '16002']).all.crossings).toEqual(
			[],
		);
	});

	it('never goes below 0', () => {
		const value = simulatedValue(model, simulate(model, [{ commune: '16002', gps: -50 }]), '16002')!;
		expect(value.apl).toBe(0);
		expect(value.aplUnder65).toBe(0);
	});

	it('ranks where one more GP would lift the most people above 2.5', () => {
		// At A: +1.62 to A (w 1) → A lifted (900, both variants). At B: +162/145 to A → 900 both.
		// At C: +2/3·0.9257 = 0.617 to A → 2.617 (900) but APL<65 1.8 + 0.617 < 2.5; D 2.117 stays under.
		// At D: +1.08 to D → 2.58 (3,800, both variants).
		const ranking = rankPlacements(model, ['24001', '24002', '16001', '16002', '00000']);
		expect(ranking.map((p) => [p.code, p.all.people, p.under65.people])).toEqual([
			['16002', 3800, 3800],
			['24001', 900, 900],
			['24002', 900, 900],
			['16001', 900, 0],
		]);
		// In the territory A + B only, nothing in Charente counts as "in the territory".
		const local = rankPlacements(model, ['24001', '24002']);
		expect(local.map((p) => [p.code, p.all.peopleInTerritory])).toEqual([
			['24001', 900],
			['24002', 900],
		]);
		expect(rankPlacements(model, ['24001', '24002', '16001', '16002'], { variant: 'under65' })[3]!.code).toBe('16001');
	});
});

describe('validation of changes', () => {
	const model = computeDemand(HAND);
	const known = new Map([
		['24002', { gps: 3, aged65OrMore: 1 }],
		['16001', { gps: 2 }],
	]);

	it('accepts sound changes', () => {
		expect(
			validateChanges(
				model,
				[
					{ commune: '24001', gps: 2 },
					{ commune: '24002', gps: -2, aged65OrMore: 1, activity: 4000 },
					{ commune: '24002', gps: -1 },
				],
				known,
			),
		).toEqual([]);
	});

	it('gives one French message per wrong field, without throwing', () => {
		const issues = validateChanges(
			model,
			[
				{ commune: '99999', gps: 1.5 },
				{ commune: '', gps: 0 },
				{ commune: '24001', gps: 51 },
				{ commune: '24001', gps: '2' },
				{ commune: '24002', gps: -1, aged65OrMore: -1 },
				{ commune: '24002', gps: 2, aged65OrMore: 1 },
				{ commune: '16001', gps: -1, aged65OrMore: 2, activity: Number.NaN },
			],
			known,
		);
		expect(issues).toEqual([
			{ index: 0, field: 'commune', message: 'Commune inconnue : « 99999 ».' },
			{ index: 0, field: 'gps', message: 'Le nombre de médecins doit être un nombre entier.' },
			{ index: 1, field: 'commune', message: 'Choisissez une commune.' },
			{ index: 1, field: 'gps', message: 'Indiquez au moins un médecin qui arrive ou qui part.' },
			{ index: 2, field: 'gps', message: 'Le nombre de médecins ne peut pas dépasser 50 par changement.' },
			{ index: 3, field: 'gps', message: 'Indiquez un nombre de médecins.' },
			{
				index: 4,
				field: 'aged65OrMore',
				message: 'Le nombre de médecins de 65 ans ou plus doit être un nombre entier, 0 ou plus.',
			},
			{
				index: 5,
				field: 'aged65OrMore',
				message: 'Les médecins qui arrivent sont comptés comme ayant moins de 65 ans.',
			},
			{
				index: 6,
				field: 'aged65OrMore',
				message: 'Le nombre de médecins de 65 ans ou plus ne peut pas dépasser celui des départs (1).',
			},
			{ index: 6, field: 'activity', message: 'L’activité doit être un nombre de consultations par an supérieur à 0.' },
		]);
	});

	it('refuses to remove more GPs than are known, over all changes of a commune', () => {
		expect(validateChanges(model, [{ commune: '24001', gps: -1 }], known)).toEqual([
			{ index: 0, field: 'gps', message: 'Aucun médecin connu à Alpha : un départ ne peut pas y être simulé.' },
		]);
		expect(
			validateChanges(
				model,
				[
					{ commune: '16001', gps: -1 },
					{ commune: '16001', gps: -2 },
				],
				known,
			),
		).toEqual([{ index: 1, field: 'gps', message: '2 médecins sont connus à Charlie : impossible d’en retirer 3.' }]);
		expect(validateChanges(model, [{ commune: '24002', gps: -2, aged65OrMore: 2 }], known)).toEqual([
			{
				index: 0,
				field: 'aged65OrMore',
				message: '1 médecin de 65 ans ou plus est connu à Bravo : impossible d’en retirer 2.',
			},
		]);
		// Without a list of known GPs, departures are only checked for their shape.
		expect(validateChanges(model, [{ commune: '24001', gps: -1 }])).toEqual([]);
	});
});

describe('the communes in the simulator island’s props', () => {
	// -0 is written 0, as JSON (Astro's own props) would write it.
	const float = fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value));
	const commune = fc.record<SimCommune>({
		code: fc.stringMatching(/^[0-9][0-9AB][0-9]{3}$/),
		name: fc.string({ minLength: 1 }).filter((name) => !/[;|]/.test(name)),
		lon: float,
		lat: float,
		inTerritory: fc.boolean(),
		apl: fc.option(float, { nil: null }),
		aplUnder65: fc.option(float, { nil: null }),
		standardisedPopulation: fc.option(float, { nil: null }),
		population: fc.option(fc.integer({ min: 0, max: 3_000_000 }), { nil: null }),
		demand: fc.option(float, { nil: null }),
	});

	it('come back exactly as they were written, numbers in full (the browser must compute what the server did)', () => {
		fc.assert(
			fc.property(fc.array(commune, { maxLength: 20 }), (communes) => {
				expect(decodeSimCommunes(encodeSimCommunes(communes))).toEqual(communes);
			}),
		);
	});

	it('are written short: about 70 bytes for a commune', () => {
		const text = encodeSimCommunes([
			{
				code: '24311',
				name: 'Nontron',
				lon: 0.6624,
				lat: 45.5294,
				inTerritory: true,
				apl: 2.345678,
				aplUnder65: 1.9,
				standardisedPopulation: 3012.5,
				population: 3100,
				demand: 123456.75,
			},
		]);
		expect(text).toBe('24311|Nontron|0.6624|45.5294|1|2.345678|1.9|3012.5|3100|123456.75');
	});
});
