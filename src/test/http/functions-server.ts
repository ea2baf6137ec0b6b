import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '@netlify/functions';
import type { RequestContext } from '../../lib/server/request.ts';
import { compilePath as compile, sendResponse, toRequest } from '../../scripts/lib/production-server.ts';

export type Route = { config: Config; handler: (request: Request, context: RequestContext) => Promise<Response> };

/**
 * Serves function handlers over real HTTP at their `config.path` and `config.method`, as Netlify
 * does (path parameters in `context.params`, the client address in `context.ip`); 404 elsewhere.
 */
export async function serveFunctions(routes: Route[]): Promise<{ url: string; close: () => Promise<void> }> {
	const compiled = routes.flatMap((route) =>
		[route.config.path ?? []].flat().map((path) => ({ ...route, match: compile(path) })),
	);
	let origin = '';
	const server: Server = createServer(async (req, res) => {
		const pathname = new URL(req.url ?? '/', origin).pathname;
		const candidates = compiled.map((route) => ({ route, params: route.match(pathname) })).filter((c) => c.params);
		const found = candidates.find(({ route }) => {
			const methods = [route.config.method ?? []].flat();
			return methods.length === 0 || methods.includes(req.method as never);
		});
		if (!found?.params) {
			res.writeHead(candidates.length ? 405 : 404, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ error: { code: 'not_found', message: 'Adresse inconnue.' } }));
			return;
		}
		const response = await found.route.handler(await toRequest(req, origin), {
			params: found.params,
			// Netlify's edge passes the client address in this header; tests use it to act as many people.
			ip: String(req.headers['x-nf-client-connection-ip'] ?? req.socket.remoteAddress ?? '127.0.0.1'),
		});
		await sendResponse(res, response);
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
