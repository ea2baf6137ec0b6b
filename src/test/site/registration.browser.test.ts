import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../lib/server/auth/jwt';
import { ANON } from '../../lib/server/db/port';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { coordinatorClaims, TEST_JWT_SECRET } from '../db/contract';
import { launchChromium } from './browser';

const MEETING = '/reunions/2027-01-nontronnais/';
let browser: Browser;
const dev = { url: inject('devUrl'), databaseUrl: inject('devDatabaseUrl') };

beforeAll(async () => {
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
	await page.waitForURL(/\/reunions\/annulation\/\?reunion=2027-01-nontronnais&jeton=[0-9a-f]{64}$/);
	// The page names the meeting before anything is cancelled.
	expect(await page.locator('main').innerText()).toContain('Conseil Pays de Santé du Nontronnais — janvier 2027');
	if (withAxe) expect(await seriousViolations(page)).toStrictEqual([]);
	await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
	await page.waitForURL(/\/reunions\/annulation\/confirmee\//);
	expect(await page.locator('h1').innerText()).toBe('Votre inscription est annulée');
	// Nobody was waiting for this meeting's 35 seats: the page does not pretend someone got the place.
	const text = await page.locator('main').innerText();
	expect(text).toContain('Conseil Pays de Santé du Nontronnais — janvier 2027');
	expect(text).not.toContain('personne suivante');
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

describe('a resident’s proposal in Chromium, under npm run dev, without JavaScript', () => {
	it('is submitted, published by the coordinator, supported, and reaches the council agenda at 20 confirmed supports', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${dev.url}/propositions/nouvelle/`);
		await page.getByLabel('Titre de votre proposition *', { exact: true }).fill('Un cabinet infirmier à Javerlhac');
		await page
			.getByLabel('Votre proposition *', { exact: true })
			.fill('Les personnes âgées de la commune doivent faire 20 km pour une prise de sang.');
		await page.getByLabel('Thème *').selectOption('cooperation-professionnels');
		await page.getByLabel('Territoire *').selectOption('nontronnais');
		await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
		await page.waitForURL(/\/propositions\/merci\/\?numero=\d+$/, { timeout: 30_000 });
		const id = new URL(page.url()).searchParams.get('numero');

		const coordinator = await signToken(coordinatorClaims, TEST_JWT_SECRET);
		const decision = await fetch(`${dev.url}/api/admin/proposals/${id}/decision`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${coordinator}` },
			body: JSON.stringify({
				status: 'published',
				answer: 'Merci : la conseillère prend contact avec les infirmières du secteur.',
			}),
		});
		expect(decision.status).toBe(200);

		await page.goto(`${dev.url}/propositions/`);
		await page.getByRole('link', { name: 'Un cabinet infirmier à Javerlhac' }).click();
		await page.getByLabel('Prénom et nom *').fill('Voisine Solidaire');
		await page.getByLabel('Adresse électronique *').fill('voisine@example.fr');
		await page.getByRole('button', { name: 'Je soutiens cette proposition' }).click();
		await page.waitForURL(/soutien=envoye/, { timeout: 30_000 });
		let text = await page.locator('main').innerText();
		expect(text).toContain('0 soutien confirmé · 1 soutien en attente de confirmation');
		expect(text).toContain('Dernière étape : ouvrez le message que nous venons de vous envoyer');
		// Without an email address, the help text sends the person to the coordinator.
		expect(text).toMatch(
			/Pas d’adresse électronique \? Contactez la conseillère Pays de Santé (au [0-9 ]+ ou )?à [a-z-]+@[a-z.-]+ : elle enregistre votre soutien par téléphone ou sur papier, et il compte aussitôt\./,
		);

		// The link of the message (the dev server's mail log prints it; the owner reads it from the outbox).
		const owner = postgres(dev.databaseUrl, { max: 1, onnotice: () => {} });
		const tokenOf = async (email: string) => {
			const [row] = await owner<{ token: string }[]>`
				select payload ->> 'token' as token from public.outbox
				where template = 'support_confirmation' and recipient_email = ${email} order by id desc limit 1`;
			return row?.token ?? '';
		};
		const link = `/propositions/soutien/confirmer/?jeton=${await tokenOf('voisine@example.fr')}`;
		await page.goto(`${dev.url}${link}`);
		// Opening the link changes nothing (mail scanners follow links): only the button confirms.
		expect(await page.locator('h1').innerText()).toBe('Confirmer mon soutien');
		await page.goto(`${dev.url}/propositions/${id}/`);
		expect(await page.locator('main').innerText()).toContain('0 soutien confirmé · 1 soutien en attente');
		await page.goto(`${dev.url}${link}`);
		await page.getByRole('button', { name: 'Confirmer mon soutien' }).click();
		await page.waitForURL(new RegExp(`/propositions/soutien/confirme/\\?numero=${id}$`), { timeout: 30_000 });
		expect(await page.locator('h1').innerText()).toBe('Merci, votre soutien est confirmé');
		expect(await page.locator('main').innerText()).toContain('1 soutien confirmé');

		// 19 more residents, straight to the same database (each from its own client address), each
		// confirming their own link.
		const database = createPostgresAdapter({ url: dev.databaseUrl, database: 'pglite', max: 1 });
		for (let i = 0; i < 19; i++) {
			const email = `soutien${i}@example.fr`;
			await database.callRpc(
				'support_proposal',
				{ p_proposal_id: id, p_full_name: `Soutien ${i}`, p_email: email, p_client_hash: `${i}`.padStart(64, 'c') },
				ANON,
			);
			if (i === 18) {
				await page.goto(`${dev.url}/propositions/${id}/`);
				expect(await page.locator('main').innerText()).toContain('19 soutiens confirmés · 1 soutien en attente');
			}
			await database.callRpc('confirm_support', { p_token: await tokenOf(email) }, ANON);
		}
		await database.close();
		await owner.end();
		await page.goto(`${dev.url}/propositions/${id}/`);
		text = await page.locator('main').innerText();
		expect(text).toContain('20 soutiens confirmés');
		expect(text).toContain('Inscrite à l’ordre du jour du Conseil');
		expect(text).toContain('(automatiquement, seuil de soutiens atteint)');
		expect(text).toContain('Merci : la conseillère prend contact');
		await context.close();

		const withAxe = await browser.newContext({ locale: 'fr-FR' });
		for (const path of [
			'/propositions/',
			`/propositions/${id}/`,
			'/propositions/nouvelle/',
			`/propositions/soutien/confirmer/?jeton=${'0'.repeat(64)}`,
			`/propositions/soutien/confirme/?numero=${id}`,
		]) {
			const axePage = await withAxe.newPage();
			await axePage.goto(`${dev.url}${path}`);
			expect(await seriousViolations(axePage), path).toStrictEqual([]);
			await axePage.close();
		}
		await withAxe.close();
	}, 120_000);
});

describe('the proposal form with JavaScript', () => {
	it('announces and focuses errors, then confirms in place with the proposal number', async () => {
		const context = await browser.newContext({ locale: 'fr-FR' });
		const page = await context.newPage();
		await page.goto(`${dev.url}/propositions/nouvelle/`);
		await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'), null, { timeout: 60_000 });
		await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
		await expect.poll(() => page.getByRole('alert').innerText()).toContain('Certaines informations sont à corriger.');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('title');
		expect(await seriousViolations(page)).toStrictEqual([]);
		await page
			.getByLabel('Titre de votre proposition *', { exact: true })
			.fill('Une permanence de la conseillère à Liart');
		await page
			.getByLabel('Votre proposition *', { exact: true })
			.fill('Une demi-journée par mois à la mairie, pour les démarches.');
		await page.getByLabel('Thème *').selectOption('prevention-education');
		await page.getByLabel('Territoire *').selectOption('porcien-thierache');
		await page.waitForTimeout(3000);
		await page.getByRole('button', { name: 'Envoyer ma proposition' }).click();
		await expect
			.poll(() => page.getByRole('status').innerText(), { timeout: 30_000 })
			.toMatch(/Elle porte le numéro \d+/);
		await context.close();
	}, 90_000);
});
