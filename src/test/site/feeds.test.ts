/**
 * What the site gives to other programs: calendar files and feeds, the RSS feed, the sitemap, link
 * previews (Open Graph, descriptions) and the favicon. Reads `dist/` (built by the global setup) and
 * asks the shared dev server only for the pages rendered on request.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import ICAL from 'ical.js';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DIST, ROOT } from './paths';

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

const read = (path: string) => readFileSync(join(DIST, path), 'utf8');
const frontmatter = (file: string) =>
	yaml.load(readFileSync(file, 'utf8').split(/^---$/m)[1] ?? '') as Record<string, unknown>;
const contentIds = (folder: string) =>
	readdirSync(join(ROOT, 'content', folder))
		.filter((name) => name.endsWith('.md'))
		.map((name) => name.slice(0, -'.md'.length));

const meetingIds = contentIds('meetings');
const territoryIds = contentIds('territories');
const meetingData = new Map(meetingIds.map((id) => [id, frontmatter(join(ROOT, 'content/meetings', `${id}.md`))]));

/** A page's address from its file in dist/: `a/b/index.html` → `/a/b/`. */
const pathOf = (file: string) =>
	`/${relative(DIST, file)
		.replace(/(^|\/)index\.html$/, '$1')
		.replace(/\.html$/, '')}`;
const staticPages = walk(DIST)
	.filter((file) => file.endsWith('.html'))
	.map((file) => ({ path: pathOf(file), html: readFileSync(file, 'utf8') }));

const decode = (text: string) =>
	text
		.replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
		.replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(Number.parseInt(code, 16)))
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
/** The content of `<meta {attribute}="{name}" content="…">`, or undefined. */
function meta(html: string, attribute: 'name' | 'property', name: string): string | undefined {
	const tag = html.match(new RegExp(`<meta\\s[^>]*${attribute}="${name}"[^>]*>`))?.[0];
	const content = tag?.match(/content="([^"]*)"/)?.[1];
	return content === undefined ? undefined : decode(content);
}
/** A PNG's dimensions from its IHDR chunk, or undefined when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
const isNoIndex = (html: string) => /<meta name="robots" content="noindex/.test(html);
const canonicalOf = (html: string) => html.match(/<link rel="canonical" href="([^"]+)"/)?.[1];

/**
 * The pages rendered on request, found in src/pages (`prerender = false`), with real parameters for
 * the dynamic ones. A new dynamic on-demand route fails the sitemap test until it is listed here.
 */
const ON_DEMAND_PARAMETERS: Record<string, string[] | 'not-listed'> = {
	'/acces-aux-soins/[territoire]/': territoryIds,
	'/reunions/[id]/confirmation/': meetingIds.slice(0, 1),
	// Published proposals live in the database, not in the build: the sitemap cannot list them.
	'/propositions/[id]/': 'not-listed',
	// The catch-all of unknown addresses: its pages are the 404 (noindex).
	'/[...introuvable]/': 'not-listed',
	// Astro's error page: visited directly, the address is unknown (the 404 page).
	'/500/': 'not-listed',
};
function onDemandRoutes(): { route: string; paths: string[] }[] {
	const pagesDir = join(ROOT, 'src/pages');
	return walk(pagesDir)
		.filter((file) => file.endsWith('.astro') && /export const prerender = false/.test(readFileSync(file, 'utf8')))
		.map((file) =>
			`/${relative(pagesDir, file)
				.replace(/\.astro$/, '')
				.replace(/(^|\/)index$/, '')}/`.replace(/\/+/g, '/'),
		)
		.filter((route) => !route.startsWith('/admin/'))
		.map((route) => {
			const values = ON_DEMAND_PARAMETERS[route];
			if (values === 'not-listed') return { route, paths: [] };
			if (!route.includes('[')) return { route, paths: [route] };
			if (values === undefined) throw new Error(`on-demand route ${route}: give it parameters in feeds.test.ts`);
			return { route, paths: values.map((value) => route.replace(/\[[^\]]+\]/, value)) };
		});
}

