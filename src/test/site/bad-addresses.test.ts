import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { API_CSP, BASE_HEADERS } from '../../lib/server/security-headers';
import { startProductionServer } from '../../scripts/lib/production-server';
import { INTERNALS } from '../http/hostile';
import { launchChromium, seriousViolations } from './browser';
import { ROOT } from './paths';
import { seedProposal } from './proposals';

/**
 * Bad addresses of every route, against the shared `npm run dev` and the production-like server
 * (`npm run serve`: functions, `dist/` with `dist/_headers`, the SSR function) on the same database:
 * every answer is a 4xx (404 for what does not exist), never a 5xx, with a French body that shows
 * no internals, and with every security header the site sets. Then, in Chromium without
 * JavaScript, error pages keep their stylesheet under the Content-Security-Policy.
 */
const devUrl = inject('devUrl');
const database = createPostgresAdapter({ url: inject('devDatabaseUrl'), database: 'pglite', max: 1 });
let server: Awaited<ReturnType<typeof startProductionServer>>;
let browser: Browser;
const proposals = { pending: 0, refused: 0, removed: 0, published: 0 };

function proposal(title: string, moves: { status: string; reason?: string }[]): Promise<number> {
	return seedProposal(
		database,
		{
			title: `${title} ${randomBytes(3).toString('hex')}`,
			description: 'Une proposition créée par le test des mauvaises adresses, pour vérifier les réponses du site.',
		},
		moves,
	);
}

beforeAll(async () => {
	process.env.DATABASE_URL = inject('devDatabaseUrl');
	[server, proposals.pending, proposals.refused, proposals.removed, proposals.published] = await Promise.all([
		startProductionServer({ root: ROOT }),
		proposal('Une proposition en attente', []),
		proposal('Une proposition refusée', [{ status: 'rejected', reason: 'Hors du champ du Conseil.' }]),
		proposal('Une proposition retirée', [{ status: 'published' }, { status: 'removed', reason: 'Propos injurieux.' }]),
		proposal('Une proposition publiée', [{ status: 'published' }]),
	]);
	browser = await launchChromium();
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await server?.close();
	await database.close();
	delete process.env.DATABASE_URL;
});

type Case = { method?: string; path: string; status: number | number[]; type?: string; body?: string };

const LONG = 'a'.repeat(3000);
const JUNK = '%3Cscript%3Ealert(1)%3C%2Fscript%3E';

