import type { PGlite } from '@electric-sql/pglite';

/** Values that must never come out of the database for an anonymous caller. */
export const CANARIES = [
	'Canari Personne',
	'canari@example.fr',
	'+33611223344',
	'Auteur Secret',
	'auteur.secret@example.fr',
];

/**
 * Rows in every table, written as the owner (no RLS): one of each kind, plus rows nothing refers
 * to so that deletes can succeed where they are allowed. Returns the ids the tests need.
 */
export async function seedEveryTable(db: PGlite): Promise<{ pendingId: number; publishedId: number; spareId: number }> {
	await db.exec(`
		insert into public.territories (id, name) values ('nontronnais', 'Nontronnais'), ('t-spare', 'Spare');
		insert into public.communes (code, name, department, territory_id, population, population_year)
		values ('24311', 'Nontron', '24', 'nontronnais', 3133, 2023), ('24999', 'Spare', '24', null, 1, 2023);
		insert into public.indicators (commune_code, indicator, vintage, value, source)
		values ('24311', 'apl_gp', 2023, 2.4, 'DREES'), ('24999', 'apl_gp', 2023, 1.0, 'DREES');
		insert into public.area_indicators (area, indicator, vintage, value, communes, source)
		values ('D24', 'apl_gp', 2023, 3.1, 503, 'DREES'), ('FR', 'apl_gp', 2023, 3.4, 34900, 'DREES');
		insert into public.meetings (id, territory_id, title, starts_at, capacity)
		values ('m-seed', 'nontronnais', 'Réunion', now() + interval '30 days', 25),
		       ('m-spare', 'nontronnais', 'Spare', now() + interval '30 days', 25);
		insert into public.registrations (meeting_id, reference, cancel_token_hash, status, full_name, email, phone,
		  contact_hash, category, consent_at)
		values ('m-seed', 'ABCDEF', repeat('a', 64), 'confirmed', 'Canari Personne', 'canari@example.fr', '+33611223344',
		  repeat('b', 64), 'habitants', now());
		insert into public.audit_log (actor_role, action, target_type, target_id) values ('system', 'seed', 'import', 'seed');
		insert into public.outbox (registration_id, template, recipient_email, payload)
		select id, 'registration_confirmed', 'canari@example.fr', '{"cancelUrl": "secret"}' from public.registrations;
		insert into public.rate_limit_buckets (bucket_key, window_start, hits) values ('seed', now(), 1);
	`);
	const proposal = async (title: string) =>
		(
			await db.query<{ id: number }>(
				`insert into public.proposals (title, description, theme, territory_id, author_name, author_email)
				 values ($1, 'Une description assez longue.', 'autre', 'nontronnais', 'Auteur Secret', 'auteur.secret@example.fr')
				 returning id`,
				[title],
			)
		).rows[0]?.id ?? 0;
	const pendingId = await proposal('En attente');
	const publishedId = await proposal('Publiée');
	const spareId = await proposal('Spare');
	await db.query(`update public.proposals set status = 'published' where id = $1`, [publishedId]);
	await db.query(
		`insert into public.proposal_events (proposal_id, from_status, to_status, actor_role) values
		 ($1, 'pending', 'published', 'coordinator'), ($2, null, 'pending', 'resident')`,
		[publishedId, pendingId],
	);
	await db.query(
		`insert into public.supports (proposal_id, full_name, email, contact_hash) values ($1, 'Canari Personne', 'canari@example.fr', repeat('c', 64))`,
		[publishedId],
	);
	return { pendingId, publishedId, spareId };
}
