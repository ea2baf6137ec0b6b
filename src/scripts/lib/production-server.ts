import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import {
	answerClientError,
	clientIp,
	type FunctionHandler,
	type FunctionModule,
	functionFiles,
	routesOf,
	sendResponse,
	serveFunction,
	toRequest,
} from '../../lib/server/function-router.ts';
import { problem, unexpectedErrorResponse } from '../../lib/server/http.ts';
import { headersRuleMatches, parseHeadersFile, secureResponse } from '../../lib/server/security-headers.ts';

/**
 * The built site served as Netlify serves it, without Netlify: functions at their `config.path`,
 * then static files from `dist/` with the rules of `dist/_headers`, then the Astro SSR function
 * (`.netlify/v1/functions/ssr`) for pages rendered on request and unknown addresses (the catch-all
 * route answers the French 404 page, or the JSON 404 under `/api/`). Used by the
 * benchmark, the fault test and the security-header test.
 */
export async function startProductionServer(options: {
	root: string;
	port?: number;
	host?: string;
	/** Serve only the functions (no build needed): pages answer 404. */
	functionsOnly?: boolean;
}): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
	const dist = join(options.root, 'dist');
	const ssrEntry = join(options.root, '.netlify/v1/functions/ssr/ssr.mjs');
	if (!options.functionsOnly && (!existsSync(dist) || !existsSync(ssrEntry))) {
		throw new Error('Build the site first: npm run build');
	}
	const routes = routesOf(
		await Promise.all(
			functionFiles(options.root).map(async (file) => (await import(pathToFileURL(file).href)) as FunctionModule),
		),
	);
	const ssr: FunctionHandler = options.functionsOnly
		? async () => problem(404, 'not_found', 'Seule l’API est servie ici (npm run serve -- --functions-only).')
		: ((await import(pathToFileURL(ssrEntry).href)) as { default: FunctionHandler }).default;
	const rules =
		!options.functionsOnly && existsSync(join(dist, '_headers'))
			? parseHeadersFile(readFileSync(join(dist, '_headers'), 'utf8'))
			: [];
	const statics = sirv(options.functionsOnly ? join(options.root, 'public') : dist, {
		etag: true,
		extensions: ['html'],
		setHeaders: (res, pathname) => {
			const path = pathname.endsWith('/index.html') ? pathname.slice(0, -'index.html'.length) : pathname;
			// The request's path, or the file sirv found for it (`/404` → `/404.html`, `/services` → `/services/`).
			const served = [path, `${path}.html`, path.endsWith('/') ? path : `${path}/`];
			for (const rule of rules) {
				if (!served.some((candidate) => headersRuleMatches(rule.path, candidate))) continue;
				for (const [name, value] of Object.entries(rule.headers)) res.setHeader(name, value);
			}
		},
	});
	let origin = '';
	const server = createServer(async (req, res) => {
		try {
			if (await serveFunction(routes, req, res, origin)) return;
			// A static host serves files to GET and HEAD only; other methods go to the SSR function.
			if (req.method === 'GET' || req.method === 'HEAD') {
				await new Promise<void>((resolve) => statics(req, res, () => resolve()));
				if (res.headersSent) return;
			}
			let response = await ssr(await toRequest(req, origin), { params: {}, ip: clientIp(req) });
			// Astro's last resort is an empty 500: the French page with a reference instead.
			if (response.status >= 500 && response.body === null) {
				response = unexpectedErrorResponse(new Error(`empty ${response.status} answer`), 'page');
			}
			// Answers made outside the middleware (Astro's own refusals) still get the headers.
			await sendResponse(
				res,
				response.headers.has('Content-Security-Policy') ? response : await secureResponse(response),
			);
		} catch (error) {
			// The SSR function has its own boundary (src/middleware.ts); this is for what lies outside it.
			if (!res.headersSent) await sendResponse(res, await secureResponse(unexpectedErrorResponse(error, 'page')));
			else res.end();
		}
	});
	server.on('clientError', (error, socket) => {
		void answerClientError(error, socket);
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	origin = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
	return {
		url: origin,
		server,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
