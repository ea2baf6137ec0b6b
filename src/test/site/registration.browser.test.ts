import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { startDevServer } from './dev-server';

const MEETING = '/reunions/2027-01-nontronnais/';
let browser: Browser;
let dev: Awaited<ReturnType<typeof startDevServer>>;

beforeAll(async () => {
	dev = await startDevServer();
	browser = await launchChromium();
	// The first page load makes Vite optimise the island's dependencies and reload: do it once here.
	const warmUp = await browser.newPage();
	await warmUp.goto(`${dev.url}${MEETING}`);
	await warmUp.waitForFunction(() => document.querySelector('.seats')?.textContent?.startsWith('Il reste'), null, {
		timeout: 40_000,
	});
	await warmUp.close();
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await dev?.stop();
});

async function fillForm(page: Page, who: string) {
	await page.getByLabel('Prénom et nom *').fill(`Résidente ${who}`);
	await page.getByLabel('Votre commune').selectOption({ label: 'Teyjat' });
	await page.getByLabel('Adresse électronique').fill(`${who}@example.fr`);
	await page.getByLabel('Habitant·e').check();
	await page.getByLabel(/J’accepte que ces informations/).check();
}

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

/** Follows the cancel link and confirms; axe runs inside the page, so only where JavaScript is on. */
async function cancelFrom(page: Page, { withAxe }: { withAxe: boolean }) {
	await page.getByRole('link', { name: 'annuler mon inscription' }).click();
	await page.waitForURL(/\/reunions\/annulation\/\?jeton=[0-9a-f]{64}$/);
	if (withAxe) expect(await seriousViolations(page)).toStrictEqual([]);
	await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
	await page.waitForURL(/\/reunions\/annulation\/confirmee\//);
	expect(await page.locator('h1').innerText()).toBe('Votre inscription est annulée');
}

describe('signing up for a council meeting in Chromium, under npm run dev', () => {
	it('with JavaScript: errors are announced and focused, then the place is booked in place, then cancelled', async () => {
		const context = await browser.newContext({ locale: 'fr-FR' });
		const page = await context.newPage();
		await page.goto(`${dev.url}${MEETING}`);
		await expect
			.poll(() => page.locator('.seats').innerText(), { timeout: 20_000 })
			.toMatch(/^Il reste \d+ places? sur \d+\.$/);
		await page.getByRole('button', { name: 'M’inscrire à la réunion' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toContain('Certaines informations sont à corriger.');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('fullName');
		expect(await page.getByLabel('Prénom et nom *').getAttribute('aria-invalid')).toBe('true');
		expect(await page.locator('#fullName-erreur').innerText()).toBe('Erreur : Indiquez votre prénom et votre nom.');
		expect(await seriousViolations(page)).toStrictEqual([]);

		await fillForm(page, 'avecjs');
		await page.getByRole('button', { name: 'M’inscrire à la réunion' }).click();
		await expect
			.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 })
			.toContain('Votre place est réservée');
		expect(await page.getByRole('status').innerText()).toMatch(/Votre numéro d’inscription : [A-HJKMNP-Z2-9]{6}/);
		await page.screenshot({ path: 'test-results/registration-with-js.png', fullPage: true });
		await cancelFrom(page, { withAxe: true });
		await context.close();
	}, 60_000);

	it('without JavaScript: the plain form posts, the confirmation page shows the reference, cancelling works', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${dev.url}${MEETING}`);
		await fillForm(page, 'sansjs');
		await page.getByRole('button', { name: 'M’inscrire à la réunion' }).click();
		await page.waitForURL(/\/reunions\/2027-01-nontronnais\/confirmation\/\?ref=/, { timeout: 30_000 });
		expect(await page.locator('h1').innerText()).toBe('Votre place est réservée');
		expect(await page.locator('main').innerText()).toMatch(/Votre numéro d’inscription : [A-HJKMNP-Z2-9]{6}/);
		await cancelFrom(page, { withAxe: false });
		await context.close();
	}, 60_000);
});
