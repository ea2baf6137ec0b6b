import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser';
import { TEST_COORDINATOR_PASSWORD } from './global-setup';

const devUrl = inject('devUrl');
const MEETING = '2027-01-nontronnais';
let browser: Browser;

beforeAll(async () => {
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
});

async function seriousViolations(page: Page) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

async function submitProposal(title: string): Promise<number> {
	const response = await fetch(`${devUrl}/api/proposals`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			title,
			description: 'Un transport solidaire vers les cabinets médicaux pour les personnes sans voiture.',
			theme: 'appui-cabinets',
			territoryId: 'nontronnais',
			elapsedMs: 8000,
		}),
	});
	expect(response.status).toBe(201);
	return ((await response.json()) as { id: number }).id;
}

describe('the coordinator’s workspace in Chromium, under npm run dev', () => {
	it('signs in, publishes and answers a proposal, enters and exports registrations, reads the log, signs out', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
		const page = await context.newPage();
		const visited: string[] = [];
		const check = async (label: string) => {
			visited.push(label);
			expect(await seriousViolations(page), label).toStrictEqual([]);
		};

		// Signed out, the workspace sends to the sign-in page.
		await page.goto(`${devUrl}/admin/`);
		await page.waitForURL(/\/admin\/connexion\/\?retour=%2Fadmin%2F$/);
		expect(await page.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex, nofollow');
		await check('connexion');
		await page.getByLabel('Mot de passe').fill('pas le bon');
		await page.getByRole('button', { name: 'Se connecter' }).click();
		expect(await page.locator('main').innerText()).toContain('Mot de passe incorrect.');
		await page.goto(`${devUrl}/admin/connexion/`);
		await page.getByLabel('Mot de passe').fill(TEST_COORDINATOR_PASSWORD);
		await page.getByRole('button', { name: 'Se connecter' }).click();
		await page.waitForURL(`${devUrl}/admin/`);
		expect(await page.locator('h1').innerText()).toBe('Tableau de bord');
		const cookies = await context.cookies();
		expect(cookies.find((c) => c.name === '__Host-pds-session')).toMatchObject({
			httpOnly: true,
			secure: true,
			sameSite: 'Strict',
		});

		// A resident's pending proposal appears on the dashboard and in the queue.
		const title = `Navette vers les cabinets ${Date.now()}`;
		const id = await submitProposal(title);
		await page.reload();
		expect(await page.locator('#a-moderer + *').innerText()).toContain(title);
		await check('tableau de bord');

		await page.goto(`${devUrl}/admin/propositions/`);
		const item = page.locator(`#proposition-${id}`);
		await item.getByRole('link', { name: 'Remerciement et mise à l’étude' }).click();
		await page.waitForURL(/modele=merci/);
		expect(await item.getByLabel('Réponse publique (facultative)').inputValue()).toContain(
			'Merci pour votre proposition.',
		);
		await check('propositions');
		await item.getByLabel('Nouveau statut').selectOption('published');
		await item.getByRole('button', { name: `Enregistrer la décision sur la proposition n° ${id}` }).click();
		await page.waitForURL(/\/admin\/propositions\/\?fait=1$/);
		expect(await page.getByRole('status').innerText()).toBe('C’est enregistré.');

		// Published with its answer on the public page.
		const publicPage = await context.newPage();
		await publicPage.goto(`${devUrl}/propositions/${id}/`);
		expect(await publicPage.locator('main').innerText()).toContain('Merci pour votre proposition.');
		await publicPage.close();

		// A registration taken by phone, then the list exported and the attendance sheet.
		await page.goto(`${devUrl}/admin/reunions/${MEETING}/`);
		await check('inscriptions');
		await page.getByLabel('Prénom et nom *').fill('Marcel Téléphone');
		await page.getByLabel('Téléphone', { exact: true }).check();
		await page.getByLabel('À quel titre *').selectOption('elus');
		await page.getByLabel('Téléphone (ou adresse électronique ci-dessous)').fill('05 53 56 00 00');
		await page.getByRole('button', { name: 'Enregistrer l’inscription' }).click();
		await page.waitForURL(/\?fait=1$/);
		expect(await page.locator('table').last().innerText()).toContain('Marcel Téléphone');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Exporter la liste (CSV)' }).click(),
		]);
		const csv = readFileSync((await download.path()) ?? '', 'utf8');
		expect(csv).toMatch(/Marcel Téléphone;[^\r\n]*;téléphone;/);
		await page.goto(`${devUrl}/admin/reunions/${MEETING}/emargement/`);
		expect(await page.locator('.attendance-sheet').innerText()).toContain('Marcel Téléphone');
		await check('émargement');
		await page.goto(`${devUrl}/admin/reunions/`);
		await check('réunions');
		await page.goto(`${devUrl}/admin/saisie/`);
		await check('saisie');

		// Every action is in the log, with its actor and time.
		await page.goto(`${devUrl}/admin/journal/`);
		expect(await page.locator('table').innerText()).toMatch(
			new RegExp(`Coordination[^\\n]*\\n?[^\\n]*proposition ${id}`),
		);
		await check('journal');

		// The coordinator's guide, in French, from the menu.
		await page.getByRole('link', { name: 'Aide' }).click();
		await page.waitForURL(/\/admin\/aide\/$/);
		expect(await page.locator('h1').innerText()).toContain('Aide');
		await check('aide');

		// Sign out: the workspace is closed again.
		await page.getByRole('button', { name: 'Se déconnecter' }).click();
		await page.waitForURL(/\/admin\/connexion\/\?deconnecte=1$/);
		await page.goto(`${devUrl}/admin/propositions/`);
		await page.waitForURL(/\/admin\/connexion\//);
		expect(visited).toHaveLength(9);
		await context.close();
	}, 120_000);
});
