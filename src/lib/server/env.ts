import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/**
 * The only reader of environment variables on the server. Everything is optional so that
 * `npm run dev` works with no configuration (the embedded PGlite default); what is required in
 * production is checked where it is used, with a message that says what to set.
 */
const envSchema = z.object({
	SUPABASE_URL: z.url().optional(),
	SUPABASE_ANON_KEY: z.string().min(20).optional(),
	SUPABASE_SERVICE_ROLE_KEY: z.string().min(20).optional(),
	SUPABASE_JWT_SECRET: z.string().min(32).optional(),
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//)
		.optional(),
	PGLITE_PORT: z.coerce.number().int().min(1).max(65_535).default(54_329),
	PGLITE_DATA_DIR: z.string().default('.data/pglite'),
	/** Port of `decap-server`, through which the CMS at /admin/cms/ edits `content/` under `npm run dev`. */
	DECAP_SERVER_PORT: z.coerce.number().int().min(1).max(65_535).default(8081),
	/** Folder of open-data files for `npm run data:import` (default: ../shared/data when it exists). */
	DATA_DIR: z.string().optional(),
	/** The embedded default's coordinator password (at least 12 characters); unset, the workspace stays closed. */
	COORDINATOR_PASSWORD: z.string().optional(),
	/** Signs and verifies the embedded default's coordinator tokens (production uses SUPABASE_JWT_SECRET). */
	LOCAL_JWT_SECRET: z.string().min(32).optional(),
	/** Salt for hashing client IP addresses in rate limits; required on Netlify. */
	HASH_SALT: z.string().min(16).optional(),
	/** Outgoing mail: smtp://user:password@host:587 (unset: messages go to the dev server log). */
	SMTP_URL: z.url().optional(),
	MAIL_FROM: z.string().default('Pays de Santé <ne-pas-repondre@pays-de-sante.fr>'),
	/** Days after a meeting when registrants' personal data is erased. */
	REGISTRATION_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
	/** The site's public address, for links in API answers (Netlify sets URL). */
	URL: z.url().optional(),
	NETLIFY: z.string().optional(),
	CONTEXT: z.string().optional(),
});

export type ServerEnv = z.infer<typeof envSchema> & {
	/** Running inside Netlify (build or functions), where a throw-away database is never acceptable. */
	isNetlify: boolean;
};

type NetlifyGlobal = { Netlify?: { env: { toObject(): Record<string, string> } } };

/** The project's `.env`: next to package.json, found from the working directory (every npm script's). */
export const DOT_ENV = resolve(process.cwd(), '.env');

let dotEnvCache: { path: string; mtimeMs: number; values: Record<string, string> } | undefined;

/** The variables of a `.env` file (Node's own parser), or none when there is no file. */
export function readDotEnv(path = DOT_ENV): Record<string, string> {
	let mtimeMs: number;
	try {
		mtimeMs = statSync(path).mtimeMs;
	} catch {
		return {};
	}
	if (dotEnvCache?.path !== path || dotEnvCache.mtimeMs !== mtimeMs) {
		dotEnvCache = { path, mtimeMs, values: parseEnv(readFileSync(path, 'utf8')) as Record<string, string> };
	}
	return dotEnvCache.values;
}

/**
 * The one configuration source of every command (`dev`, `serve`, scripts, tests) and of the
 * functions: the project's `.env`, then the environment, which wins (as on Netlify, where there is
 * no `.env` and the site's variables come from `Netlify.env`).
 */
function rawEnvironment(): Record<string, string | undefined> {
	// Some packages define a `Netlify` global outside Netlify too (seen under `astro dev`): whether
	// this is Netlify is told by Netlify's own variables, not by that global.
	const netlify = (globalThis as NetlifyGlobal).Netlify?.env.toObject() ?? {};
	const onNetlify = [netlify, process.env].some(
		(vars) => vars.NETLIFY || vars.CONTEXT || vars.AWS_LAMBDA_FUNCTION_NAME,
	);
	return { ...(onNetlify ? {} : readDotEnv()), ...process.env, ...netlify };
}

/** Where each setting comes from, for `npm run dev` to print: never a value, only names and sources. */
export function describeSettings(env: ServerEnv, dotEnv: Record<string, string> = readDotEnv()): string[] {
	const from = (name: string) => (process.env[name] ? 'environment' : dotEnv[name] ? '.env' : undefined);
	const source = (name: string) => (from(name) ? ` (${name} from ${from(name)})` : '');
	const database = env.SUPABASE_URL
		? `Supabase at ${new URL(env.SUPABASE_URL).host}${source('SUPABASE_URL')}`
		: env.DATABASE_URL
			? `PostgreSQL at ${new URL(env.DATABASE_URL).host}${source('DATABASE_URL')}`
			: `embedded PGlite in ${env.PGLITE_DATA_DIR}, port ${env.PGLITE_PORT}`;
	const password = env.COORDINATOR_PASSWORD;
	const workspace = env.SUPABASE_URL
		? 'Supabase Auth'
		: password && password.length >= 12
			? `COORDINATOR_PASSWORD set${source('COORDINATOR_PASSWORD')}`
			: password
				? `COORDINATOR_PASSWORD too short (at least 12 characters)${source('COORDINATOR_PASSWORD')}: the workspace stays closed`
				: 'COORDINATOR_PASSWORD not set: the workspace stays closed (add it to .env)';
	const mail = env.SMTP_URL
		? `SMTP at ${new URL(env.SMTP_URL).host}${source('SMTP_URL')}`
		: 'written to this log (SMTP_URL not set)';
	return [
		`configuration: ${Object.keys(dotEnv).length ? `.env (${Object.keys(dotEnv).length} settings), then the environment` : 'no .env file, the environment only'}`,
		`database: ${database}`,
		`coordinator sign-in: ${workspace}`,
		`mail: ${mail}`,
		`open data: ${env.DATA_DIR ? `${env.DATA_DIR}${source('DATA_DIR')}` : 'the default folder'}`,
	];
}

/** Parses the environment; throws with the names of the invalid variables (never their values). */
export function readEnv(source: Record<string, string | undefined> = rawEnvironment()): ServerEnv {
	const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
	const parsed = envSchema.safeParse(cleaned);
	if (!parsed.success) {
		const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
		throw new Error(`Invalid environment variables: ${names}. See .env.example.`);
	}
	return { ...parsed.data, isNetlify: Boolean(parsed.data.NETLIFY || parsed.data.CONTEXT) };
}

let processEnv: ServerEnv | undefined;

/**
 * The environment of this process, read once: a function instance's settings do not change while it
 * lives, and parsing them on every request costs (the hot paths use this; scripts and tests that
 * change variables call `readEnv()`).
 */
export function serverEnv(): ServerEnv {
	processEnv ??= readEnv();
	return processEnv;
}

/** The embedded default's address: the PGlite server started by `npm run dev`. */
export function embeddedDatabaseUrl(env: ServerEnv): string {
	return `postgres://postgres@127.0.0.1:${env.PGLITE_PORT}/postgres?sslmode=disable`;
}
