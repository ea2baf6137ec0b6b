import { htmlPage, unexpectedErrorResponse } from './http.ts';
import { API_CSP, BASE_HEADERS, pageCsp } from './security-headers.ts';

type PageContext = {
	isPrerendered: boolean;
	request?: Request;
	/** Astro's `context.rewrite`: renders another route in place of this one. */
	rewrite?: (path: string) => Promise<Response>;
};

/**
 * Where a page rendered on request sends an address it does not know (an unknown, mistyped or
 * unpublished id): the catch-all `src/pages/[...introuvable].astro`, which answers the French 404
 * page. It must be a route rendered on request: the prebuilt `/404` cannot be rendered by the server.
 * Two segments, so that no prebuilt dynamic route (`[page].astro`) matches it first.
 */
export const NOT_FOUND_PATH = '/erreurs/introuvable/';

/** What a prebuilt page answers: a static host serves files, it takes no form post. */
const STATIC_METHODS = ['GET', 'HEAD'];

function methodNotAllowed(): Response {
	return htmlPage(
		405,
		'Action impossible sur cette page',
		'<p>Cette page se consulte seulement : elle ne reçoit pas de formulaire.</p><p><a href="/">Revenir à l’accueil</a></p>',
		{ Allow: STATIC_METHODS.join(', ') },
	);
}

/**
 * A form posted to a page from another site (or a non-safe method without a same-origin `Origin`):
 * the rule of Astro's `security.checkOrigin`, which answers in English, without the headers, before
 * any middleware. With that option off in astro.config.mjs, this check answers in French instead.
 */
function isCrossSiteSubmission(request: Request): boolean {
	if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return false;
	const sameOrigin = request.headers.get('origin') === new URL(request.url).origin;
	const type = request.headers.get('content-type');
	if (type === null) return !sameOrigin;
	return /application\/x-www-form-urlencoded|multipart\/form-data|text\/plain/i.test(type) && !sameOrigin;
}

function crossSiteRefused(): Response {
	return htmlPage(
		403,
		'Envoi refusé',
		'<p>Ce formulaire doit être envoyé depuis une page du site. Revenez à la page du formulaire et envoyez-le de nouveau.</p><p><a href="/">Revenir à l’accueil</a></p>',
	);
}

/**
 * The site's middleware (src/middleware.ts). Pages rendered on request get the same security
 * headers as the static ones (which get theirs from `dist/_headers`): the base headers, and a
 * policy carrying the hashes of their inline scripts. A page that fails while rendering (on
 * request, or any page under `npm run dev`) answers a French page with a reference, logged on the
 * server, instead of a stack trace or an empty body; at build time a failing page fails the build.
 * A page rendered on request that answers an empty 404 (`new Response(null, { status: 404 })`)
 * gets the French 404 page. Under `npm run dev`, which has no `dist/_headers`, error answers of
 * prebuilt pages get their policy here too, and prebuilt pages refuse other methods than GET and
 * HEAD, as a static host does.
 */
export async function pageBoundary(
	context: PageContext,
	next: () => Promise<Response>,
	{ building = !import.meta.env?.DEV }: { building?: boolean } = {},
): Promise<Response> {
	const dev = !building;
	let response: Response;
	let html: string | undefined;
	try {
		const method = context.request?.method ?? 'GET';
		if (dev && context.isPrerendered && !STATIC_METHODS.includes(method)) response = methodNotAllowed();
		else if (!context.isPrerendered && context.request && isCrossSiteSubmission(context.request)) {
			response = crossSiteRefused();
		} else response = await next();
		if (!context.isPrerendered && response.body === null && context.rewrite) {
			if (response.status === 404) response = await context.rewrite(NOT_FOUND_PATH);
			else if (response.status >= 500) throw new Error(`empty ${response.status} answer`);
		}
		// Reading the body here catches errors thrown while the page streams.
		if ((response.headers.get('content-type') ?? '').startsWith('text/html')) html = await response.text();
	} catch (error) {
		if (context.isPrerendered && building) throw error;
		response = unexpectedErrorResponse(error, 'page');
		html = await response.text();
	}
	// A prebuilt page's headers come from `dist/_headers`, except for errors under `npm run dev`.
	const ownPolicy = !context.isPrerendered || (dev && response.status >= 400);
	if (context.isPrerendered && html === undefined && !ownPolicy) return response;
	const headers = new Headers(response.headers);
	// A page may ask for stricter (`Referrer-Policy: no-referrer` on a page whose address holds a token).
	for (const [name, value] of Object.entries(BASE_HEADERS)) if (!headers.has(name)) headers.set(name, value);
	if (html === undefined) {
		if (ownPolicy && !headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', API_CSP);
		return new Response(response.body, { status: response.status, headers });
	}
	if (ownPolicy) headers.set('Content-Security-Policy', pageCsp(html));
	return new Response(html, { status: response.status, headers });
}
