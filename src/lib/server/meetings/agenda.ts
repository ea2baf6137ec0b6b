import { MEETING_ID } from '../../domain/registration.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, type Caller, DatabaseError, type DataPort } from '../db/port.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import { createSupabaseAdapter } from '../db/supabase-adapter.ts';
import { type ServerEnv, serverEnv } from '../env.ts';
import { json, problem, problemFromError } from '../http.ts';
import type { RequestContext } from '../request.ts';

/**
 * The council's agenda: the residents' proposals on the agenda of a meeting. Which meeting a
 * proposal belongs to is decided in SQL (`public.council_agenda`, migration
 * 20261129160000_council_agenda.sql): the first scheduled meeting of its territory that starts after
 * the proposal reached the agenda, until the coordinator moves its status after the minutes.
 */

const MESSAGES: Record<string, string> = {
	meeting_not_found: 'Cette réunion n’existe pas.',
};

/** One proposal on a meeting's agenda, as `public.council_agenda` returns it. */
export type AgendaProposal = { id: number; title: string; supports: number; onAgendaSince: string };

/** `public.council_agenda`'s answer. */
export type CouncilAgendaRow = {
	meetingId: string;
	territoryId: string;
	title: string;
	startsAt: string;
	proposals: AgendaProposal[];
};

/** The path of a proposal's public page. */
export const proposalPath = (id: number) => `/propositions/${id}/`;

/** A meeting's agenda through the data port; PS404 (`meeting_not_found`) for a meeting the database does not know. */
export function readCouncilAgenda(port: DataPort, meetingId: string, caller: Caller = ANON): Promise<CouncilAgendaRow> {
	return port.callRpc<CouncilAgendaRow>('council_agenda', { p_meeting_id: meetingId }, caller);
}

/** `GET /api/meetings/{meetingId}/agenda`: `{ meetingId, proposals: [{ id, title, supports, url }] }`, cached 5 s. */
export function createGetCouncilAgenda(dataPort: () => DataPort) {
	return async (_request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return problem(404, 'meeting_not_found', MESSAGES.meeting_not_found!);
		try {
			const agenda = await readCouncilAgenda(dataPort(), id);
			return json(
				{
					meetingId: agenda.meetingId,
					proposals: agenda.proposals.map(({ id, title, supports }) => ({
						id,
						title,
						supports,
						url: proposalPath(id),
					})),
				},
				200,
				{ 'Cache-Control': 'public, max-age=5' },
			);
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

const processPort = () => getDataPort();

export const getCouncilAgenda = createGetCouncilAgenda(processPort);

/** Set once a build has found its database unreachable: the other pages do not wait for it again. */
let unreachableAtBuild = false;

/**
 * A database the build may read, opened for one call and closed after it (so that the build
 * process is not kept alive by an idle pool): Supabase with its anon key, or DATABASE_URL. A build
 * with neither (a local `astro build`, the tests' build) reads nothing.
 */
function buildTimePort(settings: ServerEnv): DataPort | undefined {
	if (settings.SUPABASE_URL && settings.SUPABASE_ANON_KEY) {
		return createSupabaseAdapter({ url: settings.SUPABASE_URL, anonKey: settings.SUPABASE_ANON_KEY });
	}
	if (settings.DATABASE_URL) {
		return createPostgresAdapter({ url: settings.DATABASE_URL, database: 'postgres', max: 1, callTimeoutMs: 3000 });
	}
	return undefined;
}

/**
 * A meeting's agenda for a page written ahead of time (the calendar file): read when the build can
 * read the database (under `astro dev`, the embedded one; in a build, Supabase or DATABASE_URL),
 * else undefined. A database that does not answer, or does not know the meeting yet (a meeting new
 * in this build is mirrored after it), gives undefined too: the page then points to the live list.
 */
export async function councilAgendaForBuild(
	meetingId: string,
	options: { dev: boolean },
	settings: ServerEnv = serverEnv(),
): Promise<AgendaProposal[] | undefined> {
	if (unreachableAtBuild && !options.dev) return undefined;
	let oneOff: DataPort | undefined;
	try {
		oneOff = options.dev ? undefined : buildTimePort(settings);
		const source = options.dev ? processPort() : oneOff;
		if (!source) return undefined;
		return (await readCouncilAgenda(source, meetingId)).proposals;
	} catch (error) {
		if (!(error instanceof DatabaseError && error.kind === 'not_found')) {
			if (!options.dev) unreachableAtBuild = true;
			const source = options.dev ? 'the dev database' : settings.SUPABASE_URL ? 'Supabase' : 'DATABASE_URL';
			console.warn(
				`council agenda of ${meetingId} not read from ${source} (${error instanceof DatabaseError ? error.message : 'database error'}): the calendar file points to the live list only`,
			);
		}
		return undefined;
	} finally {
		await oneOff?.close().catch(() => {});
	}
}

/** The meeting whose agenda holds a proposal (`meeting` null while none is scheduled after it). */
export type ProposalAgendaMeeting = {
	onAgendaSince: Date;
	meeting: { id: string; title: string; startsAt: Date } | null;
};

/**
 * For a proposal's page: the meeting whose agenda holds it, or undefined when it is not on the
 * agenda or the database does not answer (the page then simply says nothing about it).
 */
export async function proposalAgendaMeeting(
	proposalId: string | number,
	port: DataPort = processPort(),
): Promise<ProposalAgendaMeeting | undefined> {
	try {
		const found = await port.callRpc<{
			onAgendaSince: string;
			meeting: { id: string; title: string; startsAt: string } | null;
		} | null>('proposal_agenda_meeting', { p_proposal_id: proposalId }, ANON);
		if (!found) return undefined;
		return {
			onAgendaSince: new Date(found.onAgendaSince),
			meeting: found.meeting ? { ...found.meeting, startsAt: new Date(found.meeting.startsAt) } : null,
		};
	} catch (error) {
		if (!(error instanceof DatabaseError)) throw error;
		return undefined;
	}
}
