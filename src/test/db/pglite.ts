import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, readMigrations, type SqlRunner, SUPABASE_DIR } from '../../lib/server/db/migrations.ts';

const CACHE_DIR = join(import.meta.dirname, '../../../node_modules/.cache/pays-de-sante');

export function pgliteRunner(db: PGlite): SqlRunner {
	return {
		exec: (sql) => db.exec(sql),
		query: async <T>(sql: string) => (await db.query<T>(sql)).rows,
	};
}

/** Identifies the schema: the bootstrap plus every migration's text. */
function schemaFingerprint(): string {
	const hash = createHash('sha256');
	hash.update(readFileSync(join(SUPABASE_DIR, 'bootstrap/plain-postgres.sql')));
	for (const migration of readMigrations()) hash.update(migration.version).update(migration.sql);
	return hash.digest('hex').slice(0, 16);
}

/**
 * A PGlite database with every migration applied. The first call migrates (≈ 3 s cold start) and
 * saves a data-dir snapshot keyed by the migrations' content; later calls load it (≈ 0.7 s).
 */
export async function createMigratedPGlite(dataDir?: string): Promise<PGlite> {
	const snapshot = join(CACHE_DIR, `pglite-${schemaFingerprint()}.tar.gz`);
	if (existsSync(snapshot)) {
		const blob = new Blob([readFileSync(snapshot)]);
		return PGlite.create({ ...(dataDir ? { dataDir } : {}), loadDataDir: blob });
	}
	const db = await PGlite.create(dataDir ? { dataDir } : {});
	await migrate(pgliteRunner(db));
	const dump = await db.dumpDataDir('gzip');
	mkdirSync(CACHE_DIR, { recursive: true });
	const partial = `${snapshot}.${process.pid}.tmp`;
	writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
	renameSync(partial, snapshot);
	return db;
}

/**
 * A migrated PGlite database served on loopback with the adapter the functions use: what the
 * importer, mail and access tests run against. `close()` stops all three.
 */
export async function servedMigratedPGlite(options: { max?: number; callTimeoutMs?: number } = {}) {
	const { servePGlite } = await import('../../lib/server/db/pglite-server.ts');
	const { createPostgresAdapter } = await import('../../lib/server/db/postgres-adapter.ts');
	const db = await createMigratedPGlite();
	const server = await servePGlite(db);
	const port = createPostgresAdapter({ url: server.url, database: 'pglite', max: options.max ?? 2, ...options });
	return {
		db,
		server,
		port,
		close: async () => {
			await port.close();
			await server.stop().catch(() => {});
			await db.close();
		},
	};
}

/** Rows of the access tables, the imported indicators only (not the D_j the importer computes). */
export async function accessRowCounts(db: PGlite): Promise<{ communes: number; indicators: number; areas: number }> {
	const { rows } = await db.query<{ communes: number; indicators: number; areas: number }>(
		`select (select count(*)::int from public.communes) as communes,
		        (select count(*)::int from public.indicators where indicator <> 'gp_demand') as indicators,
		        (select count(*)::int from public.area_indicators) as areas`,
	);
	return rows[0] as { communes: number; indicators: number; areas: number };
}
