import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { headersRuleMatches, parseHeadersFile } from '../../lib/server/security-headers.ts';

type Context = { params: Record<string, string>; ip: string };
type Handler = (request: Request, context: Context) => Promise<Response>;
type FunctionRoute = {
	method: string[];
	match: (path: string) => Record<string, string> | undefined;
	handler: Handler;
};

/** `/api/meetings/:meetingId` → a matcher returning the named parameters (Netlify's path syntax). */
export function compilePath(path: string): (pathname: string) => Record<string, string> | undefined {
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

/** A Node request as the Fetch `Request` Netlify hands to functions. */
export async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const body = chunks.length ? Buffer.concat(chunks) : undefined;
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (typeof value === 'string') headers.set(name, value);
		else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
	}
	return new Request(new URL(req.url ?? '/', origin), {
		method: req.method ?? 'GET',
		headers,
		...(body && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
	});
}

export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
	const headers: Record<string, string | string[]> = {};
	response.headers.forEach((value, name) => {
		headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
	});
	res.writeHead(response.status, headers);
	res.end(Buffer.from(await response.arrayBuffer()));
}

async function loadFunctions(root: string): Promise<FunctionRoute[]> {
	const dir = join(root, 'netlify/functions');
	const routes: FunctionRoute[] = [];
	for (const file of readdirSync(dir).filter((name) => name.endsWith('.mts'))) {
		const module = (await import(pathToFileURL(join(dir, file)).href)) as {
			default: Handler;
			config: { path?: string | string[]; method?: string | string[] };
		};
		for (const path of [module.config.path ?? []].flat()) {
			routes.push({ method: [module.config.method ?? []].flat(), match: compilePath(path), handler: module.default });
		}
	}
	return routes;
}

/**
 * The built site served as Netlify serves it, without Netlify: functions at their `config.path`,
 * then static files from `dist/` with the rules of `dist/_headers`, then the Astro SSR function
 * (`.netlify/v1/functions/ssr`) for pages rendered on request, else `404.html`. Used by the
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
	const functions = await loadFunctions(options.root);
	const ssr: Handler = options.functionsOnly
		? async () => new Response('Not found', { status: 404 })
		: ((await import(pathToFileURL(ssrEntry).href)) as { default: Handler }).default;
	const rules =
		!options.functionsOnly && existsSync(join(dist, '_headers'))
			? parseHeadersFile(readFileSync(join(dist, '_headers'), 'utf8'))
			: [];
	const statics = sirv(options.functionsOnly ? join(options.root, 'public') : dist, {
		etag: true,
		extensions: ['html'],
		setHeaders: (res, pathname) => {
			const path = pathname.endsWith('/index.html') ? pathname.slice(0, -'index.html'.length) : pathname;
			for (const rule of rules) {
				if (!headersRuleMatches(rule.path, path)) continue;
				for (const [name, value] of Object.entries(rule.headers)) res.setHeader(name, value);
			}
		},
	});
	let origin = '';
	const server = createServer(async (req, res) => {
		try {
			const pathname = new URL(req.url ?? '/', origin).pathname;
			const ip = String(req.headers['x-nf-client-connection-ip'] ?? req.socket.remoteAddress ?? '127.0.0.1');
			const route = functions
				.map((candidate) => ({ candidate, params: candidate.match(pathname) }))
				.find(
					({ candidate, params }) =>
						params && (!candidate.method.length || candidate.method.includes(req.method ?? '')),
				);
			if (route?.params) {
				await sendResponse(
					res,
					await route.candidate.handler(await toRequest(req, origin), { params: route.params, ip }),
				);
				return;
			}
			await new Promise<void>((resolve) => statics(req, res, () => resolve()));
			if (res.headersSent) return;
			await sendResponse(res, await ssr(await toRequest(req, origin), { params: {}, ip }));
		} catch (error) {
			console.error(error);
			if (!res.headersSent) res.writeHead(500);
			res.end();
		}
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
