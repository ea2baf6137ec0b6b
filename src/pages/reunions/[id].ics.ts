import type { APIRoute, GetStaticPaths } from 'astro';
import { meetingCalendar, meetingDescription } from '../../lib/content/calendar';
import { BUILD_TIME, getMeetings } from '../../lib/content/collections';
import { meetingPlaceLine } from '../../lib/content/queries';
import { isUpcoming } from '../../lib/domain/meeting';
import { councilAgendaForBuild, proposalPath } from '../../lib/server/meetings/agenda';

export const getStaticPaths = (async () =>
	(await getMeetings()).map((meeting) => ({
		params: { id: meeting.id },
		props: { meeting },
	}))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props, site }) => {
	const { meeting } = props as Awaited<ReturnType<typeof getStaticPaths>>[number]['props'];
	const { data } = meeting;
	const pageUrl = new URL(`/reunions/${meeting.id}/`, site);
	const upcoming = isUpcoming(data, BUILD_TIME);
	// The proposals on its agenda when the build can read the database; the file always gives the
	// page's address, where the list is kept up to date.
	const proposals = upcoming ? await councilAgendaForBuild(meeting.id, { dev: import.meta.env.DEV }) : undefined;
	const body = meetingCalendar(
		{
			id: meeting.id,
			title: data.title,
			startsAt: data.startsAt,
			durationMinutes: data.durationMinutes,
			status: data.status,
			location: meetingPlaceLine(data.place),
			description: meetingDescription({
				agenda: data.agenda,
				pageUrl,
				isUpcoming: upcoming,
				proposals: proposals?.map((p) => ({
					title: p.title,
					supports: p.supports,
					url: new URL(proposalPath(p.id), site).href,
				})),
				readAt: new Date(),
			}),
		},
		pageUrl,
	);
	return new Response(body, { headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
};