describe('calendar files and feeds', () => {
	const calendarFiles = walk(join(DIST, 'reunions'))
		.filter((file) => file.endsWith('.ics'))
		.map((file) => relative(DIST, file));
	const parse = (file: string) => {
		const calendar = new ICAL.Component(ICAL.parse(read(file)));
		return { calendar, events: calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent)) };
	};
	const host = new URL(
		staticPages.find((p) => p.path === '/')?.html.match(/og:url" content="([^"]+)"/)?.[1] ?? 'http://x',
	).hostname;

	it('writes a file per meeting, one of every meeting and one per territory', () => {
		expect(calendarFiles.sort()).toStrictEqual(
			[
				...meetingIds.map((id) => `reunions/${id}.ics`),
				'reunions/calendrier.ics',
				...territoryIds.map((id) => `reunions/calendrier/${id}.ics`),
			].sort(),
		);
	});

	it('folds every line at 75 octets with CRLF, and ical.js (a standard parser) reads every file', () => {
		for (const file of calendarFiles) {
			const ics = read(file);
			expect(ics.endsWith('\r\n'), file).toBe(true);
			expect(ics.replace(/\r\n/g, ''), file).not.toMatch(/[\r\n]/);
			const long = ics.split('\r\n').filter((line) => Buffer.byteLength(line) > 75);
			expect(long, file).toStrictEqual([]);
			expect(() => parse(file), file).not.toThrow();
		}
	});

	it('gives each meeting a stable UID, a SEQUENCE, its time, and STATUS:CANCELLED when cancelled, the same in every file', () => {
		const all = parse('reunions/calendrier.ics');
		expect(all.calendar.getFirstPropertyValue('x-wr-calname')).toBe('Réunions du Conseil Pays de Santé');
		const byUid = new Map(all.events.map((event) => [event.uid, event]));
		expect(all.events).toHaveLength(meetingIds.length);
		for (const id of meetingIds) {
			const data = meetingData.get(id) ?? {};
			const [own, ...others] = parse(`reunions/${id}.ics`).events;
			expect(others, id).toStrictEqual([]);
			expect(own?.uid, id).toBe(`${id}@${host}`);
			const inFeed = byUid.get(`${id}@${host}`);
			const inTerritory = parse(`reunions/calendrier/${data.territory}.ics`).events.find((e) => e.uid === own?.uid);
			for (const event of [own, inFeed, inTerritory]) {
				expect(event?.sequence, id).toBe(own?.sequence);
				expect(event?.component.getFirstPropertyValue('sequence'), id).not.toBeNull();
				expect(event?.component.getFirstPropertyValue('status'), id).toBe(
					data.status === 'annulé' ? 'CANCELLED' : 'CONFIRMED',
				);
				expect(event?.startDate.toJSDate().getTime(), id).toBe(own?.startDate.toJSDate().getTime());
				expect(event?.component.getFirstPropertyValue('url'), id).toMatch(new RegExp(`/reunions/${id}/$`));
			}
			// `updatedAt` in the file raises SEQUENCE (calendar.test.ts checks the rule).
			expect(own?.sequence === 0, id).toBe(data.updatedAt === undefined);
		}
		for (const territory of territoryIds) {
			const uids = parse(`reunions/calendrier/${territory}.ics`).events.map((e) => e.uid);
			expect(uids.sort(), territory).toStrictEqual(
				meetingIds
					.filter((id) => meetingData.get(id)?.territory === territory)
					.map((id) => `${id}@${host}`)
					.sort(),
			);
		}
	});

	it('links the feeds from the meetings page (subscription, address to copy) and each territory page', () => {
		const list = read('reunions/index.html');
		for (const path of ['/reunions/calendrier.ics', ...territoryIds.map((id) => `/reunions/calendrier/${id}.ics`)]) {
			expect(list).toContain(`href="webcal://${host}`);
			expect(list).toMatch(new RegExp(`href="webcal://[^"]+${path.replace(/\./g, '\\.')}"`));
			expect(list).toMatch(new RegExp(`<code[^>]*>https?://[^<]+${path.replace(/\./g, '\\.')}</code>`));
		}
		expect(list).toContain('Suivre les réunions dans votre agenda');
		for (const id of territoryIds) {
			expect(read(`territoires/${id}/index.html`)).toMatch(
				new RegExp(`href="webcal://[^"]+/reunions/calendrier/${id}\\.ics"`),
			);
		}
	});
});

describe('the RSS feed of the minutes', () => {
	it('parses, with its own address (atom:link rel="self"), lastBuildDate and one item per set of minutes', () => {
		const xml = read('comptes-rendus/rss.xml');
		const feed = parseFeed(xml);
		const self = new URL('/comptes-rendus/rss.xml', feed.url ?? '').href;
		expect(feed.self).toBe(self);
		expect(xml).toMatch(/xmlns:atom="http:\/\/www\.w3\.org\/2005\/Atom"/);
		expect(xml).toContain(`<atom:link href="${self}" rel="self" type="application/rss+xml"/>`);
		expect(feed.updated).toBeInstanceOf(Date);
		expect(
			Math.abs((feed.updated?.getTime() ?? 0) - statSync(join(DIST, 'comptes-rendus/rss.xml')).mtimeMs),
		).toBeLessThan(15 * 60_000);
		expect(feed.language).toBe('fr-fr');
		const minutes = readdirSync(join(DIST, 'comptes-rendus')).filter((name) => !name.includes('.'));
		expect(feed.items.map((item) => new URL(item.url ?? '').pathname).sort()).toStrictEqual(
			minutes.map((id) => `/comptes-rendus/${id}/`).sort(),
		);
		for (const item of feed.items) expect(item.published, item.title ?? '').toBeInstanceOf(Date);
	});
});

