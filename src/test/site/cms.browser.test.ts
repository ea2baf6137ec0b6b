import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CmsConfig } from '../../lib/content/cms-config';
import { issueLines, readFrontmatter, schemas } from '../frontmatter';
import { runAstro } from './astro-cli';
import { launchChromium } from './browser';
import { contentLayerCopy } from './content-copy';
import { ROOT } from './paths';

/**
 * The coordinator's CMS (Decap) under the shared `npm run dev`, in local mode through the decap-server
 * that dev.ts starts. Nothing is written, but for one scenario: every write request to decap-server is
 * captured and answered here, and what Decap would have written is checked against the content schemas
 * in a copy of content/. The scenario that lets decap-server write into content/ removes what it wrote,
 * even when it fails.
 */
const devUrl = inject('devUrl');
const MINUTES = '2026-06-nontronnais';
const MEETING = '2027-01-nontronnais';
const WRITE_ACTIONS = new Set(['persistEntry', 'persistMedia', 'deleteFile', 'deleteFiles']);
type DecapWrite = { action: string; params: { dataFiles?: { path: string; raw: string }[] } };

let browser: Browser;
let proxyUrl = '';
const copy = mkdtempSync(join(tmpdir(), 'pays-de-sante-cms-'));

beforeAll(async () => {
	const config = load(await (await fetch(`${devUrl}/admin/cms/config.yml`)).text()) as CmsConfig;
	proxyUrl = config.local_backend.url;
	const info = await fetch(proxyUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ action: 'info' }),
	}).then((response) => response.json() as Promise<{ repo: string; type: string }>);
	// Another checkout's `npm run dev` may hold the port: then set DECAP_SERVER_PORT for this one.
	expect(info, `decap-server at ${proxyUrl}`).toStrictEqual({
		repo: basename(ROOT),
		publish_modes: ['simple'],
		type: 'local_fs',
	});
	cpSync(join(ROOT, 'content'), join(copy, 'content'), { recursive: true });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	rmSync(copy, { recursive: true, force: true });
});

/**
 * The CMS, signed in to the local backend, with decap-server's write actions captured instead of run;
 * with `persist`, they run, after `persist` has been told which files they write.
 */
async function openCms({ persist }: { persist?: (path: string) => void } = {}): Promise<{
	page: Page;
	writes: DecapWrite[];
	errors: string[];
	close: () => Promise<void>;
}> {
	const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('response', (response) => {
		if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
	});
	const writes: DecapWrite[] = [];
	await page.route(proxyUrl, async (route) => {
		const body = route.request().postDataJSON() as DecapWrite;
		if (!WRITE_ACTIONS.has(body.action)) return route.continue();
		writes.push(body);
		if (!persist) return route.fulfill({ json: { message: 'entry persisted' } });
		for (const file of body.params.dataFiles ?? []) persist(file.path);
		return route.continue();
	});
	await page.goto(`${devUrl}/admin/cms/`);
	// Local mode: a plain "Se connecter" (in production it would be "Se connecter avec Netlify Identity").
	await page.getByRole('button', { name: 'Se connecter', exact: true }).click({ timeout: 30_000 });
	return { page, writes, errors, close: () => context.close() };
}

/** Publishes the open entry and returns the Markdown file Decap sends to decap-server. */
async function publish(page: Page, writes: DecapWrite[]): Promise<{ path: string; raw: string }> {
	await page.getByRole('button', { name: 'Publier' }).click();
	await page.getByText('Publier maintenant').click();
	await expect.poll(() => writes.length).toBe(1);
	const [file] = writes[0]?.params.dataFiles ?? [];
	if (!file) throw new Error(`no file in ${JSON.stringify(writes[0])}`);
	return file;
}

/** Puts the file into the copy of content/ and reads its front matter as the build does. */
function writeToCopy(file: { path: string; raw: string }): unknown {
	writeFileSync(join(copy, file.path), file.raw);
	return readFrontmatter(join(copy, file.path));
}

