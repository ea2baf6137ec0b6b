import { type ChildProcess, spawn } from 'node:child_process';
import { readEnv } from '../lib/server/env.ts';
import { portOpen } from './port-open.ts';

/**
 * `npm run dev`: with no database configured, starts the embedded PGlite server first (a separate
 * long-lived process: under `astro dev` every function call runs in a fresh worker), then `astro dev`.
 */
const env = readEnv();
const children: ChildProcess[] = [];
const run = (args: string[]) => {
	const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
	children.push(child);
	child.on('exit', (code) => shutdown(code ?? 0));
	return child;
};

let stopping = false;
function shutdown(code: number) {
	if (stopping) return;
	stopping = true;
	for (const child of children) child.kill('SIGTERM');
	setTimeout(() => process.exit(code), 500);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

if (!env.SUPABASE_URL && !env.DATABASE_URL) {
	if (await portOpen(env.PGLITE_PORT)) {
		console.info(`A database already answers on port ${env.PGLITE_PORT}; using it.`);
	} else {
		run([new URL('./db-server.ts', import.meta.url).pathname]);
		const deadline = Date.now() + 60_000;
		while (!(await portOpen(env.PGLITE_PORT))) {
			if (Date.now() > deadline) throw new Error('The embedded database did not start within 60 s.');
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
}
run([new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url).pathname, 'dev', ...process.argv.slice(2)]);
