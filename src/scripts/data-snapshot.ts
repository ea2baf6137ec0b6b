import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { resolveDataDir } from '../lib/server/access/importer.ts';
import { computeDepartmentExtents, findNationalSources, readNationalData } from '../lib/server/access/national.ts';
import { SNAPSHOT_FILE, writeSnapshot } from '../lib/server/access/snapshot.ts';
import { readContentMirror } from '../lib/server/db/content-mirror.ts';
import { readEnv } from '../lib/server/env.ts';

/**
 * `npm run data:snapshot`: regenerates the access-data snapshot kept in the repository
 * (data/access-snapshot/) for the territories of content/, from the national files in DATA_DIR,
 * else ../shared/data, else .data/open-data. With boundaries for every department, it also
 * regenerates src/lib/server/access/department-extents.json (which files a ring needs).
 */
const root = resolve(import.meta.dirname, '../..');
const dir = resolveDataDir(root, readEnv().DATA_DIR);
const sources = dir ? findNationalSources(dir) : undefined;
if (!dir || !sources) {
	console.error('Fichiers nationaux introuvables : lancez npm run data:download, ou indiquez DATA_DIR.');
	process.exit(1);
}
const started = performance.now();
if (sources.boundaries.size >= 96) {
	const extents = computeDepartmentExtents(sources);
	const lines = Object.entries(extents).map(
		([department, box]) => `\t${JSON.stringify(department)}: ${JSON.stringify(box)}`,
	);
	writeFileSync(join(root, 'src/lib/server/access/department-extents.json'), `{\n${lines.join(',\n')}\n}\n`);
}
const territories = readContentMirror().territories;
try {
	const dataset = await readNationalData(dir, { territories });
	const bytes = writeSnapshot({
		format: 1,
		territories: territories.map((t) => t.id),
		sources: dataset.files.map((f) => f.file),
		dataset: {
			communes: dataset.communes,
			indicators: dataset.indicators,
			areas: dataset.areas,
			vintages: dataset.vintages,
		},
	});
	console.info(
		`${relative(root, SNAPSHOT_FILE)}: ${dataset.communes.length} communes (${territories.map((t) => t.id).join(', ')} and their ring), ` +
			`${dataset.indicators.length} indicator values, ${dataset.areas.length} references, vintages ${dataset.vintages.join(', ')}; ` +
			`${Math.round(bytes / 1024)} KB in ${Math.round(performance.now() - started)} ms.`,
	);
	for (const note of dataset.notes) console.info(`Note: ${note}`);
} catch (error) {
	console.error(`Snapshot impossible : ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