describe('sitemap, link previews, descriptions and favicon', () => {
	const onDemand: { path: string; html: string; status: number }[] = [];
	const routes = onDemandRoutes();

	beforeAll(async () => {
		const devUrl = inject('devUrl');
		for (const path of routes.flatMap((route) => route.paths)) {
			const response = await fetch(new URL(path, devUrl));
			onDemand.push({ path, html: await response.text(), status: response.status });
		}
	});

	it('lists in the sitemap exactly the pages that may be indexed, built or rendered on request', () => {
		expect(onDemand.filter((page) => page.status >= 500)).toStrictEqual([]);
		const index = read('sitemap-index.xml');
		const sitemaps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map(([, url]) => new URL(url ?? '').pathname);
		expect(sitemaps.length).toBeGreaterThan(0);
		const listed = sitemaps.flatMap((file) =>
			[...read(file.slice(1)).matchAll(/<loc>([^<]+)<\/loc>/g)].map(([, url]) => new URL(url ?? '').pathname),
		);
		expect(new Set(listed).size).toBe(listed.length);
		const indexable = [...staticPages, ...onDemand].filter((page) => !isNoIndex(page.html)).map((page) => page.path);
		expect(listed.sort()).toStrictEqual(indexable.sort());
		// What the outside check found missing or wrong.
		for (const id of territoryIds) expect(listed).toContain(`/acces-aux-soins/${id}/`);
		expect(listed.filter((path) => /^\/(admin|404)|merci|confirm|annulation/.test(path))).toStrictEqual([]);
	});

	it('gives every page Open Graph (type, URL, site name, a 1200×630 image, the territory’s on its pages) and a canonical address unless noindex', () => {
		const images = new Map<string, { width: number; height: number } | undefined>();
		for (const { path, html } of [...staticPages, ...onDemand]) {
			if (path.startsWith('/admin/')) continue; // the coordinator's pages are never shared
			expect(meta(html, 'property', 'og:type'), path).toBe('website');
			expect(meta(html, 'property', 'og:site_name'), path).toBe('Pays de Santé');
			expect(meta(html, 'property', 'og:title'), path).toBeTruthy();
			expect(meta(html, 'property', 'og:description'), path).toBe(meta(html, 'name', 'description'));
			const canonical = canonicalOf(html);
			if (isNoIndex(html)) {
				expect(canonical, path).toBeUndefined();
				expect(meta(html, 'property', 'og:url'), path).toBeUndefined();
			} else {
				expect(canonical && new URL(canonical).pathname, path).toBe(path);
				expect(meta(html, 'property', 'og:url'), path).toBe(canonical);
			}
			const image = new URL(meta(html, 'property', 'og:image') ?? '', 'http://relative.invalid');
			expect(image.hostname, path).not.toBe('relative.invalid');
			const territory = territoryIds.find((id) => path.split('/').some((s) => s === id || s.endsWith(`-${id}`)));
			expect(image.pathname, path).toBe(`/og/${territory ?? 'default'}.png`);
			if (!images.has(image.pathname)) images.set(image.pathname, pngSize(readFileSync(join(DIST, image.pathname))));
			expect(images.get(image.pathname), path).toStrictEqual({ width: 1200, height: 630 });
			expect(meta(html, 'property', 'og:image:alt'), path).toBeTruthy();
		}
		expect([...images.keys()].sort()).toStrictEqual(
			['/og/default.png', ...territoryIds.map((id) => `/og/${id}.png`)].sort(),
		);
	});

	it('gives every page its own description of 160 characters at most; the 404 page has no canonical address', () => {
		const pages = [...staticPages, ...onDemand].filter((page) => !page.path.startsWith('/admin/cms'));
		const descriptions = pages.map((page) => ({
			path: page.path,
			description: meta(page.html, 'name', 'description') ?? '',
		}));
		expect(descriptions.filter((d) => d.description.trim().length < 20)).toStrictEqual([]);
		expect(descriptions.filter((d) => d.description.length > 160)).toStrictEqual([]);
		const byText = new Map<string, string[]>();
		for (const { path, description } of descriptions)
			byText.set(description, [...(byText.get(description) ?? []), path]);
		expect([...byText.values()].filter((same) => same.length > 1)).toStrictEqual([]);
		const notFound = read('404.html');
		expect(canonicalOf(notFound)).toBeUndefined();
		expect(isNoIndex(notFound)).toBe(true);
	});

	it('serves /favicon.ico: a real ICO of PNG images, linked from every page', () => {
		const ico = readFileSync(join(DIST, 'favicon.ico'));
		expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toStrictEqual([0, 1]);
		const count = ico.readUInt16LE(4);
		expect(count).toBeGreaterThanOrEqual(2);
		const sizes: number[] = [];
		for (let i = 0; i < count; i++) {
			const entry = 6 + 16 * i;
			const size = ico.readUInt8(entry) || 256;
			const image = ico.subarray(
				ico.readUInt32LE(entry + 12),
				ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8),
			);
			expect(pngSize(image)).toStrictEqual({ width: size, height: size });
			sizes.push(size);
		}
		expect(sizes).toContain(16);
		expect(sizes).toContain(32);
		for (const { path, html } of staticPages.filter((page) => !page.path.startsWith('/admin/'))) {
			expect(html, path).toContain('<link rel="icon" href="/favicon.ico"');
		}
	});
});
