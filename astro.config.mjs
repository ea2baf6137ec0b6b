// @ts-check
import preact from '@astrojs/preact';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { contentSync } from './src/lib/server/build/content-sync-integration.ts';
import { devFunctions } from './src/lib/server/build/dev-functions.ts';
import { securityHeaders } from './src/lib/server/build/headers-integration.ts';

// Netlify sets URL to the site's address; locally the dev server's address is used.
// `astro dev` serves the functions itself (devFunctions): Netlify's adapter is only for the build.
const isDev = process.argv[2] === 'dev';
const site = process.env.URL ?? process.env.SITE_URL ?? 'http://localhost:4321';

export default defineConfig({
	site,
	trailingSlash: 'ignore',
	// Imported only when building: Netlify's packaging tools take about a second to load.
	...(isDev ? {} : { adapter: (await import('@astrojs/netlify')).default({ imageCDN: false }) }),
	integrations: [
		preact(),
		sitemap({
			filter: (page) => !new URL(page).pathname.startsWith('/admin'),
		}),
		securityHeaders(),
		devFunctions(),
		contentSync(),
	],
	build: {
		// The pages are small: one inlined stylesheet saves a request on slow rural links.
		inlineStylesheets: 'always',
	},
	devToolbar: { enabled: false },
	vite: {
		// The browser tests set DEV_LIVE_RELOAD=off: files they write (a meeting, minutes) must not
		// reload the pages other tests are driving at the same moment. People keep live reload.
		...(process.env.DEV_LIVE_RELOAD === 'off' ? { server: { hmr: false } } : {}),
		// The islands' dependencies are optimised when `astro dev` starts, not on the first visit to an
		// island page (which makes Vite reload that page).
		optimizeDeps: { include: ['leaflet', 'preact', 'preact/hooks', 'zod', '@date-fns/tz'] },
	},
	prefetch: false,
});
