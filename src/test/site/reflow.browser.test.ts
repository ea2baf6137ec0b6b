import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { launchChromium, revealAccessMap, serveStatic } from './browser';
import { DIST } from './paths';
import { seedProposal } from './proposals';

/**
 * WCAG 1.4.10 (reflow), 1.4.4 (resize text) and 2.4.7 (focus visible) on one page of every page
 * type, and the public forms' errors (all at once, one "Erreur :" prefix, no silent default in a
 * required list), with and without JavaScript. Static pages are read from `dist/` (as a static host
 * serves them); pages rendered on request and the forms' answers come from the shared `npm run dev`.
 *
 * Larger text is the browser's own text-size setting (Chromium's default font size, through the
 * DevTools protocol's Page.setFontSizes), set to twice its default. That is what WCAG 1.4.4 asks to
 * support: everything sized in rem or em grows, media queries in em switch as they would for the
 * reader. Writing `font-size: 200%` on the root element would not do the same: it replaces the
 * site's own 112.5 % (giving 178 %, not 200 %) and leaves em media queries on the old size.
 * Each page is checked at 320 CSS px (1.4.10's width) with normal text, then at 320 px with text at
 * 200 % (what a phone's large-text setting does, and where the outside check found pages of 613 to
 * 864 px), then at 640 px with text at 200 % (200 % zoom of a 1280 px window, text enlarged again).
 */
const devUrl = inject('devUrl');
const database = createPostgresAdapter({ url: inject('devDatabaseUrl'), database: 'pglite', max: 1 });

let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let site: Awaited<ReturnType<typeof serveStatic>>;
let proposalId: number;

/** A published proposal with a long unbroken address in it, for the proposal page. */
function publishedProposal(): Promise<number> {
	return seedProposal(database, {
		title: 'Permanence de l’infirmière coordinatrice à Saint-Saud-Lacoussière',
		description:
			'Une permanence le mercredi, annoncée sur https://www.exemple-de-mairie-tres-longue.fr/actualites/permanence-infirmiere-coordinatrice-saint-saud-lacoussiere.',
	});
}

beforeAll(async () => {
	[site, browser, proposalId] = await Promise.all([serveStatic(DIST), launchChromium(), publishedProposal()]);
	context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 640 } });
	page = await context.newPage();
	cdp = await context.newCDPSession(page);
	// The first visit of the map under `npm run dev` makes Vite optimise Leaflet and reload the page.
	await page.goto(`${devUrl}/acces-aux-soins/nontronnais/`);
	await revealAccessMap(page, 60_000);
}, 180_000);

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await site?.close();
	await database.close();
});

/** The browser's default text size in px (16 by default): 32 is its "200 %" setting. */
async function setTextSize(px: number) {
	await cdp.send('Page.setFontSizes', { fontSizes: { standard: px, fixed: Math.round(px * 0.8125) } });
}

const horizontalOverflow = () =>
	page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

type Rgba = [number, number, number, number];
type FocusReport = {
	element: string;
	indicator: string[];
	elementBackground: string;
	surroundings: string;
};

/** Parses Chromium's computed `rgb(…)`/`rgba(…)` colours. */
function parseColour(css: string): Rgba {
	const match = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:[,/]\s*([\d.]+))?\)/.exec(css);
	if (!match) throw new Error(`unexpected colour ${css}`);
	return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] === undefined ? 1 : Number(match[4])];
}

/** WCAG 2.1 relative luminance and contrast ratio. */
function luminance([r, g, b]: Rgba): number {
	const channel = (value: number) => {
		const c = value / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}
function contrast(a: string, b: string): number {
	const [la, lb] = [luminance(parseColour(a)), luminance(parseColour(b))];
	return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * Presses Tab through the whole page and, for each element that takes the focus, reads its focus
 * indicator (outline, and box-shadow rings) and the opaque colours it is drawn against: the
 * element's own background and its surroundings (both composited up to the page's white).
 */
async function tabThrough(): Promise<FocusReport[]> {
	await page.evaluate(() => {
		(document.activeElement as HTMLElement | null)?.blur();
		window.scrollTo(0, 0);
		(window as unknown as { seen: WeakSet<Element> }).seen = new WeakSet();
	});
	const reports: FocusReport[] = [];
	for (let presses = 0; presses < 250; presses++) {
		await page.keyboard.press('Tab');
		const report = await page.evaluate(() => {
			const seen = (window as unknown as { seen: WeakSet<Element> }).seen;
			const element = document.activeElement;
			if (!element || element === document.body || seen.has(element)) return 'done';
			seen.add(element);
			const rgba = (css: string): [number, number, number, number] => {
				const m = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:[,/]\s*([\d.]+))?\)/.exec(css);
				return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [0, 0, 0, 0];
			};
			/** The opaque colour behind `from`: its background over its ancestors' ones, over white. */
			const background = (from: Element | null) => {
				const layers: [number, number, number, number][] = [];
				for (let node = from; node; node = node.parentElement) {
					const colour = rgba(getComputedStyle(node).backgroundColor);
					if (colour[3] > 0) layers.push(colour);
					if (colour[3] === 1) break;
				}
				let [red, green, blue] = [255, 255, 255];
				for (const [r, g, b, a] of layers.reverse()) {
					[red, green, blue] = [r * a + red * (1 - a), g * a + green * (1 - a), b * a + blue * (1 - a)];
				}
				return `rgb(${[red, green, blue].map(Math.round).join(', ')})`;
			};
			const style = getComputedStyle(element);
			const indicator: string[] = [];
			if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) indicator.push(style.outlineColor);
			// Computed box-shadow: "rgb(…) 0px 0px 0px 3px, …"; a ring has a spread of 2 px or more.
			for (const shadow of style.boxShadow === 'none' ? [] : style.boxShadow.split(/,(?![^(]*\))/)) {
				const colour = /rgba?\([^)]*\)/.exec(shadow)?.[0];
				const lengths = shadow
					.replace(/rgba?\([^)]*\)/, '')
					.trim()
					.split(/\s+/)
					.map(parseFloat);
				if (colour && rgba(colour)[3] === 1 && (lengths[3] ?? 0) >= 2 && !shadow.includes('inset')) {
					indicator.push(colour);
				}
			}
			const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
				element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''
			} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
			return {
				element: name,
				indicator,
				elementBackground: background(element),
				surroundings: background(element.parentElement),
			};
		});
		if (report === 'done') return reports;
		reports.push(report);
	}
	throw new Error('Tab never left the page after 250 presses');
}

