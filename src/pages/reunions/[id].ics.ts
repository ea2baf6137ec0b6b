import type { APIRoute, GetStaticPaths } from 'astro';
import { meetingCalendar } from '../../lib/content/calendar';
import { getMeetings } from '../../lib/content/collections';
import { meetingPlaceLine } from '../../lib/content/queries';

export const getStaticPaths = (async () =>
	(await getMeetings()).map((meeting) => ({
		params: { id: meeting.id },
		props: { meeting },
	}))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props, site }) => {
	const { meeting } = props as Awaited<ReturnType<typeof getStaticPaths>>[number]['props'];
	const { data } = meeting;
	const body = meetingCalendar(
		{
			id: meeting.id,
			title: data.title,
			startsAt: data.startsAt,
			durationMinutes: data.durationMinutes,
			status: data.status,
			location: meetingPlaceLine(data.place),
			description: `Ordre du jour :\n${data.agenda.map((item) => `- ${item}`).join('\n')}`,
		},
		new URL(`/reunions/${meeting.id}/`, site),
	);
	return new Response(body, { headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
};
