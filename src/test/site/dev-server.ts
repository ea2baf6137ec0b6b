import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/port-open.ts';
import { ROOT } from './paths';

/**
 * `npm run dev` as a resident meets it: the embedded database (in a temporary folder) and
 * `astro dev` serving pages, on-demand pages and functions. Resolves once /api/health answers.
 */
export async function startDevServer(
	extraEnv: Record<string, string> = {},
): Promise<{ url: string; databaseUrl: string; cmsUrl: string; stop: () => Promise<void> }> {
	const [webPort, dbPort, cmsPort] = [await freePort(), await freePort(), await freePort()];
	const dataDir = mkdtempSync(join(tmpdir(), 'pays-de-sante-dev-'));
	const child: ChildProcess = spawn(
		process.execPath,
		['src/scripts/dev.ts', '--port', String(webPort), '--ignore-lock'],
		{
			cwd: ROOT,
			env: {
				// Vitest's own variables (NODE_ENV=test, VITEST…) would change how Astro and Vite behave.
				...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITEST|NODE_ENV$|TEST$)/.test(name))),
				PGLITE_PORT: String(dbPort),
				PGLITE_DATA_DIR: dataDir,
				DECAP_SERVER_PORT: String(cmsPort),
				ASTRO_TELEMETRY_DISABLED: '1',
				DEV_LIVE_RELOAD: 'off',
				...extraEnv,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		},
	);
	let output = '';
	child.stdout?.on('data', (chunk) => {
		output += chunk;
	});
	child.stderr?.on('data', (chunk) => {
		output += chunk;
	});
	const url = `http://localhost:${webPort}`;
	const stop = async () => {
		if (child.pid) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {}
		}
		await new Promise((resolve) => setTimeout(resolve, 800));
		rmSync(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 90_000;
	for (;;) {
		try {
			const response = await fetch(`${url}/api/health`);
			if (response.ok) {
				return {
					url,
					databaseUrl: `postgres://postgres@127.0.0.1:${dbPort}/postgres`,
					cmsUrl: `http://127.0.0.1:${cmsPort}/api/v1`,
					stop,
				};
			}
		} catch {}
		if (Date.now() > deadline || child.exitCode !== null) {
			await stop();
			throw new Error(`npm run dev did not start:\n${output.slice(-3000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
