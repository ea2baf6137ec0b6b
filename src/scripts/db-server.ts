import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveDataDir } from '../lib/server/access/importer.ts';
import { importDataFolder, markImported, needsImport } from '../lib/server/access/run-import.ts';
import { accessDataEmpty, loadSnapshot } from '../lib/server/access/snapshot.ts';
import { startEmbeddedDatabase } from '../lib/server/db/embedded.ts';
import { createPostgresAdapter } from '../lib/server/db/postgres-adapter.ts';
import { readEnv } from '../lib/server/env.ts';

/** `npm run db:start`: the embedded PGlite database server, until Ctrl-C. */
const env = readEnv();
const started = performance.now();
const database = await startEmbeddedDatabase({ dataDir: resolve(env.PGLITE_DATA_DIR), port: env.PGLITE_PORT });
console.info(
	`PGlite database ready on 127.0.0.1:${database.port} (${env.PGLITE_DATA_DIR}) in ${Math.round(performance.now() - started)} ms` +
		(database.applied.length ? `; applied migrations ${database.applied.join(', ')}` : ''),
);

// First start (or new files in the data folder): load the access map's open data, in the background.
const dataDir = resolveDataDir(resolve(import.meta.dirname, '../..'), env.DATA_DIR);
if (dataDir && existsSync(dataDir) && needsImport(resolve(env.PGLITE_DATA_DIR), dataDir)) {
	console.info(`Importing the access map's open data from ${dataDir}…`);
	const port = createPostgresAdapter({ url: database.url, database: 'pglite', max: 1, callTimeoutMs: 120_000 });
	importDataFolder(dataDir, port)
		.then(({ result, skipped }) => {
			markImported(resolve(env.PGLITE_DATA_DIR), dataDir);
			console.info(
				`Open data imported: ${result?.communes.inserted ?? 0} communes added, ${result?.indicators.inserted ?? 0} indicator values added, ${skipped} rows skipped (details: npm run data:import -- --dry-run).`,
			);
		})
		.catch((error: unknown) =>
			console.error(`Open-data import failed: ${error instanceof Error ? error.message : error}`),
		)
		.finally(() => port.close());
} else if ((!dataDir || !existsSync(dataDir)) && (await accessDataEmpty(database.url))) {
	// A fresh clone without a data folder: the snapshot kept in the repository (data/access-snapshot).
	const port = createPostgresAdapter({ url: database.url, database: 'pglite', max: 1, callTimeoutMs: 120_000 });
	loadSnapshot(port)
		.then((loaded) =>
			console.info(
				loaded
					? `Access-map snapshot loaded: ${loaded.result.communes.inserted} communes${loaded.missing.length ? `; not in the snapshot (run npm run data:download, then npm run data:import): ${loaded.missing.join(', ')}` : ''}.`
					: 'No data folder and no access-map snapshot: the maps stay empty until npm run data:download and npm run data:import.',
			),
		)
		.catch((error: unknown) => console.error(`Snapshot load failed: ${error instanceof Error ? error.message : error}`))
		.finally(() => port.close());
}

const stop = async () => {
	await database.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
