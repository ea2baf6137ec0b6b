import { resolve } from 'node:path';
import { startEmbeddedDatabase } from '../lib/server/db/embedded.ts';
import { readEnv } from '../lib/server/env.ts';

/** `npm run db:start`: the embedded PGlite database server, until Ctrl-C. */
const env = readEnv();
const started = performance.now();
const database = await startEmbeddedDatabase({ dataDir: resolve(env.PGLITE_DATA_DIR), port: env.PGLITE_PORT });
console.info(
	`PGlite database ready on 127.0.0.1:${database.port} (${env.PGLITE_DATA_DIR}) in ${Math.round(performance.now() - started)} ms` +
		(database.applied.length ? `; applied migrations ${database.applied.join(', ')}` : ''),
);

const stop = async () => {
	await database.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
