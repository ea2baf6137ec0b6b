import { readdirSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { htmlPage, problem, unexpectedErrorResponse } from './http.ts';
import { secureResponse } from './security-headers.ts';

/** What a function receives besides the request, as Netlify gives it: path parameters and the client address. */
export type FunctionContext = { params: Record<string, string>; ip: string };
export type FunctionHandler = (request: Request, context: FunctionContext) => Promise<Response>;
/** A module of `netlify/functions/`: its handler and its `config` (path and method, Netlify's syntax). */
export type FunctionModule = {
	default: FunctionHandler;
	config?: { path?: string | string[]; method?: string | string[] };
};
type FunctionRoute = {
	methods: string[];
	match: (pathname: string) => Record<string, string> | undefined;
	handler: FunctionHandler;
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
		if (!match) return undefined;
		try {
			return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
		} catch {
			// A malformed escape (`%E0%A4%A`) is a parameter no handler knows: keep it raw, it will not match.
			return Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? '']));
		}
	};
}

/** The function files of a project: `netlify/functions/*.mts`. */
export function functionFiles(root: string): string[] {
	const dir = join(root, 'netlify/functions');
	return readdirSync(dir)
		.filter((name) => name.endsWith('.mts'))
		.sort()
		.map((name) => join(dir, name));
}

/** Routes of the modules that have a `config.path` (a scheduled function has none). */
export function routesOf(modules: FunctionModule[]): FunctionRoute[] {
	return modules.flatMap((module) =>
		[module.config?.path ?? []].flat().map((path) => ({
			methods: [module.config?.method ?? []].flat(),
			match: compilePath(path),
			handler: module.default,
		})),
	);
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

/** The client's address: Netlify's edge passes it in this header (tests use it to act as many people). */
export const clientIp = (req: IncomingMessage): string =>
	String(req.headers['x-nf-client-connection-ip'] ?? req.socket.remoteAddress ?? '127.0.0.1');

/**
 * Serves a Node request with the first route whose path and method match, as Netlify does; any
 * failure on the way (reading the request, loading a module, a handler throwing) is answered with
 * the contract's French 500 and a reference, never with a stack trace. A path a route knows, asked
 * with another method, is answered 405 with `Allow`. Resolves to false when no route has the path
 * (the caller serves pages, and the catch-all page answers the JSON 404 of an unknown `/api/` path). Used by `npm run serve`, `npm run dev` and the tests.
 */
export async function serveFunction(
	routes: FunctionRoute[] | (() => Promise<FunctionRoute[]>),
	req: IncomingMessage,
	res: ServerResponse,
	origin: string,
): Promise<boolean> {
	try {
		const pathname = new URL(req.url ?? '/', origin).pathname;
		const method = req.method ?? 'GET';
		const list = typeof routes === 'function' ? await routes() : routes;
		const allowed = new Set<string>();
		for (const route of list) {
			const params = route.match(pathname);
			if (!params) continue;
			if (route.methods.length && !route.methods.includes(method)) {
				for (const name of route.methods) allowed.add(name);
				continue;
			}
			await sendResponse(res, await route.handler(await toRequest(req, origin), { params, ip: clientIp(req) }));
			return true;
		}
		if (allowed.size === 0) return false;
		// A known address with another method: 405 with the methods it takes.
		req.resume();
		const refused = problem(405, 'method_not_allowed', 'Cette action n’est pas possible à cette adresse.', undefined, {
			Allow: [...allowed].sort().join(', '),
		});
		await sendResponse(res, await secureResponse(refused));
		return true;
	} catch (error) {
		if (!res.headersSent) await sendResponse(res, await secureResponse(unexpectedErrorResponse(error, 'api')));
		else res.end();
		return true;
	}
}

const CLIENT_ERRORS: Record<string, readonly [number, string, string]> & {
	default: readonly [number, string, string];
} = {
	HPE_HEADER_OVERFLOW: [
		431,
		'Adresse trop longue',
		'L’adresse demandée est trop longue pour être lue. Vérifiez-la, ou repartez de l’accueil.',
	],
	HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Demande trop volumineuse', 'Les données envoyées sont trop volumineuses.'],
	ERR_HTTP_REQUEST_TIMEOUT: [
		408,
		'Demande interrompue',
		'La demande a mis trop de temps à arriver. Merci de réessayer.',
	],
	default: [400, 'Demande illisible', 'Votre navigateur a envoyé une demande que le site ne sait pas lire.'],
};

/**
 * Node refuses a request it cannot read (an address or headers too large, a malformed request
 * line) before any handler runs, with an empty answer: the `clientError` listener of `npm run serve`
 * and `npm run dev` answers it in French, with the security headers, and closes the connection.
 */
export async function answerClientError(error: Error & { code?: string }, socket: Duplex): Promise<void> {
	if (error.code === 'ECONNRESET' || !socket.writable) {
		socket.destroy();
		return;
	}
	const [status, title, text] = CLIENT_ERRORS[error.code ?? ''] ?? CLIENT_ERRORS.default;
	const response = await secureResponse(
		htmlPage(status, title, `<p>${text}</p><p><a href="/">Revenir à l’accueil</a></p>`),
	);
	const body = Buffer.from(await response.arrayBuffer());
	const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`];
	response.headers.forEach((value, name) => {
		lines.push(`${name}: ${value}`);
	});
	lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
	socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}
