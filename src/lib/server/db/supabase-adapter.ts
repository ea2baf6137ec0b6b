import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { type Caller, DatabaseError, type DataPort, databaseErrorFrom, IDENTIFIER, type RpcArgs } from './port.ts';

export type SupabaseAdapterOptions = {
	url: string;
	/** The public anon key: sent as `apikey`, and as the bearer token for anonymous callers. */
	anonKey: string;
	/** Only for service calls (imports, content mirroring); never for a visitor's request. */
	serviceRoleKey?: string;
	fetch?: typeof fetch;
};

/**
 * Calls the same SQL functions through Supabase's Data API (`POST /rest/v1/rpc/:fn`): the anon key
 * plus the caller's own JWT, so PostgREST switches to the caller's role and RLS applies.
 */
export function createSupabaseAdapter(options: SupabaseAdapterOptions): DataPort {
	const clients = new Map<string, SupabaseClient>();
	const clientFor = (token: string): SupabaseClient => {
		let client = clients.get(token);
		if (!client) {
			client = createClient(options.url, options.anonKey, {
				auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
				global: { headers: { Authorization: `Bearer ${token}` }, ...(options.fetch ? { fetch: options.fetch } : {}) },
			});
			// Keep one client per anonymous/service key; per-user tokens are short-lived, do not cache them.
			if (token === options.anonKey || token === options.serviceRoleKey) clients.set(token, client);
		}
		return client;
	};

	const tokenOf = (caller: Caller): string => {
		if (caller.claims.role === 'anon') return options.anonKey;
		if (caller.claims.role === 'service_role') {
			if (!options.serviceRoleKey) throw new DatabaseError('forbidden', '', 'service_key_missing');
			return options.serviceRoleKey;
		}
		if (!caller.token) throw new DatabaseError('forbidden', '', 'token_missing');
		return caller.token;
	};

	return {
		database: 'supabase',
		async callRpc<T>(fn: string, args: RpcArgs, caller: Caller): Promise<T> {
			if (!IDENTIFIER.test(fn)) throw new DatabaseError('invalid', '', 'invalid_call');
			const body = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
			let response: Awaited<ReturnType<SupabaseClient['rpc']>>;
			try {
				response = await clientFor(tokenOf(caller)).rpc(fn, body);
			} catch (error) {
				if (error instanceof DatabaseError) throw error;
				throw new DatabaseError('unavailable', '', 'database_unreachable');
			}
			if (response.error) {
				// PostgREST relays the SQLSTATE as `code`; a network failure has none and status 0.
				if (!response.error.code && response.status === 0) {
					throw new DatabaseError('unavailable', '', 'database_unreachable');
				}
				if (response.status === 401) throw new DatabaseError('forbidden', '401', 'invalid_token');
				throw databaseErrorFrom(response.error.code, response.error.message, response.error.details ?? undefined);
			}
			return response.data as T;
		},
		close: async () => {
			clients.clear();
		},
	};
}
