import { readCookie, SESSION_COOKIE } from '../auth/session.ts';
import { pageSession } from '../auth/sign-in.ts';
import type { Caller } from '../db/port.ts';

export type AdminSession = { caller: Caller; csrf: string; email: string };

/**
 * For a workspace page rendered on request: the coordinator's session from the cookie, or the
 * answer to give instead (303 to the sign-in page; 403 page for a signed-in non-coordinator).
 */
export async function adminSession(request: Request): Promise<AdminSession | Response> {
	const session = await pageSession(readCookie(request, SESSION_COOKIE));
	if (session === 'signed_out') {
		const path = new URL(request.url).pathname;
		return new Response(null, {
			status: 303,
			headers: { Location: `/admin/connexion/?retour=${encodeURIComponent(path)}`, 'Cache-Control': 'no-store' },
		});
	}
	if (session === 'forbidden') {
		return new Response('Cet espace est réservé à la coordination.', {
			status: 403,
			headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
		});
	}
	return {
		caller: { claims: session.claims, token: session.token },
		csrf: session.csrf,
		email: session.claims.email ?? 'coordination',
	};
}
