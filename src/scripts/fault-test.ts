import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { sampleContent } from './lib/sample-content.ts';
import { freePort, waitForPort } from './port-open.ts';

/**
 * `npm run test:faults`: registrations are sent continuously to the embedded default (PGlite
 * server + the functions on the production-like server, each its own process) while, in a first
 * run, the database server is killed with SIGKILL and restarted, and in a second run the web
 * server is. Checks: every registration acknowledged with 201 is in the database exactly once, no
 * person is registered twice, the database reopens cleanly, and while the database was down the
 * answers were 503 with the French error shape — never a 500, never a hang. Exits 1 otherwise.
 */
const ROOT = resolve(import.meta.dirname, '../..');
/** The first upcoming meeting of the first territory in content/. */
const MEETING = (() => {
	const { territory, meeting } = sampleContent();
	if (!meeting)
		throw new Error(`content/meetings holds no upcoming meeting of ${territory.id}: nothing to register to`);
	return meeting.id;
})();
const SENDERS = 6;
const TIMEOUT_MS = 8000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

type Outcome = { email: string; status: number | 'refused' | 'timeout'; body: string; phase: string };

class Processes {
	children: ChildProcess[] = [];
	start(script: string, env: Record<string, string>, args: string[] = []) {
		const child = spawn(process.execPath, [join(ROOT, script), ...args], {
			cwd: ROOT,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		this.children.push(child);
		return child;
	}
	async killAll() {
		for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
		await sleep(300);
	}
}

async function run(victim: 'database' | 'web'): Promise<string[]> {
	const dataDir = mkdtempSync(join(tmpdir(), 'pays-de-sante-faults-'));
	const [dbPort, webPort] = [await freePort(), await freePort()];
	const dbEnv = { PGLITE_DATA_DIR: dataDir, PGLITE_PORT: String(dbPort), DATA_DIR: join(dataDir, 'no-data') };
	const webEnv = { PGLITE_PORT: String(dbPort), PORT: String(webPort) };
	const processes = new Processes();
	const failures: string[] = [];
	let database = processes.start('src/scripts/db-server.ts', dbEnv);
	let web = processes.start('src/scripts/serve.ts', webEnv, ['--functions-only']);
	try {
		await waitForPort(dbPort, 'the database server');
		await waitForPort(webPort, 'the web server');
		const outcomes: Outcome[] = [];
		let phase = 'before';
		let stop = false;
		let sequence = 0;
		const sender = async (id: number) => {
			while (!stop) {
				const n = sequence++;
				const email = `personne-${victim}-${n}@example.fr`;
				const at = phase;
				try {
					const response = await fetch(`http://127.0.0.1:${webPort}/api/meetings/${MEETING}/registrations`, {
						method: 'POST',
						headers: {
							'Content-Type': 'application/json',
							'x-nf-client-connection-ip': `10.${id}.${(n >> 8) & 255}.${n & 255}`,
						},
						body: JSON.stringify({ fullName: `Personne ${n}`, email, category: 'habitants', consent: true }),
						signal: AbortSignal.timeout(TIMEOUT_MS),
					});
					outcomes.push({ email, status: response.status, body: await response.text(), phase: at });
				} catch (error) {
					const name = (error as { name?: string }).name;
					outcomes.push({ email, status: name === 'TimeoutError' ? 'timeout' : 'refused', body: '', phase: at });
					await sleep(50);
				}
			}
		};
		const senders = Array.from({ length: SENDERS }, (_, i) => sender(i));
		await sleep(2500);
		phase = 'down';
		if (victim === 'database') database.kill('SIGKILL');
		else web.kill('SIGKILL');
		await sleep(2000);
		phase = 'restarting';
		if (victim === 'database') {
			database = processes.start('src/scripts/db-server.ts', dbEnv);
			await waitForPort(dbPort, 'the restarted database server');
		} else {
			web = processes.start('src/scripts/serve.ts', webEnv, ['--functions-only']);
			await waitForPort(webPort, 'the restarted web server');
		}
		phase = 'after';
		await sleep(2500);
		stop = true;
		await Promise.all(senders);

		// What the database holds, read as its owner.
		const sql = postgres(`postgres://postgres@127.0.0.1:${dbPort}/postgres`, { max: 1, onnotice: () => {} });
		const rows = await sql<{ email: string; reference: string }[]>`
			select email, reference from public.registrations where meeting_id = ${MEETING} and email like ${`personne-${victim}-%`}`;
		await sql.end();
		const byEmail = new Map<string, number>();
		for (const row of rows) byEmail.set(row.email, (byEmail.get(row.email) ?? 0) + 1);
		const acknowledged = outcomes.filter((o) => o.status === 201);
		const lost = acknowledged.filter((o) => !byEmail.has(o.email));
		const duplicated = [...byEmail].filter(([, count]) => count > 1);
		const count = (test: (o: Outcome) => boolean) => outcomes.filter(test).length;
		const serverErrors = outcomes.filter((o) => typeof o.status === 'number' && o.status >= 500 && o.status !== 503);
		const badUnavailable = outcomes.filter((o) => {
			if (o.status !== 503) return false;
			try {
				const body = JSON.parse(o.body) as { error?: { code?: string; message?: string } };
				return !(
					typeof body.error?.code === 'string' && /[éèàç]|base|réessayer|indisponible/i.test(body.error?.message ?? '')
				);
			} catch {
				return true;
			}
		});
		console.info(
			`[${victim} killed] ${outcomes.length} requests: ${acknowledged.length} acknowledged (201), ` +
				`${count((o) => o.status === 503)} answered 503 while down, ${count((o) => o.status === 'refused')} refused connections, ` +
				`${count((o) => o.status === 'timeout')} timeouts, ${serverErrors.length} other 5xx; database holds ${rows.length} rows; ` +
				`${lost.length} acknowledged but missing, ${duplicated.length} duplicated.`,
		);
		if (acknowledged.length < 20) failures.push(`${victim}: only ${acknowledged.length} registrations acknowledged`);
		if (lost.length) failures.push(`${victim}: ${lost.length} acknowledged registrations are missing`);
		if (duplicated.length) failures.push(`${victim}: ${duplicated.length} people registered twice`);
		if (serverErrors.length) failures.push(`${victim}: ${serverErrors.length} answers were 5xx other than 503`);
		if (badUnavailable.length)
			failures.push(`${victim}: ${badUnavailable.length} 503 answers without the French error shape`);
		if (count((o) => o.status === 'timeout')) failures.push(`${victim}: requests hung (timeout ${TIMEOUT_MS} ms)`);
		if (victim === 'database' && count((o) => o.status === 503) === 0) {
			failures.push('database: no request was answered while it was down');
		}
		if (victim === 'web' && count((o) => o.phase === 'down' && o.status === 'refused') === 0) {
			failures.push('web: no request met the dead server');
		}
	} finally {
		await processes.killAll();
		rmSync(dataDir, { recursive: true, force: true });
	}
	return failures;
}

const failures = [...(await run('database')), ...(await run('web'))];
if (failures.length) {
	console.error(`Fault test FAILED:\n- ${failures.join('\n- ')}`);
	process.exit(1);
}
console.info('Fault test passed: no acknowledged registration lost, none duplicated, 503 while the database was down.');
