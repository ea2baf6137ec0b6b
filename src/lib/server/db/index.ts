import { embeddedDatabaseUrl, readEnv, type ServerEnv } from '../env.ts';
import { DatabaseError, type DataPort } from './port.ts';
import { createPostgresAdapter } from './postgres-adapter.ts';
import { createSupabaseAdapter } from './supabase-adapter.ts';

let cached: DataPort | undefined;

/**
 * The data port for this process: supabase-js when SUPABASE_URL is set; otherwise the postgres
 * adapter to DATABASE_URL, or to the embedded PGlite server of `npm run dev`. On Netlify without
 * Supabase it refuses (503) rather than write to a database that would vanish with the lambda.
 */
export function getDataPort(settings?: ServerEnv): DataPort {
	if (cached) return cached;
	// Read only when the port is first opened: this is called on every request.
	const env = settings ?? readEnv();
	if (env.SUPABASE_URL) {
		if (!env.SUPABASE_ANON_KEY) throw new DatabaseError('unavailable', '', 'supabase_anon_key_missing');
		cached = createSupabaseAdapter({
			url: env.SUPABASE_URL,
			anonKey: env.SUPABASE_ANON_KEY,
			...(env.SUPABASE_SERVICE_ROLE_KEY ? { serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY } : {}),
		});
	} else if (env.DATABASE_URL) {
		cached = createPostgresAdapter({ url: env.DATABASE_URL, database: 'postgres' });
	} else if (env.isNetlify) {
		console.error(
			'No SUPABASE_URL on Netlify: set SUPABASE_URL and SUPABASE_ANON_KEY (see README.md, "Deploy to Netlify and Supabase").',
		);
		throw new DatabaseError('unavailable', '', 'supabase_not_configured');
	} else {
		cached = createPostgresAdapter({ url: embeddedDatabaseUrl(env), database: 'pglite', max: 2 });
	}
	return cached;
}
