import { jwtVerify, SignJWT } from 'jose';
import type { JwtClaims } from '../db/port.ts';

const ROLES = new Set(['anon', 'authenticated', 'service_role']);

/** Verifies an HS256 token (Supabase's legacy JWT secret, or the embedded default's local secret). */
export async function verifyToken(token: string, secret: string): Promise<JwtClaims> {
	const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
	if (typeof payload.role !== 'string' || !ROLES.has(payload.role)) throw new Error('token has no API role');
	return payload as JwtClaims;
}

/** Signs claims as Supabase Auth would; used by the embedded default's sign-in and by tests. */
export function signToken(claims: JwtClaims, secret: string, ttlSeconds = 3600): Promise<string> {
	return new SignJWT({ ...claims })
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setIssuedAt()
		.setExpirationTime(`${ttlSeconds}s`)
		.sign(new TextEncoder().encode(secret));
}
