import type { PGlite } from '@electric-sql/pglite';
import type { JwtClaims } from '../../lib/server/db/port.ts';

export type RoleName = 'anon' | 'coordinator' | 'user' | 'service';

export const CLAIMS: Record<RoleName, JwtClaims> = {
	anon: { role: 'anon' },
	coordinator: {
		role: 'authenticated',
		sub: '00000000-0000-4000-8000-000000000001',
		app_metadata: { role: 'coordinator' },
	},
	user: { role: 'authenticated', sub: '00000000-0000-4000-8000-000000000002', app_metadata: {} },
	service: { role: 'service_role' },
};

export type Outcome = { rows: number; error?: undefined } | { rows?: undefined; error: string };

/**
 * Runs `work` as a role with its JWT claims, the way PostgREST does, inside a transaction that is
 * always rolled back: the database is unchanged afterwards.
 */
export async function withRole<T>(db: PGlite, role: RoleName, work: () => Promise<T>): Promise<T> {
	await db.exec('begin');
	try {
		await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
			CLAIMS[role].role,
			JSON.stringify(CLAIMS[role]),
		]);
		return await work();
	} finally {
		await db.exec('rollback');
	}
}

/** One statement as a role: the rows it returned or changed, or the SQLSTATE of its error. */
export async function asRole(db: PGlite, role: RoleName, statement: string): Promise<Outcome> {
	try {
		return await withRole(db, role, async () => {
			const result = await db.query(statement);
			return { rows: result.affectedRows || result.rows.length };
		});
	} catch (error) {
		return { error: (error as { code?: string }).code ?? 'unknown' };
	}
}
