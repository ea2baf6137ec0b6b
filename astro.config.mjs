// @ts-check
import { readdirSync } from 'node:fs';
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

// The sitemap lists exactly the pages a search engine may index (src/test/site/feeds.test.ts compares
// it with the built and on-demand pages). Kept out: the pages BaseLayout marks `noIndex` (the
// coordinator's workspace, the steps after a form: confirmations, cancellation, thanks).
const NOT_INDEXED = [
	/^\/admin\//,
	/^\/propositions\/(merci|soutien\/confirmer|soutien\/confirme)\/$/,
	/^\/reunions\/annulation\/(confirmee\/)?$/,
	/^\/reunions\/[^/]+\/confirmation\/$/,
];
// Rendered on request, so unknown to the sitemap integration: the access map of each territory.
const territoryIds = readdirSync(new URL('./content/territories/', import.meta.url))
	.filter((name) => name.endsWith('.md'))
	.map((name) => name.slice(0, -'.md'.length));
const onDemandPages = territoryIds.map((id) => new URL(`/acces-aux-soins/${id}/`, site).href);

export default defineConfig({
	site,
	trailingSlash: 'ignore',
	// Imported only when building: Netlify's packaging tools take about a second to load.
	...(isDev ? {} : { adapter: (await import('@astrojs/netlify')).default({ imageCDN: false }) }),
	integrations: [
		preact(),
		sitemap({
			filter: (page) => !NOT_INDEXED.some((pattern) => pattern.test(new URL(page).pathname)),
			customPages: onDemandPages,
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
	// The same rule (a form posted from another site is refused) is applied by the site's middleware
	// (src/lib/server/page-boundary.ts), which answers in French with the security headers; Astro's own
	// check answers in English, without them, before any middleware.
	security: { checkOrigin: false },
	vite: {
		// The browser tests set DEV_LIVE_RELOAD=off: files they write (a meeting, minutes) must not
		// reload the pages other tests are driving at the same moment. People keep live reload.
		...(process.env.DEV_LIVE_RELOAD === 'off' ? { server: { hmr: false } } : {}),
		// The islands' dependencies are optimised when `astro dev` starts, not on the first visit to an
		// island page (which makes Vite reload that page).
		optimizeDeps: { include: ['leaflet', 'preact', 'preact/hooks', 'zod', '@date-fns/tz', 'kdbush', 'geokdbush'] },
	},
	prefetch: false,
});
