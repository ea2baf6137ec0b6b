import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, inject, it } from 'vitest';
import { markdownFiles, readFrontmatter, schemas } from '../frontmatter';
import { DIST, ROOT } from './paths';

/**
 * The site identity (content/site/identite.yml) on the built site: every page's footer gives the
 * coordinator's phone as a tel: link, her postal address and hours, and links to /contact/, which
 * lists each territory's contact; the legal notice names the publisher.
 */

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

const identity = schemas.siteIdentity.parse(load(readFileSync(join(ROOT, 'content/site/identite.yml'), 'utf8')));
const territories = markdownFiles(join(ROOT, 'content/territories')).map((file) =>
	schemas.territory.parse(readFrontmatter(file)),
);
const tel = (phone: string) => `tel:+33${phone.replace(/\s/g, '').slice(1)}`;
const decode = (html: string) =>
	html
		.replace(/&#39;|&#x27;/g, "'")
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
const footerOf = (html: string) => decode(/<footer class="site-footer">([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '');

/** What the footer must hold, as [what, present?]. */
function footerChecks(html: string): Record<string, boolean> {
	const footer = footerOf(html);
	const { contact } = identity;
	return {
		footer: footer.length > 0,
		[`tel link ${tel(contact.phone)}`]: footer.includes(`href="${tel(contact.phone)}"`),
		'phone as written': footer.includes(`>${contact.phone}</a>`),
		'postal address': footer.includes(contact.postalAddress),
		hours: footer.includes(contact.hours),
		'mailto link': footer.includes(`href="mailto:${contact.email}"`),
		'link to /contact/': /href="\/contact\/"/.test(footer),
	};
}
const allPresent = (checks: Record<string, boolean>) =>
	Object.fromEntries(Object.keys(checks).map((key) => [key, true]));

// The CMS page is the coordinator's Decap editor, with no site layout.
const pages = walk(DIST)
	.filter((file) => file.endsWith('.html'))
	.map((file) => relative(DIST, file))
	.filter((page) => !page.startsWith('admin/'));

describe('the site identity on the built site', () => {
	it('has the identity in the header of every page, and its description in the footer', () => {
		expect(pages.length).toBeGreaterThan(40);
		for (const page of pages) {
			const html = decode(readFileSync(join(DIST, page), 'utf8'));
			expect(html, page).toContain(`<span class="site-name__title">${identity.name}</span>`);
			expect(html, page).toContain(`<span class="site-name__tagline">${identity.tagline}</span>`);
			expect(footerOf(html), page).toContain(identity.description);
		}
	});

	it('gives the coordinator’s phone (tel: link), address, hours and a link to /contact/ in every page’s footer', () => {
		const missing = pages.flatMap((page) => {
			const checks = footerChecks(readFileSync(join(DIST, page), 'utf8'));
			return Object.entries(checks)
				.filter(([, present]) => !present)
				.map(([what]) => `${page}: ${what}`);
		});
		expect(missing).toStrictEqual([]);
	});

	it('does the same on a page rendered on request (the proposals list, through npm run dev)', async () => {
		const response = await fetch(`${inject('devUrl')}/propositions/`);
		expect(response.status).toBe(200);
		const checks = footerChecks(await response.text());
		expect(checks).toStrictEqual(allPresent(checks));
	});

	it('lists on /contact/ the general contact and each territory’s phone, hours, email and address', () => {
		const html = decode(readFileSync(join(DIST, 'contact/index.html'), 'utf8'));
		const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
		expect(main).toMatch(/<h1>Contacter la conseillère/);
		for (const contact of [identity.contact, ...territories.map((t) => t.coordinatorContact)]) {
			expect(main).toContain(`href="${tel(contact.phone ?? '')}"`);
			expect(main).toContain(`href="mailto:${contact.email}"`);
			expect(main).toContain(contact.postalAddress);
			expect(main).toContain(contact.hours);
		}
		for (const territory of territories) expect(main).toContain(`>${territory.name} (`);
		// In the site map and the footer navigation too.
		expect(readFileSync(join(DIST, 'plan-du-site/index.html'), 'utf8')).toMatch(/<main[\s\S]*href="\/contact\/"/);
	});

	it('names the publisher, its address and the director of publication in the legal notice', () => {
		const html = decode(readFileSync(join(DIST, 'mentions-legales/index.html'), 'utf8'));
		const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
		for (const value of Object.values(identity.publisher)) expect(main).toContain(value);
		expect(main).toContain(`href="${tel(identity.contact.phone)}"`);
		expect(main).not.toMatch(/\.example\b|à compléter/i);
	});
});
