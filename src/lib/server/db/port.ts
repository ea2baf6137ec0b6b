/**
 * The data port: handlers call `callRpc(name, args, caller)` and never know which database answers.
 * Every adapter runs the same SQL functions with the same roles (PostgREST's model), and turns
 * database failures into a `DatabaseError` whose `kind` the HTTP layer maps to a status.
 */

/** The verified claims of the caller's JWT, as PostgREST puts them in `request.jwt.claims`. */
export type JwtClaims = {
	role: 'anon' | 'authenticated' | 'service_role';
	sub?: string;
	email?: string;
	app_metadata?: { role?: string; [key: string]: unknown };
	exp?: number;
	[key: string]: unknown;
};

/** Who calls: claims for SQL, and the raw token for adapters that forward it (supabase-js). */
export type Caller = { claims: JwtClaims; token?: string };

export const ANON: Caller = { claims: { role: 'anon' } };
export const SERVICE: Caller = { claims: { role: 'service_role' } };

export type RpcArgs = Record<string, string | number | boolean | null | undefined | object>;

export type DatabaseName = 'pglite' | 'postgres' | 'supabase';

export interface DataPort {
	readonly database: DatabaseName;
	callRpc<T = unknown>(fn: string, args: RpcArgs, caller: Caller): Promise<T>;
	close(): Promise<void>;
}

export type DatabaseErrorKind =
	| 'not_found'
	| 'conflict'
	| 'invalid'
	| 'rate_limited'
	| 'forbidden'
	| 'unavailable'
	| 'internal';

/** A database failure with a stable kind; `reason` is the SQL function's message key (e.g. `meeting_closed`). */
export class DatabaseError extends Error {
	readonly kind: DatabaseErrorKind;
	readonly sqlState: string;
	readonly reason: string;
	readonly detail: string | undefined;

	constructor(kind: DatabaseErrorKind, sqlState: string, reason: string, detail?: string) {
		super(`${kind}: ${reason}`);
		this.name = 'DatabaseError';
		this.kind = kind;
		this.sqlState = sqlState;
		this.reason = reason;
		this.detail = detail;
	}
}

const KIND_BY_SQLSTATE: Record<string, DatabaseErrorKind> = {
	PS404: 'not_found',
	PS409: 'conflict',
	PS422: 'invalid',
	PS429: 'rate_limited',
	PS403: 'forbidden',
	'42501': 'forbidden', // insufficient_privilege: the role may not call this function
	'23505': 'conflict', // unique_violation
	'23514': 'invalid', // check_violation
	'23502': 'invalid', // not_null_violation
	'23503': 'invalid', // foreign_key_violation
	'22P02': 'invalid', // invalid_text_representation (a bad number, boolean…)
	'22001': 'invalid', // string_data_right_truncation
	'22003': 'invalid', // numeric_value_out_of_range
	'22007': 'invalid', // invalid_datetime_format
	'22008': 'invalid', // datetime_field_overflow
	'22023': 'invalid', // invalid_parameter_value
	'42883': 'not_found', // undefined_function: no such RPC
	'57P01': 'unavailable', // admin_shutdown
	'57P03': 'unavailable', // cannot_connect_now
	'08000': 'unavailable',
	'08001': 'unavailable',
	'08003': 'unavailable',
	'08006': 'unavailable',
	'53300': 'unavailable', // too_many_connections
};

/** Maps a SQLSTATE (from PostgreSQL directly or relayed by PostgREST) to a kind. */
export function databaseErrorFrom(
	sqlState: string | undefined,
	message: string | undefined,
	detail?: string,
): DatabaseError {
	const state = sqlState ?? '';
	const kind = KIND_BY_SQLSTATE[state] ?? (state.startsWith('08') ? 'unavailable' : 'internal');
	// Our own errors carry a message key; a raw PostgreSQL message is never passed on to users.
	const reason = state.startsWith('PS') && message ? message : state || 'database_error';
	return new DatabaseError(kind, state, reason, detail);
}

/** Names interpolated into SQL must be plain identifiers. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
