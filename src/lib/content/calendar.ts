import { createEvent, type EventAttributes } from 'ics';

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
