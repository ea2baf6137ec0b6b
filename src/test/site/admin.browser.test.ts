import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser';
import { TEST_COORDINATOR_PASSWORD } from './global-setup';

const devUrl = inject('devUrl');
const MEETING = '2027-01-nontronnais';
/** The meeting the lifecycle test fills up (the public sign-up tests use the other one). */
const FULL_MEETING = '2027-02-porcien-thierache';
let browser: Browser;
/** The dev database's owner, to set up states the workspace cannot (a full meeting, a seat left free). */
const owner = postgres(inject('devDatabaseUrl'), { max: 1, onnotice: () => {} });

beforeAll(async () => {
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await owner.end();
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

async function signIn(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await page.goto(`${devUrl}/admin/connexion/`);
	await page.getByLabel('Mot de passe').fill(TEST_COORDINATOR_PASSWORD);
	await page.getByRole('button', { name: 'Se connecter' }).click();
	await page.waitForURL(`${devUrl}/admin/`);
	return page;
}

/** Whether a page is the self-contained French error page with its inline stylesheet applied. */
async function isStyledErrorPage(page: Page): Promise<boolean> {
	return page.evaluate(() => {
		const body = getComputedStyle(document.body);
		return (
			body.maxWidth === '640px' && body.fontFamily.includes('system-ui') && document.querySelector('main h1') !== null
		);
	});
}

/** Text that a screen or an export of the workspace must never show: UTC timestamps, stored English values. */
const RAW_VALUES =
	/\d{4}-\d{2}-\d{2}T\d{2}|(?<!\p{L})(web|phone|paper|confirmed|waitlisted|cancelled|pending|published)(?!\p{L})/u;

/** The registration ids of the seeded people, by name. */
async function referencesOf(meetingId: string): Promise<Map<string, string>> {
	const rows = await owner<{ full_name: string; reference: string }[]>`
		select full_name, reference from public.registrations where meeting_id = ${meetingId} and purged_at is null`;
	return new Map(rows.map((row) => [row.full_name, row.reference]));
}

describe('the coordinator’s workspace in Chromium, under npm run dev', () => {
	it('signs in, publishes and answers a proposal, enters and exports registrations, reads the log, signs out', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', acceptDownloads: true });
		const page = await context.newPage();
		const violations: string[] = [];
		page.on('console', (message) => {
			if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
		});
		const visited: string[] = [];
		const check = async (label: string) => {
			visited.push(label);
			expect(await seriousViolations(page), label).toStrictEqual([]);
			// The guide (written by hand) may say « site web »; the other pages show no stored value raw.
			if (label !== 'aide')
				expect((await page.locator('main').innerText()).match(RAW_VALUES)?.[0], label).toBeUndefined();
		};

		// Signed out, the workspace sends to the sign-in page.
		await page.goto(`${devUrl}/admin/`);
		await page.waitForURL(/\/admin\/connexion\/\?retour=%2Fadmin%2F$/);
		expect(await page.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex, nofollow');
		await check('connexion');
		// A wrong password: a French page, styled (its inline stylesheet is allowed by its policy).
		await page.getByLabel('Mot de passe').fill('pas le bon');
		await page.getByRole('button', { name: 'Se connecter' }).click();
		expect(await page.locator('main').innerText()).toContain('Mot de passe incorrect.');
		expect(await isStyledErrorPage(page)).toBe(true);
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
		// The menu proposes the next step, « Publier », not the current status.
		const decision = item.getByLabel('Décision');
		expect(await decision.inputValue()).toBe('published');
		expect(await decision.locator('option:checked').innerText()).toBe('Publier');
		await item.getByRole('button', { name: `Enregistrer la décision sur la proposition n° ${id}` }).click();
		await page.waitForURL(/\/admin\/propositions\/\?fait=1$/);
		expect(await page.getByRole('status').innerText()).toBe('C’est enregistré.');
		await page.goto(`${devUrl}/admin/propositions/?statut=published`);
		expect(await page.locator(`#proposition-${id}`).getByLabel('Décision').inputValue()).toBe('under_study');

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
		await page.getByLabel('Commune').selectOption({ label: 'Nontron' });
		await page.getByLabel('Téléphone (ou adresse électronique ci-dessous)').fill('05 53 56 00 00');
		await page.getByRole('button', { name: 'Enregistrer l’inscription' }).click();
		await page.waitForURL(/\?fait=1$/);
		const card = page.locator('.ws-card', { hasText: 'Marcel Téléphone' });
		expect(await card.innerText()).toMatch(
			/Commune\s*Nontron[\s\S]*05 53 56 00 00[\s\S]*téléphone, le [a-z]+ \d+ [a-zéû]+ \d{4} à \d\d h \d\d/,
		);
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Exporter la liste (CSV)' }).click(),
		]);
		const csv = readFileSync((await download.path()) ?? '', 'utf8');
		expect(csv).toMatch(
			/Marcel Téléphone;Nontron;24311;;05 53 56 00 00;Élu·e;;téléphone;[a-z]+ \d+ [a-zéû]+ \d{4} à \d\d h \d\d;/,
		);
		expect(csv).not.toMatch(RAW_VALUES);
		await page.goto(`${devUrl}/admin/reunions/${MEETING}/emargement/`);
		expect(await page.locator('.attendance-sheet').innerText()).toContain('Marcel Téléphone');
		// The council's agenda travels with the sheet: the proposals residents put on it.
		await expect
			.poll(() => page.getByRole('heading', { name: 'Propositions des habitants à l’ordre du jour' }).count())
			.toBe(1);
		await check('émargement');
		await page.goto(`${devUrl}/admin/reunions/`);
		await check('réunions');
		await page.goto(`${devUrl}/admin/saisie/`);
		await check('saisie');

		// Every action is in the log, as a sentence, with its actor and time.
		await page.goto(`${devUrl}/admin/journal/`);
		const journal = await page.locator('.ws-journal').innerText();
		expect(journal).toMatch(
			new RegExp(`[a-z]+ \\d+ [a-zéû]+ \\d{4} à \\d\\d h \\d\\d — Coordination\\nProposition ${id} publiée`),
		);
		expect(journal).toMatch(/Réunion « [^»]+ » : inscription [A-Z0-9]{6} saisie \(reçue par téléphone\)/);
		expect(journal).not.toMatch(/\(0000|to : published/);
		await check('journal');

		// The coordinator's guide, in French, from the menu.
		await page.getByRole('link', { name: 'Aide' }).click();
		await page.waitForURL(/\/admin\/aide\/$/);
		expect(await page.locator('h1').innerText()).toContain('Aide');
		await check('aide');

		// A form sent with a stale CSRF token: a French page, styled.
		await page.goto(`${devUrl}/admin/saisie/`);
		await page.locator('form[action^="/api/admin/proposals"] input[name="_csrf"]').evaluate((input) => {
			(input as HTMLInputElement).value = 'perime';
		});
		await page.getByLabel('Téléphone').first().check();
		await page.getByLabel('Titre *').fill('Une proposition envoyée avec un jeton périmé');
		await page.getByLabel('La proposition *').fill('Le jeton de sécurité de ce formulaire a été modifié.');
		await page.getByRole('button', { name: /Enregistrer la proposition/ }).click();
		await page.waitForSelector('main h1');
		expect(await page.locator('h1').innerText()).toBe('Action non enregistrée');
		expect(await page.locator('main').innerText()).toContain('rechargez la page de l’espace de coordination');
		expect(await isStyledErrorPage(page)).toBe(true);

		// Sign out: the workspace is closed again.
		await page.goto(`${devUrl}/admin/`);
		await page.getByRole('button', { name: 'Se déconnecter' }).click();
		await page.waitForURL(/\/admin\/connexion\/\?deconnecte=1$/);
		await page.goto(`${devUrl}/admin/propositions/`);
		await page.waitForURL(/\/admin\/connexion\//);
		expect(visited).toHaveLength(9);
		expect(violations).toStrictEqual([]);
		await context.close();
	}, 180_000);

	it('cancels for a person who phoned (the first person waiting is confirmed and mailed), moves a waiting person to a free seat, corrects contact details', async () => {
		// The meeting full (35 seats), then two people waiting.
		const [seats] = await owner<{ confirmed: number }[]>`
			select count(*)::int as confirmed from public.registrations where meeting_id = ${FULL_MEETING} and status = 'confirmed'`;
		const confirmed = seats?.confirmed ?? 0;
		const register = (name: string, email: string | null, phone: string | null, index: number) => owner`
			select public.register_for_meeting(p_meeting_id => ${FULL_MEETING}, p_full_name => ${name}, p_category => 'habitants',
			  p_email => ${email}, p_phone => ${phone}, p_consent => true, p_client_hash => ${`admin-test-${index}`})`;
		await register('Albert Annule', null, '05 24 00 00 01', 0);
		for (let i = 1; i < 35 - confirmed; i++) await register(`Place prise ${i}`, `place${i}@example.fr`, null, i);
		await register('Béatrice Attente', 'beatrice@example.fr', null, 40);
		await register('Claude Attente', null, '05 24 00 00 02', 41);
		const refs = await referencesOf(FULL_MEETING);
		const context = await browser.newContext({ locale: 'fr-FR' });
		// Residents see it full on the meeting's own page, with the waiting list.
		const resident = await context.newPage();
		await resident.goto(`${devUrl}/reunions/${FULL_MEETING}/`);
		await expect
			.poll(() => resident.locator('.seats').innerText(), { timeout: 20_000 })
			.toBe('Complet : 2 personnes en liste d’attente. Vous pouvez vous y inscrire.');
		await resident.close();
		const page = await signIn(context);
		const meetingPage = `${devUrl}/admin/reunions/${FULL_MEETING}/`;

		await page.goto(meetingPage);
		expect(await page.locator('main').innerText()).toContain('Liste d’attente (2), dans l’ordre d’arrivée');
		expect(await page.locator('.ws-card', { hasText: 'Béatrice Attente' }).innerText()).toContain(
			'1re sur la liste d’attente',
		);
		expect(await page.getByRole('button', { name: /Confirmer sa place/ }).count()).toBe(0);

		// Albert phoned to cancel: Béatrice, first in line, takes his seat and is told by mail.
		await page.getByRole('link', { name: 'Modifier ou annuler l’inscription de Albert Annule' }).click();
		await page.waitForURL(`${meetingPage}inscriptions/${refs.get('Albert Annule')}/`);
		expect(await page.locator('h1').innerText()).toBe('Inscription de Albert Annule');
		await page.getByRole('button', { name: 'Annuler l’inscription de Albert Annule' }).click();
		await page.waitForURL(`${meetingPage}?fait=1`);
		expect(await page.locator('#confirmees + ul').innerText()).toContain('Béatrice Attente');
		expect(await page.locator('#annulees + ul').innerText()).toContain('Albert Annule');
		expect(await page.locator('.ws-card', { hasText: 'Claude Attente' }).innerText()).toContain(
			'1re sur la liste d’attente',
		);
		const mailed = await owner`
			select o.template, o.recipient_email, o.sent_at is not null as sent from public.outbox o
			join public.registrations r on r.id = o.registration_id where r.reference = ${refs.get('Béatrice Attente') ?? ''}`;
		expect(mailed).toEqual([{ template: 'waitlist_promoted', recipient_email: 'beatrice@example.fr', sent: true }]);

		// A seat left free (here by hand): Claude, waiting, is moved to it from the list.
		await owner`update public.registrations set status = 'cancelled' where reference = ${refs.get('Place prise 1') ?? ''}`;
		await page.goto(meetingPage);
		expect(await page.locator('main').innerText()).toContain('Une place est libre');
		await page.getByRole('button', { name: 'Confirmer sa place : Claude Attente' }).click();
		await page.waitForURL(`${meetingPage}?fait=1`);
		expect(await page.locator('#confirmees + ul').innerText()).toContain('Claude Attente');
		expect(await page.locator('main').innerText()).toContain('Liste d’attente (0)');

		// Never beyond the capacity: the seat is taken meanwhile, the move is refused in French.
		await register('Denise Attente', 'denise@example.fr', null, 42);
		const denise = (await referencesOf(FULL_MEETING)).get('Denise Attente') ?? '';
		await owner`update public.registrations set status = 'cancelled' where reference = ${refs.get('Place prise 2') ?? ''}`;
		await page.goto(`${meetingPage}inscriptions/${denise}/`);
		const move = page.getByRole('button', { name: 'Confirmer la place de Denise Attente' });
		await owner`update public.registrations set status = 'confirmed' where reference = ${refs.get('Place prise 2') ?? ''}`;
		await move.click();
		await page.waitForSelector('main h1');
		expect(await page.locator('h1').innerText()).toBe('Action non enregistrée');
		expect(await page.locator('main').innerText()).toContain(
			'La réunion est complète : toutes les places sont prises.',
		);
		expect(await isStyledErrorPage(page)).toBe(true);
		await page.getByRole('link', { name: 'Revenir au formulaire' }).click();
		await page.waitForURL(`${meetingPage}inscriptions/${denise}/`);

		// Béatrice's details corrected: refused with the public form's message, then saved.
		const beatrice = refs.get('Béatrice Attente') ?? '';
		await page.goto(`${meetingPage}inscriptions/${beatrice}/`);
		// Without the browser's own check of the address, as a browser without it would send it.
		await page.locator('form[action*="/contact"]').evaluate((form) => {
			(form as HTMLFormElement).noValidate = true;
		});
		await page.getByLabel('Adresse électronique').fill('beatrice@');
		await page.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
		await page.waitForSelector('main h1');
		expect(await page.locator('main').innerText()).toContain(
			'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).',
		);
		await page.goto(`${meetingPage}inscriptions/${beatrice}/`);
		await page.getByLabel('Prénom et nom *').fill('Béatrice Martin');
		await page.getByLabel('Adresse électronique').fill('');
		await page.getByLabel('Téléphone').fill('05 24 00 00 03');
		await page.getByLabel('Commune').selectOption({ label: 'Château-Porcien' });
		await page.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
		await page.waitForURL(`${meetingPage}?fait=1`);
		const corrected = await page.locator('.ws-card', { hasText: 'Béatrice Martin' }).innerText();
		expect(corrected).toMatch(/Commune\s*Château-Porcien/);
		expect(corrected).toMatch(/Contact\s*05 24 00 00 03/);
		expect(await page.locator('main').innerText()).not.toMatch(RAW_VALUES);
		expect(corrected).not.toContain('beatrice@example.fr');

		// The log tells the story in words.
		await page.goto(`${devUrl}/admin/journal/`);
		const journal = await page.locator('.ws-journal').innerText();
		const atMeeting = 'Réunion « Conseil Pays de Santé du Porcien et sud Thiérache — février 2027 » : ';
		expect(journal).toContain(
			`${atMeeting}inscription ${refs.get('Albert Annule')} annulée par la coordination (elle était confirmée) ; inscription ${beatrice} confirmée depuis la liste d’attente`,
		);
		expect(journal).toContain(
			`${atMeeting}inscription ${beatrice} confirmée depuis la liste d’attente : une place s’est libérée (annulation de ${refs.get('Albert Annule')}) ; message envoyé par courriel`,
		);
		expect(journal).toContain(
			`${atMeeting}inscription ${refs.get('Claude Attente')} passée de la liste d’attente à confirmée par la coordination ; sans adresse électronique : à prévenir par téléphone`,
		);
		expect(journal).toContain(
			`${atMeeting}coordonnées de l’inscription ${beatrice} corrigées (nom, adresse électronique, téléphone et commune)`,
		);
		expect(journal).not.toMatch(/Béatrice|Albert|example\.fr/);

		// Back to an empty meeting for the other tests.
		await owner`update public.registrations set status = 'cancelled' where meeting_id = ${FULL_MEETING}`;
		await context.close();
	}, 180_000);

	it('fits a phone 320 px wide on every workspace page, without horizontal scrolling', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 640 } });
		const page = await signIn(context);
		const id = await submitProposal(`Une proposition au titre assez long pour un petit écran ${Date.now()}`);
		const [registration] = await owner<{ reference: string }[]>`
			select reference from public.registrations where meeting_id = ${MEETING} and status <> 'cancelled' order by id limit 1`;
		const paths = [
			'/admin/',
			'/admin/propositions/',
			`/admin/propositions/?statut=pending&p=${id}&modele=merci`,
			'/admin/propositions/?statut=published',
			'/admin/reunions/',
			`/admin/reunions/${MEETING}/`,
			`/admin/reunions/${MEETING}/inscriptions/${registration?.reference}/`,
			`/admin/reunions/${MEETING}/emargement/`,
			`/admin/reunions/${FULL_MEETING}/`,
			'/admin/saisie/',
			`/admin/saisie/?soutien=${id}`,
			'/admin/journal/',
			'/admin/aide/',
			'/admin/reunions/reunion-inconnue/',
		];
		const tooWide: string[] = [];
		/** The page's width, and the elements that stick out of 320 px (for a readable failure). */
		const overflow = (target: Page) =>
			target.evaluate(() => {
				const width = document.documentElement.scrollWidth;
				if (width <= 320) return '';
				const culprits = [...document.querySelectorAll('body *')]
					.filter((element) => element.getBoundingClientRect().right > 321)
					.slice(-3)
					.map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
				return `${width} px (${culprits.join(', ')})`;
			});
		for (const path of paths) {
			// Vite may reload a page of the dev server while it loads (an edited content file): go again then.
			await page.goto(`${devUrl}${path}`).catch(() => page.goto(`${devUrl}${path}`));
			const wide = await overflow(page);
			if (wide) tooWide.push(`${path}: ${wide}`);
		}
		// The sign-in page and a refused sign-in, signed out.
		const signedOut = await browser.newContext({ locale: 'fr-FR', viewport: { width: 320, height: 640 } });
		const visitor = await signedOut.newPage();
		await visitor.goto(`${devUrl}/admin/connexion/`);
		if (await overflow(visitor)) tooWide.push(`/admin/connexion/: ${await overflow(visitor)}`);
		await visitor.getByLabel('Mot de passe').fill('pas le bon');
		await visitor.getByRole('button', { name: 'Se connecter' }).click();
		await visitor.waitForSelector('main h1');
		if (await overflow(visitor)) tooWide.push(`sign-in refused: ${await overflow(visitor)}`);
		expect(tooWide).toStrictEqual([]);
		// Tables that do not fit scroll inside a labelled, focusable region.
		await page.goto(`${devUrl}/admin/reunions/${MEETING}/emargement/`);
		const region = page.getByRole('region', { name: /Personnes inscrites/ });
		expect(await region.getAttribute('tabindex')).toBe('0');
		await signedOut.close();
		await context.close();
	}, 180_000);
});
