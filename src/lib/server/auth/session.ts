import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The coordinator's browser session: the same JWT as the `Authorization` header, kept in an
 * `HttpOnly; Secure; SameSite=Strict` cookie (the `__Host-` prefix also pins it to this host and
 * path /). Requests authenticated by the cookie that change something must also carry the CSRF
 * token derived from the session and come from this site's origin.
 */
export const SESSION_COOKIE = '__Host-pds-session';

/** Embedded default's session length; a Supabase token keeps its own expiry. */
export const SESSION_SECONDS = 8 * 60 * 60;

export function readCookie(request: Request, name: string): string | undefined {
	for (const part of (request.headers.get('cookie') ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=') || undefined;
	}
	return undefined;
}

export type SessionToken = { token: string; via: 'header' | 'cookie' };

const TOKEN = /^[A-Za-z0-9._-]{10,4096}$/;

/** The bearer token of a request: the `Authorization` header first, else the session cookie. */
export function sessionToken(request: Request): SessionToken | undefined {
	const header = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
	if (header) return TOKEN.test(header) ? { token: header, via: 'header' } : undefined;
	const cookie = readCookie(request, SESSION_COOKIE);
	return cookie && TOKEN.test(cookie) ? { token: cookie, via: 'cookie' } : undefined;
}

export function sessionCookie(token: string, maxAgeSeconds: number): string {
	return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export const clearedSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;

/** The CSRF token of a session: an HMAC of the session token, so nothing is stored server-side. */
export function csrfToken(token: string, secret: string): string {
	return createHmac('sha256', secret).update(`csrf:${token}`).digest('base64url');
}

export function csrfMatches(token: string, secret: string, candidate: string | null | undefined): boolean {
	if (!candidate) return false;
	const expected = Buffer.from(csrfToken(token, secret));
	const given = Buffer.from(candidate);
	return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The CSRF token a cookie-authenticated write carries: `X-CSRF-Token`, or the `_csrf` form field. */
export async function submittedCsrf(request: Request): Promise<string | null> {
	const header = request.headers.get('x-csrf-token');
	if (header) return header;
	if (!(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return null;
	try {
		return new URLSearchParams(await request.clone().text()).get('_csrf');
	} catch {
		return null;
	}
}

/** A write from another site carries its own Origin (or `Sec-Fetch-Site: cross-site`): refused. */
export function sameOrigin(request: Request): boolean {
	const site = request.headers.get('sec-fetch-site');
	if (site && site !== 'same-origin' && site !== 'none') return false;
	const origin = request.headers.get('origin');
	return !origin || origin === new URL(request.url).origin;
}
