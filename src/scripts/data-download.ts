import { resolve } from 'node:path';
import { DownloadError, downloadOpenData } from '../lib/server/access/download.ts';
import { DOWNLOAD_DIR } from '../lib/server/access/importer.ts';
import { allDepartments, cogCommunes, departmentsNear } from '../lib/server/access/national.ts';
import { readContentMirror } from '../lib/server/db/content-mirror.ts';
import { readEnv } from '../lib/server/env.ts';

/**
 * `npm run data:download [-- --all]`: fetches the official originals of the access map — the DREES
 * APL workbook and, from geo.api.gouv.fr, the commune boundaries of the departments the configured
 * territories and their ring need (every department with `--all`) — into DATA_DIR, else
 * .data/open-data. Base addresses: DREES_BASE_URL and GEO_API_BASE_URL.
 */
const root = resolve(import.meta.dirname, '../..');
const env = readEnv();
const dir = resolve(root, env.DATA_DIR ?? DOWNLOAD_DIR);
const { current } = cogCommunes();
const territoryDepartments = readContentMirror().territories.flatMap((t) =>
	t.communes.map((code) => current.get(code)?.departement ?? ''),
);
const departments = process.argv.includes('--all')
	? allDepartments()
	: departmentsNear(territoryDepartments.filter(Boolean));
console.info(
	`Downloading into ${dir}: the DREES workbook and the boundaries of ${departments.length} department(s) (${departments.join(', ')}).`,
);
try {
	const written = await downloadOpenData({
		dir,
		departments,
		...(process.env.DREES_BASE_URL ? { dreesBase: process.env.DREES_BASE_URL } : {}),
		...(process.env.GEO_API_BASE_URL ? { geoApiBase: process.env.GEO_API_BASE_URL } : {}),
		log: (line) => console.info(line),
	});
	console.info(
		`${written.length} files written. Next: npm run data:import${env.DATA_DIR ? '' : ` (DATA_DIR=${dir} if ../shared/data exists)`}.`,
	);
} catch (error) {
	console.error(
		error instanceof DownloadError
			? error.message
			: `Téléchargement interrompu : ${error instanceof Error ? error.message : error}`,
	);
	process.exitCode = 1;
}