/** Elements whose focus indicator does not reach 3:1 against the element or its surroundings. */
function weakIndicators(reports: FocusReport[]): string[] {
	const best = (colours: string[], against: string) => Math.max(0, ...colours.map((c) => contrast(c, against)));
	return reports
		.filter((r) => best(r.indicator, r.elementBackground) < 3 || best(r.indicator, r.surroundings) < 3)
		.map(
			(r) => `${r.element}: ${r.indicator.join(' + ') || 'no indicator'} on ${r.elementBackground} / ${r.surroundings}`,
		);
}

type Visit = {
	name: string;
	path: string | (() => string);
	from: 'static' | 'dev';
	status?: number;
	ready?: string;
	/** The page has the access map: scroll to it and wait for it. */
	map?: boolean;
};
const visits: Visit[] = [
	{ name: 'home', path: '/', from: 'static' },
	{ name: 'territory', path: '/territoires/nontronnais/', from: 'static' },
	{ name: 'services list', path: '/services/', from: 'static' },
	{ name: 'service', path: '/services/education-therapeutique/', from: 'static' },
	{ name: 'services facet', path: '/services/categorie/prevention-education/', from: 'static' },
	{ name: 'council', path: '/conseil/', from: 'static' },
	{ name: 'meetings list', path: '/reunions/', from: 'static' },
	{ name: 'meeting with its form', path: '/reunions/2027-01-nontronnais/', from: 'static', ready: 'form' },
	{ name: 'minutes list', path: '/comptes-rendus/', from: 'static' },
	{ name: 'minutes', path: '/comptes-rendus/2026-06-nontronnais/', from: 'static' },
	{ name: 'proposals list', path: '/propositions/', from: 'dev' },
	{ name: 'proposal', path: () => `/propositions/${proposalId}/`, from: 'dev' },
	{ name: 'new proposal form', path: '/propositions/nouvelle/', from: 'static', ready: 'form' },
	{ name: 'access map list', path: '/acces-aux-soins/', from: 'static' },
	{ name: 'territory map', path: '/acces-aux-soins/nontronnais/', from: 'dev', map: true },
	{ name: 'glossary', path: '/glossaire/', from: 'static' },
	{ name: 'legal notice', path: '/mentions-legales/', from: 'static' },
	{ name: '404', path: '/cette-page-n-existe-pas/', from: 'static', status: 404 },
	{ name: 'admin sign-in', path: '/admin/connexion/', from: 'dev' },
];

describe('every page type reflows and shows where the focus is, in Chromium', () => {
	it.each(visits)(
		'$name: no horizontal scroll at 320 px and with 200 % text; a 3:1 focus ring on every stop',
		async (visit) => {
			const path = typeof visit.path === 'function' ? visit.path() : visit.path;
			await page.setViewportSize({ width: 320, height: 640 });
			await setTextSize(16);
			const response = await page.goto(`${visit.from === 'static' ? site.url : devUrl}${path}`);
			expect(response?.status(), path).toBe(visit.status ?? 200);
			if (visit.ready) await page.waitForSelector(visit.ready, { timeout: 30_000 });
			// The map (and the simulator under it) load as they come near the screen.
			if (visit.map) await revealAccessMap(page);
			// Islands hydrate when the browser is idle, or once in view (the map page's simulator): check
			// the form the reader will use.
			await page.waitForFunction(
				() => {
					// An island is `display: contents`: its first element is what comes into view.
					document.querySelector('astro-island[ssr]')?.firstElementChild?.scrollIntoView();
					return !document.querySelector('astro-island[ssr]');
				},
				null,
				{ timeout: 30_000, polling: 200 },
			);
			await page.evaluate(() => window.scrollTo(0, 0));

			const fontSize = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
			expect(await fontSize()).toBe('18px');
			const normal = await horizontalOverflow();
			expect(normal.scrollWidth, `${path} at 320 px`).toBeLessThanOrEqual(normal.innerWidth);

			const stops = await tabThrough();
			expect(stops.length, `${path}: Tab reaches the page's links`).toBeGreaterThan(3);
			expect(weakIndicators(stops), path).toStrictEqual([]);

			await setTextSize(32);
			expect(await fontSize()).toBe('36px');
			const large = await horizontalOverflow();
			expect(large.scrollWidth, `${path} at 320 px with 200 % text`).toBeLessThanOrEqual(large.innerWidth);
			await page.setViewportSize({ width: 640, height: 800 });
			const zoomed = await horizontalOverflow();
			expect(zoomed.scrollWidth, `${path} at 640 px with 200 % text`).toBeLessThanOrEqual(zoomed.innerWidth);
		},
	);
});

