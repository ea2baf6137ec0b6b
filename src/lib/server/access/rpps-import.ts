import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { type DataPort, SERVICE } from '../db/port.ts';
import { communeOfPostcode, type RppsResult, readRppsGps } from '../supply/rpps.ts';
import { readAccessMap } from './access-map.ts';
import type { IndicatorRow } from './importer.ts';

/**
 * `npm run data:import -- --rpps FILE`: where GPs practise, from the official RPPS "Annuaire Santé"
 * extraction, for the communes the maps show (each territory and its neighbours within 20 minutes).
 * Counts only (distinct GPs per commune of practice), stored as the indicator 'gp_count_rpps' with
 * the extraction's year: a commune of those departments with no GP gets 0. The simulator offers a
 * departure where GPs are known.
 */
export type RppsImport = { result: RppsResult; stored: number; vintage: number; source: string; communes: number };

/** The extraction's date from its name (`PS_LibreAcces_Personne_activite_202501010000.txt`), else today. */
export function extractionDate(file: string, today = new Date()): Date {
	const match = /_(\d{4})(\d{2})(\d{2})\d{0,6}\.txt$/i.exec(basename(file));
	return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : today;
}

export async function importRpps(
	port: DataPort,
	territories: readonly string[],
	file: string,
	input?: Readable,
): Promise<RppsImport> {
	const codes = new Set<string>();
	const departments = new Set<string>();
	for (const territory of territories) {
		const map = await readAccessMap(port, territory);
		for (const { properties } of map.features) {
			codes.add(properties.code);
			departments.add(properties.department);
		}
	}
	if (codes.size === 0) {
		throw new Error(
			'Aucune commune dans la base : importez d’abord les données de l’APL (npm run data:import), puis le fichier RPPS.',
		);
	}
	const result = await readRppsGps(input ?? file, { departments: [...departments], communeOfPostcode });
	const date = extractionDate(file);
	const vintage = date.getUTCFullYear();
	const source = `Annuaire Santé (RPPS), médecins généralistes (SM54) par commune d’exercice, extraction du ${date.toLocaleDateString('fr-FR', { timeZone: 'UTC' })}`;
	const rows: IndicatorRow[] = [...codes].sort().map((code) => ({
		code,
		indicator: 'gp_count_rpps',
		vintage,
		value: result.byCommune.get(code) ?? 0,
		source,
	}));
	await port.callRpc('import_access_data', { p_indicators: rows }, SERVICE);
	return { result, stored: rows.length, vintage, source, communes: codes.size };
}

/** The report printed by `npm run data:import -- --rpps`. */
export function formatRppsReport({ result, stored, source }: RppsImport): string {
	const lines = [
		`RPPS: ${result.read} lines read, ${result.outside} outside the departments of the maps, ${result.notGp} not GPs.`,
		`${result.practitioners} GPs counted (${result.multiSite} in more than one commune); ${stored} communes stored (${source}).`,
	];
	if (result.skippedTotal > 0) {
		lines.push(`Skipped (${result.skippedTotal}):`);
		for (const skip of result.skipped) lines.push(`  line ${skip.line}: ${skip.reason}`);
		if (result.skippedTotal > result.skipped.length) {
			lines.push(`  … and ${result.skippedTotal - result.skipped.length} more`);
		}
	}
	return lines.join('\n');
}
