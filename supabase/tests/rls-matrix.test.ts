import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedPGlite } from '../../src/test/db/pglite.ts';
import { asRole, type Outcome, type RoleName } from '../../src/test/db/roles.ts';
import { seedEveryTable } from './seed.ts';

/**
 * Every table × every role × every operation, run as PostgREST would run it. `denied` is a
 * permission error (42501); `rows:N` is what a select returns or a write changes; `ok` is a write
 * that changed at least one row. A deny on select is either an error or zero rows.
 */
type Expected = 'denied' | 'ok' | `rows:${number}`;
type Op = 'select' | 'insert' | 'update' | 'delete';
type TableCase = { statements: Record<Op, string>; expected: Record<RoleName, Record<Op, Expected>> };

const readOnlyForApi = (rows: number): Record<RoleName, Record<Op, Expected>> => ({
	anon: { select: `rows:${rows}`, insert: 'denied', update: 'denied', delete: 'denied' },
	coordinator: { select: `rows:${rows}`, insert: 'denied', update: 'denied', delete: 'denied' },
	user: { select: `rows:${rows}`, insert: 'denied', update: 'denied', delete: 'denied' },
	service: { select: `rows:${rows}`, insert: 'ok', update: 'ok', delete: 'ok' },
});

const privateToCoordinator = (
	rows: number,
	anonSelect: Expected = 'denied',
): Record<RoleName, Record<Op, Expected>> => ({
	anon: { select: anonSelect, insert: 'denied', update: 'denied', delete: 'denied' },
	coordinator: { select: `rows:${rows}`, insert: 'denied', update: 'denied', delete: 'denied' },
	user: { select: 'rows:0', insert: 'denied', update: 'denied', delete: 'denied' },
	service: { select: `rows:${rows}`, insert: 'ok', update: 'ok', delete: 'ok' },
});

const serviceOnly = (rows: number): Record<RoleName, Record<Op, Expected>> => ({
	anon: { select: 'denied', insert: 'denied', update: 'denied', delete: 'denied' },
	coordinator: { select: 'denied', insert: 'denied', update: 'denied', delete: 'denied' },
	user: { select: 'denied', insert: 'denied', update: 'denied', delete: 'denied' },
	service: { select: `rows:${rows}`, insert: 'ok', update: 'ok', delete: 'ok' },
});

let ids: Awaited<ReturnType<typeof seedEveryTable>>;

const tables: Record<string, () => TableCase> = {
	territories: () => ({
		statements: {
			select: 'select id from public.territories',
			insert: `insert into public.territories (id, name) values ('t-new', 'Nouveau')`,
			update: `update public.territories set name = name where id = 'nontronnais'`,
			delete: `delete from public.territories where id = 't-spare'`,
		},
		expected: readOnlyForApi(2),
	}),
	communes: () => ({
		statements: {
			select: 'select code from public.communes',
			insert: `insert into public.communes (code, name, department) values ('24998', 'Nouvelle', '24')`,
			update: `update public.communes set name = name where code = '24311'`,
			delete: `delete from public.communes where code = '24999'`,
		},
		expected: readOnlyForApi(2),
	}),
	indicators: () => ({
		statements: {
			select: 'select value from public.indicators',
			insert: `insert into public.indicators (commune_code, indicator, vintage, value, source) values ('24311', 'apl_gp_under_65', 2023, 2, 'DREES')`,
			update: `update public.indicators set value = value where commune_code = '24311'`,
			delete: `delete from public.indicators where commune_code = '24999'`,
		},
		expected: readOnlyForApi(2),
	}),
	area_indicators: () => ({
		statements: {
			select: 'select value from public.area_indicators',
			insert: `insert into public.area_indicators (area, indicator, vintage, value, communes, source) values ('D08', 'apl_gp', 2023, 3, 449, 'DREES')`,
			update: `update public.area_indicators set value = value where area = 'D24'`,
			delete: `delete from public.area_indicators where area = 'FR'`,
		},
		expected: readOnlyForApi(2),
	}),
	meetings: () => ({
		statements: {
			select: 'select id from public.meetings',
			insert: `insert into public.meetings (id, territory_id, title, starts_at, capacity) values ('m-new', 'nontronnais', 'Nouvelle', now() + interval '9 days', 10)`,
			update: `update public.meetings set capacity = capacity where id = 'm-seed'`,
			delete: `delete from public.meetings where id = 'm-spare'`,
		},
		expected: readOnlyForApi(2),
	}),
	registrations: () => ({
		statements: {
			select: 'select id from public.registrations',
			insert: `insert into public.registrations (meeting_id, reference, status, full_name, email, contact_hash, category, consent_at)
				values ('m-seed', 'GHJKMN', 'confirmed', 'Intrus', 'intrus@example.fr', repeat('d', 64), 'habitants', now())`,
			update: `update public.registrations set needs = 'x' where reference = 'ABCDEF'`,
			delete: `delete from public.registrations where reference = 'ABCDEF'`,
		},
		expected: privateToCoordinator(1),
	}),
	supports: () => ({
		statements: {
			select: 'select id from public.supports',
			insert: `insert into public.supports (proposal_id, full_name, email, contact_hash) values (${ids.publishedId}, 'Intrus', 'intrus@example.fr', repeat('e', 64))`,
			update: 'update public.supports set full_name = full_name',
			delete: 'delete from public.supports',
		},
		expected: privateToCoordinator(1),
	}),
	proposals: () => ({
		statements: {
			select: 'select id from public.proposals',
			insert: `insert into public.proposals (title, description, theme, territory_id) values ('Direct', 'Écrite sans passer par la fonction.', 'autre', 'nontronnais')`,
			update: `update public.proposals set title = title where id = ${ids.publishedId}`,
			delete: `delete from public.proposals where id = ${ids.spareId}`,
		},
		expected: {
			anon: { select: 'rows:1', insert: 'denied', update: 'denied', delete: 'denied' },
			coordinator: { select: 'rows:3', insert: 'denied', update: 'denied', delete: 'denied' },
			user: { select: 'rows:1', insert: 'denied', update: 'denied', delete: 'denied' },
			service: { select: 'rows:3', insert: 'ok', update: 'ok', delete: 'ok' },
		},
	}),
	proposal_events: () => ({
		statements: {
			select: 'select id from public.proposal_events',
			insert: `insert into public.proposal_events (proposal_id, from_status, to_status, actor_role) values (${ids.publishedId}, 'published', 'under_study', 'coordinator')`,
			update: `update public.proposal_events set reason = 'x' where proposal_id = ${ids.publishedId}`,
			delete: `delete from public.proposal_events where proposal_id = ${ids.pendingId}`,
		},
		expected: {
			anon: { select: 'rows:1', insert: 'denied', update: 'denied', delete: 'denied' },
			coordinator: { select: 'rows:2', insert: 'denied', update: 'denied', delete: 'denied' },
			user: { select: 'rows:1', insert: 'denied', update: 'denied', delete: 'denied' },
			service: { select: 'rows:2', insert: 'ok', update: 'ok', delete: 'ok' },
		},
	}),
	audit_log: () => ({
		statements: {
			select: 'select id from public.audit_log',
			insert: `insert into public.audit_log (actor_role, action, target_type, target_id) values ('system', 'forged', 'import', 'x')`,
			update: `update public.audit_log set action = 'rewritten'`,
			delete: 'delete from public.audit_log',
		},
		expected: privateToCoordinator(1),
	}),
	outbox: () => ({
		statements: {
			select: 'select id from public.outbox',
			insert: `insert into public.outbox (template, recipient_email) values ('registration_confirmed', 'forge@example.fr')`,
			update: 'update public.outbox set sent_at = now()',
			delete: 'delete from public.outbox',
		},
		// One seeded row, plus the two status-change messages the seed's proposal events queued.
		expected: serviceOnly(3),
	}),
	rate_limit_buckets: () => ({
		statements: {
			select: 'select bucket_key from public.rate_limit_buckets',
			insert: `insert into public.rate_limit_buckets (bucket_key, window_start, hits) values ('forged', now(), 0)`,
			update: 'update public.rate_limit_buckets set hits = 0',
			delete: 'delete from public.rate_limit_buckets',
		},
		expected: serviceOnly(1),
	}),
};