/** Each message under a field, as shown: its text and what the stylesheet adds before it. */
const shownErrors = (on: Page) =>
	on
		.locator('.field-error')
		.evaluateAll((elements) =>
			Object.fromEntries(
				elements.map((e) => [
					e.id.replace(/-erreur$/, ''),
					`${getComputedStyle(e, '::before').content.replace(/^none$|^normal$/, '')}${(e as HTMLElement).innerText}`,
				]),
			),
		);

describe('the public forms list every error at once', () => {
	it('with JavaScript: nothing is chosen in the proposal’s lists at first, and every error shows once prefixed', async () => {
		await setTextSize(16);
		await page.setViewportSize({ width: 320, height: 640 });
		await page.goto(`${site.url}/propositions/nouvelle/`);
		await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'), null, { timeout: 30_000 });
		for (const [id, label] of [
			['theme', '— Choisissez un thème —'],
			['territoryId', '— Choisissez un territoire —'],
		]) {
			const list = page.locator(`#${id}`);
			expect(await list.inputValue()).toBe('');
			expect(await list.locator('option').first().innerText()).toBe(label);
		}
		await page.getByLabel('Votre courriel ou votre téléphone').fill('pas-un-contact');
		await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toContain('Certaines informations sont à corriger.');
		expect(await shownErrors(page)).toStrictEqual({
			title: 'Erreur : Donnez un titre à votre proposition.',
			description: 'Erreur : Décrivez votre proposition.',
			theme: 'Erreur : Choisissez un thème.',
			territoryId: 'Erreur : Choisissez le territoire.',
			authorContact: 'Erreur : Indiquez une adresse électronique ou un numéro de téléphone valide.',
			consent: 'Erreur : Cochez la case pour que nous puissions utiliser vos coordonnées pour vous répondre.',
		});
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('title');
	});

	it('with JavaScript: the sign-up form asks for an email or a phone together with the other fields', async () => {
		await page.goto(`${site.url}/reunions/2027-01-nontronnais/`);
		await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'), null, { timeout: 30_000 });
		await page.getByRole('button', { name: 'M’inscrire à la réunion' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toContain('Certaines informations sont à corriger.');
		const contact = 'Erreur : Indiquez une adresse électronique ou un numéro de téléphone.';
		expect(await shownErrors(page)).toStrictEqual({
			fullName: 'Erreur : Indiquez votre prénom et votre nom.',
			email: contact,
			phone: contact,
			category: 'Erreur : Indiquez à quel titre vous venez.',
			consent: 'Erreur : Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.',
		});
	});

	it('without JavaScript: the server’s answer lists every error, the missing choices included', async () => {
		const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
		try {
			const form = await noScript.newPage();
			const send = async (path: string, button: string) => {
				await form.goto(`${devUrl}${path}`);
				const [answer] = await Promise.all([
					form.waitForResponse((r) => r.request().method() === 'POST'),
					form.getByRole('button', { name: button }).click(),
				]);
				await form.waitForLoadState();
				// The page lists the messages in the order the rules ran: compare them in any order.
				return { status: answer.status(), items: (await form.locator('main li').allInnerTexts()).sort() };
			};

			const proposal = await send('/propositions/nouvelle/', 'Envoyer ma proposition');
			expect(proposal.status).toBe(400);
			expect(proposal.items).toStrictEqual(
				[
					'Donnez un titre à votre proposition.',
					'Décrivez votre proposition.',
					'Choisissez un thème.',
					'Choisissez le territoire.',
				].sort(),
			);

			const registration = await send('/reunions/2027-01-nontronnais/', 'M’inscrire à la réunion');
			expect(registration.status).toBe(400);
			expect(registration.items).toStrictEqual(
				[
					'Indiquez votre prénom et votre nom.',
					'Indiquez une adresse électronique ou un numéro de téléphone.',
					'Indiquez une adresse électronique ou un numéro de téléphone.',
					'Indiquez à quel titre vous venez.',
					'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.',
				].sort(),
			);
		} finally {
			await noScript.close();
		}
	});
});
