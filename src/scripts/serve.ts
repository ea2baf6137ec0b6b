import { resolve } from 'node:path';
import { describeSync, syncContent } from '../lib/server/db/content-sync.ts';
import { getDataPort } from '../lib/server/db/index.ts';
import { startProductionServer } from './lib/production-server.ts';

/**
 * `npm run serve`: the built site (`npm run build` first) as Netlify serves it, on PORT (default
 * 8888); `-- --functions-only` serves the API alone, without a build. The content is mirrored into
 * the database first, as a Netlify build does, so that every meeting of the site takes registrations.
 */
const { url } = await startProductionServer({
	root: resolve(import.meta.dirname, '../..'),
	port: Number(process.env.PORT ?? 8888),
	functionsOnly: process.argv.includes('--functions-only'),
});
try {
	console.info(describeSync(await syncContent(getDataPort())));
} catch (error) {
	console.warn(`Content not mirrored into the database: ${error instanceof Error ? error.message : error}`);
}
console.info(`Built site served at ${url} (functions, static files with dist/_headers, SSR pages).`);
