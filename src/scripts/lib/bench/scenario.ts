import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { distanceKm } from '../../../lib/domain/access.ts';
import {
	computeDemand,
	impact,
	rankPlacements,
	type ScenarioCommune,
	type ScenarioModel,
	type SupplyChange,
	simulate,
	territorySummary,
} from '../../../lib/domain/scenario.ts';
import { approximateCentre, type CommuneShape } from '../../../lib/server/access/geometry.ts';
import { readTerritories } from '../../../lib/server/db/content-mirror.ts';

/**
 * The access simulator's costs on the national open data (`../shared/data/national`, outside the
 * project): D_j for all of France and for a territory-sized subset, one simulation, one placement
 * ranking. Medians of several runs, in milliseconds (simulation in microseconds). The territory is
 * the first one configured in content/territories, centred on its most populated commune.
 */

const ROOT = resolve(import.meta.dirname, '../../../..');
const SHARED = join(ROOT, '../shared/data');
const NATIONAL = join(SHARED, 'national');
const PILOT_RADIUS_KM = 50;
const RUNS = 5;

export type ScenarioBench = {
	available: boolean;
	note: string;
	communes?: { apl: number; withPoint: number; withoutPoint: number; examplesWithoutPoint: string[] };
	france?: {
		demandMs: number;
		pairs: number;
		neighboursPerCommune: number;
		modelBytes: number;
		heapDeltaBytes: number;
	};
	pilot?: { communes: number; demandMs: number; pairs: number };
	simulation?: { changes: number; touched: number; microseconds: number; withImpactMicroseconds: number };
	ranking?: { territory: number; ms: number; best: { code: string; people: number } | null };
	rows: { measure: string; result: string }[];
};

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function time<T>(run: () => T, runs = RUNS): { value: T; ms: number } {
	let value: T | undefined;
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		value = run();
		times.push(performance.now() - started);
	}
	return { value: value as T, ms: median(times) };
}

/** Median per-call time in microseconds, each sample timing `repeat` calls. */
function microseconds(run: () => unknown, repeat = 2000): number {
	for (let i = 0; i < 200; i++) run();
	const samples: number[] = [];
	for (let s = 0; s < RUNS; s++) {
		const started = performance.now();
		for (let i = 0; i < repeat; i++) run();
		samples.push(((performance.now() - started) * 1000) / repeat);
	}
	return median(samples);
}

const modelBytes = (model: ScenarioModel) =>
	[
		model.apl,
		model.aplUnder65,
		model.standardisedPopulation,
		model.population,
		model.demand,
		model.offsets,
		model.neighbours,
		model.bands,
	].reduce((sum, array) => sum + array.byteLength, 0);

/** DREES 2023 values of every commune, with a point from the COG 2024 boundaries. */
function readNational(): { communes: ScenarioCommune[]; apl: number; missing: string[] } {
	const rows = parse(readFileSync(join(NATIONAL, 'apl_mg_drees_2022_2023_france.csv'), 'utf8'), {
		columns: true,
		skip_empty_lines: true,
	}) as Record<string, string>[];
	const points = new Map<string, [number, number]>();
	// Metropolitan France (COG 2024, `code_territoire` "com24311"), then overseas (COG 2018, `code`).
	const folders = [join(NATIONAL, 'communes-cog2024'), join(NATIONAL, 'communes-overseas-cog2018')].filter(existsSync);
	for (const folder of folders) {
		for (const file of readdirSync(folder).filter((name) => name.endsWith('.geojson'))) {
			const collection = JSON.parse(readFileSync(join(folder, file), 'utf8')) as {
				features: { properties: { code_territoire?: string; code?: string }; geometry: CommuneShape | null }[];
			};
			for (const feature of collection.features) {
				const code = feature.properties.code_territoire?.replace(/^com/, '') ?? feature.properties.code;
				if (code && feature.geometry && !points.has(code)) points.set(code, approximateCentre(feature.geometry));
			}
		}
	}
	const number = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));
	const communes: ScenarioCommune[] = [];
	const missing: string[] = [];
	let apl = 0;
	for (const row of rows) {
		if (row.apl_mg_2023 === '' || row.apl_mg_2023 === undefined) continue;
		apl++;
		const point = points.get(row.code!);
		if (!point) {
			missing.push(`${row.code} ${row.nom}`);
			continue;
		}
		communes.push({
			code: row.code!,
			name: row.nom!,
			lon: point[0],
			lat: point[1],
			apl: number(row.apl_mg_2023),
			aplUnder65: number(row.apl_mg_moins65_2023),
			standardisedPopulation: number(row.pop_std_2021),
			population: number(row.pop_tot_2021),
		});
	}
	return { communes, apl, missing };
}

