import { resolve } from 'node:path';
import { resolveDataDir } from '../lib/server/access/importer.ts';
import { formatRppsReport, importRpps } from '../lib/server/access/rpps-import.ts';
import { importDataFolder, markImported } from '../lib/server/access/run-import.ts';
import { readContentMirror } from '../lib/server/db/content-mirror.ts';
import { startEmbeddedDatabase } from '../lib/server/db/embedded.ts';
import { getDataPort } from '../lib/server/db/index.ts';
import { readEnv } from '../lib/server/env.ts';
import { portOpen } from './port-open.ts';

/**
 * `npm run data:import [-- --dry-run] [-- --all]`: loads the open data of the access map (DREES
 * APL, populations, commune points and boundaries) from DATA_DIR, else ../shared/data, else
 * .data/open-data, into the database: Supabase (with SUPABASE_SERVICE_ROLE_KEY), DATABASE_URL, or
 * the embedded PGlite database. With the national files, it loads the configured territories and
 * their ring of neighbours, or all of France with `--all`. `-- --rpps FILE` instead counts the GPs
 * of the official RPPS extraction by commune of practice, for the communes the maps show.
 */
const env = readEnv();
const root = resolve(import.meta.dirname, '../..');

/** The embedded database, started here when no other database is configured or already listening. */
async function startEmbeddedUnlessServed(dryRun = false) {
	return dryRun || env.SUPABASE_URL || env.DATABASE_URL || (await portOpen(env.PGLITE_PORT))
		? undefined
		: await startEmbeddedDatabase({ dataDir: resolve(env.PGLITE_DATA_DIR), port: env.PGLITE_PORT });
}
const rppsAt = process.argv.indexOf('--rpps');
const rppsFile = rppsAt >= 0 ? process.argv[rppsAt + 1] : undefined;
if (rppsAt >= 0) {
	if (!rppsFile) {
		console.error('Indiquez le fichier RPPS : npm run data:import -- --rpps PS_LibreAcces_Personne_activite_….txt');
		process.exit(2);
	}
	const embedded = await startEmbeddedUnlessServed();
	const port = getDataPort(env);
	try {
		const done = await importRpps(
			port,
			readContentMirror().territories.map((t) => t.id),
			resolve(rppsFile),
		);
		console.info(formatRppsReport(done));
	} catch (error) {
		console.error(`Import RPPS impossible : ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	} finally {
		await port.close();
		await embedded?.stop();
	}
	process.exit();
}
const dir = resolveDataDir(root, env.DATA_DIR);
if (!dir) {
	console.error(
		'Aucun dossier de données : lancez npm run data:download, ou indiquez DATA_DIR (voir docs/data-and-import.md).',
	);
	process.exit(1);
}
const dryRun = process.argv.includes('--dry-run');
const all = process.argv.includes('--all');
console.info(`Reading ${dir}${dryRun ? ' (dry run: nothing is written)' : ''}`);

const embedded = await startEmbeddedUnlessServed(dryRun);
const started = performance.now();
try {
	const port = dryRun ? undefined : getDataPort(env);
	const { report } = await importDataFolder(dir, port, { all });
	console.info(report);
	// The embedded database then does not import the same folder again at the next `npm run dev`.
	if (embedded && port) markImported(resolve(env.PGLITE_DATA_DIR), dir);
	console.info(`Done in ${Math.round(performance.now() - started)} ms.`);
	await port?.close();
} catch (error) {
	console.error(`Import impossible : ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
} finally {
	await embedded?.stop();
}
