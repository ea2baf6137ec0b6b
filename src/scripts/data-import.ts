import { resolve } from 'node:path';
import { resolveDataDir } from '../lib/server/access/importer.ts';
import { importDataFolder } from '../lib/server/access/run-import.ts';
import { startEmbeddedDatabase } from '../lib/server/db/embedded.ts';
import { getDataPort } from '../lib/server/db/index.ts';
import { readEnv } from '../lib/server/env.ts';
import { portOpen } from './port-open.ts';

/**
 * `npm run data:import [-- --dry-run] [-- --all]`: loads the open data of the access map (DREES
 * APL, populations, commune points and boundaries) from DATA_DIR, else ../shared/data, else
 * .data/open-data, into the database: Supabase (with SUPABASE_SERVICE_ROLE_KEY), DATABASE_URL, or
 * the embedded PGlite database. With the national files, it loads the configured territories and
 * their ring of neighbours, or all of France with `--all`.
 */
const env = readEnv();
const root = resolve(import.meta.dirname, '../..');
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

const embedded =
	dryRun || env.SUPABASE_URL || env.DATABASE_URL || (await portOpen(env.PGLITE_PORT))
		? undefined
		: await startEmbeddedDatabase({ dataDir: resolve(env.PGLITE_DATA_DIR), port: env.PGLITE_PORT });
const started = performance.now();
try {
	const port = dryRun ? undefined : getDataPort(env);
	const { report } = await importDataFolder(dir, port, { all });
	console.info(report);
	console.info(`Done in ${Math.round(performance.now() - started)} ms.`);
	await port?.close();
} catch (error) {
	console.error(`Import impossible : ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
} finally {
	await embedded?.stop();
}
