import { defaultVerifier, jwtSecret, requireCoordinator } from '../auth/caller.ts';
import { csrfToken } from '../auth/session.ts';
import type { Caller } from '../db/port.ts';
import { htmlPage } from '../http.ts';

export type AdminSession = { caller: Caller; csrf: string; email: string };

/**
 * For a workspace page rendered on request: the coordinator's session (the same check as the
 * admin endpoints), or the answer to give instead: 303 to the sign-in page without a valid
 * session, a French 403 page (styled, see `htmlPage`) for a signed-in non-coordinator.
 */
export async function adminSession(request: Request): Promise<AdminSession | Response> {
	const auth = await requireCoordinator(request, defaultVerifier);
	if (!auth.ok && auth.response.status === 403) {
		return htmlPage(
			403,
			'Accès réservé',
			'<p>Cet espace est réservé à la coordination du Pays de Santé.</p><p><a href="/">Revenir à l’accueil du site</a></p>',
		);
	}
	const secret = jwtSecret();
	if (!auth.ok || !auth.caller.token || !secret) {
		const path = new URL(request.url).pathname;
		return new Response(null, {
			status: 303,
			headers: { Location: `/admin/connexion/?retour=${encodeURIComponent(path)}`, 'Cache-Control': 'no-store' },
		});
	}
	return {
		caller: auth.caller,
		csrf: csrfToken(auth.caller.token, secret),
		email: auth.caller.claims.email ?? 'coordination',
	};
}
