import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';

/** Loaded when first needed, not when Astro reads its configuration (supabase-js, postgres, nodemailer). */
const load = async () => {
	const [sync, db, env, mail] = await Promise.all([
		import('../db/content-sync.ts'),
		import('../db/index.ts'),
		import('../env.ts'),
		import('../mail/mail-port.ts'),
	]);
	return { ...sync, ...db, ...env, ...mail };
};

/** The content that SQL's rules depend on: a change to one of these files is mirrored at once. */
const MIRRORED = /^content[\\/](meetings|territories)[\\/][^\\/]+\.md$/;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Content reaches the database as soon as it is saved: under `astro dev`, at start and whenever a
 * file of content/meetings or content/territories changes (a CMS save or an edit), the mirror is
 * synced and the people concerned are told (seats moved, meeting cancelled or moved); after a
 * production build on Netlify, the built content is synced to Supabase with the service role.
 */
export function contentSync(): AstroIntegration {
	let root = process.cwd();
	return {
		name: 'pays-de-sante:content-sync',
		hooks: {
			'astro:config:done': ({ config }) => {
				root = fileURLToPath(config.root);
			},
			'astro:server:setup': ({ server, logger }) => {
				let timer: NodeJS.Timeout | undefined;
				let siteUrl = 'http://localhost:4321';
				const run = async (attemptsLeft: number): Promise<void> => {
					try {
						const { readEnv, getDataPort, syncContent, describeSync, deliverInBackground, sharedMailTransport } =
							await load();
						const env = readEnv();
						const port = getDataPort(env);
						const result = await syncContent(port);
						logger.info(describeSync(result));
						void deliverInBackground(port, sharedMailTransport(env), siteUrl);
					} catch (error) {
						// At start the embedded database may still be opening, and a file just saved may be
						// half-written: try again, every second.
						if (attemptsLeft > 0) {
							setTimeout(() => void run(attemptsLeft - 1), 1000);
							return;
						}
						logger.error(`Le contenu n’a pas pu être synchronisé avec la base : ${reason(error)}`);
					}
				};
				server.httpServer?.once('listening', () => {
					const address = server.httpServer?.address();
					if (address && typeof address === 'object') siteUrl = `http://localhost:${address.port}`;
					// Once the first pages have had the CPU: what changed while the server was stopped.
					setTimeout(() => void run(60), 3000);
				});
				server.watcher.on('all', (_event, path) => {
					if (!MIRRORED.test(relative(root, path).split(sep).join('/'))) return;
					clearTimeout(timer);
					// A file read while the CMS is still writing it is invalid for a moment: a few tries.
					timer = setTimeout(() => void run(3), 200);
				});
			},
			'astro:build:done': async ({ logger }) => {
				await syncAfterBuild(logger);
			},
		},
	};
}

/**
 * After a build: with Supabase and its service role key in the build's environment (Netlify's
 * production builds), or DATABASE_URL, the content is mirrored now, so a meeting published from
 * the CMS takes registrations as soon as the new site is live. A production build on Netlify
 * without the key fails: its meetings would refuse every registration.
 */
async function syncAfterBuild(logger: AstroIntegrationLogger): Promise<void> {
	const { readEnv, getDataPort, syncContent, describeSync, deliverOutbox, sharedMailTransport } = await load();
	const env = readEnv();
	const canSync = (env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY) || env.DATABASE_URL;
	if (!canSync) {
		if (env.isNetlify && env.CONTEXT === 'production') {
			throw new Error(
				'Set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY in the build environment (Netlify → Site configuration → Environment variables, scope "Builds"): without them, meetings published in content/ never reach the database and refuse registrations.',
			);
		}
		logger.info('content not mirrored to a database (no SUPABASE_SERVICE_ROLE_KEY or DATABASE_URL in this build)');
		return;
	}
	if (env.isNetlify && env.CONTEXT && env.CONTEXT !== 'production') {
		logger.info(`content not mirrored: a ${env.CONTEXT} build never writes to the production database`);
		return;
	}
	const port = getDataPort(env);
	const result = await syncContent(port);
	logger.info(describeSync(result));
	// The people told of a change (seats moved, meeting cancelled or moved) hear it now; what is not
	// sent here stays in the outbox for the next delivery or the daily maintenance.
	if (env.URL) {
		const sent = await deliverOutbox(port, sharedMailTransport(env), env.URL).catch(() => 0);
		if (sent) logger.info(`${sent} message(s) sent to registrants`);
	}
}
