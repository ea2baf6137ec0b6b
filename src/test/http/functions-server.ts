import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '@netlify/functions';
import type { RequestContext } from '../../lib/server/request.ts';

export type Route = { config: Config; handler: (request: Request, context: RequestContext) => Promise<Response> };

/** `/api/meetings/:meetingId` → a matcher that returns the named parameters. */
function compile(path: string): (pathname: string) => Record<string, string> | undefined {
	const names: string[] = [];
	const pattern = new RegExp(
		`^${path.replace(/\./g, '\\.').replace(/:([A-Za-z]+)/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		})}$`,
	);
	return (pathname) => {
		const match = pattern.exec(pathname);
		return match
			? Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]))
			: undefined;
	};
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const body = chunks.length ? Buffer.concat(chunks) : undefined;
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (typeof value === 'string') headers.set(name, value);
	}
	return new Request(new URL(req.url ?? '/', origin), {
		method: req.method ?? 'GET',
		headers,
		...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
	});
}

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
		const headers: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			headers[name] = value;
		});
		res.writeHead(response.status, headers);
		res.end(Buffer.from(await response.arrayBuffer()));
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