describe('the CMS at /admin/cms/, under npm run dev', () => {
	it('opens the minutes collection and an existing entry in the editor, in French', async () => {
		const { page, errors, close } = await openCms();
		await page.getByRole('link', { name: 'Comptes rendus' }).click();
		const { title } = readFrontmatter(join(ROOT, 'content/minutes', `${MINUTES}.md`)) as { title: string };
		await page.getByText(title).click();
		await page.waitForURL(`**/admin/cms/#/collections/minutes/entries/${MINUTES}`);
		expect(await page.getByLabel('Titre', { exact: true }).inputValue()).toBe(title);
		expect(await page.getByText('Présents par catégorie (nombres, jamais de noms)').count()).toBe(1);
		expect(errors).toStrictEqual([]);
		await close();
	});

	it('writes minutes that the schema accepts, references included', async () => {
		const { page, writes, errors, close } = await openCms();
		await page.goto(`${devUrl}/admin/cms/#/collections/minutes/entries/${MINUTES}`);
		await page.getByLabel('Personnes excusées').fill('5');
		const file = await publish(page, writes);
		expect(file.path).toBe(`content/minutes/${MINUTES}.md`);
		const result = schemas.minutes.safeParse(writeToCopy(file));
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		const data = result.data!;
		expect(data.apologies).toBe(5);
		expect(existsSync(join(copy, 'content/meetings', `${data.meeting.id}.md`))).toBe(true);
		expect(existsSync(join(copy, 'content/territories', `${data.territory.id}.md`))).toBe(true);
		expect(data.decisions.map((decision) => decision.deadline?.toISOString().slice(0, 10))).toContain('2026-09-15');
		expect(errors).toStrictEqual([]);
		await close();
	});

	it('leaves out the optional fields emptied in the form, instead of writing "" that the schema refuses', async () => {
		const { page, writes, errors, close } = await openCms();
		await page.goto(`${devUrl}/admin/cms/#/collections/meetings/entries/${MEETING}`);
		await page.getByLabel('Accès au lieu').fill('');
		await page.getByLabel('Durée prévue (minutes)').fill('');
		const file = await publish(page, writes);
		expect(file.raw).not.toMatch(/^\s*(access|durationMinutes):/m);
		const result = schemas.meeting.safeParse(writeToCopy(file));
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		// Paris wall-clock time as written in the form: 18:30 in January is 17:30 UTC.
		expect(result.data?.startsAt.toISOString()).toBe('2027-01-21T17:30:00.000Z');
		expect(result.data?.durationMinutes).toBe(120);
		// Stamped at the save (src/lib/client/cms-events.ts): the calendar files' SEQUENCE grows with it.
		expect(file.raw).toMatch(/^updatedAt: "?\d{4}-\d{2}-\d{2} \d{2}:\d{2}"?$/m);
		const stampedAt = result.data?.updatedAt?.getTime() ?? 0;
		expect(Math.abs(stampedAt - Date.now())).toBeLessThan(10 * 60_000);
		expect(errors).toStrictEqual([]);
		await close();
	});
});

/**
 * Decap cannot compare two files (src/lib/content/minutes-rules.ts does), so the CMS publishes such
 * minutes: the gate is the site. The dev server leaves them out and its minutes page says why, and the
 * sync that starts `astro build` stops on the very file the CMS wrote, naming it.
 */
