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
	MAIL_FROM: z.string().default('Pays de Santé <ne-pas-repondre@pays-de-sante.example>'),
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

function rawEnvironment(): Record<string, string | undefined> {
	const netlify = (globalThis as NetlifyGlobal).Netlify;
	return { ...process.env, ...(netlify ? netlify.env.toObject() : {}) };
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

/** The embedded default's address: the PGlite server started by `npm run dev`. */
export function embeddedDatabaseUrl(env: ServerEnv): string {
	return `postgres://postgres@127.0.0.1:${env.PGLITE_PORT}/postgres?sslmode=disable`;
}
