import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CmsConfig } from '../../lib/content/cms-config';
import { issueLines, readFrontmatter, schemas } from '../frontmatter';
import { launchChromium } from './browser';
import { ROOT } from './paths';

/**
 * The coordinator's CMS (Decap) under the shared `npm run dev`, in local mode through the decap-server
 * that dev.ts starts. Nothing is written: every write request to decap-server is captured and answered
 * here, and what Decap would have written is checked against the content schemas in a copy of content/.
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

/** The CMS, signed in to the local backend, with decap-server's write actions captured instead of run. */
async function openCms(): Promise<{ page: Page; writes: DecapWrite[]; errors: string[]; close: () => Promise<void> }> {
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
		return route.fulfill({ json: { message: 'entry persisted' } });
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
		expect(errors).toStrictEqual([]);
		await close();
	});
});
