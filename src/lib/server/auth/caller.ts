import type { Caller, JwtClaims } from '../db/port.ts';
import { readEnv, type ServerEnv } from '../env.ts';
import { problem } from '../http.ts';
import { verifyToken } from './jwt.ts';

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
 * The coordinator behind a request's `Authorization: Bearer` token: 401 without a valid token,
 * 403 for a signed-in user who is not the coordinator. SQL checks the same claim again.
 */
export async function requireCoordinator(
	request: Request,
	verify: TokenVerifier,
): Promise<{ ok: true; caller: Caller } | { ok: false; response: Response }> {
	const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
	const unauthorized = problem(
		401,
		'unauthorized',
		'Connectez-vous à l’espace de coordination pour continuer.',
		undefined,
		{
			'WWW-Authenticate': 'Bearer',
		},
	);
	if (!token) return { ok: false, response: unauthorized };
	let claims: JwtClaims;
	try {
		claims = await verify(token);
	} catch {
		return { ok: false, response: unauthorized };
	}
	if (claims.role !== 'authenticated' || claims.app_metadata?.role !== 'coordinator') {
		return { ok: false, response: problem(403, 'forbidden', 'Cet espace est réservé à la coordination.') };
	}
	return { ok: true, caller: { claims, token } };
}
