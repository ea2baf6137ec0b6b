import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as agendaConfig } from '../../../../netlify/functions/meeting-agenda.mts';
import { callerFor, coordinatorClaims } from '../../../test/db/contract.ts';
import { createMigratedPGlite } from '../../../test/db/pglite.ts';
import { inDays, startApiSite } from '../../../test/http/api-site.ts';
import { servePGlite } from '../db/pglite-server.ts';
import { ANON, type Caller, DatabaseError, type DataPort, SERVICE } from '../db/port.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import { readEnv } from '../env.ts';
import { councilAgendaForBuild, createGetCouncilAgenda, readCouncilAgenda } from './agenda.ts';

type Meeting = { id: string; startsAt: string; status?: 'scheduled' | 'cancelled' };
type AgendaMeeting = { onAgendaSince: string; meeting: { id: string; title: string; startsAt: string } | null } | null;

let sequence = 0;
/** Ids no other test uses: each test has its own territory, so "the next meeting" is its own. */
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${(sequence++).toString(36)}`;

describe('the council agenda over HTTP (embedded PGlite)', () => {
	let site: Awaited<ReturnType<typeof startApiSite>>;
	let coordinator: Caller;
	let port: DataPort;
	/** The embedded database's address: the build-time reader opens its own connection to it. */
	let databaseUrl = '';
	/** Moves the moment a proposal reached the agenda back in time, as if days had passed since. */
	let backdate: (proposalId: number, days: number) => Promise<void>;

	beforeAll(async () => {
		// pgliteTarget, keeping the socket server's address.
		const start = async () => {
			const db = await createMigratedPGlite();
			const server = await servePGlite(db);
			databaseUrl = server.url;
			backdate = async (proposalId, days) => {
				const interval = `${days} days`;
				await db.query(
					`update public.proposal_events set created_at = created_at - $2::interval where proposal_id = $1`,
					[proposalId, interval],
				);
				await db.query(
					`update public.proposals set status_changed_at = status_changed_at - $2::interval where id = $1`,
					[proposalId, interval],
				);
			};
			const target = createPostgresAdapter({ url: server.url, database: 'pglite', max: 4 });
			return {
				port: target,
				stop: async () => {
					await target.close();
					await server.stop();
					await db.close();
				},
			};
		};
		site = await startApiSite(start, (dataPort) => [
			{ config: agendaConfig, handler: createGetCouncilAgenda(dataPort) },
		]);
		port = site.port();
		coordinator = await callerFor(coordinatorClaims);
	}, 60_000);
	afterAll(() => site?.stop());

	/** A territory and its meetings, mirrored as the content sync does; returns the territory id. */
	async function territoryWith(meetings: Meeting[]): Promise<string> {
		const territory = unique('t');
		await port.callRpc(
			'sync_content',
			{
				p_territories: [{ id: territory, name: `Territoire ${territory}` }],
				p_meetings: meetings.map((m) => ({
					id: m.id,
					territoryId: territory,
					title: `Conseil ${m.id}`,
					startsAt: m.startsAt,
					capacity: 30,
					status: m.status ?? 'scheduled',
				})),
			},
			SERVICE,
		);
		return territory;
	}

	/** Moves a meeting (date or status) as a changed content file would. */
	async function moveMeeting(territory: string, meeting: Meeting) {
		await port.callRpc(
			'sync_content',
			{
				p_territories: [],
				p_meetings: [
					{
						id: meeting.id,
						territoryId: territory,
						title: `Conseil ${meeting.id}`,
						startsAt: meeting.startsAt,
						capacity: 30,
						status: meeting.status ?? 'scheduled',
					},
				],
			},
			SERVICE,
		);
	}

	/** A published proposal of the territory; `onAgenda` puts it on the council agenda as the coordinator does. */
	async function proposal(territory: string, title: string, { onAgenda = true } = {}): Promise<number> {
		const { id } = await port.callRpc<{ id: number }>(
			'submit_proposal',
			{
				p_title: title,
				p_description: 'Une description assez longue pour être acceptée.',
				p_theme: 'autre',
				p_territory_id: territory,
				p_author_name: 'Autrice Secrète',
				p_author_email: 'autrice.secrete@example.fr',
				p_consent: true,
				p_client_hash: 'a'.repeat(64),
			},
			ANON,
		);
		await port.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'published' }, coordinator);
		if (onAgenda) {
			await port.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'on_council_agenda' }, coordinator);
		}
		return id;
	}

	const getAgenda = async (meetingId: string) => {
		const response = await fetch(`${site.url}/api/meetings/${meetingId}/agenda`);
		return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
	};
	const agendaTitles = async (meetingId: string) =>
		((await getAgenda(meetingId)).body as { proposals: { title: string }[] }).proposals.map((p) => p.title);
	const agendaMeeting = (id: number) =>
		port.callRpc<AgendaMeeting>('proposal_agenda_meeting', { p_proposal_id: id }, ANON);

	it('lists the proposals on the agenda of the next scheduled meeting of their territory, with public data only', async () => {
		const [past, started, cancelled, next, later] = ['past', 'started', 'cancelled', 'next', 'later'].map(unique);
		const territory = await territoryWith([
			{ id: past!, startsAt: inDays(-30) },
			// Began an hour ago: a proposal reaching the agenda now goes to the following meeting.
			{ id: started!, startsAt: inDays(-1 / 24) },
			{ id: cancelled!, startsAt: inDays(5), status: 'cancelled' },
			{ id: next!, startsAt: inDays(12) },
			{ id: later!, startsAt: inDays(60) },
		]);
		const first = await proposal(territory, 'Une navette vers la maison de santé');
		const second = await proposal(territory, 'Des ateliers mémoire à la médiathèque');
		await proposal(territory, 'Publiée mais pas à l’ordre du jour', { onAgenda: false });
		for (const phone of ['05 53 00 00 11', '05 53 00 00 12']) {
			await port.callRpc(
				'support_proposal',
				{ p_proposal_id: second, p_full_name: 'Voisin Par Téléphone', p_phone: phone, p_channel: 'phone' },
				coordinator,
			);
		}

		const answer = await getAgenda(next!);
		expect(answer.status).toBe(200);
		expect(answer.headers.get('cache-control')).toBe('public, max-age=5');
		expect(answer.body).toStrictEqual({
			meetingId: next,
			proposals: [
				{ id: first, title: 'Une navette vers la maison de santé', supports: 0, url: `/propositions/${first}/` },
				{ id: second, title: 'Des ateliers mémoire à la médiathèque', supports: 2, url: `/propositions/${second}/` },
			],
		});
		expect(JSON.stringify(answer.body)).not.toMatch(/Secrète|secrete|Voisin|05 53/);
		for (const other of [past!, started!, cancelled!, later!])
			expect(await agendaTitles(other), other).toStrictEqual([]);

		const named = await agendaMeeting(first);
		expect(named?.meeting).toMatchObject({ id: next, title: `Conseil ${next}` });
		expect(new Date(named?.meeting?.startsAt ?? 0).getTime()).toBeGreaterThan(Date.now());
		expect(Date.parse(named?.onAgendaSince ?? '')).toBeLessThanOrEqual(Date.now());
	});

	it('keeps a proposal on its meeting’s agenda once that meeting has taken place, until the coordinator decides', async () => {
		const [held, following] = ['held', 'following'].map(unique);
		const territory = await territoryWith([
			{ id: held!, startsAt: inDays(-1) },
			{ id: following!, startsAt: inDays(90) },
		]);
		// On the agenda five days ago; the meeting took place yesterday.
		const id = await proposal(territory, 'Un cabinet infirmier au bourg');
		await backdate(id, 5);
		expect(await agendaTitles(held!)).toStrictEqual(['Un cabinet infirmier au bourg']);
		// It does not slide onto the following meeting, which would announce a debate already held.
		expect(await agendaTitles(following!)).toStrictEqual([]);
		expect((await agendaMeeting(id))?.meeting?.id).toBe(held);

		// Not examined: the coordinator puts it on the agenda again, and it goes to the following meeting.
		await port.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'on_council_agenda' }, coordinator);
		expect(await agendaTitles(held!)).toStrictEqual([]);
		expect(await agendaTitles(following!)).toStrictEqual(['Un cabinet infirmier au bourg']);

		// The minutes say what was decided; the coordinator moves its status: it leaves the agenda.
		await port.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'accepted' }, coordinator);
		expect(await agendaTitles(following!)).toStrictEqual([]);
		expect(await agendaMeeting(id)).toBeNull();
	});

	it('moves the agenda to the next scheduled meeting when its meeting is cancelled; no meeting yet gives none', async () => {
		const [soon, after] = ['soon', 'after'].map(unique);
		const territory = await territoryWith([
			{ id: soon!, startsAt: inDays(7) },
			{ id: after!, startsAt: inDays(40) },
		]);
		const id = await proposal(territory, 'Une permanence de la PMI');
		expect((await agendaMeeting(id))?.meeting?.id).toBe(soon);
		await moveMeeting(territory, { id: soon!, startsAt: inDays(7), status: 'cancelled' });
		expect(await agendaTitles(soon!)).toStrictEqual([]);
		expect(await agendaTitles(after!)).toStrictEqual(['Une permanence de la PMI']);
		expect((await agendaMeeting(id))?.meeting?.id).toBe(after);

		const lonely = await territoryWith([{ id: unique('gone'), startsAt: inDays(-10) }]);
		const waiting = await proposal(lonely, 'Une date à fixer');
		expect((await agendaMeeting(waiting))?.meeting).toBeNull();
		expect(await agendaMeeting(await proposal(lonely, 'Pas encore inscrite', { onAgenda: false }))).toBeNull();
	});

	it('never shows a proposal that is not public; 404 for an unknown meeting or a proposal not published', async () => {
		const next = unique('next');
		const territory = await territoryWith([{ id: next, startsAt: inDays(10) }]);
		const { id: pending } = await port.callRpc<{ id: number }>(
			'submit_proposal',
			{
				p_title: 'En attente de relecture',
				p_description: 'Une description assez longue pour être acceptée.',
				p_theme: 'autre',
				p_territory_id: territory,
				p_client_hash: 'b'.repeat(64),
			},
			ANON,
		);
		expect(await agendaTitles(next)).toStrictEqual([]);
		await expect(agendaMeeting(pending)).rejects.toMatchObject({ kind: 'not_found', reason: 'proposal_not_found' });

		for (const bad of ['inconnue', 'MAJUSCULES', '%27%3B--']) {
			const answer = await getAgenda(bad);
			expect(answer.status, bad).toBe(404);
			expect(answer.body).toStrictEqual({
				error: { code: 'meeting_not_found', message: 'Cette réunion n’existe pas.' },
			});
		}
		await expect(readCouncilAgenda(port, 'inconnue')).rejects.toBeInstanceOf(DatabaseError);
	});

	it('reads the agenda for a page built ahead of time only when the build has a database', async () => {
		const next = unique('next');
		const territory = await territoryWith([{ id: next, startsAt: inDays(10) }]);
		await proposal(territory, 'Lue au moment de la construction');
		// A build with no database configured (not even the environment this test runs in).
		expect(await councilAgendaForBuild(next, { dev: false }, readEnv({}))).toBeUndefined();
		const withDatabase = readEnv({ DATABASE_URL: databaseUrl });
		const read = await councilAgendaForBuild(next, { dev: false }, withDatabase);
		expect(read?.map((p) => p.title)).toStrictEqual(['Lue au moment de la construction']);
		// A meeting new in this build is mirrored after it: nothing to read yet, and no error.
		expect(await councilAgendaForBuild('pas-encore-en-base', { dev: false }, withDatabase)).toBeUndefined();
	});
});
