import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeSettings, readEnv } from '../lib/server/env.ts';
import { portOpen } from './port-open.ts';

/**
 * `npm run dev`: with no database configured, the embedded PGlite server (a separate long-lived
 * process, so that restarting the web server keeps the database warm), decap-server for the CMS at
 * /admin/cms/, and `astro dev`, which serves the pages and, through the function router of
 * `npm run serve`, the API. All three start at once: pages answer while the database opens (an
 * API call made before it is ready waits for it, up to the adapter's time limit).
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

console.info(
	describeSettings(env)
		.map((line) => `  ${line}`)
		.join('\n'),
);

const [databaseAnswers, cmsAnswers] = await Promise.all([
	!env.SUPABASE_URL && !env.DATABASE_URL ? portOpen(env.PGLITE_PORT) : Promise.resolve(undefined),
	env.isNetlify ? Promise.resolve(undefined) : portOpen(env.DECAP_SERVER_PORT),
]);
if (databaseAnswers === false) run([new URL('./db-server.ts', import.meta.url).pathname]);
else if (databaseAnswers) console.info(`A database already answers on port ${env.PGLITE_PORT}; using it.`);

// decap-server gives the CMS read and write access to this repository's files (not git: no commit).
// Bound to 127.0.0.1 only; it answers browsers on localhost origins only (its CORS default).
if (cmsAnswers === false) {
	run([new URL('../../node_modules/decap-server/dist/index.js', import.meta.url).pathname], {
		essential: false,
		extraEnv: { PORT: String(env.DECAP_SERVER_PORT), BIND_HOST: '127.0.0.1', MODE: 'fs', GIT_REPO_DIRECTORY: root },
	});
} else if (cmsAnswers) {
	console.info(`Something already answers on port ${env.DECAP_SERVER_PORT}; the CMS will use it as decap-server.`);
}
// The CMS configuration served by astro dev points at the decap-server port chosen here.
run([new URL('../../node_modules/astro/bin/astro.mjs', import.meta.url).pathname, 'dev', ...process.argv.slice(2)], {
	extraEnv: { DECAP_SERVER_PORT: String(env.DECAP_SERVER_PORT), ASTRO_TELEMETRY_DISABLED: '1' },
});