/** The cases, once the proposals exist. `status` lists what the answer may be where dev and serve differ. */
function cases(): Case[] {
	const form = 'application/x-www-form-urlencoded';
	return [
		// Unknown or mistyped ids, on prebuilt and on-demand pages.
		{ path: '/cette-page-n-existe-pas/', status: 404 },
		{ path: '/500/', status: 404 },
		{ path: '/services/cabinet-inconnu/', status: 404 },
		{ path: '/services/categorie/inconnue/', status: 404 },
		{ path: '/services/facette-inconnue/valeur/', status: 404 },
		{ path: '/territoires/inconnu/', status: 404 },
		{ path: '/comptes-rendus/inconnu/', status: 404 },
		{ path: '/reunions/inconnue/', status: 404 },
		{ path: '/reunions/inconnue.ics', status: 404 },
		{ path: '/reunions/inconnue/confirmation/', status: 404 },
		{ path: '/reunions/inconnue/confirmation/?ref=ABCDEF&statut=confirmed', status: 404 },
		{ path: '/acces-aux-soins/inconnu/', status: 404 },
		{ path: '/acces-aux-soins/NONTRONNAIS/', status: 404 },
		{ path: '/propositions/999999999/', status: 404 },
		{ path: '/propositions/abc/', status: 404 },
		{ path: '/propositions/0/', status: 404 },
		{ path: '/propositions/-1/', status: 404 },
		{ path: '/propositions/1e3/', status: 404 },
		{ path: '/propositions/99999999999999999999/', status: 404 },
		// Not public: pending, refused before publication; removed after publication is gone.
		{ path: `/propositions/${proposals.pending}/`, status: 404 },
		{ path: `/propositions/${proposals.refused}/`, status: 404 },
		{ path: `/propositions/${proposals.removed}/`, status: 410 },
		{ path: `/api/proposals/${proposals.pending}`, status: 404 },
		// Unknown API paths and ids: the contract's JSON 404.
		{ path: '/api/', status: 404 },
		{ path: '/api/inconnue', status: 404 },
		{ path: '/api/proposals/999999999', status: 404 },
		{ path: '/api/proposals/abc', status: 404 },
		{ path: '/api/meetings/inconnue', status: 404 },
		{ path: '/api/access-map?territory=inconnu', status: 404 },
		{
			method: 'POST',
			path: '/api/meetings/inconnue/registrations',
			type: 'application/json',
			body: '{}',
			status: [400, 404],
		},
		{ method: 'POST', path: '/api/registrations/inconnu/cancel', type: form, body: '', status: 404 },
		// Bad methods.
		{ method: 'DELETE', path: '/api/proposals', status: 405 },
		{ method: 'PUT', path: '/api/meetings/2027-01-nontronnais', type: 'application/json', body: '{}', status: 405 },
		{ path: `/api/proposals/${proposals.published}/supports`, status: 405 },
		{ method: 'PATCH', path: '/api/health', status: 405 },
		// A static host takes no form post: 405 under dev, 404 from the SSR function under serve.
		{ method: 'POST', path: '/services/', type: form, body: 'a=1', status: [404, 405] },
		// Overlong addresses: read and unknown, or too long for Node to read.
		{ path: `/${LONG}/`, status: 404 },
		{ path: `/propositions/${'9'.repeat(3000)}/`, status: 404 },
		{ path: `/api/proposals/${LONG}`, status: 404 },
		{ path: `/${'%41'.repeat(1500)}/`, status: 404 },
		{ path: `/${'a'.repeat(20_000)}/`, status: 431 },
		// Encoded junk.
		{ path: '/%E0%A4%A/', status: 404 },
		{ path: '/propositions/%E0%A4%A/', status: 404 },
		{ path: '/reunions/%E0%A4%A/confirmation/', status: 404 },
		{ path: '/api/%E0%A4%A', status: 404 },
		{ path: '/api/proposals/%E0%A4%A', status: 404 },
		{ path: `/services/${JUNK}/`, status: 404 },
		{ path: `/propositions/${JUNK}/`, status: 404 },
		{ path: '/acces-aux-soins/%27%20or%20%271%27%3D%271/', status: 404 },
		{ path: '/propositions/%00/', status: 404 },
		{ path: '/reunions/%E2%80%AE%E2%80%8B/confirmation/', status: 404 },
		{ path: '/..%2f..%2fetc%2fpasswd', status: 404 },
		{ path: '/%2e%2e/%2e%2e/etc/passwd', status: 404 },
	];
}

const FRENCH = /[àâçéèêëîïôûùüœ’]|\b(la|le|les|cette|votre|pas|est)\b/i;

/** Vite's own markup on every page under `npm run dev` (the stylesheet's module and its file): not an error's. */
const withoutViteMarkup = (html: string) =>
	html
		.replace(/ data-vite-dev-id="[^"]*"/g, '')
		.replace(/<script type="module" src="\/(@vite|src)\/[^"]*"><\/script>/g, '');

/** What is wrong with one answer: an empty list when it is right. */
async function problemsOf(request: Case, response: Response, dev: boolean): Promise<string[]> {
	const problems: string[] = [];
	const expected = [request.status].flat();
	if (!expected.includes(response.status))
		problems.push(`status ${response.status}, expected ${expected.join(' or ')}`);
	const raw = await response.text();
	const text = dev ? withoutViteMarkup(raw) : raw;
	if (!text.trim()) problems.push('empty body');
	if (INTERNALS.test(text)) problems.push('internals in the body');
	if (text.includes('<script>alert(1)')) problems.push('the address is echoed unescaped');
	for (const [name, value] of Object.entries(BASE_HEADERS)) {
		if (response.headers.get(name) !== value) problems.push(`${name}: ${response.headers.get(name)}`);
	}
	const csp = response.headers.get('content-security-policy') ?? '';
	const type = response.headers.get('content-type') ?? '';
	if (type.startsWith('application/json')) {
		if (csp !== API_CSP) problems.push(`JSON policy: ${csp}`);
		try {
			const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
			if (typeof error?.code !== 'string' || !FRENCH.test(String(error?.message))) problems.push(`JSON: ${text}`);
		} catch {
			problems.push(`unreadable JSON: ${text.slice(0, 100)}`);
		}
	} else if (type.startsWith('text/html')) {
		if (!/^default-src 'self'; script-src 'self'[ ;]/.test(csp) || !csp.includes("frame-ancestors 'none'")) {
			problems.push(`page policy: ${csp}`);
		}
		const title = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(text)?.[1]?.trim() ?? '';
		const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(text)?.[1]?.replace(/<[^>]+>/g, ' ') ?? '';
		if (!text.includes('<html lang="fr"') || !title || !FRENCH.test(main)) problems.push(`not a French page: ${title}`);
	} else problems.push(`content type ${type}`);
	return problems;
}

