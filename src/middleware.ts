import { defineMiddleware } from 'astro:middleware';
import { BASE_HEADERS, pageCsp } from './lib/server/security-headers';

/**
 * Pages rendered on request get the same security headers as the static ones (which get theirs
 * from `dist/_headers`): the base headers, and a policy carrying the hashes of their inline scripts.
 */
export const onRequest = defineMiddleware(async (context, next) => {
	const response = await next();
	if (context.isPrerendered) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(BASE_HEADERS)) headers.set(name, value);
	if (!(headers.get('content-type') ?? '').startsWith('text/html')) {
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
	const html = await response.text();
	headers.set('Content-Security-Policy', pageCsp(html));
	return new Response(html, { status: response.status, statusText: response.statusText, headers });
});