function describeOutcome(outcome: Outcome): Expected | string {
	if (outcome.error) return outcome.error === '42501' ? 'denied' : `error ${outcome.error}`;
	return `rows:${outcome.rows}`;
}

function matches(outcome: Outcome, expected: Expected): boolean {
	const actual = describeOutcome(outcome);
	if (expected === 'ok') return !outcome.error && (outcome.rows ?? 0) >= 1;
	// A deny is a permission error, or RLS filtering every row out of reach.
	if (expected === 'denied') return actual === 'denied' || actual === 'rows:0';
	return actual === expected;
}

let db: PGlite;

beforeAll(async () => {
	db = await createMigratedPGlite();
	ids = await seedEveryTable(db);
}, 60_000);

afterAll(async () => {
	await db?.close();
});

const roles: RoleName[] = ['anon', 'coordinator', 'user', 'service'];
const ops: Op[] = ['select', 'insert', 'update', 'delete'];
const cases = Object.keys(tables).flatMap((table) => roles.flatMap((role) => ops.map((op) => ({ table, role, op }))));

describe('row-level security: who may do what on each table', () => {
	it('covers every table of the public schema (a new table must be added to this matrix)', async () => {
		const result = await db.query<{ name: string }>(
			`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
		);
		expect(result.rows.map((row) => row.name)).toStrictEqual(Object.keys(tables).sort());
	});

	it.each(cases)('$role $op on $table', async ({ table, role, op }) => {
		const { statements, expected } = tables[table]!();
		const outcome = await asRole(db, role, statements[op]);
		expect(
			matches(outcome, expected[role][op]),
			`${role} ${op} ${table}: expected ${expected[role][op]}, got ${describeOutcome(outcome)}`,
		).toBe(true);
	});

	it.each(['anon', 'user', 'coordinator'] as const)(
		'%s cannot select the personal columns of proposals, even of a published one',
		async (role) => {
			for (const column of ['author_name', 'author_email', 'author_phone']) {
				expect(await asRole(db, role, `select ${column} from public.proposals`)).toStrictEqual({ error: '42501' });
			}
		},
	);

	it('a denied write leaves nothing behind', async () => {
		const before = await db.query('select count(*)::int as n from public.registrations');
		await asRole(db, 'anon', tables.registrations!().statements.insert);
		const after = await db.query('select count(*)::int as n from public.registrations');
		expect(after.rows).toStrictEqual(before.rows);
	});
});