async function walk(base: string, { dev = false } = {}): Promise<string[]> {
	const failures: string[] = [];
	for (const request of cases()) {
		const { method = 'GET', path, type, body } = request;
		const response = await fetch(`${base}${path}`, {
			method,
			redirect: 'manual',
			...(type ? { headers: { 'content-type': type } } : {}),
			...(body !== undefined ? { body } : {}),
		});
		const problems = await problemsOf(request, response, dev);
		if (problems.length) failures.push(`${method} ${path.slice(0, 80)}: ${problems.join('; ')}`);
	}
	return failures;
}

describe('bad addresses', () => {
	it('under npm run dev: 4xx, French, with every security header', async () => {
		expect(await walk(devUrl, { dev: true })).toStrictEqual([]);
	}, 120_000);

	it('on the production-like server (npm run serve): 4xx, French, with every security header', async () => {
		expect(await walk(server.url)).toStrictEqual([]);
	}, 120_000);

	it('a removed proposal keeps its page, with the reason, as gone (410)', async () => {
		const response = await fetch(`${server.url}/propositions/${proposals.removed}/`);
		expect(response.status).toBe(410);
		expect(await response.text()).toMatch(/<h1>Proposition retirée<\/h1>[\s\S]*Propos injurieux\./);
	});
});

describe('error pages without JavaScript, under the Content-Security-Policy', () => {
	it('keep their stylesheet: the site’s 404 page, and the page of a refused form post', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const page = await context.newPage();
		const violations: string[] = [];
		page.on('console', (message) => {
			if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
		});
		const styled = () =>
			page.evaluate(() => ({
				h1: document.querySelector('h1')?.textContent?.trim(),
				font: getComputedStyle(document.body).fontFamily,
			}));
		for (const url of [`${server.url}/propositions/abc/`, `${devUrl}/reunions/inconnue/confirmation/`]) {
			const response = await page.goto(url);
			expect(response?.status(), url).toBe(404);
			expect(await styled(), url).toStrictEqual({ h1: 'Page introuvable', font: expect.stringContaining('system-ui') });
			expect(await page.locator('header a[href="/"]').count(), 'the site’s header').toBeGreaterThan(0);
		}
		// The function answers a form post made without JavaScript with a page of its own.
		await page.goto(`${server.url}/propositions/${proposals.published}/`);
		await page.locator('#soutenir form').evaluate((form) => form.setAttribute('novalidate', ''));
		await page.fill('#fullName', 'A');
		await page.fill('#contact', 'pas-une-adresse');
		const [answer] = await Promise.all([page.waitForNavigation(), page.click('#soutenir button[type="submit"]')]);
		expect(answer?.status()).toBe(400);
		expect(await styled()).toStrictEqual({
			h1: expect.stringMatching(/\S/),
			font: expect.stringContaining('system-ui'),
		});
		expect(await page.locator('main li').count()).toBeGreaterThan(0);
		const refusedPage = await page.content();
		expect(violations).toStrictEqual([]);
		await context.close();
		// axe needs JavaScript: the same two pages, read again with it.
		const withScript = await browser.newContext({ locale: 'fr-FR' });
		const checked = await withScript.newPage();
		await checked.goto(`${server.url}/propositions/abc/`);
		expect(await seriousViolations(checked), 'the 404 page').toStrictEqual([]);
		await checked.setContent(refusedPage);
		expect(await seriousViolations(checked), 'the refused form post').toStrictEqual([]);
		await withScript.close();
	}, 60_000);
});
