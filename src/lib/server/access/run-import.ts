import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContentMirror } from '../db/content-mirror.ts';
import type { DataPort } from '../db/port.ts';
import { warmAccessMaps } from './access-map.ts';
import { checkPerimeters, formatReport, type ImportResult, loadAccessData, readAccessData } from './importer.ts';
import { findNationalSources, readNationalData } from './national.ts';

/**
 * Reads a data folder, loads it with the territories' perimeters from content/, and reports. A
 * folder with the national files (the DREES workbook or its national CSV, here or in a sub-folder)
 * is read by the national reader (the territories and their ring, or all France with `all`);
 * otherwise the pilot layouts are read. A bad national input throws before anything is written.
 */
export async function importDataFolder(
	dir: string,
	port: DataPort | undefined,
	options: { all?: boolean } = {},
): Promise<{ report: string; result?: ImportResult; skipped: number }> {
	const perimeters = readContentMirror().territories;
	const dataset = findNationalSources(dir)
		? await readNationalData(dir, { territories: perimeters, ...(options.all ? { all: true } : {}) })
		: readAccessData(dir);
	const notes = checkPerimeters(dir, perimeters, dataset);
	const result = port && dataset.communes.length > 0 ? await loadAccessData(port, dataset, perimeters) : undefined;
	// The first visitor after an import must not pay for a cold database: read each map once now.
	const warmed =
		port && result
			? Object.entries(
					await warmAccessMaps(
						port,
						perimeters.map((p) => p.id),
					),
				)
					.map(([id, ms]) => (ms < 0 ? `${id} (failed)` : `${id} ${ms} ms`))
					.join(', ')
			: '';
	return {
		report: formatReport(dataset, result, notes) + (warmed ? `\nMaps read once after the import: ${warmed}` : ''),
		skipped: dataset.skipped.length,
		...(result ? { result } : {}),
	};
}

/** What the data folder holds (names, sizes, dates): the embedded database re-imports when it changes. */
export function dataFolderSignature(dir: string): string {
	const entries = (folder: string, depth: number): (string | number)[][] =>
		readdirSync(folder)
			.sort()
			.flatMap((name) => {
				const path = join(folder, name);
				const stat = statSync(path);
				if (stat.isDirectory())
					return depth > 0 ? entries(path, depth - 1).map(([n, ...rest]) => [`${name}/${n}`, ...rest]) : [];
				return [[name, stat.size, Math.round(stat.mtimeMs)]];
			});
	return JSON.stringify(entries(dir, 2));
}

const MARKER = 'access-import.json';

/** True when the embedded database at `pgliteDir` has not yet imported this version of the folder. */
export function needsImport(pgliteDir: string, dir: string): boolean {
	const marker = join(pgliteDir, MARKER);
	return !existsSync(marker) || readFileSync(marker, 'utf8') !== dataFolderSignature(dir);
}

export function markImported(pgliteDir: string, dir: string): void {
	writeFileSync(join(pgliteDir, MARKER), dataFolderSignature(dir));
}
