import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '@netlify/functions';
import { type FunctionHandler, routesOf, sendResponse, serveFunction } from '../../lib/server/function-router.ts';
import type { RequestContext } from '../../lib/server/request.ts';

export type Route = { config: Config; handler: (request: Request, context: RequestContext) => Promise<Response> };

/**
 * Serves function handlers over real HTTP through the site's own function router (the one of
 * `npm run serve` and `npm run dev`): at their `config.path` and `config.method`, path parameters
 * in `context.params`, the client address in `context.ip`; a JSON 404 elsewhere.
 */
export async function serveFunctions(routes: Route[]): Promise<{ url: string; close: () => Promise<void> }> {
	const compiled = routesOf(
		routes.map((route) => ({
			default: route.handler as FunctionHandler,
			config: { path: route.config.path ?? [], method: route.config.method ?? [] },
		})),
	);
	let origin = '';
	const server: Server = createServer(async (req, res) => {
		if (await serveFunction(compiled, req, res, origin)) return;
		await sendResponse(
			res,
			Response.json({ error: { code: 'not_found', message: 'Adresse inconnue.' } }, { status: 404 }),
		);
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
