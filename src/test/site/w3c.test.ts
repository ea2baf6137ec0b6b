import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../lib/server/auth/jwt';
import { startProductionServer } from '../../scripts/lib/production-server';
import { coordinatorClaims, TEST_JWT_SECRET } from '../db/contract';
import { DIST, ROOT } from './paths';

/**
 * The W3C Nu HTML checker (vnu-jar, offline, Java 17) over every built page of `dist/` and over the
 * page types rendered on request, fetched from the shared `npm run dev` server: one Java run for
 * all of them, since starting the checker costs more than checking a page.
 */
const VNU = join(ROOT, 'node_modules/vnu-jar/build/dist/vnu.jar');
const JAVA = process.env.JAVA ?? '/usr/bin/java';
const devUrl = inject('devUrl');
const work = mkdtempSync(join(tmpdir(), 'w3c-'));

let production: Awaited<ReturnType<typeof startProductionServer>>;

beforeAll(async () => {
	// The map page as the built site renders it (its stylesheet inlined, Leaflet's included), on the
	// production-like server over the shared dev server's database.
	process.env.DATABASE_URL = inject('devDatabaseUrl');
	production = await startProductionServer({ root: ROOT });
}, 60_000);

afterAll(async () => {
	await production?.close();
	delete process.env.DATABASE_URL;
	rmSync(work, { recursive: true, force: true });
});

/**
 * Errors the checker reports in Leaflet's own stylesheet (node_modules/leaflet/dist/leaflet.css,
 * imported as is by the map island), excepted by rule and only these:
 */
const LEAFLET_CSS_EXCEPTIONS: { message: string; reason: string }[] = [
	{
		message: 'CSS: “behavior”: Property “behavior” doesn\u2019t exist.',
		reason:
			'`.lvml { behavior: url(#default#VML) }` is Leaflet’s switch for Internet Explorer 8 vector shapes: every other browser ignores the unknown property.',
	},
	{
		message: 'CSS: “mix-blend-mode”: “plus-lighter” is not a “mix-blend-mode” value.',
		reason:
			'`plus-lighter` is a valid value of CSS Compositing Level 2 (Leaflet uses it against seams between tiles); the checker’s CSS grammar predates it.',
	},
];
const excepted = (message: string) =>
	LEAFLET_CSS_EXCEPTIONS.some((rule) => message.replace(/'/g, '\u2019') === rule.message);

function htmlFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.html'))
		.map((entry) => join(entry.parentPath, entry.name));
}

/** Publishes a proposal through the real API (submitted by a resident, published by the coordinator). */
async function publishedProposal(): Promise<number> {
	const submitted = await fetch(`${devUrl}/api/proposals`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			title: 'Une permanence de sage-femme à Nontron',
			description: 'Les jeunes parents doivent aller jusqu’à Périgueux pour un suivi après la naissance.',
			theme: 'prevention-education',
			territoryId: 'nontronnais',
			elapsedMs: 30_000,
		}),
	});
	expect(submitted.status).toBe(201);
	const { id } = (await submitted.json()) as { id: number };
	const token = await signToken(coordinatorClaims, TEST_JWT_SECRET);
	const decision = await fetch(`${devUrl}/api/admin/proposals/${id}/decision`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
		body: JSON.stringify({ status: 'published', answer: 'Merci : la conseillère en parle avec la maternité.' }),
	});
	expect(decision.status).toBe(200);
	return id;
}

/** The shared dev server imports the fixture data in the background on its first start: wait for the map. */
async function accessDataImported(): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await fetch(`${devUrl}/api/access-map?territory=nontronnais`);
		const body = response.ok ? ((await response.json()) as { features: unknown[] }) : { features: [] };
		if (body.features.length > 1) return;
		if (Date.now() > deadline) throw new Error(`access data not imported (status ${response.status})`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe('the W3C Nu HTML checker', () => {
	it('finds no error in any built page nor in the pages rendered on request', async () => {
		await accessDataImported();
		const token = '0'.repeat(64);
		const onDemand = {
			'map.html': '/acces-aux-soins/nontronnais/',
			'map-sorted.html': '/acces-aux-soins/nontronnais/?tri=apl&ordre=decroissant',
			'map-no-data.html': '/acces-aux-soins/porcien-thierache/',
			'proposals.html': '/propositions/',
			'proposal.html': `/propositions/${await publishedProposal()}/`,
			'support-confirm.html': `/propositions/soutien/confirmer/?jeton=${token}`,
			'meeting-confirmation.html': '/reunions/2027-01-nontronnais/confirmation/?ref=ABCD2345',
			'meeting-cancel.html': `/reunions/annulation/?reunion=2027-01-nontronnais&jeton=${token}`,
			'sign-in.html': '/admin/connexion/',
		};
		const built: Record<string, string> = {
			'map-built.html': '/acces-aux-soins/nontronnais/',
			'proposals-built.html': '/propositions/',
		};
		for (const [file, path] of Object.entries(built)) {
			const response = await fetch(`${production.url}${path}`);
			expect(response.status, path).toBe(200);
			writeFileSync(join(work, file), await response.text());
		}
		for (const [file, path] of Object.entries(onDemand)) {
			const response = await fetch(`${devUrl}${path}`);
			expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
			writeFileSync(join(work, file), await response.text());
		}
		const pages = htmlFiles(DIST);
		expect(pages.length).toBeGreaterThan(30);
		// A page with one known error proves that the checker read the files it was given.
		const canary = join(work, 'canary.html');
		writeFileSync(canary, '<!doctype html><html lang="fr"><title>Témoin</title><p><div></div></p></html>');
		const rendered = { ...onDemand, ...built };
		const files = [...pages, ...Object.keys(rendered).map((file) => join(work, file)), canary];

		const run = spawnSync(JAVA, ['-jar', VNU, '--format', 'json', '--errors-only', '--exit-zero-always', ...files], {
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
		const report = JSON.parse(run.stderr) as {
			messages: { type: string; url?: string; lastLine?: number; message: string; extract?: string }[];
		};
		const isCanary = (url = '') => url.endsWith('/canary.html');
		expect(report.messages.filter((m) => isCanary(m.url)).map((m) => m.message)).toContain(
			'No “p” element in scope but a “p” end tag seen.',
		);
		const name = (url = '') => {
			const path = decodeURI(url.replace(/^file:/, ''));
			const file = relative(work, path);
			if (file in built) return `${built[file]} (on request, built site)`;
			if (file in onDemand) return `${onDemand[file as keyof typeof onDemand]} (on request, npm run dev)`;
			return relative(DIST, path);
		};
		const errors = report.messages
			.filter((m) => m.type === 'error' && !isCanary(m.url) && !excepted(m.message))
			.map(
				(m) => `${name(m.url)}:${m.lastLine ?? '?'} ${m.message} [${(m.extract ?? '').replace(/\s+/g, ' ').trim()}]`,
			);
		const leaflet = report.messages.filter((m) => m.type === 'error' && excepted(m.message));
		console.info(
			`Nu checker: ${files.length - 1} pages, ${errors.length} errors, ${leaflet.length} excepted in Leaflet's CSS (${[...new Set(leaflet.map((m) => name(m.url)))].join(', ')})`,
		);
		expect(errors).toStrictEqual([]);
	}, 120_000);
});
