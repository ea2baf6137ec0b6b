import { mkdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, revealAccessMap } from './browser';

/**
 * The access map under `npm run dev`, on the fixture data the shared dev server imported at start
 * (src/test/fixtures/access-data): Nontron (24311) is the only fixture commune of the Nontronnais
 * perimeter; the others are its neighbours.
 */
const devUrl = inject('devUrl');
const PAGE = '/acces-aux-soins/nontronnais/';
let browser: Browser;
let featureCount = 0;

beforeAll(async () => {
	// The embedded database imports the data folder in the background on first start: wait for it.
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await fetch(`${devUrl}/api/access-map?territory=nontronnais`);
		const body = response.ok ? ((await response.json()) as { features: unknown[] }) : { features: [] };
		featureCount = body.features.length;
		if (featureCount > 1) break;
		if (Date.now() > deadline) throw new Error(`access data not imported (status ${response.status})`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	browser = await launchChromium();
	// The first load makes Vite optimise Leaflet and reload the page: do it once here.
	const warmUp = await browser.newPage();
	await warmUp.goto(`${devUrl}${PAGE}`);
	await revealAccessMap(warmUp, 60_000);
	await warmUp.close();
}, 180_000);

afterAll(async () => {
	await browser?.close();
});

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

describe('the care-access map in Chromium, under npm run dev', () => {
	it('selects a commune with the keyboard, switches layers, downloads the CSV, with no serious axe violation', async () => {
		const context = await browser.newContext({
			locale: 'fr-FR',
			acceptDownloads: true,
			viewport: { width: 1000, height: 900 },
		});
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto(`${devUrl}${PAGE}`);
		await revealAccessMap(page);

		// Commune names are written on the map (not only in a hover tooltip), and the credits are text
		// under it rather than a box over it.
		await expect.poll(() => page.locator('.access-map__label:not(.is-hidden)').allInnerTexts()).toContain('Nontron');
		expect(await page.locator('.leaflet-control-attribution').count()).toBe(0);
		expect(await page.locator('.access-map__credits').innerText()).toMatch(
			/^Sources de la carte : .*APL 2023 ; contours des communes : .+\. Carte réalisée avec Leaflet\.$/,
		);

		// Keyboard only: Tab until the commune list has the focus, then choose with the arrow key.
		// The map's own list (the simulator below has a "Commune" list too).
		const list = page.locator('#access-commune');
		await list.focus();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('access-commune');
		await page.keyboard.press('ArrowDown');
		await expect.poll(() => page.locator('#access-commune-title').innerText()).toContain('Nontron');
		const panel = page.locator('.access-map__panel');
		expect(await panel.innerText()).toContain('dans le territoire');
		// Fixture: Nontron APL 2023 4.2, under 65 2.1 → half of the supply from GPs aged 65+.
		expect(await panel.innerText()).toMatch(/APL, tous généralistes\s+4,20 \(mieux desservie\)/);
		expect(await panel.innerText()).toMatch(/médecins de 65 ans ou plus\s+50\u00a0%/);
		expect(await page.locator('.access-map__legend-title').innerText()).toBe(
			'APL 2023 — consultations par an et par habitant standardisé',
		);

		// The under-65 toggle, with the keyboard (Space on the focused radio).
		await page.getByLabel('Seulement ceux de moins de 65 ans').focus();
		await page.keyboard.press('Space');
		await expect
			.poll(() => page.locator('.access-map__legend-title').innerText())
			.toBe('APL moins de 65 ans 2023 — consultations par an et par habitant standardisé');

		// The retirement-risk layer, and the approximate 20-minute reach around the chosen commune.
		await page.getByLabel('Risque lié aux départs en retraite').check();
		await expect.poll(() => page.locator('.access-map__legend-title').innerText()).toContain('65 ans ou plus (2023)');
		expect(await page.locator('.access-map__legend').innerText()).toContain('Très élevé : 50 % ou plus');
		await page.getByLabel(/Montrer les communes à environ 20 minutes/).check();
		await expect.poll(() => panel.innerText()).toContain('Communes à environ 20 minutes');
		expect(await seriousViolations(page)).toStrictEqual([]);
		mkdirSync('test-results', { recursive: true });
		await page.screenshot({ path: 'test-results/access-map.png', fullPage: true });

		// The CSV: one row per commune served, French spreadsheet conventions.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: /Télécharger le tableau/ }).click(),
		]);
		expect(download.suggestedFilename()).toBe('acces-medecins-nontronnais-2023.csv');
		const csv = readFileSync((await download.path()) ?? '', 'utf8');
		const lines = csv.trim().split('\r\n');
		expect(lines[0]).toMatch(/^\ufeff?Code commune \(Insee\);Commune;/);
		expect(lines).toHaveLength(featureCount + 1);
		expect(lines.find((line) => line.startsWith('24311;'))).toContain(';4,200;');
		expect(errors).toStrictEqual([]);
		await context.close();
	}, 90_000);

	it('on a 320 px phone, names the communes and keeps the credits clear of the map', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 640 } });
		const page = await context.newPage();
		await page.goto(`${devUrl}${PAGE}`);
		await revealAccessMap(page);
		await expect.poll(() => page.locator('.access-map__label:not(.is-hidden)').allInnerTexts()).toContain('Nontron');
		const map = await page.locator('.access-map__map').boundingBox();
		const credits = page.locator('.access-map__credits');
		const box = await credits.boundingBox();
		expect(await credits.isVisible()).toBe(true);
		expect(box && map && box.y >= map.y + map.height).toBe(true);
		expect(box && box.x + box.width <= 320).toBe(true);
		// No written name overlaps another, and none spills out of the map.
		const boxes = await page
			.locator('.access-map__label:not(.is-hidden) span')
			.evaluateAll((spans) => spans.map((span) => span.getBoundingClientRect().toJSON() as DOMRect));
		const inner = await page
			.locator('.access-map__map')
			.evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
		for (const [i, a] of boxes.entries()) {
			expect(a.left >= inner.left && a.right <= inner.right && a.top >= inner.top && a.bottom <= inner.bottom).toBe(
				true,
			);
			for (const b of boxes.slice(i + 1)) {
				expect(a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top).toBe(false);
			}
		}
		await page.locator('.access-map__map').screenshot({ path: 'test-results/access-map-320.png' });
		await context.close();
	}, 60_000);

	it('without JavaScript, the summary and the sortable table carry the same figures', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${devUrl}${PAGE}?tri=apl&ordre=decroissant`);
		expect(await page.locator('#resume').innerText()).toBe('En résumé (2023)');
		const rows = page.locator('.access-table tbody tr');
		expect(await rows.count()).toBe(featureCount);
		// Territory first (Nontron), then neighbours by APL, highest first.
		expect(await rows.nth(0).locator('th').innerText()).toContain('Nontron');
		expect(await page.locator('.access-table th[aria-sort="descending"]').innerText()).toContain('APL 2023');
		const neighbourApl = await rows.evaluateAll((trs) =>
			trs.slice(1).map((tr) => Number((tr.querySelectorAll('td')[1]?.textContent ?? '').replace(',', '.'))),
		);
		const known = neighbourApl.filter((value) => !Number.isNaN(value));
		expect(known).toStrictEqual([...known].sort((a, b) => b - a));
		expect(await page.locator('noscript').count()).toBe(1);
		await context.close();
	});
});
