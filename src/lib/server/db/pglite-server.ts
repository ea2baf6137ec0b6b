import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Serves a PGlite database over the PostgreSQL wire protocol on loopback. PGlite runs one
 * transaction at a time; the socket server queues the others (correct, never concurrent).
 */
export async function servePGlite(
	db: PGlite,
	port = 0,
): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
	const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
	await server.start();
	const actualPort = Number(server.getServerConn().split(':').at(-1));
	return {
		url: `postgres://postgres@127.0.0.1:${actualPort}/postgres?sslmode=disable`,
		port: actualPort,
		stop: () => server.stop(),
	};
}
