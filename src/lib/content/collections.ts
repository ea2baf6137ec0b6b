/** Build-time access to the content collections, in the order and shape pages need. */
import { getCollection, getEntry } from 'astro:content';
import { minutesIssues } from './minutes-rules';
import { sortMinutes, sortServices } from './queries';

export async function getTerritories() {
	const territories = await getCollection('territories');
	return territories.sort((a, b) => a.data.order - b.data.order || a.data.name.localeCompare(b.data.name, 'fr'));
}

export async function getTerritoryNames(): Promise<Map<string, string>> {
	return new Map((await getTerritories()).map((t) => [t.id, t.data.name]));
}

export async function getServices() {
	return sortServices(await getCollection('services'));
}

export async function getMeetings() {
	return getCollection('meetings');
}

/**
 * The minutes that match their meeting (minutes-rules.ts), newest first, and the problems of the
 * others. The content loaders stop `astro build` and the start of `astro dev` on any problem, so
 * `issues` is empty on the built site; a file edited while `astro dev` runs only reaches the store:
 * it is left out here, so no page shows it, and the minutes page lists the problems instead.
 */
export async function getCheckedMinutes() {
	const [minutes, meetings] = await Promise.all([getCollection('minutes'), getCollection('meetings')]);
	const issues = minutesIssues(minutes, meetings, new Date());
	const refused = new Set(issues.map((issue) => issue.id));
	return { minutes: sortMinutes(minutes.filter((entry) => !refused.has(entry.id))), issues };
}

export async function getMinutes() {
	return (await getCheckedMinutes()).minutes;
}

export async function getCouncil() {
	const [council] = await getCollection('council');
	if (!council) throw new Error('content/council must hold the council page (one Markdown file).');
	return council;
}

export async function getPage(id: string) {
	const page = await getEntry('pages', id);
	if (!page) throw new Error(`content/pages/${id}.md is missing.`);
	return page;
}

/** The moment the site was built: meeting statuses are computed against it. */
export const BUILD_TIME = new Date();
