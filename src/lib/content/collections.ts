/** Build-time access to the content collections, in the order and shape pages need. */
import { getCollection, getEntry } from 'astro:content';
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

export async function getMinutes() {
	return sortMinutes(await getCollection('minutes'));
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
