import postgres from 'postgres';
import { signToken } from '../../lib/server/auth/jwt.ts';
import { migrate } from '../../lib/server/db/migrations.ts';
import { servePGlite } from '../../lib/server/db/pglite-server.ts';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter.ts';
import { createSupabaseAdapter } from '../../lib/server/db/supabase-adapter.ts';
import { type ContractTarget, TEST_JWT_SECRET } from './contract.ts';
import { createMigratedPGlite } from './pglite.ts';
import { startPostgresServer } from './postgres-server.ts';
import { startPostgrestEmulator } from './postgrest-emulator.ts';

/** The embedded default: a migrated PGlite behind its socket server, reached by the postgres adapter. */
export async function pgliteTarget(): Promise<ContractTarget> {
	const db = await createMigratedPGlite();
	const server = await servePGlite(db);
	const port = createPostgresAdapter({ url: server.url, database: 'pglite', max: 4 });
	return {
		port,
		stop: async () => {
			await port.close();
			await server.stop();
			await db.close();
		},
	};
}

/** Production's path: supabase-js over real HTTP to a PostgREST stand-in on the same PGlite database. */
export async function supabaseTarget(): Promise<ContractTarget> {
	const inner = await pgliteTarget();
	const emulator = await startPostgrestEmulator(inner.port, TEST_JWT_SECRET);
	const port = createSupabaseAdapter({
		url: emulator.url,
		anonKey: await signToken({ role: 'anon' }, TEST_JWT_SECRET),
		serviceRoleKey: await signToken({ role: 'service_role' }, TEST_JWT_SECRET),
	});
	return {
		port,
		stop: async () => {
			await port.close();
			await emulator.close();
			await inner.stop();
		},
	};
}

/** A throw-away PostgreSQL 15+ cluster, migrated with the same files, with truly parallel connections. */
export async function realPostgresTarget(): Promise<ContractTarget> {
	const server = await startPostgresServer();
	const sql = postgres(server.url, { max: 1, onnotice: () => {} });
	await migrate({ exec: (text) => sql.unsafe(text), query: (text) => sql.unsafe(text) as never });
	await sql.end();
	const port = createPostgresAdapter({ url: server.url, database: 'postgres', max: 50 });
	return {
		port,
		stop: async () => {
			await port.close();
			await server.stop();
		},
	};
}
