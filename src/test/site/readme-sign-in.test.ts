import { type ChildProcess, spawn } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/port-open.ts';
import { ROOT } from './paths';

/**
 * The README, word for word, in a copy of the project: `cp .env.example .env`, set
 * COORDINATOR_PASSWORD in `.env`, `npm run dev`, sign in at /admin/connexion/. The password is in
 * `.env` only, never in the environment of the command.
 */
const PASSWORD = 'une phrase de passe écrite dans le fichier env';
const copy = mkdtempSync(join(tmpdir(), 'pays-de-sante-readme-'));
let child: ChildProcess | undefined;
let output = '';
let url = '';

beforeAll(async () => {
	for (const path of [
		'src',
		'content',
		'public',
		'netlify',
		'supabase',
		'astro.config.mjs',
		'package.json',
		'tsconfig.json',
		'.env.example',
	]) {
		cpSync(join(ROOT, path), join(copy, path), { recursive: true });
	}
	// Its own node_modules folder of links, so that Vite's and Astro's caches of the copy stay in the copy.
	mkdirSync(join(copy, 'node_modules'));
	for (const name of readdirSync(join(ROOT, 'node_modules'))) {
		if (name.startsWith('.')) continue;
		symlinkSync(join(ROOT, 'node_modules', name), join(copy, 'node_modules', name));
	}
	mkdirSync(join(copy, 'node_modules/.bin'));
	for (const name of readdirSync(join(ROOT, 'node_modules/.bin'))) {
		symlinkSync(join(ROOT, 'node_modules/.bin', name), join(copy, 'node_modules/.bin', name));
	}

	// README, "Configuration": cp .env.example .env, then set the password in it.
	copyFileSync(join(copy, '.env.example'), join(copy, '.env'));
	const example = readFileSync(join(copy, '.env'), 'utf8');
	expect(example).toMatch(/^# COORDINATOR_PASSWORD=$/m);
	writeFileSync(join(copy, '.env'), example.replace(/^# COORDINATOR_PASSWORD=$/m, `COORDINATOR_PASSWORD=${PASSWORD}`));

	const [web, db, cms] = [await freePort(), await freePort(), await freePort()];
	url = `http://localhost:${web}`;
	const environment = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !/^(VITEST|NODE_ENV$|TEST$|COORDINATOR_PASSWORD$|LOCAL_JWT_SECRET$)/.test(name),
		),
	);
	child = spawn('npm', ['run', 'dev', '--', '--port', String(web), '--ignore-lock'], {
		cwd: copy,
		env: {
			...environment,
			// npm runs the scripts with the project's Node 22, as on a fresh clone.
			PATH: `${join(ROOT, 'node_modules/.bin')}:${dirname(process.execPath)}:${process.env.PATH}`,
			PGLITE_PORT: String(db),
			DECAP_SERVER_PORT: String(cms),
			// No open data to import: this test is about signing in, and the import would compete for the CPU.
			DATA_DIR: join(copy, 'no-open-data'),
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	child.stdout?.on('data', (chunk) => {
		output += chunk;
	});
	child.stderr?.on('data', (chunk) => {
		output += chunk;
	});
	const deadline = Date.now() + 200_000;
	for (;;) {
		const ok = await fetch(`${url}/api/health`).then(
			(r) => r.ok,
			() => false,
		);
		if (ok) break;
		if (Date.now() > deadline || child.exitCode !== null)
			throw new Error(`npm run dev did not start:\n${output.slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}, 230_000);

afterAll(async () => {
	if (child?.pid) {
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {}
	}
	await new Promise((resolve) => setTimeout(resolve, 800));
	rmSync(copy, { recursive: true, force: true });
});

describe('signing in as the README says, with COORDINATOR_PASSWORD in .env', () => {
	it('npm run dev says where the password comes from, without printing it', () => {
		expect(output).toContain('coordinator sign-in: COORDINATOR_PASSWORD set (COORDINATOR_PASSWORD from .env)');
		expect(output).not.toContain(PASSWORD);
	});

	it('the sign-in page offers the form, the password opens the workspace, a wrong one does not', async () => {
		const page = await (await fetch(`${url}/admin/connexion/`)).text();
		expect(page).toContain('Mot de passe');
		expect(page).not.toContain('COORDINATOR_PASSWORD=');
		const post = (password: string) =>
			fetch(`${url}/api/admin/session`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url },
				body: new URLSearchParams({ password }),
				redirect: 'manual',
			});
		expect((await post('pas le bon mot de passe du tout')).status).toBe(401);
		const signedIn = await post(PASSWORD);
		expect(signedIn.status).toBe(303);
		expect(signedIn.headers.get('location')).toBe('/admin/');
		const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
		const dashboard = await fetch(`${url}/admin/`, { headers: { Cookie: cookie }, redirect: 'manual' });
		expect(dashboard.status).toBe(200);
		expect(await dashboard.text()).toContain('Tableau de bord');
	});
});
