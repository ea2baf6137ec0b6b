import postgres from 'postgres';
import {
	type Caller,
	DatabaseError,
	type DatabaseName,
	type DataPort,
	databaseErrorFrom,
	IDENTIFIER,
	type RpcArgs,
	toSqlText,
} from './port.ts';

const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);
const CONNECTION_ERRORS = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
]);

export type PostgresAdapterOptions = {
	url: string;
	database: Extract<DatabaseName, 'pglite' | 'postgres'>;
	/** Pool size; the embedded PGlite server serves one transaction at a time, so 1 is enough there. */
	max?: number;
};

/**
 * Speaks the PostgreSQL wire protocol to any server (the embedded PGlite server, a real PostgreSQL,
 * Supabase's direct connection). Each call is one transaction that first switches to the caller's
 * role and claims with `set_config(…, true)`, exactly as PostgREST does, so RLS and grants apply.
 */
export function createPostgresAdapter(options: PostgresAdapterOptions): DataPort {
	const sql = postgres(options.url, {
		max: options.max ?? 10,
		idle_timeout: 20,
		connect_timeout: 5,
		onnotice: () => {},
		// PGlite's socket server does not keep prepared statements across connections.
		prepare: options.database !== 'pglite',
	});

	return {
		database: options.database,
		async callRpc<T>(fn: string, args: RpcArgs, caller: Caller): Promise<T> {
			const role = caller.claims.role;
			const names = Object.keys(args).filter((name) => args[name] !== undefined);
			if (!IDENTIFIER.test(fn) || !names.every((name) => IDENTIFIER.test(name)) || !API_ROLES.has(role)) {
				throw new DatabaseError('invalid', '', 'invalid_call');
			}
			const call = `select public.${fn}(${names.map((name, i) => `${name} => $${i + 1}`).join(', ')}) as result`;
			const values = names.map((name) => toSqlText(args[name]));
			try {
				const rows = await sql.begin(async (tx) => {
					await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`;
					return tx.unsafe(call, values);
				});
				return (rows[0] as { result: T } | undefined)?.result as T;
			} catch (error) {
				throw toDatabaseError(error);
			}
		},
		close: () => sql.end({ timeout: 5 }),
	};
}

function toDatabaseError(error: unknown): DatabaseError {
	if (error instanceof DatabaseError) return error;
	if (error instanceof postgres.PostgresError) return databaseErrorFrom(error.code, error.message, error.detail);
	const code = (error as { code?: string } | null)?.code;
	if (code && CONNECTION_ERRORS.has(code)) return new DatabaseError('unavailable', '', 'database_unreachable');
	return new DatabaseError('internal', '', 'database_error');
}
