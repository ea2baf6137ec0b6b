import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { FunctionModule } from '../function-router.ts';

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
