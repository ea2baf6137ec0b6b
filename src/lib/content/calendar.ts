import { createEvents, type EventAttributes } from 'ics';
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
	/** When the meeting's file was last saved (its `updatedAt`, stamped by the CMS); absent on files never re-saved. */
	updatedAt?: Date | undefined;
};

/** The origin of SEQUENCE numbers: a date before any meeting file was stamped. */
const SEQUENCE_EPOCH = Date.UTC(2025, 0, 1);

/**
 * RFC 5545 SEQUENCE of a meeting: the whole minutes between 1 January 2025 (UTC) and the moment its
 * file was last saved (`updatedAt`), 0 for a file never re-saved since it had none.
 *
 * Why: calendars replace an event they already hold only when the new copy has the same UID and a
 * higher SEQUENCE. The coordinator changes a meeting (date, room, cancellation) by saving it in the
 * CMS, which stamps `updatedAt` with the time of the save (src/lib/client/cms-events.ts), so every
 * save gives a higher number, without a counter anybody has to remember to raise. Someone who edits
 * the file by hand updates `updatedAt` as the template says. Minutes keep the number small (about
 * 525,000 a year: under 2^31 until the year 6000).
 */
export function meetingSequence(updatedAt: Date | undefined): number {
	if (!updatedAt) return 0;
	return Math.max(0, Math.floor((updatedAt.getTime() - SEQUENCE_EPOCH) / 60_000));
}

/** The stable identifier of a meeting in every calendar: its file name at the site's host name. */
export function meetingUid(meetingId: string, siteUrl: URL): string {
	return `${meetingId}@${siteUrl.hostname}`;
}

const PRODUCT_ID = 'pays-de-sante/reunions';
const MAX_LINE_OCTETS = 75;

const utf8Octets = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and new lines escaped. */
const escapeText = (text: string) => text.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\r?\n/g, '\\n');

/**
 * Folds every content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence: a
 * continuation line starts with one space, which counts in its 75 octets. The `ics` library folds at
 * 75 characters, so a line with accents reaches up to 81 octets: its folds are undone first.
 */
export function foldLines(ics: string): string {
	const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
	return lines
		.map((line) => {
			const parts: string[] = [];
			let current = '';
			let octets = 0;
			for (const char of line) {
				const size = utf8Octets(char.codePointAt(0) ?? 0);
				if (octets + size > MAX_LINE_OCTETS) {
					parts.push(current);
					current = ' ';
					octets = 1;
				}
				current += char;
				octets += size;
			}
			parts.push(current);
			return parts.join('\r\n');
		})
		.join('\r\n');
}

function eventOf(meeting: CalendarMeeting, pageUrl: URL, options: { reminder: boolean }): EventAttributes {
	const cancelled = meeting.status === 'annulé';
	return {
		uid: meetingUid(meeting.id, pageUrl),
		sequence: meetingSequence(meeting.updatedAt),
		// Without METHOD, DTSTAMP is when the information was last revised (RFC 5545 §3.8.7.2).
		...(meeting.updatedAt ? { timestamp: meeting.updatedAt.getTime(), lastModified: meeting.updatedAt.getTime() } : {}),
		productId: PRODUCT_ID,
		title: cancelled ? `Annulé : ${meeting.title}` : meeting.title,
		description: cancelled ? `Cette réunion est annulée.\n\n${meeting.description}` : meeting.description,
		location: meeting.location,
		url: pageUrl.href,
		start: meeting.startsAt.getTime(),
		startInputType: 'utc',
		startOutputType: 'utc',
		end: meeting.startsAt.getTime() + meeting.durationMinutes * 60_000,
		endInputType: 'utc',
		endOutputType: 'utc',
		status: cancelled ? 'CANCELLED' : 'CONFIRMED',
		// A cancelled meeting keeps its place in the calendar (struck out), but frees the time and rings no reminder.
		...(cancelled ? { transp: 'TRANSPARENT' as const } : {}),
		...(options.reminder && !cancelled
			? {
					alarms: [{ action: 'display' as const, description: meeting.title, trigger: { hours: 24, before: true } }],
				}
			: {}),
	};
}

function calendarOf(events: EventAttributes[], header: { calName?: string }, what: string): string {
	const { error, value } = createEvents(events, { productId: PRODUCT_ID, ...header });
	if (error || value === null) throw new Error(`Calendar ${what} could not be built: ${error}`);
	return foldLines(value);
}

/**
 * An iCalendar (RFC 5545) file for one meeting, in UTC so that every calendar shows the Paris time
 * correctly, with a reminder the day before. The UID is stable and SEQUENCE grows with each save of
 * the meeting, so that opening the file again updates the event instead of duplicating it; a
 * cancelled meeting is STATUS:CANCELLED, which calendars strike out.
 */
export function meetingCalendar(meeting: CalendarMeeting, pageUrl: URL): string {
	return calendarOf([eventOf(meeting, pageUrl, { reminder: true })], {}, `for meeting ${meeting.id}`);
}

/**
 * A calendar to subscribe to: every meeting (of the site or of one territory), past ones included so
 * that the history stays, each with the same UID and SEQUENCE as its own file. Calendars fetch it
 * again on their own (X-PUBLISHED-TTL, written by the `ics` library) and see dates change and
 * cancellations. No reminder: a subscribed calendar rings for every meeting, wanted or not.
 */
export function meetingsCalendar(
	meetings: readonly { meeting: CalendarMeeting; pageUrl: URL }[],
	options: { name: string },
): string {
	const events = [...meetings]
		.sort((a, b) => a.meeting.startsAt.getTime() - b.meeting.startsAt.getTime())
		.map(({ meeting, pageUrl }) => eventOf(meeting, pageUrl, { reminder: false }));
	if (events.length === 0) {
		// RFC 5545 wants at least one component; the `ics` library also refuses an empty list.
		const empty = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nPRODID:${PRODUCT_ID}\r\nX-WR-CALNAME:${escapeText(options.name)}\r\nX-PUBLISHED-TTL:PT1H\r\nEND:VCALENDAR\r\n`;
		return foldLines(empty);
	}
	return calendarOf(events, { calName: options.name }, options.name);
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