describe('minutes that contradict their meeting, published from the CMS', () => {
	const DUPLICATED = '2026-10-nontronnais';
	const SECOND_TITLE = 'Second compte rendu d’essai, à ne pas publier';
	/** Files that decap-server wrote into content/ and that were not there before: removed whatever happens. */
	const created = new Set<string>();
	const removeCreated = () => {
		for (const path of created) rmSync(path, { force: true });
	};
	afterAll(removeCreated);

	const minutesPage = async () => (await fetch(`${devUrl}/comptes-rendus/`)).text();

	it('a second minutes for a meeting: not listed, the minutes page says why, the build refuses the file', async () => {
		const minutesBefore = readdirSync(join(ROOT, 'content/minutes')).sort();
		const { page, writes, errors, close } = await openCms({
			persist: (path) => {
				if (!existsSync(join(ROOT, path))) created.add(join(ROOT, path));
			},
		});
		try {
			// "Dupliquer" an existing entry: the copy is named after the same meeting, so Decap adds "-1".
			await page.goto(`${devUrl}/admin/cms/#/collections/minutes/entries/${DUPLICATED}`);
			await page.getByRole('button', { name: 'Publiée' }).click();
			await page.getByRole('menuitem', { name: 'Dupliquer' }).click();
			await page.getByLabel('Titre', { exact: true }).fill(SECOND_TITLE);
			const file = await publish(page, writes);
			expect(file.path).toBe(`content/minutes/${DUPLICATED}-1.md`);
			expect(created).toStrictEqual(new Set([join(ROOT, file.path)]));
			await expect.poll(() => existsSync(join(ROOT, file.path))).toBe(true);
			expect(errors).toStrictEqual([]);

			const message = `${file.path} : la réunion ${DUPLICATED} a déjà un compte rendu (content/minutes/${DUPLICATED}.md). Un seul compte rendu par réunion : complétez celui-ci.`;
			// The dev server's watcher puts the file in the content store; the pages leave it out.
			await expect.poll(minutesPage, { timeout: 30_000 }).toContain(file.path);
			const site = await page.context().newPage();
			await site.goto(`${devUrl}/comptes-rendus/`);
			await expect.poll(() => site.getByRole('alert').innerText()).toContain(message);
			expect(await site.getByRole('alert').getByRole('heading').innerText()).toBe('Comptes rendus à corriger');
			expect(await site.getByText(SECOND_TITLE).count()).toBe(0);
			expect(await site.locator(`a[href*="/comptes-rendus/${DUPLICATED}-1"]`).count()).toBe(0);
			expect(await site.locator(`a[href*="/comptes-rendus/${DUPLICATED}"]`).count()).toBeGreaterThan(0);
			expect((await fetch(`${devUrl}/comptes-rendus/${DUPLICATED}-1/`)).status).toBe(404);

			// What `astro build` and the start of `astro dev` run first: the content sync, on a copy with the file.
			const copy = contentLayerCopy();
			try {
				writeFileSync(join(copy.dir, file.path), file.raw);
				const result = runAstro(['sync'], copy.dir);
				expect(result.status).not.toBe(0);
				expect(result.output).toContain(`- ${message}`);
			} finally {
				copy.remove();
			}
		} finally {
			removeCreated();
			await close();
		}
		expect(readdirSync(join(ROOT, 'content/minutes')).sort()).toStrictEqual(minutesBefore);
		// The next tests meet the site as it was.
		await expect.poll(minutesPage, { timeout: 30_000 }).not.toContain('Comptes rendus à corriger');
	}, 150_000);
});

/**
 * The coordinator's loop through the CMS's own UI, for real (decap-server writes into content/):
 * a meeting created in the CMS takes a registration on its page at once; its capacity lowered in
 * the CMS moves the latest confirmed person back to the waiting list, and she is told.
 */
