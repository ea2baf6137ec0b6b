import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedPGlite } from '../../src/test/db/pglite.ts';
import { type RoleName, withRole } from '../../src/test/db/roles.ts';
import { CANARIES, seedEveryTable } from './seed.ts';

/**
 * Checks driven by the catalog, so that a table, view, column or function added later is covered
 * without anyone remembering to add a test.
 */
let db: PGlite;
let ids: Awaited<ReturnType<typeof seedEveryTable>>;

beforeAll(async () => {
	db = await createMigratedPGlite();
	ids = await seedEveryTable(db);
}, 60_000);

afterAll(async () => {
	await db?.close();
});

/** Column names that hold personal data wherever they appear, unless listed as public here. */
const PERSONAL_NAME = /(^|_)(name|email|phone|contact|needs|ip|address)(_|$)/;
const PUBLIC_COLUMNS = new Set(['territories.name', 'communes.name']);

/** A sample call for every function an API role may execute; a new one must be added here. */
const SAMPLE_CALLS: Record<string, () => string> = {
	health_check: () => 'public.health_check()',
	meeting_availability: () => `public.meeting_availability(p_meeting_id => 'm-seed')`,
	register_for_meeting: () =>
		`public.register_for_meeting(p_meeting_id => 'm-seed', p_full_name => 'Nouvelle Personne', p_category => 'habitants', p_email => 'nouvelle@example.fr', p_consent => true)`,
	cancel_registration: () => `public.cancel_registration(p_cancel_token => '${'0'.repeat(64)}')`,
	meeting_registrations: () => `public.meeting_registrations(p_meeting_id => 'm-seed')`,
	submit_proposal: () =>
		`public.submit_proposal(p_title => 'Titre correct', p_description => 'Une description correcte.', p_theme => 'autre', p_territory_id => 'nontronnais')`,
	support_proposal: () =>
		`public.support_proposal(p_proposal_id => ${ids.publishedId}, p_full_name => 'Soutien', p_email => 'soutien@example.fr')`,
	confirm_support: () => `public.confirm_support(p_token => '${'0'.repeat(64)}')`,
	purge_unconfirmed_supports: () => 'public.purge_unconfirmed_supports()',
	decide_proposal: () => `public.decide_proposal(p_proposal_id => ${ids.pendingId}, p_status => 'published')`,
	list_public_proposals: () => 'public.list_public_proposals()',
	get_public_proposal: () => `public.get_public_proposal(p_proposal_id => ${ids.publishedId})`,
	moderation_queue: () => 'public.moderation_queue()',
	sync_content: () => `public.sync_content(p_territories => '[]', p_meetings => '[]')`,
	queue_registration_message: () =>
		`public.queue_registration_message(p_cancel_token => '${'0'.repeat(64)}', p_cancel_url => 'https://exemple.fr')`,
	claim_outbox: () => 'public.claim_outbox()',
	proposals_export: () => 'public.proposals_export()',
	purge_registrations: () => 'public.purge_registrations()',
	note_sign_in_attempt: () => `public.note_sign_in_attempt(p_client_hash => '${'ab'.repeat(16)}')`,
	coordinator_dashboard: () => 'public.coordinator_dashboard()',
	audit_entries: () => 'public.audit_entries()',
	proposal_next_statuses: () => 'public.proposal_next_statuses()',
	coordinator_cancel_registration: () =>
		`public.coordinator_cancel_registration(p_meeting_id => 'm-seed', p_reference => 'ABCDEF')`,
	coordinator_confirm_registration: () =>
		`public.coordinator_confirm_registration(p_meeting_id => 'm-seed', p_reference => 'ABCDEF')`,
	coordinator_update_registration: () =>
		`public.coordinator_update_registration(p_meeting_id => 'm-seed', p_reference => 'ABCDEF', p_full_name => 'Autre Nom', p_email => 'autre@example.fr')`,
	council_agenda: () => `public.council_agenda(p_meeting_id => 'm-seed')`,
	proposal_agenda_meeting: () => `public.proposal_agenda_meeting(p_proposal_id => ${ids.publishedId})`,
	access_map: () => `public.access_map(p_territory => 'nontronnais')`,
	import_access_data: () =>
		`public.import_access_data(p_perimeters => '[{"id": "nontronnais", "communes": ["24311"]}]')`,
};

