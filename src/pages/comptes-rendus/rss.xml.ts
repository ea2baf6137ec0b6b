import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import { BUILD_TIME, getMinutes, getTerritoryNames } from '../../lib/content/collections';
import { SITE_NAME } from '../../lib/site';

/** The feed's own address, declared in it (atom:link rel="self") as feed validators ask. */
const FEED_PATH = '/comptes-rendus/rss.xml';

export const GET: APIRoute = async ({ site }) => {
	const territoryNames = await getTerritoryNames();
	const minutes = await getMinutes();
	const siteUrl = site ?? new URL('http://localhost:4321');
	const self = new URL(FEED_PATH, siteUrl).href;
	return rss({
		title: `${SITE_NAME} — comptes rendus du Conseil`,
		description: 'Les comptes rendus des réunions du Conseil Pays de Santé, dès leur publication.',
		site: siteUrl,
		xmlns: { atom: 'http://www.w3.org/2005/Atom' },
		// The feed is written when the site is built, which is when its content can change.
		customData: [
			'<language>fr-fr</language>',
			`<lastBuildDate>${BUILD_TIME.toUTCString()}</lastBuildDate>`,
			`<atom:link href="${self}" rel="self" type="application/rss+xml"/>`,
		].join(''),
		items: minutes.map((entry) => ({
			title: entry.data.title,
			link: `/comptes-rendus/${entry.id}/`,
			pubDate: entry.data.date,
			description: entry.data.summary,
			categories: [territoryNames.get(entry.data.territory.id) ?? entry.data.territory.id],
		})),
	});
};
