import { describe, expect, it } from 'vitest';
import {
	ageNeedIndex,
	aplClass,
	approximateMinutes,
	distanceKm,
	formatNumber,
	formatPercent,
	formatTrend,
	REACH_KM,
	retirementShare,
	riskClass,
	summarise,
	TRAVEL_BANDS,
	travelBand,
	trend,
} from './access.ts';

describe('APL classes', () => {
	it('puts 2.5 in vigilance and 4 in the served class (lower bounds are inclusive)', () => {
		expect(aplClass(0)).toBe('under');
		expect(aplClass(2.499)).toBe('under');
		expect(aplClass(2.5)).toBe('vigilance');
		expect(aplClass(3.999)).toBe('vigilance');
		expect(aplClass(4)).toBe('served');
		expect(aplClass(12.3)).toBe('served');
	});

	it('gives no class to a missing or non-finite value', () => {
		expect(aplClass(null)).toBeNull();
		expect(aplClass(undefined)).toBeNull();
		expect(aplClass(Number.NaN)).toBeNull();
		expect(aplClass(Number.POSITIVE_INFINITY)).toBeNull();
	});
});

describe('retirement-risk share', () => {
	it('is 1 − APL under 65 / APL', () => {
		expect(retirementShare(4, 3)).toBe(0.25);
		expect(retirementShare(4.2, 2.1)).toBe(0.5);
		expect(retirementShare(3, 3)).toBe(0);
		expect(retirementShare(2, 0)).toBe(1);
	});

	it('is null without any supply (APL 0) or with a missing value', () => {
		expect(retirementShare(0, 0)).toBeNull();
		expect(retirementShare(null, 1)).toBeNull();
		expect(retirementShare(2, null)).toBeNull();
		expect(retirementShare(undefined, undefined)).toBeNull();
	});

	it('stays within 0 and 1 when the under-65 figure exceeds the total', () => {
		expect(retirementShare(2, 2.5)).toBe(0);
	});

	it('classes the share at 10 %, 25 % and 50 %', () => {
		expect(riskClass(0.099)).toBe('low');
		expect(riskClass(0.1)).toBe('medium');
		expect(riskClass(0.249)).toBe('medium');
		expect(riskClass(0.25)).toBe('high');
		expect(riskClass(0.499)).toBe('high');
		expect(riskClass(0.5)).toBe('very_high');
		expect(riskClass(null)).toBeNull();
	});
});

describe('trend and age-need index', () => {
	it('gives the change from the previous vintage, or null when one is missing', () => {
		expect(trend(4.25, 4)).toBe(0.25);
		expect(trend(2, 3)).toBe(-1);
		expect(trend(null, 3)).toBeNull();
		expect(trend(3, undefined)).toBeNull();
	});

	it('divides the standardised population by the actual one', () => {
		expect(ageNeedIndex(1130, 1000)).toBeCloseTo(1.13, 12);
		expect(ageNeedIndex(1000, 0)).toBeNull();
		expect(ageNeedIndex(null, 1000)).toBeNull();
	});
});

describe('straight-line reach', () => {
	it('measures one degree of latitude along a meridian as 6371 · π / 180 km', () => {
		expect(distanceKm([0.66, 45], [0.66, 46])).toBeCloseTo((6371 * Math.PI) / 180, 9);
		expect((6371 * Math.PI) / 180).toBeCloseTo(111.195, 3);
	});

	it('measures Paris – Lyon (city centres) at about 391.5 km, the same both ways', () => {
		const paris = [2.3522, 48.8566] as const;
		const lyon = [4.8357, 45.764] as const;
		expect(distanceKm(paris, lyon)).toBeCloseTo(391.5, 0);
		expect(distanceKm(lyon, paris)).toBe(distanceKm(paris, lyon));
		expect(distanceKm(paris, paris)).toBe(0);
	});

	it('turns 16.5 km into about 20 minutes, and a commune to itself into 0', () => {
		expect(REACH_KM).toBe(16.5);
		// 0.64 + 1.17 × 16.5 = 0.64 + 19.305
		expect(approximateMinutes(16.5)).toBeCloseTo(19.945, 9);
		expect(Math.round(approximateMinutes(REACH_KM))).toBe(20);
		expect(approximateMinutes(0)).toBe(0);
		expect(approximateMinutes(1)).toBeCloseTo(1.81, 9);
	});

	it('puts 10, 15 and 20 minutes in the next band (lower bounds are inclusive)', () => {
		expect(travelBand(0)).toBe('under10');
		expect(travelBand(9.99)).toBe('under10');
		expect(travelBand(10)).toBe('from10to15');
		expect(travelBand(14.99)).toBe('from10to15');
		expect(travelBand(15)).toBe('from15to20');
		expect(travelBand(19.99)).toBe('from15to20');
		expect(travelBand(20)).toBeNull();
		expect(travelBand(approximateMinutes(REACH_KM))).toBe('from15to20');
		expect(Object.values(TRAVEL_BANDS).map((band) => band.weight)).toEqual([1, 2 / 3, 1 / 3]);
	});
});

