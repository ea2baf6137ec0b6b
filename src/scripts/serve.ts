import { resolve } from 'node:path';
import { startProductionServer } from './lib/production-server.ts';

/**
 * `npm run serve`: the built site (`npm run build` first) as Netlify serves it, on PORT (default
 * 8888); `-- --functions-only` serves the API alone, without a build.
 */
const { url } = await startProductionServer({
	root: resolve(import.meta.dirname, '../..'),
	port: Number(process.env.PORT ?? 8888),
	functionsOnly: process.argv.includes('--functions-only'),
});
console.info(`Built site served at ${url} (functions, static files with dist/_headers, SSR pages).`);
