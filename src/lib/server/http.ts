import { randomBytes } from 'node:crypto';
import { fieldErrors, type ValidationIssues } from '../domain/validation.ts';
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
	return unexpectedErrorResponse(error, 'api');
}

/** A short code the coordinator can quote, and that points at one line of the server log. */
function errorReference(): string {
	return randomBytes(4).toString('hex').toUpperCase();
}

/**
 * The one answer to an error nobody planned for, in dev and in production: logged on the server
 * with a reference (and the stack, which never leaves the server), answered in French with that
 * reference, as the contract's JSON for the API or as a page for a browser.
 */
export function unexpectedErrorResponse(error: unknown, as: 'api' | 'page'): Response {
	const reference = errorReference();
	console.error(
		`[erreur ${reference}]`,
		error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : typeof error,
	);
	const message = `${MESSAGE_BY_KIND.internal} Si cela se reproduit, indiquez la référence ${reference} à la coordination.`;
	if (as === 'api') {
		return json({ error: { code: 'internal_error', message, reference } }, 500);
	}
	return htmlPage(
		500,
		'Une erreur s’est produite',
		`<p>${escapeHtml(message)}</p><p><a href="/">Revenir à l’accueil</a></p>`,
	);
}

/** Bodies larger than this are refused with 413: the largest real form is under 3 KB. */
export const MAX_BODY_BYTES = 16 * 1024;

type Schema<T> = {
	safeParse(data: unknown): { success: true; data: T } | { success: false; error: ValidationIssues };
};

export type InputResult<T> =
	| { ok: true; data: T; isForm: boolean }
	| { ok: false; response: Response; isForm: boolean };

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** Whether the request is a plain HTML form post (answered with redirects and pages, not JSON). */
export function isFormPost(request: Request): boolean {
	return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === FORM;
}

async function readLimitedText(request: Request): Promise<string | 'too_large' | 'invalid_encoding'> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > MAX_BODY_BYTES) return 'too_large';
	const reader = request.body?.getReader();
	if (!reader) return '';
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel();
			return 'too_large';
		}
		chunks.push(value);
	}
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
	} catch {
		return 'invalid_encoding';
	}
}

/**
 * Reads a JSON or form-encoded body and validates it: 415 for another content type, 413 above
 * MAX_BODY_BYTES, 400 for unreadable content, 400 with one French message per field otherwise.
 */
export async function readInput<T>(request: Request, schema: Schema<T>): Promise<InputResult<T>> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
	const isForm = type === FORM;
	if (!isForm && type !== JSON_TYPE) {
		return {
			ok: false,
			isForm,
			response: problem(415, 'unsupported_media_type', 'Envoyez les données au format JSON ou en formulaire web.'),
		};
	}
	const text = await readLimitedText(request);
	if (text === 'too_large') {
		return {
			ok: false,
			isForm,
			response: problem(413, 'payload_too_large', 'Les données envoyées sont trop volumineuses.'),
		};
	}
	let raw: unknown;
	try {
		if (text === 'invalid_encoding') throw new Error('encoding');
		raw = isForm ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text);
	} catch {
		return { ok: false, isForm, response: problem(400, 'unreadable_body', 'Les données envoyées sont illisibles.') };
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success) {
		const fields = fieldErrors(parsed.error);
		return {
			ok: false,
			isForm,
			response: problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', fields),
		};
	}
	return { ok: true, isForm, data: parsed.data };
}

/** A 303 to a page of the site, for plain HTML form posts. */
export function seeOther(location: string): Response {
	return new Response(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * Without JavaScript, a refused form post gets a short French page instead of JSON: what to
 * correct, field by field, and a link back to the form (the browser keeps what was typed).
 */
export async function formErrorPage(response: Response, form: { title: string; backUrl: string }): Promise<Response> {
	const { error } = (await response.json()) as Problem;
	const items = Object.values(error.fields ?? {}).map((message) => `<li>${escapeHtml(message)}</li>`);
	const headers: Record<string, string> = {};
	const retryAfter = response.headers.get('Retry-After');
	if (retryAfter) headers['Retry-After'] = retryAfter;
	return htmlPage(
		response.status,
		form.title,
		`<p>${escapeHtml(error.message)}</p>${items.length ? `<ul>${items.join('')}</ul>` : ''}<p><a href="${escapeHtml(form.backUrl)}">Revenir au formulaire</a> (ce que vous avez saisi est conservé si vous utilisez le bouton « Retour » de votre navigateur).</p>`,
		headers,
	);
}

/**
 * A short French page outside the site's layout (form errors without JavaScript, unexpected
 * errors): self-contained, with its small stylesheet inline, readable at 320 px and 200 % text.
 */
export function htmlPage(
	status: number,
	title: string,
	bodyHtml: string,
	headers: Record<string, string> = {},
): Response {
	const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} — Pays de Santé</title><style>body{font:1.125rem/1.6 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;overflow-wrap:anywhere}a{color:#0b4f47}a:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}h1{color:#06352f;line-height:1.25}</style></head><body><main><h1>${escapeHtml(title)}</h1>${bodyHtml}</main></body></html>`;
	return new Response(html, {
		status,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
	});
}
