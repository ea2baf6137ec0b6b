import { createHash } from 'node:crypto';
import { readEnv } from './env.ts';

/** What handlers need from Netlify's `Context`: path parameters and the client's address. */
export type RequestContext = { params: Record<string, string | undefined>; ip?: string };

const LOCAL_SALT = 'local-development-salt-not-for-production';

/**
 * A salted SHA-256 of the client's IP address, for rate limits: the raw address is never stored.
 * On Netlify, HASH_SALT must be set (a constant salt would make the hashes reversible by brute force).
 */
export function clientHash(context: RequestContext, env = readEnv()): string {
	const salt = env.HASH_SALT ?? (env.isNetlify ? undefined : LOCAL_SALT);
	if (!salt) console.warn('HASH_SALT is not set: rate limits use an unsalted hash. Set it in Netlify.');
	return createHash('sha256')
		.update(`${salt ?? ''}:${context.ip ?? 'unknown'}`)
		.digest('hex');
}

/** The site's origin for absolute links: Netlify's URL, else the request's own origin. */
export function siteOrigin(request: Request, env = readEnv()): string {
	return env.URL ?? new URL(request.url).origin;
}
