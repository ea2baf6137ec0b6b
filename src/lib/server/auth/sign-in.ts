import { createHash, timingSafeEqual } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { getDataPort } from '../db/index.ts';
import { ANON, type DataPort, type JwtClaims } from '../db/port.ts';
import { readEnv, type ServerEnv } from '../env.ts';
import { formErrorPage, json, problem, problemFromError, readInput, seeOther } from '../http.ts';
import { clientHash, type RequestContext } from '../request.ts';
import { jwtSecret } from './caller.ts';
import { signToken } from './jwt.ts';
import { clearedSessionCookie, SESSION_SECONDS, sessionCookie } from './session.ts';

/** The embedded default's coordinator: the same claims Supabase Auth gives a granted user. */
export const LOCAL_COORDINATOR: JwtClaims = {
	role: 'authenticated',
	sub: '00000000-0000-4000-8000-00000000c00d',
	email: 'coordination@localhost',
	app_metadata: { role: 'coordinator' },
};

const COMMON = new Set([
	'motdepasse',
	'motdepasse123',
	'password',
	'password123',
	'azertyuiop',
	'123456789012',
	'paysdesante',
]);

/** Why COORDINATOR_PASSWORD cannot open the workspace, or null when it can. */
export function weakPasswordReason(password: string | undefined): string | null {
	if (!password) return 'COORDINATOR_PASSWORD n’est pas défini.';
	if (password.length < 12) return 'COORDINATOR_PASSWORD doit compter au moins 12 caractères.';
	if (new Set(password).size < 6 || COMMON.has(password.toLowerCase())) {
		return 'COORDINATOR_PASSWORD est trop facile à deviner : choisissez une phrase de passe.';
	}
	return null;
}

const signInSchema = z.object({
	email: z.email({ error: 'Cette adresse électronique n’est pas valide.' }).max(200).optional(),
	password: z
		.string({ error: 'Indiquez le mot de passe.' })
		.min(1, { error: 'Indiquez le mot de passe.' })
		.max(200, { error: 'Ce mot de passe est trop long.' }),
});

const SIGN_IN_FORM = { title: 'Connexion refusée', backUrl: '/admin/connexion/' };

const sameText = (a: string, b: string) =>
	timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

type Session = { token: string; expiresAt: number };

async function supabaseSession(
	env: ServerEnv,
	email: string | undefined,
	password: string,
): Promise<Session | Response> {
	if (!email) {
		return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', {
			email: 'Indiquez votre adresse électronique.',
		});
	}
	const client = createClient(env.SUPABASE_URL ?? '', env.SUPABASE_ANON_KEY ?? '', {
		auth: { persistSession: false, autoRefreshToken: false },
	});
	const { data, error } = await client.auth.signInWithPassword({ email, password });
	if (error || !data.session) return problem(401, 'sign_in_failed', 'Adresse ou mot de passe incorrect.');
	const claims = data.session.user.app_metadata as { role?: string };
	if (claims.role !== 'coordinator') {
		return problem(403, 'forbidden', 'Ce compte n’a pas accès à l’espace de coordination.');
	}
	return { token: data.session.access_token, expiresAt: (data.session.expires_at ?? 0) * 1000 };
}

/**
 * `POST /api/admin/session`: signs the coordinator in. In the embedded default, with the password
 * in COORDINATOR_PASSWORD, it issues a JWT with the claims Supabase Auth would give; with Supabase,
 * it signs in with email and password there. 200 `{ token, expiresAt }` and the session cookie
 * (a form gets a 303 to the workspace); 401 wrong password; 429 after 10 attempts in 15 minutes.
 */
export function createSignIn(dataPort: () => DataPort = getDataPort, env: () => ServerEnv = readEnv) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const input = await readInput(request, signInSchema);
		const answer = (response: Response) => (input.isForm ? formErrorPage(response, SIGN_IN_FORM) : response);
		if (!input.ok) return answer(input.response);
		const settings = env();
		try {
			await dataPort().callRpc('note_sign_in_attempt', { p_client_hash: clientHash(context, settings) }, ANON);
		} catch (error) {
			return answer(problemFromError(error, { rate_limited: 'Trop d’essais. Réessayez dans un quart d’heure.' }));
		}
		let session: Session | Response;
		if (settings.SUPABASE_URL) {
			session = await supabaseSession(settings, input.data.email, input.data.password);
		} else {
			const reason = weakPasswordReason(settings.COORDINATOR_PASSWORD);
			const secret = jwtSecret(settings);
			if (reason || !secret) {
				console.warn(
					`Coordinator sign-in disabled: ${reason ?? 'no JWT secret'} (see docs/database-and-security.md, "Sessions and CSRF").`,
				);
				return answer(
					problem(
						503,
						'admin_disabled',
						'L’espace de coordination n’est pas activé sur ce serveur (voir la documentation).',
					),
				);
			}
			if (!sameText(input.data.password, settings.COORDINATOR_PASSWORD ?? '')) {
				return answer(problem(401, 'sign_in_failed', 'Mot de passe incorrect.'));
			}
			const token = await signToken(LOCAL_COORDINATOR, secret, SESSION_SECONDS);
			session = { token, expiresAt: Date.now() + SESSION_SECONDS * 1000 };
		}
		if (session instanceof Response) return answer(session);
		const cookie = sessionCookie(session.token, (session.expiresAt - Date.now()) / 1000);
		if (input.isForm) {
			const response = seeOther('/admin/');
			response.headers.set('Set-Cookie', cookie);
			return response;
		}
		return json({ token: session.token, expiresAt: new Date(session.expiresAt).toISOString() }, 200, {
			'Set-Cookie': cookie,
			'Cache-Control': 'no-store',
		});
	};
}

/** `POST /api/admin/session/logout`: forgets the session cookie; a form gets a 303 to the sign-in page. */
export function createSignOut() {
	return async (request: Request): Promise<Response> => {
		const isForm = (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
		const response = isForm ? seeOther('/admin/connexion/?deconnecte=1') : json({ signedOut: true });
		response.headers.set('Set-Cookie', clearedSessionCookie());
		return response;
	};
}

export const signIn = createSignIn();
export const signOut = createSignOut();
