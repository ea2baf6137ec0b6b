import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import {
	type Caller,
	DatabaseError,
	type DatabaseName,
	type DataPort,
	databaseErrorFrom,
	IDENTIFIER,
	type RpcArgs,
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
	/**
	 * Pool size, default 10. Calls beyond it are pipelined on busy connections (each call is one
	 * message, its own transaction), not refused. Measured with `npm run bench -- --only=registration`
	 * on 2 cores: the registrations of a meeting are serialised by its row lock, so more connections
	 * only add backends waiting on that lock (50 direct connections did worse than 10). The embedded
	 * PGlite server serves one message at a time, so a few are enough there.
	 */
	max?: number;
	/** How long a call may wait for its connection and answer before it fails as unavailable. */
	callTimeoutMs?: number;
};

/** Longer than any call of the site takes (the slowest, the access map on PGlite, takes about 0.3 s). */
const CALL_TIMEOUT_MS = 5000;

/**
 * Dollar-quote tags: a random prefix drawn once per process and a counter, so that no call pays
 * for random bytes. A value that contains its call's tag is refused (below), so the tag being
 * guessable would only let a caller fail their own call, never change the statement.
 */
const TAG_PREFIX = `v${randomBytes(6).toString('hex')}`;
let tagCount = 0;
const nextTag = () => {
	tagCount = (tagCount + 1) % Number.MAX_SAFE_INTEGER;
	return `$${TAG_PREFIX}_${tagCount.toString(36)}$`;
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
		prepare: false,
		fetch_types: false,
	});

	return {
		database: options.database,
		async callRpc<T>(fn: string, args: RpcArgs, caller: Caller): Promise<T> {
			const role = caller.claims.role;
			const names = Object.keys(args).filter((name) => args[name] !== undefined);
			if (!IDENTIFIER.test(fn) || !names.every((name) => IDENTIFIER.test(name)) || !API_ROLES.has(role)) {
				throw new DatabaseError('invalid', '', 'invalid_call');
			}
			const values = names.map((name) => args[name]);
			if (values.some((value) => typeof value === 'string' && value.includes('\0'))) {
				throw new DatabaseError('invalid', '22021', 'invalid_character');
			}
			// One simple-protocol message: PostgreSQL runs its statements as one implicit transaction,
			// so the role and claims set with is_local = true hold for the call and vanish after it, and a
			// failure rolls back the whole message. PGlite's socket server can only serialise whole
			// messages between connections, which this makes safe; it is also a single round trip.
			const tag = nextTag();
			const literal = (value: unknown) => {
				if (value === null || value === undefined) return 'null';
				const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
				if (text.includes(tag)) throw new DatabaseError('invalid', '22023', 'invalid_character');
				return `${tag}${text}${tag}`;
			};
			const message = [
				`select set_config('role', ${literal(role)}, true), set_config('request.jwt.claims', ${literal(JSON.stringify(caller.claims))}, true)`,
				`select public.${fn}(${names.map((name, i) => `${name} => ${literal(values[i])}`).join(', ')}) as result`,
			].join(';\n');
			let timer: NodeJS.Timeout | undefined;
			try {
				// A database that stopped answering (killed mid-call, restarting) gets a 503, not a hang.
				const timeout = new Promise<never>((_, reject) => {
					timer = setTimeout(
						() => reject(new DatabaseError('unavailable', '', 'database_timeout')),
						options.callTimeoutMs ?? CALL_TIMEOUT_MS,
					);
				});
				const results = (await Promise.race([sql.unsafe(message), timeout])) as unknown as { result: T }[][];
				return results[1]?.[0]?.result as T;
			} catch (error) {
				throw toDatabaseError(error);
			} finally {
				clearTimeout(timer);
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
