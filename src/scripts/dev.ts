import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../lib/server/env.ts';
import { portOpen, waitForPort } from './port-open.ts';

/**
 * `npm run dev`: with no database configured, starts the embedded PGlite server first (a separate
 * long-lived process: under `astro dev` every function call runs in a fresh worker), then decap-server
 * for the CMS at /admin/cms/, then `astro dev`.
 */
const env = readEnv();
const root = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
/** Starts a Node script; when an essential one stops, everything stops. */
const run = (
	args: string[],
	{ essential = true, extraEnv = {} }: { essential?: boolean; extraEnv?: NodeJS.ProcessEnv } = {},
) => {
	const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
	children.push(child);
	child.on('exit', (code) => {
		if (essential) shutdown(code ?? 0);
		else if (!stopping) console.warn(`${args[0]} stopped (code ${code}); the rest keeps running.`);
	});
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
		await waitForPort(env.PGLITE_PORT, 'The embedded database');
	}
}

// decap-server gives the CMS read and write access to this repository's files (not git: no commit).
// Bound to 127.0.0.1 only; it answers browsers on localhost origins only (its CORS default).
if (!env.isNetlify) {
	if (await portOpen(env.DECAP_SERVER_PORT)) {
		console.info(`Something already answers on port ${env.DECAP_SERVER_PORT}; the CMS will use it as decap-server.`);
	} else {
		run([new URL('../../node_modules/decap-server/dist/index.js', import.meta.url).pathname], {
			essential: false,
			extraEnv: { PORT: String(env.DECAP_SERVER_PORT), BIND_HOST: '127.0.0.1', MODE: 'fs', GIT_REPO_DIRECTORY: root },
		});
	}
}
// The CMS configuration served by astro dev points at the decap-server port chosen here.
run([new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url).pathname, 'dev', ...process.argv.slice(2)], {
	extraEnv: { DECAP_SERVER_PORT: String(env.DECAP_SERVER_PORT) },
});
