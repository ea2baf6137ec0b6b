import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { getMinutes, getTerritoryNames } from '../../lib/content/collections';
import { SITE_NAME } from '../../lib/site';

export const GET: APIRoute = async ({ site }) => {
	const territoryNames = await getTerritoryNames();
	const minutes = await getMinutes();
	return rss({
		title: `${SITE_NAME} — comptes rendus du Conseil`,
		description: 'Les comptes rendus des réunions du Conseil Pays de Santé, dès leur publication.',
		site: site ?? 'http://localhost:4321',
		customData: '<language>fr-fr</language>',
		items: minutes.map((entry) => ({
			title: entry.data.title,
			link: `/comptes-rendus/${entry.id}/`,
			pubDate: entry.data.date,
			description: entry.data.summary,
			categories: [territoryNames.get(entry.data.territory.id) ?? entry.data.territory.id],
		})),
	});
};