describe('a meeting created and changed in the CMS, under npm run dev', () => {
	const SOURCE = '2027-01-nontronnais';
	const COPY = `${SOURCE}-1`;
	const path = join(ROOT, 'content/meetings', `${COPY}.md`);
	const owner = postgres(inject('devDatabaseUrl'), { max: 1, onnotice: () => {} });
	const seats = async () => {
		const response = await fetch(`${devUrl}/api/meetings/${COPY}`);
		return response.ok ? ((await response.json()) as Record<string, number>) : { status: response.status };
	};
	afterAll(async () => {
		rmSync(path, { force: true });
		await owner.end();
	});

	/** Opens the entry in the CMS, sets its capacity, publishes for real; returns the file written. */
	async function publishCapacity(entry: string, capacity: number, duplicate: boolean) {
		const { page, writes, errors, close } = await openCms({ persist: () => {} });
		try {
			await page.goto(`${devUrl}/admin/cms/#/collections/meetings/entries/${entry}`);
			// Decap fills the form once the entry has loaded: a value typed before would be overwritten.
			await expect.poll(() => page.getByLabel('Titre', { exact: true }).inputValue(), { timeout: 30_000 }).not.toBe('');
			if (duplicate) {
				await page.getByRole('button', { name: 'Publiée' }).click();
				await page.getByRole('menuitem', { name: 'Dupliquer' }).click();
				await page.getByLabel('Titre', { exact: true }).fill('Réunion d’essai créée dans le CMS');
			}
			await page.getByLabel('Nombre de places').fill(String(capacity));
			await expect.poll(() => page.getByLabel('Nombre de places').inputValue()).toBe(String(capacity));
			const file = await publish(page, writes);
			expect(file.raw).toMatch(new RegExp(`^capacity: ${capacity}$`, 'm'));
			expect(errors).toStrictEqual([]);
			return file;
		} finally {
			await close();
		}
	}

	it('takes a registration on its page at once, then a lowered capacity moves the latest person to the waiting list and tells her', async () => {
		expect(existsSync(path)).toBe(false);
		try {
			const file = await publishCapacity(SOURCE, 2, true);
			expect(file.path).toBe(`content/meetings/${COPY}.md`);
			await expect.poll(seats, { timeout: 30_000 }).toMatchObject({ capacity: 2, confirmed: 0 });

			// Someone registered earlier by phone, then a resident signs up on the new meeting's page.
			const first = await fetch(`${devUrl}/api/meetings/${COPY}/registrations`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'x-nf-client-connection-ip': '203.0.113.90' },
				body: JSON.stringify({
					fullName: 'Première Personne',
					email: 'premiere@example.fr',
					category: 'habitants',
					consent: true,
				}),
			});
			expect(first.status).toBe(201);
			const context = await browser.newContext({ locale: 'fr-FR' });
			const page = await context.newPage();
			await expect
				.poll(async () => (await page.goto(`${devUrl}/reunions/${COPY}/`))?.status(), { timeout: 30_000 })
				.toBe(200);
			await page.getByLabel('Prénom et nom *').fill('Résidente Du Cms');
			await page.getByLabel('Adresse électronique').fill('residente-cms@example.fr');
			await page.getByLabel('Habitant·e').check();
			await page.getByLabel(/J’accepte que ces informations/).check();
			await page.getByRole('button', { name: 'M’inscrire à la réunion' }).click();
			await expect
				.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 })
				.toContain('Votre place est réservée');
			await context.close();
			await expect.poll(seats).toMatchObject({ capacity: 2, confirmed: 2, waitlisted: 0 });

			await publishCapacity(COPY, 1, false);
			await expect.poll(seats, { timeout: 30_000 }).toMatchObject({ capacity: 1, confirmed: 1, waitlisted: 1 });
			const rows = await owner<{ full_name: string; status: string }[]>`
				select full_name, status from public.registrations where meeting_id = ${COPY} order by id`;
			expect(rows.map((r) => `${r.full_name}: ${r.status}`)).toStrictEqual([
				'Première Personne: confirmed',
				'Résidente Du Cms: waitlisted',
			]);
			await expect
				.poll(async () =>
					(
						await owner<{ template: string }[]>`
							select o.template from public.outbox o join public.registrations r on r.id = o.registration_id
							where r.meeting_id = ${COPY} and r.email = 'residente-cms@example.fr'`
					).map((m) => m.template),
				)
				.toContain('moved_to_waitlist');
		} finally {
			rmSync(path, { force: true });
		}
	}, 180_000);
});

describe('the site identity in the CMS', () => {
	it('opens « Identité du site » and writes a YAML file that the schema accepts', async () => {
		const { page, writes, errors, close } = await openCms();
		expect(await page.getByRole('link', { name: 'Identité du site' }).count()).toBe(1);
		await page.goto(`${devUrl}/admin/cms/#/collections/site/entries/identite`);
		const current = schemas.siteIdentity.parse(load(readFileSync(join(ROOT, 'content/site/identite.yml'), 'utf8')));
		await expect.poll(() => page.getByLabel('Nom du site').inputValue(), { timeout: 30_000 }).toBe(current.name);
		await page.getByLabel('Téléphone').fill('05 53 12 34 56');
		const file = await publish(page, writes);
		expect(file.path).toBe('content/site/identite.yml');
		const result = schemas.siteIdentity.safeParse(load(file.raw));
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		expect(result.data).toStrictEqual({ ...current, contact: { ...current.contact, phone: '05 53 12 34 56' } });
		expect(errors).toStrictEqual([]);
		await close();
	});
});
