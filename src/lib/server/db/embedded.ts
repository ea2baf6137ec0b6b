import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { readContentMirror } from './content-mirror.ts';
import { migrate } from './migrations.ts';
import { servePGlite } from './pglite-server.ts';

export type EmbeddedDatabase = { url: string; port: number; applied: string[]; stop: () => Promise<void> };

/**
 * The embedded default: a PGlite database persisted in `dataDir`, migrated on start (new files in
 * supabase/migrations are applied, applied ones skipped), with territories and meetings mirrored
 * from content/, served over the PostgreSQL wire protocol on loopback.
 */
export async function startEmbeddedDatabase(options: { dataDir: string; port: number }): Promise<EmbeddedDatabase> {
	mkdirSync(options.dataDir, { recursive: true });
	const db = await PGlite.create({ dataDir: options.dataDir });
	const applied = await migrate({
		exec: (sql) => db.exec(sql),
		query: async (sql) => (await db.query(sql)).rows as never,
	});
	try {
		const mirror = readContentMirror();
		// The owner connection bypasses RLS; this is the same upsert the service role runs in production.
		await db.query('select public.sync_content($1::jsonb, $2::jsonb)', [
			JSON.stringify(mirror.territories),
			JSON.stringify(mirror.meetings),
		]);
	} catch (error) {
		// A content file being edited may be invalid for a moment: the database still starts, and the
		// dev server mirrors content again once the file is valid (and says what is wrong meanwhile).
		console.error(`Content not mirrored at start: ${error instanceof Error ? error.message : error}`);
	}
	const server = await servePGlite(db, options.port);
	return {
		url: server.url,
		port: server.port,
		applied,
		stop: async () => {
			await server.stop();
			await db.close();
		},
	};
}
