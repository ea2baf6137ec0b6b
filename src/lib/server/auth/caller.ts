import type { Caller, JwtClaims } from '../db/port.ts';
import { readEnv, type ServerEnv } from '../env.ts';
import { problem } from '../http.ts';
import { verifyToken } from './jwt.ts';
import { csrfMatches, sameOrigin, sessionToken, submittedCsrf } from './session.ts';

const LOCAL_DEVELOPMENT_SECRET = 'local-development-jwt-secret-never-used-in-production';

/** The secret that verifies coordinator tokens: Supabase's JWT secret, else the local one (never on Netlify). */
export function jwtSecret(env: ServerEnv = readEnv()): string | undefined {
	return env.SUPABASE_JWT_SECRET ?? env.LOCAL_JWT_SECRET ?? (env.isNetlify ? undefined : LOCAL_DEVELOPMENT_SECRET);
}

export type TokenVerifier = (token: string) => Promise<JwtClaims>;

export const defaultVerifier: TokenVerifier = async (token) => {
	const secret = jwtSecret();
	if (!secret) throw new Error('no JWT secret configured');
	return verifyToken(token, secret);
};

/**
 * The coordinator behind a request: a bearer token in `Authorization`, or the session cookie of
 * the workspace. 401 without a valid token, 403 for a signed-in user who is not the coordinator,
 * 403 for a cookie-authenticated write without this site's origin and CSRF token. SQL checks the
 * coordinator claim again.
 */
export async function requireCoordinator(
	request: Request,
	verify: TokenVerifier,
): Promise<{ ok: true; caller: Caller } | { ok: false; response: Response }> {
	const session = sessionToken(request);
	const unauthorized = problem(
		401,
		'unauthorized',
		'Connectez-vous à l’espace de coordination pour continuer.',
		undefined,
		{
			'WWW-Authenticate': 'Bearer',
		},
	);
	if (!session) return { ok: false, response: unauthorized };
	let claims: JwtClaims;
	try {
		claims = await verify(session.token);
	} catch {
		return { ok: false, response: unauthorized };
	}
	if (claims.role !== 'authenticated' || claims.app_metadata?.role !== 'coordinator') {
		return { ok: false, response: problem(403, 'forbidden', 'Cet espace est réservé à la coordination.') };
	}
	if (session.via === 'cookie' && !['GET', 'HEAD'].includes(request.method)) {
		const secret = jwtSecret();
		if (!secret || !sameOrigin(request) || !csrfMatches(session.token, secret, await submittedCsrf(request))) {
			return {
				ok: false,
				response: problem(
					403,
					'csrf_failed',
					'Cette action n’a pas été acceptée : rechargez la page de l’espace de coordination puis recommencez.',
				),
			};
		}
	}
	return { ok: true, caller: { claims, token: session.token } };
}
