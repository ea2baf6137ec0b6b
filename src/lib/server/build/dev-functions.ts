import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { FunctionModule } from '../function-router.ts';
import { NOT_FOUND_PATH } from '../page-boundary.ts';

/** Any address whose escapes do not decode (`/%E0%A4%A/`) goes to the 404 of its kind. */
function unreadableAddressesAreUnknown(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
	const path = (req.url ?? '/').split('?')[0] ?? '/';
	try {
		decodeURI(path);
	} catch {
		req.url = path === '/api' || path.startsWith('/api/') ? '/api/adresse-illisible' : NOT_FOUND_PATH;
	}
	next();
}

const answerClientError = async (error: Error, socket: Duplex) => (await router()).answerClientError(error, socket);

/** Loaded at the first API request, not when Astro reads its configuration. */
const router = () => import('../function-router.ts');

/**
 * Under `astro dev`, serves `netlify/functions/*` through the function router of `npm run serve`,
 * inside the dev server's own process: modules are loaded once through Vite (so an edit to a
 * function or its code is picked up at the next request) and shared by all requests, as a warm
 * Netlify function is. This replaces Netlify's dev emulation, which took ~45 s to start and bundled
 * functions per request (concurrent requests then failed on half-written bundles).
 */
export function devFunctions(): AstroIntegration {
	let root = process.cwd();
	return {
		name: 'pays-de-sante:dev-functions',
		hooks: {
			'astro:config:done': ({ config }) => {
				root = fileURLToPath(config.root);
			},
			'astro:server:setup': ({ server }) => {
				let routes: ReturnType<typeof load> | undefined;
				const load = async () => {
					const { functionFiles, routesOf } = await router();
					return routesOf(
						await Promise.all(
							functionFiles(root).map(async (file) => (await server.ssrLoadModule(file)) as FunctionModule),
						),
					);
				};
				// Any change may touch a function's code: load the modules again at the next request.
				server.watcher.on('all', () => {
					routes = undefined;
				});
				// First of all (Astro puts its own middlewares first once the server is set up, and one of
				// them throws on an address with a malformed escape, which Vite answers with a stack trace):
				// such an address is unknown, answered by the catch-all page as in production.
				// Then a request Node cannot read (headers too large…): a French answer with the
				// headers instead of Vite's bare status line.
				const http = server.httpServer;
				http?.once('listening', () => {
					server.middlewares.stack.unshift({ route: '', handle: unreadableAddressesAreUnknown });
					http.removeAllListeners('clientError');
					http.on('clientError', (error, socket) => {
						void answerClientError(error, socket);
					});
				});
				server.middlewares.use(async (req, res, next) => {
					if (!req.url?.startsWith('/api/')) return next();
					const current = routes ?? load();
					routes = current;
					const { serveFunction } = await router();
					const handled = await serveFunction(
						async () => {
							try {
								return await current;
							} catch (error) {
								if (routes === current) routes = undefined;
								throw error;
							}
						},
						req,
						res,
						`http://${req.headers.host ?? 'localhost'}`,
					);
					if (!handled) next();
				});
			},
		},
	};
}
