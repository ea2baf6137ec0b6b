import type { APIRoute } from 'astro';
import { meetingsCalendar } from '../../lib/content/calendar';
import { getMeetings } from '../../lib/content/collections';
import { calendarEntryOf } from '../../lib/content/meeting-calendars';
import { SITE_NAME } from '../../lib/site';

/** Every meeting of the Council, to subscribe to: calendars fetch it again and follow changes. */
export const GET: APIRoute = async ({ site }) => {
	const meetings = (await getMeetings()).map((meeting) => calendarEntryOf(meeting, site));
	const body = meetingsCalendar(meetings, { name: `Réunions du Conseil ${SITE_NAME}` });
	return new Response(body, { headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
};
