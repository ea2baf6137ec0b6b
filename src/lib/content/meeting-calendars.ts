/** Calendar data of the meetings in `content/meetings`, for the calendar files and feeds under /reunions/. */
import type { CollectionEntry } from 'astro:content';
import { isUpcoming } from '../domain/meeting.ts';
import { type CalendarAgendaProposal, type CalendarMeeting, meetingDescription } from './calendar.ts';
import { BUILD_TIME } from './collections.ts';
import { meetingPlaceLine } from './queries.ts';

/** The address of the calendar of every meeting. */
export const ALL_MEETINGS_CALENDAR_PATH = '/reunions/calendrier.ics';

/** The address of the calendar of one territory's meetings. */
export const territoryCalendarPath = (territoryId: string) => `/reunions/calendrier/${territoryId}.ics`;

/** A meeting as a calendar event, with its page's address. */
export function calendarEntryOf(
	meeting: CollectionEntry<'meetings'>,
	site: URL | undefined,
	proposals?: { read: readonly CalendarAgendaProposal[] | undefined; at: Date },
): { meeting: CalendarMeeting; pageUrl: URL; upcoming: boolean } {
	const { data } = meeting;
	const pageUrl = new URL(`/reunions/${meeting.id}/`, site ?? 'http://localhost:4321');
	const upcoming = isUpcoming(data, BUILD_TIME);
	return {
		pageUrl,
		upcoming,
		meeting: {
			id: meeting.id,
			title: data.title,
			startsAt: data.startsAt,
			durationMinutes: data.durationMinutes,
			status: data.status,
			location: meetingPlaceLine(data.place),
			updatedAt: data.updatedAt,
			description: meetingDescription({
				agenda: data.agenda,
				pageUrl,
				isUpcoming: upcoming,
				proposals: proposals?.read,
				...(proposals ? { readAt: proposals.at } : {}),
			}),
		},
	};
}
