import type { APIRoute, GetStaticPaths } from 'astro';
import { meetingCalendar } from '../../lib/content/calendar';
import { BUILD_TIME, getMeetings } from '../../lib/content/collections';
import { calendarEntryOf } from '../../lib/content/meeting-calendars';
import { isUpcoming } from '../../lib/domain/meeting';
import { councilAgendaForBuild, proposalPath } from '../../lib/server/meetings/agenda';

export const getStaticPaths = (async () =>
	(await getMeetings()).map((meeting) => ({
		params: { id: meeting.id },
		props: { meeting },
	}))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props, site }) => {
	const { meeting } = props as Awaited<ReturnType<typeof getStaticPaths>>[number]['props'];
	// The proposals on its agenda when the build can read the database; the file always gives the
	// page's address, where the list is kept up to date.
	const proposals = isUpcoming(meeting.data, BUILD_TIME)
		? await councilAgendaForBuild(meeting.id, { dev: import.meta.env.DEV })
		: undefined;
	const entry = calendarEntryOf(meeting, site, {
		read: proposals?.map((p) => ({
			title: p.title,
			supports: p.supports,
			url: new URL(proposalPath(p.id), site).href,
		})),
		at: new Date(),
	});
	return new Response(meetingCalendar(entry.meeting, entry.pageUrl), {
		headers: { 'Content-Type': 'text/calendar; charset=utf-8' },
	});
};
