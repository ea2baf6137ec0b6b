import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../lib/server/auth/jwt.ts';
import { ANON, type Caller, DatabaseError, type DataPort, type JwtClaims, SERVICE } from '../../lib/server/db/port.ts';

export const TEST_JWT_SECRET = 'test-secret-with-at-least-thirty-two-characters!!';

export type ContractTarget = { port: DataPort; stop: () => Promise<void> };

/** A caller whose token is signed like Supabase Auth's, so both adapters accept it. */
export async function callerFor(claims: JwtClaims): Promise<Caller> {
	return { claims, token: await signToken(claims, TEST_JWT_SECRET) };
}

export const coordinatorClaims: JwtClaims = {
	role: 'authenticated',
	sub: '00000000-0000-4000-8000-000000000001',
	app_metadata: { role: 'coordinator' },
};
export const otherUserClaims: JwtClaims = { role: 'authenticated', sub: '00000000-0000-4000-8000-000000000002' };

async function failure(promise: Promise<unknown>): Promise<DatabaseError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DatabaseError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

let sequence = 0;
/** A meeting id no other test (or earlier run on the same database) uses. */
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence++).toString(36)}`;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * The same calls and the same expected answers for every adapter and database: PGlite through its
 * socket server, Supabase's Data API (supabase-js over HTTP), and a real PostgreSQL server.
 */
export function describeDataPortContract(name: string, start: () => Promise<ContractTarget>) {
	describe(`data port contract: ${name}`, () => {
		let target: ContractTarget;
		let db: DataPort;
		let service: Caller;
		let coordinator: Caller;
		let otherUser: Caller;

		beforeAll(async () => {
			target = await start();
			db = target.port;
			service = { ...SERVICE, token: await signToken(SERVICE.claims, TEST_JWT_SECRET) };
			coordinator = await callerFor(coordinatorClaims);
			otherUser = await callerFor(otherUserClaims);
			await db.callRpc(
				'sync_content',
				{ p_territories: [{ id: 'nontronnais', name: 'Nontronnais' }], p_meetings: [] },
				service,
			);
		}, 120_000);

		afterAll(async () => {
			await target?.stop();
		});

		async function meeting(capacity: number, options: { startsAt?: string; status?: string } = {}) {
			const id = uniqueId('m');
			await db.callRpc(
				'sync_content',
				{
					p_territories: [],
					p_meetings: [
						{
							id,
							territoryId: 'nontronnais',
							title: 'Réunion de test',
							startsAt: options.startsAt ?? inDays(30),
							capacity,
							status: options.status ?? 'scheduled',
						},
					],
				},
				service,
			);
			return id;
		}

		const register = (meetingId: string, email: string, extra: Record<string, unknown> = {}) =>
			db.callRpc<{ status: string; reference: string; cancelToken: string | null; isExisting: boolean }>(
				'register_for_meeting',
				{
					p_meeting_id: meetingId,
					p_full_name: 'Jeanne Test',
					p_category: 'habitants',
					p_email: email,
					p_consent: true,
					...extra,
				},
				ANON,
			);

		it('answers the health check for anyone', async () => {
			expect(await db.callRpc('health_check', {}, ANON)).toStrictEqual({ ok: true });
		});

		it('counts seats and refuses an unknown meeting', async () => {
			const id = await meeting(3);
			expect(await db.callRpc('meeting_availability', { p_meeting_id: id }, ANON)).toMatchObject({
				id,
				capacity: 3,
				confirmed: 0,
				waitlisted: 0,
				remaining: 3,
				isOpen: true,
			});
			const error = await failure(db.callRpc('meeting_availability', { p_meeting_id: 'absente' }, ANON));
			expect([error.kind, error.reason]).toStrictEqual(['not_found', 'meeting_not_found']);
		});

		it('confirms while seats remain, then waitlists; the same person gets their registration back', async () => {
			const id = await meeting(2);
			const first = await register(id, 'a@example.fr');
			expect(first).toMatchObject({ status: 'confirmed', isExisting: false });
			expect(first.reference).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
			expect(first.cancelToken).toMatch(/^[0-9a-f]{64}$/);
			expect(await register(id, '  A@Example.FR ')).toMatchObject({
				status: 'confirmed',
				reference: first.reference,
				isExisting: true,
				cancelToken: null,
			});
			expect((await register(id, 'b@example.fr')).status).toBe('confirmed');
			expect((await register(id, 'c@example.fr')).status).toBe('waitlisted');
			expect(await db.callRpc('meeting_availability', { p_meeting_id: id }, ANON)).toMatchObject({
				confirmed: 2,
				waitlisted: 1,
				remaining: 0,
			});
		});

		it('cancels with the secret token and promotes the first person waiting', async () => {
			const id = await meeting(1);
			const seated = await register(id, 'seated@example.fr');
			await register(id, 'waiting1@example.fr');
			await register(id, 'waiting2@example.fr');
			expect(await db.callRpc('cancel_registration', { p_cancel_token: seated.cancelToken }, ANON)).toMatchObject({
				status: 'cancelled',
				promoted: 1,
			});
			expect(await db.callRpc('meeting_availability', { p_meeting_id: id }, ANON)).toMatchObject({
				confirmed: 1,
				waitlisted: 1,
			});
			const list = await db.callRpc<{ registrations: { email: string; status: string }[] }>(
				'meeting_registrations',
				{ p_meeting_id: id },
				coordinator,
			);
			expect(list.registrations.map((r) => [r.email, r.status])).toStrictEqual([
				['seated@example.fr', 'cancelled'],
				['waiting1@example.fr', 'confirmed'],
				['waiting2@example.fr', 'waitlisted'],
			]);
			const unknown = await failure(db.callRpc('cancel_registration', { p_cancel_token: 'f'.repeat(64) }, ANON));
			expect(unknown.kind).toBe('not_found');
		});

		it('refuses past and cancelled meetings, missing contact and missing consent', async () => {
			const past = await meeting(10, { startsAt: inDays(-1) });
			const cancelled = await meeting(10, { status: 'cancelled' });
			expect((await failure(register(past, 'p@example.fr'))).reason).toBe('meeting_closed');
			expect((await failure(register(cancelled, 'p@example.fr'))).kind).toBe('conflict');
			const open = await meeting(10);
			expect((await failure(register(open, '', { p_phone: null }))).reason).toBe('contact_required');
			expect((await failure(register(open, 'x@example.fr', { p_consent: false }))).reason).toBe('consent_required');
			expect((await failure(register(open, 'x@example.fr', { p_category: 'martiens' }))).kind).toBe('invalid');
		});

		it('shows registrations to the coordinator only', async () => {
			const id = await meeting(5);
			await register(id, 'private@example.fr');
			expect((await failure(db.callRpc('meeting_registrations', { p_meeting_id: id }, ANON))).kind).toBe('forbidden');
			expect((await failure(db.callRpc('meeting_registrations', { p_meeting_id: id }, otherUser))).kind).toBe(
				'forbidden',
			);
			const list = await db.callRpc<{ counts: Record<string, number>; byCategory: Record<string, number> }>(
				'meeting_registrations',
				{ p_meeting_id: id },
				coordinator,
			);
			expect(list.counts).toStrictEqual({ confirmed: 1 });
			expect(list.byCategory).toStrictEqual({ habitants: 1 });
		});

		it('lets only the coordinator record a phone registration', async () => {
			const id = await meeting(5);
			const phone = { p_channel: 'phone', p_email: null, p_phone: '05 53 00 00 00', p_consent: false };
			expect((await failure(register(id, '', phone))).kind).toBe('forbidden');
			const result = await db.callRpc<{ status: string }>(
				'register_for_meeting',
				{ p_meeting_id: id, p_full_name: 'Par téléphone', p_category: 'elus', ...phone },
				coordinator,
			);
			expect(result.status).toBe('confirmed');
		});

		it('keeps a proposal private until the coordinator publishes it, and refuses illegal moves', async () => {
			const { id, status } = await db.callRpc<{ id: number; status: string }>(
				'submit_proposal',
				{
					p_title: 'Une navette vers la maison de santé',
					p_description: 'Le mardi matin, pour les personnes sans voiture.',
					p_theme: 'autre',
					p_territory_id: 'nontronnais',
					p_author_name: 'Auteur Privé',
					p_author_email: 'auteur@example.fr',
					p_consent: true,
				},
				ANON,
			);
			expect(status).toBe('pending');
			expect((await failure(db.callRpc('get_public_proposal', { p_proposal_id: id }, ANON))).kind).toBe('not_found');
			expect(
				(await failure(db.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'published' }, otherUser))).kind,
			).toBe('forbidden');
			const illegal = await failure(
				db.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'done' }, coordinator),
			);
			expect([illegal.kind, illegal.reason]).toStrictEqual(['invalid', 'illegal_transition']);
			await db.callRpc(
				'decide_proposal',
				{ p_proposal_id: id, p_status: 'published', p_answer: 'Merci, nous l’étudions.' },
				coordinator,
			);
			const published = await db.callRpc<Record<string, unknown>>('get_public_proposal', { p_proposal_id: id }, ANON);
			expect(published).toMatchObject({ id, status: 'published', supports: 0, answer: 'Merci, nous l’étudions.' });
			expect(JSON.stringify(published)).not.toMatch(/Auteur Privé|auteur@example\.fr/);
		});

		it('counts one support per person: a web support once confirmed, the coordinator’s at once', async () => {
			const { id } = await db.callRpc<{ id: number }>(
				'submit_proposal',
				{
					p_title: 'Des consultations avancées',
					p_description: 'Un spécialiste une fois par mois au chef-lieu.',
					p_theme: 'appui-cabinets',
					p_territory_id: 'nontronnais',
				},
				ANON,
			);
			await db.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'published' }, coordinator);
			const support = (email: string) =>
				db.callRpc<{ supports: number; isNew: boolean }>(
					'support_proposal',
					{ p_proposal_id: id, p_full_name: 'Soutien', p_email: email },
					ANON,
				);
			expect(await support('s1@example.fr')).toMatchObject({ supports: 0, pendingSupports: 1, isNew: true });
			expect(await support('S1@example.fr ')).toMatchObject({ supports: 0, pendingSupports: 1, isNew: false });
			expect(await support('s2@example.fr')).toMatchObject({ supports: 0, pendingSupports: 2, isNew: true });
			const byPhone = await db.callRpc<{ supports: number; isNew: boolean }>(
				'support_proposal',
				{ p_proposal_id: id, p_full_name: 'Par téléphone', p_phone: '05 53 00 00 01', p_channel: 'phone' },
				coordinator,
			);
			expect(byPhone).toMatchObject({ supports: 1, isNew: true });
		});

		it('refuses what a role may not call, and unknown functions', async () => {
			expect((await failure(db.callRpc('sync_content', { p_territories: [], p_meetings: [] }, ANON))).kind).toBe(
				'forbidden',
			);
			expect((await failure(db.callRpc('moderation_queue', {}, ANON))).kind).toBe('forbidden');
			expect((await failure(db.callRpc('no_such_function', {}, ANON))).kind).toBe('not_found');
		});

		it('gives exactly capacity confirmed seats to 40 simultaneous registrations for 10 seats', async () => {
			const id = await meeting(10);
			const results = await Promise.all(Array.from({ length: 40 }, (_, i) => register(id, `rush${i}@example.fr`)));
			const statuses = results.map((r) => r.status);
			expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(10);
			expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(30);
			expect(new Set(results.map((r) => r.reference)).size).toBe(40);
		});
	});
}
