import type { APIRoute, GetStaticPaths } from 'astro';
import { meetingsCalendar } from '../../../lib/content/calendar';
import { getMeetings, getTerritories } from '../../../lib/content/collections';
import { calendarEntryOf } from '../../../lib/content/meeting-calendars';
import { SITE_NAME } from '../../../lib/site';

export const getStaticPaths = (async () =>
	(await getTerritories()).map((territory) => ({
		params: { territoire: territory.id },
		props: { territoryId: territory.id, name: territory.data.name },
	}))) satisfies GetStaticPaths;

/** The meetings of one territory, to subscribe to. */
export const GET: APIRoute = async ({ props, site }) => {
	const { territoryId, name } = props as Awaited<ReturnType<typeof getStaticPaths>>[number]['props'];
	const meetings = (await getMeetings())
		.filter((meeting) => meeting.data.territory.id === territoryId)
		.map((meeting) => calendarEntryOf(meeting, site));
	const body = meetingsCalendar(meetings, { name: `Réunions du Conseil ${SITE_NAME} — ${name}` });
	return new Response(body, { headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
};
