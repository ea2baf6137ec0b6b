import { unexpectedErrorResponse } from './http.ts';
import { BASE_HEADERS, pageCsp } from './security-headers.ts';

type PageContext = { isPrerendered: boolean };

/**
 * The site's middleware (src/middleware.ts). Pages rendered on request get the same security
 * headers as the static ones (which get theirs from `dist/_headers`): the base headers, and a
 * policy carrying the hashes of their inline scripts. A page that fails while rendering (on
 * request, or any page under `npm run dev`) answers a French page with a reference, logged on the
 * server, instead of a stack trace or an empty body; at build time a failing page fails the build.
 */
export async function pageBoundary(
	context: PageContext,
	next: () => Promise<Response>,
	{ building = !import.meta.env?.DEV }: { building?: boolean } = {},
): Promise<Response> {
	let response: Response;
	let html: string | undefined;
	try {
		response = await next();
		// Reading the body here catches errors thrown while the page streams.
		if ((response.headers.get('content-type') ?? '').startsWith('text/html')) html = await response.text();
	} catch (error) {
		if (context.isPrerendered && building) throw error;
		response = unexpectedErrorResponse(error, 'page');
		html = await response.text();
	}
	if (context.isPrerendered && html === undefined) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(BASE_HEADERS)) headers.set(name, value);
	if (html === undefined) {
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
	if (!context.isPrerendered) headers.set('Content-Security-Policy', pageCsp(html));
	return new Response(html, { status: response.status, statusText: response.statusText, headers });
}
