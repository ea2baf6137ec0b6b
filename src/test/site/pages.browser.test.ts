import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousViolations, serveStatic } from './browser';
import { DIST } from './paths';

let browser: Browser;
let context: BrowserContext;
let noScript: BrowserContext;
let site: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
	site = await serveStatic(DIST);
	browser = await launchChromium();
	// axe runs inside the page, so the tour keeps JavaScript on (the pages have none of their own);
	// a second context with JavaScript disabled checks that reading needs none.
	context = await browser.newContext({ locale: 'fr-FR' });
	noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
});

afterAll(async () => {
	await context?.close();
	await noScript?.close();
	await browser?.close();
	await site?.close();
});

async function open(path: string): Promise<Page> {
	const page = await context.newPage();
	const response = await page.goto(`${site.url}${path}`);
	expect(response?.status(), path).toBe(200);
	return page;
}

const tour: { name: string; path: string; h1: RegExp; check: (page: Page) => Promise<void> }[] = [
	{
		name: 'home',
		path: '/',
		h1: /soins près de chez soi/,
		check: async (page) => {
			await expect(page.getByRole('heading', { name: 'Deux territoires pilotes' }).count()).resolves.toBe(1);
			await expect(page.getByRole('link', { name: 'Nontronnais' }).count()).resolves.toBeGreaterThan(0);
			await expect(page.getByRole('heading', { name: 'Prochaines réunions du Conseil' }).count()).resolves.toBe(1);
		},
	},
	{
		name: 'territory',
		path: '/territoires/nontronnais/',
		h1: /Nontronnais/,
		check: async (page) => {
			const text = await page.locator('main').innerText();
			expect(text).toMatch(/anciens cantons/);
			expect(text).toMatch(/Source : Insee[^\n]*2023/i);
			expect(text).toContain('Saint-Saud-Lacoussière');
		},
	},
	{
		name: 'services filtered by category',
		path: '/services/categorie/prevention-education/',
		h1: /Prévention et éducation/,
		check: async (page) => {
			const current = page.locator('nav[aria-label="Filtrer les services"] a[aria-current="page"]');
			await expect(current.innerText()).resolves.toBe('Prévention et éducation');
			const cards = await page.locator('main .card').count();
			expect(cards).toBeGreaterThan(0);
			const tags = await page.locator('main .card .tag').allInnerTexts();
			expect(new Set(tags)).toStrictEqual(new Set(['Prévention et éducation']));
		},
	},
	{
		name: 'service',
		path: '/services/education-therapeutique/',
		h1: /./,
		check: async (page) => {
			await expect(page.getByRole('heading', { name: 'Comment en bénéficier' }).count()).resolves.toBe(1);
			expect(await page.locator('.figure__source').first().innerText()).toMatch(/Source : .+, \d{4}/);
		},
	},
	{
		name: 'meetings list',
		path: '/reunions/',
		h1: /Réunions/,
		check: async (page) => {
			await expect(page.getByRole('heading', { name: 'À venir' }).count()).resolves.toBe(1);
			expect(await page.locator('#a-venir ~ ul .card').count()).toBeGreaterThanOrEqual(2);
		},
	},
	{
		name: 'minutes',
		path: '/comptes-rendus/',
		h1: /Comptes rendus/,
		check: async (page) => {
			const first = page.locator('main .card a').first();
			const href = await first.getAttribute('href');
			const minutes = await open(href ?? '/');
			await expect(minutes.getByRole('heading', { name: 'En résumé' }).count()).resolves.toBe(1);
			await expect(minutes.getByRole('heading', { name: 'Décisions et suites' }).count()).resolves.toBe(1);
			expect(await seriousViolations(minutes)).toStrictEqual([]);
			await minutes.close();
		},
	},
	{ name: 'council', path: '/conseil/', h1: /Conseil/, check: async () => {} },
	{
		name: 'contact',
		path: '/contact/',
		h1: /Contacter la conseillère/,
		check: async (page) => {
			// The general number, then one per territory; the footer repeats the general one.
			expect(await page.locator('main a[href^="tel:+33"]').count()).toBeGreaterThanOrEqual(3);
			expect(await page.locator('footer a[href^="tel:+33"]').count()).toBe(1);
		},
	},
	{
		name: 'access map index',
		path: '/acces-aux-soins/',
		h1: /Accès aux médecins généralistes/,
		check: async (page) => {
			expect(
				await page.locator('main').getByRole('link', { name: 'Nontronnais', exact: true }).getAttribute('href'),
			).toBe('/acces-aux-soins/nontronnais/');
		},
	},
	{
		name: 'glossary',
		path: '/glossaire/',
		h1: /Glossaire/i,
		check: async (page) => {
			expect(await page.locator('dl.glossary dt').count()).toBeGreaterThanOrEqual(12);
		},
	},
];

