import { DatabaseError, type DatabaseErrorKind } from './db/port.ts';

/** The contract's error body: a stable code, a French message, and French messages per field. */
export type Problem = { error: { code: string; message: string; fields?: Record<string, string> } };

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
	return Response.json(body, {
		status,
		headers: { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers },
	});
}

export function problem(
	status: number,
	code: string,
	message: string,
	fields?: Record<string, string>,
	headers: HeadersInit = {},
): Response {
	const body: Problem = { error: { code, message, ...(fields ? { fields } : {}) } };
	return json(body, status, headers);
}

const STATUS_BY_KIND: Record<DatabaseErrorKind, number> = {
	not_found: 404,
	conflict: 409,
	invalid: 400,
	rate_limited: 429,
	forbidden: 403,
	unavailable: 503,
	internal: 500,
};

const MESSAGE_BY_KIND: Record<DatabaseErrorKind, string> = {
	not_found: 'Nous n’avons pas trouvé ce que vous cherchez.',
	conflict: 'Cette action n’est plus possible.',
	invalid: 'Certaines informations ne sont pas valides.',
	rate_limited: 'Trop de demandes en peu de temps. Merci de réessayer un peu plus tard.',
	forbidden: 'Vous n’avez pas accès à cette action.',
	unavailable: 'Le service est momentanément indisponible. Merci de réessayer dans quelques minutes.',
	internal: 'Une erreur inattendue s’est produite. Merci de réessayer plus tard.',
};

/**
 * Turns any failure into the contract's error response: a DatabaseError keeps its kind; anything
 * else is logged (without request data) and answered as an internal error, never with its text.
 */
export function problemFromError(error: unknown, messages: Partial<Record<string, string>> = {}): Response {
	if (error instanceof DatabaseError) {
		const status = STATUS_BY_KIND[error.kind];
		const headers: Record<string, string> =
			error.kind === 'rate_limited' ? { 'Retry-After': String(Number(error.detail) || 60) } : {};
		if (status >= 500) console.error(`database error: ${error.kind} ${error.sqlState} ${error.reason}`);
		return problem(status, error.reason, messages[error.reason] ?? MESSAGE_BY_KIND[error.kind], undefined, headers);
	}
	console.error('unexpected error:', error instanceof Error ? error.name : typeof error);
	return problem(500, 'internal_error', MESSAGE_BY_KIND.internal);
}
