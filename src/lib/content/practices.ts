import type { z } from 'astro/zod';
import type { KnownGps } from '../domain/scenario.ts';
import type { createContentSchemas } from './schemas.ts';

/**
 * The practices the coordinator enters in `content/practices/` (cabinets, MSP, centres de santé),
 * grouped by commune: for the access simulator, which offers a departure only where GPs are known
 * (`validateChanges`), and for the table of known practices. Pure: takes the entries as
 * `getCollection('practices')` returns them.
 */

export type Practice = z.output<ReturnType<typeof createContentSchemas>['practice']>;
export type PracticeEntry = { id: string; data: Practice };

export type PlannedDeparture = { year: number; count: number };

/** One commune's known practices and their totals. */
export type CommunePractices = {
	/** INSEE code. */
	commune: string;
	/** The commune's name when the caller gave one. */
	name?: string;
	gps: number;
	gpsAged65OrMore: number;
	/** Announced departures of all its practices, one line per year, earliest first. */
	plannedDepartures: PlannedDeparture[];
	/** Its practices, by name (French order). */
	practices: PracticeEntry[];
};

/** GPs known per commune: the sum over its practices (a commune without a practice is absent). */
export function knownGpsByCommune(practices: readonly PracticeEntry[]): KnownGps {
	const known = new Map<string, { gps: number; aged65OrMore: number }>();
	for (const { data } of practices) {
		const total = known.get(data.commune) ?? { gps: 0, aged65OrMore: 0 };
		total.gps += data.gps;
		total.aged65OrMore += data.gpsAged65OrMore;
		known.set(data.commune, total);
	}
	return known;
}

/**
 * The practices grouped by commune, for a table: communes sorted by name (French order) when
 * `communeNames` gives them, else by INSEE code; a commune without a name comes after the named ones.
 */
export function practicesByCommune(
	practices: readonly PracticeEntry[],
	communeNames?: ReadonlyMap<string, string>,
): CommunePractices[] {
	const byCommune = new Map<string, PracticeEntry[]>();
	for (const entry of practices) {
		const list = byCommune.get(entry.data.commune) ?? [];
		list.push(entry);
		byCommune.set(entry.data.commune, list);
	}
	const known = knownGpsByCommune(practices);
	const rows = [...byCommune].map(([commune, entries]): CommunePractices => {
		const departures = new Map<number, number>();
		for (const { data } of entries) {
			for (const { year, count } of data.plannedDepartures) departures.set(year, (departures.get(year) ?? 0) + count);
		}
		const totals = known.get(commune)!;
		const name = communeNames?.get(commune);
		return {
			commune,
			...(name === undefined ? {} : { name }),
			gps: totals.gps,
			gpsAged65OrMore: totals.aged65OrMore ?? 0,
			plannedDepartures: [...departures].sort(([a], [b]) => a - b).map(([year, count]) => ({ year, count })),
			practices: [...entries].sort((a, b) => a.data.name.localeCompare(b.data.name, 'fr') || a.id.localeCompare(b.id)),
		};
	});
	return rows.sort((a, b) => {
		if (a.name !== undefined && b.name !== undefined) {
			return a.name.localeCompare(b.name, 'fr') || a.commune.localeCompare(b.commune);
		}
		if (a.name !== undefined) return -1;
		if (b.name !== undefined) return 1;
		return a.commune.localeCompare(b.commune);
	});
}