describe('reading the site in Chromium', () => {
	it.each(['/', '/services/public/habitants/', '/reunions/', '/comptes-rendus/'])(
		'%s reads the same with JavaScript disabled',
		async (path) => {
			const page = await noScript.newPage();
			const response = await page.goto(`${site.url}${path}`);
			expect(response?.status()).toBe(200);
			expect(await page.locator('h1').count()).toBe(1);
			expect(await page.locator('main a').count()).toBeGreaterThan(3);
			await page.close();
		},
	);

	it.each(tour)('$name ($path): main content and no serious axe violation', async ({ path, h1, check }) => {
		const page = await open(path);
		await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
		expect(await page.locator('h1').innerText()).toMatch(h1);
		await check(page);
		expect(await seriousViolations(page)).toStrictEqual([]);
		await page.close();
	});

	it('opens a meeting page and its calendar file', async () => {
		const list = await open('/reunions/');
		const href = await list.locator('#a-venir ~ ul .card a').first().getAttribute('href');
		const meeting = await open(href ?? '/');
		await expect(meeting.getByRole('heading', { name: 'Ordre du jour', exact: true }).count()).resolves.toBe(1);
		expect(await seriousViolations(meeting)).toStrictEqual([]);
		const icsHref = await meeting.getByRole('link', { name: /Ajouter à mon agenda/ }).getAttribute('href');
		const ics = await context.request.get(`${site.url}${icsHref}`);
		expect(ics.status()).toBe(200);
		expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
		expect(await ics.text()).toContain('BEGIN:VEVENT');
		await list.close();
		await meeting.close();
	});

	it('serves the RSS feed of minutes', async () => {
		const feed = await context.request.get(`${site.url}/comptes-rendus/rss.xml`);
		expect(feed.status()).toBe(200);
		const xml = await feed.text();
		expect(xml).toContain('<channel>');
		expect((xml.match(/<item>/g) ?? []).length).toBeGreaterThanOrEqual(2);
	});

	it('answers an unknown address with the French 404 page', async () => {
		const page = await context.newPage();
		const response = await page.goto(`${site.url}/cette-page-n-existe-pas/`);
		expect(response?.status()).toBe(404);
		expect(await page.locator('h1').innerText()).toBe('Page introuvable');
		await page.close();
	});

	it.each(['/', '/services/', '/comptes-rendus/', '/territoires/porcien-thierache/'])(
		'%s reflows at 320 px wide (no horizontal scrolling) and with text at 200 percent',
		async (path) => {
			const page = await context.newPage();
			await page.setViewportSize({ width: 320, height: 640 });
			await page.goto(`${site.url}${path}`);
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
			);
			expect(overflow).toBeLessThanOrEqual(0);
			// 200 % zoom of a 640 px window is the same layout width as 320 px; check text can grow too.
			await page.setViewportSize({ width: 640, height: 800 });
			await page.evaluate(() => {
				document.documentElement.style.fontSize = '225%';
			});
			const zoomedOverflow = await page.evaluate(
				() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
			);
			expect(zoomedOverflow).toBeLessThanOrEqual(0);
			await page.close();
		},
	);

	it('lets a keyboard user skip to the content with the first Tab', async () => {
		const page = await open('/services/');
		await page.keyboard.press('Tab');
		const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
		expect(focused).toBe('Aller au contenu');
		await page.close();
	});
});