async function executableFunctions(role: string): Promise<string[]> {
	const result = await db.query<{ name: string }>(
		`select distinct p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
		 where n.nspname = 'public' and has_function_privilege($1, p.oid, 'EXECUTE') order by 1`,
		[role],
	);
	return result.rows.map((row) => row.name);
}

describe('catalog-driven checks', () => {
	it('enables row-level security on every table of the public and private schemas', async () => {
		const result = await db.query<{ name: string }>(
			`select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and not c.relrowsecurity`,
		);
		expect(result.rows.map((row) => row.name)).toStrictEqual([]);
	});

	it('documents every table with a comment', async () => {
		const result = await db.query<{ name: string }>(
			`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'public' and c.relkind in ('r', 'p') and obj_description(c.oid, 'pg_class') is null`,
		);
		expect(result.rows).toStrictEqual([]);
	});

	it('marks every column that looks personal as personal (or lists it as public on purpose)', async () => {
		const result = await db.query<{ column: string; comment: string | null }>(
			`select c.relname || '.' || a.attname as column, col_description(c.oid, a.attnum) as comment
			 from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped`,
		);
		const unmarked = result.rows.filter(
			(row) =>
				PERSONAL_NAME.test(row.column.split('.')[1] ?? '') &&
				!PUBLIC_COLUMNS.has(row.column) &&
				!/^(personal|secret):/.test(row.comment ?? ''),
		);
		expect(unmarked.map((row) => row.column)).toStrictEqual([]);
	});

	it('grants anonymous callers no personal or secret column of any table or view', async () => {
		const result = await db.query<{ column: string }>(
			`select c.relname || '.' || a.attname as column
			 from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
			 where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
			   and col_description(c.oid, a.attnum) ~ '^(personal|secret):'
			   and has_column_privilege('anon', c.oid, a.attnum, 'SELECT')`,
		);
		expect(result.rows).toStrictEqual([]);
	});

	it.each(['anon', 'user'] as const)(
		'lets %s read no seeded personal value through any table or view it can select',
		async (role) => {
			const relations = await db.query<{ relation: string; columns: string }>(
				`select c.relname as relation, string_agg(quote_ident(a.attname), ', ') as columns
				 from pg_class c join pg_namespace n on n.oid = c.relnamespace
				 join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
				 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
				   and has_column_privilege($1, c.oid, a.attnum, 'SELECT')
				 group by c.relname`,
				[role === 'user' ? 'authenticated' : 'anon'],
			);
			expect(relations.rows.length).toBeGreaterThan(0);
			for (const { relation, columns } of relations.rows) {
				const rows = await withRole(
					db,
					role,
					async () => (await db.query(`select ${columns} from public.${relation}`)).rows,
				);
				const text = JSON.stringify(rows);
				for (const canary of CANARIES) expect(text, `${relation} shows ${canary}`).not.toContain(canary);
			}
		},
	);

	it('knows every function an API role may call, and none leaks personal data to anon or a non-coordinator', async () => {
		const callable = new Set([
			...(await executableFunctions('anon')),
			...(await executableFunctions('authenticated')),
			...(await executableFunctions('service_role')),
		]);
		expect([...callable].filter((name) => !(name in SAMPLE_CALLS))).toStrictEqual([]);
		for (const role of ['anon', 'user'] as RoleName[]) {
			for (const name of await executableFunctions(role === 'anon' ? 'anon' : 'authenticated')) {
				const outcome = await asRoleJson(role, `select ${SAMPLE_CALLS[name]!()}::text as result`);
				for (const canary of CANARIES) expect(outcome, `${role} ${name}`).not.toContain(canary);
			}
		}
	});

	it('lets anonymous callers execute only the resident functions', async () => {
		expect(await executableFunctions('anon')).toStrictEqual([
			'access_map',
			'cancel_registration',
			'confirm_support',
			'council_agenda',
			'get_public_proposal',
			'health_check',
			'list_public_proposals',
			'meeting_availability',
			'note_sign_in_attempt',
			'proposal_agenda_meeting',
			'queue_registration_message',
			'register_for_meeting',
			'submit_proposal',
			'support_proposal',
		]);
	});
});

/** The JSON a call returns as a role, or its error message: both must be free of personal data. */
async function asRoleJson(role: RoleName, statement: string): Promise<string> {
	try {
		return JSON.stringify(await withRole(db, role, async () => (await db.query(statement)).rows));
	} catch (error) {
		return String((error as Error).message);
	}
}