/** The first configured territory: its name, its communes and the most populated of them (Insee legal populations). */
function firstTerritory(): { name: string; communes: string[]; centre: { code: string; name: string } } {
	const territory = readTerritories()[0];
	if (!territory) throw new Error('content/territories holds no territory');
	const largest = [...territory.communes].sort((a, b) => b.population - a.population)[0];
	if (!largest) throw new Error(`the territory ${territory.id} has no commune`);
	return {
		name: territory.name,
		communes: territory.communes.map((c) => c.code),
		centre: { code: largest.code, name: largest.name },
	};
}

export async function benchScenario(log: (message: string) => void): Promise<ScenarioBench> {
	const rows: ScenarioBench['rows'] = [];
	if (!existsSync(join(NATIONAL, 'apl_mg_drees_2022_2023_france.csv'))) {
		const note = `no national data at ${NATIONAL}: not measured`;
		log(`  scenario: ${note}`);
		return { available: false, note, rows: [{ measure: 'access simulator', result: note }] };
	}
	log('  scenario: reading the national APL file and the commune boundaries');
	const { communes, apl, missing } = readNational();
	const result: ScenarioBench = {
		available: true,
		note: 'DREES APL 2023; points: vertex mean (approximateCentre) of the COG 2024 boundaries, overseas COG 2018',
		communes: {
			apl,
			withPoint: communes.length,
			withoutPoint: missing.length,
			examplesWithoutPoint: missing.slice(0, 5),
		},
		rows,
	};
	rows.push({
		measure: 'communes with a 2023 APL / with a point',
		result: `${apl} / ${communes.length} (${missing.length} without a point, e.g. ${missing.slice(0, 3).join(', ')})`,
	});

	log(`  scenario: D_j for ${communes.length} communes (${RUNS} runs)`);
	(globalThis as { gc?: () => void }).gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	const france = time(() => computeDemand(communes));
	const heapDelta = process.memoryUsage().heapUsed - heapBefore;
	const model = france.value;
	const pairs = model.neighbours.length;
	result.france = {
		demandMs: Math.round(france.ms),
		pairs,
		neighboursPerCommune: Math.round((pairs / model.size) * 10) / 10,
		modelBytes: modelBytes(model),
		heapDeltaBytes: heapDelta,
	};
	rows.push({
		measure: 'D_j, all France (kd-tree, neighbours within 20 min, D_j)',
		result: `${france.ms.toFixed(0)} ms; ${pairs.toLocaleString('en')} pairs (${result.france.neighboursPerCommune} per commune); typed arrays ${(result.france.modelBytes / 2 ** 20).toFixed(1)} MB`,
	});

	const configured = firstTerritory();
	const centreCode = configured.centre.code;
	const centreName = configured.centre.name;
	const centre = communes.find((c) => c.code === centreCode);
	if (!centre) throw new Error(`${centreName} (${centreCode}) has no point`);
	const point: [number, number] = [centre.lon, centre.lat];
	const subset = communes.filter((c) => distanceKm([c.lon, c.lat], point) <= PILOT_RADIUS_KM);
	const pilot = time(() => computeDemand(subset), RUNS * 4);
	result.pilot = {
		communes: subset.length,
		demandMs: Math.round(pilot.ms * 100) / 100,
		pairs: pilot.value.neighbours.length,
	};
	rows.push({
		measure: `D_j, ${subset.length} communes within ${PILOT_RADIUS_KM} km of ${centreName}`,
		result: `${pilot.ms.toFixed(1)} ms; ${pilot.value.neighbours.length.toLocaleString('en')} pairs`,
	});

	// Two GPs leave the centre (one aged 65 or more), an MSP with three GPs opens 10 km away.
	const nearby = subset
		.filter((c) => c.code !== centreCode)
		.sort(
			(a, b) => Math.abs(distanceKm([a.lon, a.lat], point) - 10) - Math.abs(distanceKm([b.lon, b.lat], point) - 10),
		)[0]!;
	const changes: SupplyChange[] = [
		{ commune: centreCode, gps: -2, aged65OrMore: 1 },
		{ commune: nearby.code, gps: 3 },
	];
	// The territory's communes that have a 2023 APL and a point.
	const known = new Set(communes.map((c) => c.code));
	const territory = configured.communes.filter((code) => known.has(code));
	const simulation = simulate(model, changes);
	const simulationUs = microseconds(() => simulate(model, changes));
	const withImpactUs = microseconds(() => {
		const s = simulate(model, changes);
		impact(model, s, territory);
		territorySummary(model, s, territory);
	}, 500);
	result.simulation = {
		changes: changes.length,
		touched: simulation.touched.length,
		microseconds: Math.round(simulationUs * 10) / 10,
		withImpactMicroseconds: Math.round(withImpactUs * 10) / 10,
	};
	rows.push({
		measure: `one simulation (${changes.length} changes, ${simulation.touched.length} communes touched), France model`,
		result: `${simulationUs.toFixed(1)} µs; with crossings, people affected and the territory summary: ${withImpactUs.toFixed(1)} µs`,
	});

	const ranking = time(() => rankPlacements(model, territory), RUNS * 4);
	const best = ranking.value[0];
	result.ranking = {
		territory: territory.length,
		ms: Math.round(ranking.ms * 1000) / 1000,
		best: best ? { code: best.code, people: best.all.people } : null,
	};
	rows.push({
		measure: `placement ranking, ${territory.length} communes of ${configured.name}`,
		result: `${ranking.ms.toFixed(2)} ms${best ? ` (first: ${best.name ?? best.code}, ${best.all.people} people lifted above 2.5)` : ''}`,
	});
	// Every other configured territory: one simulation (2 GPs leave its largest commune, 1 of them 65
	// or older) and one placement ranking, on the same France model.
	for (const other of readTerritories().slice(1)) {
		const codes = other.communes.map((c) => c.code).filter((code) => known.has(code));
		const largest = [...other.communes].sort((a, b) => b.population - a.population)[0];
		if (!largest || codes.length === 0) continue;
		const otherChanges: SupplyChange[] = [{ commune: largest.code, gps: -2, aged65OrMore: 1 }];
		const us = microseconds(() => {
			const s = simulate(model, otherChanges);
			impact(model, s, codes);
			territorySummary(model, s, codes);
		}, 500);
		const otherRanking = time(() => rankPlacements(model, codes), RUNS * 4);
		const first = otherRanking.value[0];
		rows.push({
			measure: `${other.name}: one simulation (2 GPs leave ${largest.name}) with its summary; placement ranking of ${codes.length} communes`,
			result: `${us.toFixed(1)} µs; ${otherRanking.ms.toFixed(2)} ms${first ? ` (first: ${first.name ?? first.code}, ${first.all.people} people lifted above 2.5)` : ''}`,
		});
	}
	for (const row of rows) log(`  ${row.measure}: ${row.result}`);
	return result;
}
