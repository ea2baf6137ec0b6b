import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, revealAccessMap, seriousViolations } from './browser';
import { ROOT } from './paths';

/**
 * The access simulator on the map page, under `npm run dev`, as an elected official uses it: the
 * coordinator has entered a practice (a content file, as the CMS writes it), then a departure is
 * simulated with the keyboard; the address carries the simulation to a browser without JavaScript,
 * which shows the same figures; the page prints as a one-page note. Fixture data: Nontron (24311) is
 * the Nontronnais commune of the fixtures, its neighbours are around it.
 */
const devUrl = inject('devUrl');
const PAGE = '/acces-aux-soins/nontronnais/';
const PRACTICE = join(ROOT, `content/practices/essai-simulateur-${process.pid}.md`);
let browser: Browser;

beforeAll(async () => {
	writeFileSync(
		PRACTICE,
		[
			'---',
			'name: "Cabinet d’essai du simulateur"',
			'kind: cabinet',
			'commune: "24311"',
			'gps: 4',
			'gpsAged65OrMore: 2',
			'source: "Essai automatique"',
			'updatedAt: 2026-11-30',
			'---',
			'',
		].join('\n'),
	);
	// The dev server's content layer picks the new practice up, and the data import must be done.
	const deadline = Date.now() + 90_000;
	for (;;) {
		const html = await (await fetch(`${devUrl}${PAGE}`)).text();
		if (html.includes('Médecins généralistes connus') && html.includes('id="simulation"')) break;
		if (Date.now() > deadline) throw new Error('the practice or the access data never reached the map page');
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	browser = await launchChromium();
}, 180_000);

afterAll(async () => {
	rmSync(PRACTICE, { force: true });
	await browser?.close();
});

const summaryText = (page: Page) => page.locator('#simulation-resume').locator('xpath=ancestor::table').innerText();

describe('the access simulator in Chromium, under npm run dev', () => {
	it('simulates 2 departures from Nontron with the keyboard; the address gives the same figures without JavaScript; it prints on one page', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1000, height: 900 } });
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		await page.goto(`${devUrl}${PAGE}`);
		await page.locator('#simulation').scrollIntoViewIfNeeded();
		// The island is hydrated once in view: it then answers without reloading the page.
		await page.waitForFunction(
			() => document.querySelector('astro-island:has(#simulation)')?.hasAttribute('ssr') === false,
		);

		await page.getByLabel('Des médecins partent').focus();
		await page.keyboard.press('Space');
		await page.keyboard.press('Tab');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('simulation-commune');
		await page.keyboard.type('Nontron');
		expect(await page.locator('#simulation-commune').inputValue()).toBe('24311');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Control+A');
		await page.keyboard.type('2');
		await page.keyboard.press('Tab');
		await page.keyboard.type('1');
		await page.keyboard.press('Enter');

		await expect.poll(() => page.url()).toContain('depart=24311-2-1');
		expect(await page.locator('.simulator__changes').innerText()).toContain(
			'2 médecins partent de Nontron (dont 1 de 65 ans ou plus)',
		);
		const withScript = await summaryText(page);
		// Fewer GPs: the territory's mean APL goes down (DREES value first, simulated value second).
		const mean = /APL moyen \(tous les médecins généralistes\)\s+([0-9,]+)\s+([0-9,]+)/.exec(withScript);
		expect(mean).not.toBeNull();
		const [before, after] = [mean?.[1] ?? '', mean?.[2] ?? ''].map((v) => Number(v.replace(',', '.')));
		expect(after).toBeLessThan(before as number);
		expect(await page.locator('.simulator__warning').innerText()).toContain('Simulation');
		// The map colours the simulated values, and shows where GPs are known (the practice entered: 4 at Nontron).
		await revealAccessMap(page);
		expect(await page.locator('.access-map__simulated').count()).toBe(1);
		await page.getByLabel('Afficher le nombre de médecins généralistes connus par commune').check();
		await expect.poll(() => page.locator('.access-map__gps').allInnerTexts()).toContain('4');
		expect(errors).toStrictEqual([]);

		expect(await seriousViolations(page)).toStrictEqual([]);

		// The same address in a browser without JavaScript: the server renders the same figures.
		const address = page.url();
		const noScript = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const plain = await noScript.newPage();
		const response = await plain.goto(address);
		expect(response?.status()).toBe(200);
		expect(await summaryText(plain)).toBe(withScript);
		await noScript.close();

		// Printed: the note (changes, territory before and after, crossings), not the map, table or form.
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('#simulation-resume').isVisible()).toBe(true);
		expect(await page.locator('.simulator__form').isVisible()).toBe(false);
		expect(await page.locator('#carte').isVisible()).toBe(false);
		expect(await page.locator('#tableau').isVisible()).toBe(false);
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
		await context.close();
	}, 120_000);

	it('refuses a departure where no GP is known, and an unknown commune in the address, in French', async () => {
		const map = (await (await fetch(`${devUrl}/api/access-map?territory=nontronnais`)).json()) as {
			features: { properties: { code: string; name: string } }[];
		};
		const other = map.features.find((f) => f.properties.code !== '24311')?.properties;
		expect(other).toBeDefined();
		const neighbourless = await fetch(`${devUrl}${PAGE}?depart=${other?.code}-1`);
		expect(neighbourless.status).toBe(400);
		expect(await neighbourless.text()).toContain(`Aucun médecin connu à ${other?.name}`);
		const unknown = await fetch(`${devUrl}${PAGE}?arrivee=99999-1`);
		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toContain('la commune 99999 n’est ni dans le territoire');
		const tooMany = await fetch(`${devUrl}${PAGE}?depart=24311-5`);
		expect(tooMany.status).toBe(400);
		expect(await tooMany.text()).toContain('4 médecins sont connus à Nontron');
	});
});
