import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST } from './paths';

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

const files = walk(DIST);
const htmlPages = files.filter((f) => f.endsWith('.html'));
const read = (path: string) => readFileSync(join(DIST, path), 'utf8');

describe('the built site', () => {
	it.each([
		'index.html',
		'territoires/index.html',
		'territoires/nontronnais/index.html',
		'territoires/porcien-thierache/index.html',
		'services/index.html',
		'services/categorie/prevention-education/index.html',
		'services/public/habitants/index.html',
		'services/territoire/nontronnais/index.html',
		'conseil/index.html',
		'reunions/index.html',
		'comptes-rendus/index.html',
		'comptes-rendus/rss.xml',
		'a-propos/index.html',
		'glossaire/index.html',
		'accessibilite/index.html',
		'donnees-personnelles/index.html',
		'mentions-legales/index.html',
		'plan-du-site/index.html',
		'404.html',
		'sitemap-index.xml',
		'robots.txt',
	])('has %s', (path) => {
		expect(existsSync(join(DIST, path))).toBe(true);
	});

	it('ships no JavaScript on content pages: only the sign-up and proposal forms are islands (the map page is on demand, the CMS page is the coordinator’s)', () => {
		const withScripts = htmlPages
			.filter((page) => /<script\b|<astro-island\b|rel="modulepreload"|\.js"/i.test(readFileSync(page, 'utf8')))
			.map((page) => relative(DIST, page));
		const upcomingMeetingPages = withScripts.filter((page) => /^reunions\/[a-z0-9-]+\/index\.html$/.test(page));
		// The CMS page (coordinator only, not indexed) loads Decap CMS: it is the one script page outside the islands.
		expect(withScripts.sort()).toStrictEqual(
			[...upcomingMeetingPages, 'propositions/nouvelle/index.html', 'admin/cms/index.html'].sort(),
		);
		expect(upcomingMeetingPages.length).toBeGreaterThanOrEqual(2);
		for (const page of upcomingMeetingPages) {
			const islands = readFileSync(join(DIST, page), 'utf8').match(/<astro-island\b[^>]*>/g) ?? [];
			expect(
				islands.map((tag) => /component-export="default"/.test(tag) && /RegistrationForm/.test(tag)),
			).toStrictEqual([true]);
		}
	});

	it('keeps the sign-up form working without JavaScript: a real form posting to the API', () => {
		const html = read('reunions/2027-01-nontronnais/index.html');
		expect(html).toMatch(/<form[^>]+method="post"[^>]+action="\/api\/meetings\/2027-01-nontronnais\/registrations"/);
		for (const name of ['fullName', 'communeCode', 'email', 'phone', 'category', 'needs', 'consent', 'website']) {
			expect(html, name).toContain(`name="${name}"`);
		}
	});

	it('keeps each island, with everything it loads, at or under 70 KB gzipped (the map with Leaflet included)', () => {
		const astroDir = join(DIST, '_astro');
		const gzip = (name: string) => gzipSync(readFileSync(join(astroDir, name)), { level: 9 }).length;
		/** A chunk and every chunk it imports, statically or lazily. */
		const closure = (entry: string, seen = new Set<string>()): Set<string> => {
			if (seen.has(entry)) return seen;
			seen.add(entry);
			const code = readFileSync(join(astroDir, entry), 'utf8');
			for (const [, name] of code.matchAll(/["'(](?:\.\/|_astro\/)([\w.-]+\.js)["')]/g)) if (name) closure(name, seen);
			return seen;
		};
		const chunks = readdirSync(astroDir);
		const client = chunks.find((name) => /^client\.[\w-]+\.js$/.test(name)) ?? '';
		const islands = ['AccessMap', 'RegistrationForm', 'ProposalForm'].map((island) => {
			const entry = chunks.find((name) => new RegExp(`^${island}\\.[\\w-]+\\.js$`).test(name)) ?? '';
			const files = new Set([...closure(client), ...closure(entry)]);
			return { island, files: files.size, gzip: [...files].reduce((sum, name) => sum + gzip(name), 0) };
		});
		console.info(
			`island JavaScript (gzipped, with the Astro client and shared chunks): ${islands.map((i) => `${i.island} ${(i.gzip / 1024).toFixed(1)} KB in ${i.files} files`).join('; ')}`,
		);
		for (const { island, gzip: size, files } of islands) {
			expect(files, island).toBeGreaterThan(2);
			expect(size, island).toBeLessThanOrEqual(70 * 1024);
		}
		expect(islands.find((i) => i.island === 'AccessMap')?.gzip).toBeGreaterThan(40 * 1024); // Leaflet is counted
	});

	it('keeps every page at or under 30 KB gzipped (HTML with its inlined CSS)', () => {
		const weights = htmlPages.map((page) => ({
			page: relative(DIST, page),
			raw: statSync(page).size,
			gzip: gzipSync(readFileSync(page), { level: 9 }).length,
		}));
		const heaviest = [...weights].sort((a, b) => b.gzip - a.gzip).slice(0, 5);
		console.info(
			`${weights.length} pages; heaviest gzipped: ${heaviest.map((w) => `${w.page} ${(w.gzip / 1024).toFixed(1)} KB`).join(', ')}`,
		);
		expect(weights.filter((w) => w.gzip > 30 * 1024)).toStrictEqual([]);
		// No external stylesheet either: the CSS is inlined, so the HTML weight is the page weight.
		expect(htmlPages.filter((page) => /<link[^>]+rel="stylesheet"/.test(readFileSync(page, 'utf8')))).toStrictEqual([]);
	});

	it('gives every page French language, a title, one h1, a skip link and the main landmark', () => {
		for (const page of htmlPages) {
			const html = readFileSync(page, 'utf8');
			const name = relative(DIST, page);
			expect(html, name).toContain('<html lang="fr"');
			expect(html, name).toMatch(/<title>[^<]+<\/title>/);
			expect(html.match(/<h1\b/g), name).toHaveLength(1);
			expect(html, name).toContain('href="#contenu"');
			expect(html, name).toMatch(/<main id="contenu"/);
		}
	});

	it('has no broken internal link (on-demand pages aside)', () => {
		// Rendered on request by the server function, so absent from dist/ by design.
		const onDemand =
			/^\/(propositions\/(\d+\/)?|reunions\/[a-z0-9-]+\/confirmation\/|reunions\/annulation\/|acces-aux-soins\/(nontronnais|porcien-thierache)\/)$/;
		const broken: string[] = [];
		for (const page of htmlPages) {
			for (const [, href] of readFileSync(page, 'utf8').matchAll(/href="(\/[^"#?]*)[^"]*"/g)) {
				const path = decodeURI(href ?? '/');
				if (onDemand.test(path)) continue;
				const target = path.endsWith('/') ? join(DIST, path, 'index.html') : join(DIST, path);
				if (!existsSync(target) && !existsSync(`${target}.html`)) broken.push(`${relative(DIST, page)} → ${path}`);
			}
		}
		expect(broken).toStrictEqual([]);
	});

	it('writes one calendar file per meeting, linked from its page', () => {
		// calendrier.ics is the feed of every meeting (feeds.test.ts).
		const meetings = readdirSync(join(DIST, 'reunions')).filter((f) => f.endsWith('.ics') && f !== 'calendrier.ics');
		expect(meetings.length).toBeGreaterThanOrEqual(2);
		for (const file of meetings) {
			const ics = read(`reunions/${file}`);
			expect(ics, file).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T\d{6}Z/);
			expect(read(`reunions/${file.replace('.ics', '')}/index.html`)).toContain(`href="/reunions/${file}"`);
		}
	});

	it('publishes an RSS feed of the minutes with absolute links', () => {
		const rss = read('comptes-rendus/rss.xml');
		expect(rss).toContain('<rss');
		expect(rss).toContain('<language>fr-fr</language>');
		const items = rss.match(/<item>/g) ?? [];
		expect(items.length).toBe(readdirSync(join(DIST, 'comptes-rendus')).filter((f) => !f.includes('.')).length);
		expect(rss).toMatch(/<link>https?:\/\/[^<]+\/comptes-rendus\/[^<]+\/<\/link>/);
	});

	it('lists content pages in the sitemap, but not the 404 page', () => {
		const sitemaps = files.filter((f) => /sitemap-\d+\.xml$/.test(f)).map((f) => readFileSync(f, 'utf8'));
		const all = sitemaps.join('\n');
		expect(all).toContain('/territoires/nontronnais/</loc>');
		expect(all).toContain('/comptes-rendus/');
		expect(all).not.toContain('404');
	});

	it('labels each example set of minutes as an example on its page', () => {
		for (const dir of readdirSync(join(DIST, 'comptes-rendus')).filter((f) => !f.includes('.'))) {
			const html = read(`comptes-rendus/${dir}/index.html`);
			if (/<h1>Exemple/.test(html)) expect(html, dir).toContain('<strong>Exemple.</strong>');
		}
	});
});
