import { createEvent, type EventAttributes } from 'ics';
import { formatDate } from '../domain/paris-time.ts';

/** What a calendar invitation needs to know about a meeting; plain data so that handlers can reuse it. */
export type CalendarMeeting = {
	id: string;
	title: string;
	startsAt: Date;
	durationMinutes: number;
	status: 'à venir' | 'complet' | 'passé' | 'annulé';
	location: string;
	description: string;
};

/**
 * An iCalendar (RFC 5545) file for one meeting, in UTC so that every calendar shows the Paris time
 * correctly. The UID is stable so that re-importing updates the event instead of duplicating it.
 */
export function meetingCalendar(meeting: CalendarMeeting, pageUrl: URL): string {
	const attributes: EventAttributes = {
		uid: `${meeting.id}@${pageUrl.hostname}`,
		productId: 'pays-de-sante/reunions',
		title: meeting.title,
		description: meeting.description,
		location: meeting.location,
		url: pageUrl.href,
		start: meeting.startsAt.getTime(),
		startInputType: 'utc',
		startOutputType: 'utc',
		end: meeting.startsAt.getTime() + meeting.durationMinutes * 60_000,
		endInputType: 'utc',
		endOutputType: 'utc',
		status: meeting.status === 'annulé' ? 'CANCELLED' : 'CONFIRMED',
		alarms: [{ action: 'display', description: meeting.title, trigger: { hours: 24, before: true } }],
	};
	const { error, value } = createEvent(attributes);
	if (error || !value) throw new Error(`Calendar file for meeting ${meeting.id} could not be built: ${error}`);
	return value;
}

/** A resident's proposal on the meeting's agenda, as the build read it. */
export type CalendarAgendaProposal = { title: string; supports: number; url: string };

/** The anchor of the meeting page's section listing, live, the proposals on the agenda. */
export const AGENDA_PROPOSALS_ANCHOR = 'propositions-ordre-du-jour';

/**
 * The text of a meeting's calendar entry: its agenda items; for a meeting still to come, the
 * residents' proposals on its agenda when the build could read them (dated, since the list moves
 * until the meeting), and always the page's address where the list is kept up to date.
 */
export function meetingDescription(meeting: {
	agenda: readonly string[];
	pageUrl: URL;
	isUpcoming: boolean;
	/** Undefined when the build could not read the database; an empty list when it read none. */
	proposals?: readonly CalendarAgendaProposal[] | undefined;
	/** When the proposals were read (the build). */
	readAt?: Date;
}): string {
	const parts = [`Ordre du jour :\n${meeting.agenda.map((item) => `- ${item}`).join('\n')}`];
	if (!meeting.isUpcoming) return parts.join('\n\n');
	const listUrl = new URL(`#${AGENDA_PROPOSALS_ANCHOR}`, meeting.pageUrl).href;
	if (meeting.proposals && meeting.proposals.length > 0) {
		const asOf = meeting.readAt ? ` (au ${formatDate(meeting.readAt)})` : '';
		const lines = meeting.proposals.map(
			(p) => `- ${p.title} (${p.supports} soutien${p.supports > 1 ? 's' : ''}) : ${p.url}`,
		);
		parts.push(`Propositions des habitants à l’ordre du jour${asOf} :\n${lines.join('\n')}`);
	} else if (meeting.proposals) {
		const asOf = meeting.readAt ? `au ${formatDate(meeting.readAt)}, ` : '';
		parts.push(`Propositions des habitants à l’ordre du jour : ${asOf}aucune pour l’instant.`);
	}
	parts.push(`Liste à jour des propositions des habitants à l’ordre du jour : ${listUrl}`);
	return parts.join('\n\n');
}
