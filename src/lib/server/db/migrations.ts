import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two things the runner needs from a connection: run a script, read rows. */
export type SqlRunner = {
	exec(sql: string): Promise<unknown>;
	query<T>(sql: string): Promise<T[]>;
};

export type Migration = { version: string; name: string; sql: string };

const MIGRATION_FILE = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export const SUPABASE_DIR = join(import.meta.dirname, '../../../../supabase');

/** Migrations in `supabase/migrations`, in version order; a badly named file is an error, not skipped. */
export function readMigrations(dir = join(SUPABASE_DIR, 'migrations')): Migration[] {
	return readdirSync(dir)
		.filter((file) => file.endsWith('.sql'))
		.sort()
		.map((file) => {
			const match = MIGRATION_FILE.exec(file);
			if (!match) throw new Error(`${file}: migration files are named YYYYMMDDHHmmss_snake_case_description.sql`);
			return { version: match[1] ?? '', name: match[2] ?? '', sql: readFileSync(join(dir, file), 'utf8') };
		});
}

/**
 * Applies, on a plain PostgreSQL, the Supabase bootstrap then every migration not yet recorded in
 * `supabase_migrations.schema_migrations` (the table the Supabase CLI uses), each in its own
 * transaction. Returns the versions applied now; running it again applies nothing.
 */
export async function migrate(db: SqlRunner, migrations = readMigrations()): Promise<string[]> {
	await db.exec(readFileSync(join(SUPABASE_DIR, 'bootstrap/plain-postgres.sql'), 'utf8'));
	await db.exec(`
		create schema if not exists supabase_migrations;
		create table if not exists supabase_migrations.schema_migrations (
			version text primary key, statements text[], name text
		);`);
	const done = new Set(
		(await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).map(
			(row) => row.version,
		),
	);
	const applied: string[] = [];
	for (const migration of migrations) {
		if (done.has(migration.version)) continue;
		try {
			await db.exec(
				`begin;\n${migration.sql}\n;insert into supabase_migrations.schema_migrations (version, name) values ('${migration.version}', '${migration.name}');\ncommit;`,
			);
		} catch (error) {
			await db.exec('rollback').catch(() => {});
			throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, {
				cause: error,
			});
		}
		applied.push(migration.version);
	}
	return applied;
}