describe('DREES aggregation rule', () => {
	// A: APL 2.0, standardised 1000, population 900
	// B: APL 4.0, standardised  500, population 600
	// C: APL 3.0, standardised 1500, population 1500
	// Weighted by standardised population: (2.0·1000 + 4.0·500 + 3.0·1500) / 3000 = 8500 / 3000 = 2.8333…
	// Plain mean: (2 + 4 + 3) / 3 = 3; weighted by actual population: (1800 + 2400 + 4500) / 3000 = 2.9.
	// Under 2.5: A only, counted with its actual population: 900 of 3000 = 30 %.
	const rows = [
		{ apl: 2.0, standardisedPopulation: 1000, population: 900 },
		{ apl: 4.0, standardisedPopulation: 500, population: 600 },
		{ apl: 3.0, standardisedPopulation: 1500, population: 1500 },
	];

	it('weights each APL by its standardised population and counts people with the actual population', () => {
		const summary = summarise(rows);
		expect(summary.apl).toBeCloseTo(8500 / 3000, 12);
		expect(summary.apl).toBeCloseTo(2.8333, 4);
		expect(summary).toMatchObject({
			populationUnderServed: 900,
			population: 3000,
			shareUnderServed: 0.3,
			communes: 3,
			communesUnderServed: 1,
		});
	});

	it('differs from the plain mean and from the mean weighted by the actual population', () => {
		const plain = rows.reduce((sum, row) => sum + row.apl, 0) / rows.length;
		const byPopulation = rows.reduce((sum, row) => sum + row.apl * row.population, 0) / 3000;
		expect(plain).toBe(3);
		expect(byPopulation).toBeCloseTo(2.9, 12);
		expect(summarise(rows).apl).not.toBeCloseTo(plain, 2);
		expect(summarise(rows).apl).not.toBeCloseTo(byPopulation, 2);
	});

	it('leaves out communes with a missing value', () => {
		const summary = summarise([
			...rows,
			{ apl: null, standardisedPopulation: 800, population: 700 },
			{ apl: 1.0, standardisedPopulation: null, population: 100 },
			{ apl: 1.5, standardisedPopulation: 200, population: null },
		]);
		expect(summary).toEqual(summarise(rows));
	});

	it('counts a commune at exactly 2.5 as not under-served', () => {
		const summary = summarise([
			{ apl: 2.5, standardisedPopulation: 100, population: 100 },
			{ apl: 2.4, standardisedPopulation: 100, population: 300 },
		]);
		expect(summary).toMatchObject({ populationUnderServed: 300, population: 400, shareUnderServed: 0.75 });
		expect(summary.communesUnderServed).toBe(1);
	});

	it('has no mean and no share without data', () => {
		expect(summarise([])).toEqual({
			apl: null,
			populationUnderServed: 0,
			population: 0,
			shareUnderServed: null,
			communes: 0,
			communesUnderServed: 0,
		});
	});
});

describe('French formatting', () => {
	it('uses decimal commas, narrow no-break spaces between thousands and a dash for a missing value', () => {
		expect(formatNumber(2.8333, 2)).toBe('2,83');
		expect(formatNumber(3105)).toBe('3\u202f105');
		expect(formatNumber(null)).toBe('—');
		expect(formatPercent(0.173)).toBe('17\u00a0%');
		expect(formatPercent(undefined)).toBe('—');
	});

	it('writes a trend with its sign, and a change under 0.005 as stable', () => {
		expect(formatTrend(0.2)).toBe('+0,20');
		expect(formatTrend(-0.126)).toBe('−0,13');
		expect(formatTrend(0.004)).toBe('stable');
		expect(formatTrend(null)).toBe('—');
	});
});
