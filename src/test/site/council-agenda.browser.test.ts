import { randomBytes } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { proposalInputSchema, toProposalArgs } from '../../lib/domain/proposal';
import { ANON } from '../../lib/server/db/port';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { callerFor, coordinatorClaims } from '../db/contract';
import { launchChromium } from './browser';

/**
 * Threshold → agenda → meeting, visible from either end, under `npm run dev`: a proposal put on the
 * council agenda shows on the page of the next meeting of its territory (filled in place with
 * JavaScript, through a link to the filtered list without), in that meeting's calendar file, and
 * its own page names the meeting. The Porcien's next meeting is the content's February one (the
 * other browser files seed their extra meetings in the Nontronnais).
 */
const devUrl = inject('devUrl');
const database = createPostgresAdapter({ url: inject('devDatabaseUrl'), database: 'pglite', max: 1 });
const MEETING = '2027-02-porcien-thierache';
const MEETING_TITLE = 'Conseil Pays de Santé du Porcien et sud Thiérache — février 2027';
const TITLE = `Un transport solidaire vers Rethel ${randomBytes(3).toString('hex')}`;

let browser: Browser;
let proposalId: number;

beforeAll(async () => {
	const input = proposalInputSchema.parse({
		title: TITLE,
		description: 'Un transport solidaire le jeudi vers les consultations de Rethel, pour qui n’a pas de voiture.',
		theme: 'medico-social',
		territoryId: 'porcien-thierache',
	});
	({ id: proposalId } = await database.callRpc<{ id: number }>(
		'submit_proposal',
		toProposalArgs(input, randomBytes(32).toString('hex')),
		ANON,
	));
	const coordinator = await callerFor(coordinatorClaims);
	// published → on_council_agenda is a move the coordinator may make (private.proposal_transitions).
	for (const status of ['published', 'on_council_agenda']) {
		await database.callRpc('decide_proposal', { p_proposal_id: proposalId, p_status: status }, coordinator);
	}
	browser = await launchChromium();
	// The first visit may make Vite optimise the island's dependencies and reload: do it once here.
	const warmUp = await browser.newPage();
	await warmUp.goto(`${devUrl}/reunions/${MEETING}/`);
	await warmUp.waitForSelector('#propositions-ordre-du-jour-liste[data-state="live"]', { timeout: 60_000 });
	await warmUp.close();
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await database.close();
});

const section = (page: Page) => page.locator('#propositions-ordre-du-jour');

describe('a proposal on the council agenda, in Chromium under npm run dev', () => {
	it('belongs to the next meeting of its territory', async () => {
		const found = await database.callRpc<{ meeting: { id: string } | null }>(
			'proposal_agenda_meeting',
			{ p_proposal_id: proposalId },
			ANON,
		);
		expect(found.meeting?.id).toBe(MEETING);
		const agenda = (await (await fetch(`${devUrl}/api/meetings/${MEETING}/agenda`)).json()) as {
			proposals: { id: number; title: string; url: string }[];
		};
		expect(agenda.proposals).toContainEqual({
			id: proposalId,
			title: TITLE,
			supports: 0,
			url: `/propositions/${proposalId}/`,
		});
	});

	it('with JavaScript: the meeting page fills its section in place with the live list', async () => {
		const context = await browser.newContext({ locale: 'fr-FR' });
		const page = await context.newPage();
		await page.goto(`${devUrl}/reunions/${MEETING}/`);
		expect(await section(page).getByRole('heading', { level: 2 }).innerText()).toBe(
			'Propositions des habitants à l’ordre du jour',
		);
		const link = section(page).getByRole('link', { name: TITLE });
		await link.waitFor({ timeout: 30_000 });
		expect(await link.getAttribute('href')).toBe(`/propositions/${proposalId}/`);
		expect(await section(page).innerText()).toContain(`${TITLE} (0 soutien confirmé)`);
		expect(page.url()).toBe(`${devUrl}/reunions/${MEETING}/`);
		const axe = await new AxeBuilder({ page })
			.include('#propositions-ordre-du-jour')
			.withTags(['wcag2a', 'wcag2aa'])
			.analyze();
		expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toStrictEqual([]);

		await link.click();
		await page.waitForURL(`${devUrl}/propositions/${proposalId}/`);
		await context.close();
	}, 60_000);

	it('without JavaScript: the meeting page links to the filtered list, and the proposal’s page names the meeting', async () => {
		const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${devUrl}/reunions/${MEETING}/`);
		expect(await section(page).getByRole('link', { name: TITLE }).count()).toBe(0);
		await section(page)
			.getByRole('link', { name: /Voir les propositions inscrites à l’ordre du jour du Conseil/ })
			.click();
		await page.waitForURL(/\/propositions\/\?/);
		const query = new URL(page.url()).searchParams;
		expect(Object.fromEntries(query)).toStrictEqual({ territory: 'porcien-thierache', status: 'on_council_agenda' });
		expect(await page.getByLabel('Avancement').inputValue()).toBe('on_council_agenda');

		await page.getByRole('link', { name: TITLE }).click();
		await page.waitForURL(`${devUrl}/propositions/${proposalId}/`);
		const line = page.locator('.agenda-meeting');
		expect(await line.innerText()).toBe(
			`À l’ordre du jour du prochain conseil : ${MEETING_TITLE}, samedi 6 février 2027 à 10 h 00.`,
		);
		await line.getByRole('link', { name: MEETING_TITLE }).click();
		await page.waitForURL(`${devUrl}/reunions/${MEETING}/`);
		await context.close();
	}, 60_000);

	it('its meeting’s calendar file names it, with the page’s address for the live list', async () => {
		const response = await fetch(`${devUrl}/reunions/${MEETING}.ics`);
		expect(response.status).toBe(200);
		// RFC 5545 folds long lines (CRLF then a space) and escapes commas: unfold before reading.
		const ics = (await response.text()).replace(/\r\n[ \t]/g, '').replace(/\\,/g, ',');
		// Addresses are absolute, on the configured site (SITE_URL), not necessarily this dev server's port.
		expect(ics).toMatch(new RegExp(`- ${TITLE} \\(0 soutien\\) : https?://[^/]+/propositions/${proposalId}/`));
		expect(ics).toContain(`/reunions/${MEETING}/#propositions-ordre-du-jour`);
	});
});
