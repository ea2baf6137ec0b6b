import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'astro/zod';
import { load } from 'js-yaml';
import type { PerimeterCommune } from '../../content/perimeter.ts';
import { createContentSchemas } from '../../content/schemas.ts';

export const CONTENT_DIR = join(import.meta.dirname, '../../../../content');

/** What `public.sync_content` takes: the territories and meetings that SQL needs to enforce rules. */
export type ContentMirror = {
	/**
	 * `communes`: the perimeter's INSEE codes, resolved from the territory file (a list of codes, an EPCI
	 * or former cantons: src/lib/content/perimeter.ts), which the access-data importer reads.
	 */
	territories: { id: string; name: string; communes: string[] }[];
	meetings: { id: string; territoryId: string; title: string; startsAt: string; capacity: number; status: string }[];
};

// Outside Astro there is no content store: a reference is checked against the mirrored ids below.
const idOnly = ((collection: string) => z.string().transform((id) => ({ collection, id }))) as unknown as Parameters<
	typeof createContentSchemas
>[0];
const schemas = createContentSchemas(idOnly);

function entries<T>(folder: string, schema: z.ZodType<T>): { id: string; data: T }[] {
	const dir = join(CONTENT_DIR, folder);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.md'))
		.map((file) => {
			const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? '';
			const parsed = schema.safeParse(load(frontmatter));
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				const where = issue?.path.length ? `${issue.path.join('.')} : ` : '';
				throw new Error(`content/${folder}/${file} : ${where}${issue?.message}`);
			}
			return { id: basename(file, '.md'), data: parsed.data };
		});
}

/** content/site/identite.yml, checked with the site's schema (outside Astro: `getSiteIdentity()` in src/lib/site.ts needs its content store). */
export function readSiteIdentity(): z.output<typeof schemas.siteIdentity> {
	const file = join(CONTENT_DIR, 'site/identite.yml');
	const parsed = schemas.siteIdentity.safeParse(load(readFileSync(file, 'utf8')));
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`content/site/identite.yml : ${issue?.path.join('.') ?? ''} ${issue?.message}`);
	}
	return parsed.data;
}

/** A territory of content/territories with its resolved perimeter (names and populations from the official list). */
export type ContentTerritory = {
	id: string;
	name: string;
	departments: { code: string; name: string }[];
	communes: PerimeterCommune[];
};

/** The territories of content/territories, in the order of their ids (the first is "the first configured territory"). */
export function readTerritories(): ContentTerritory[] {
	return entries('territories', schemas.territory)
		.map(({ id, data }) => ({
			id,
			name: data.name,
			departments: data.perimeter.departments,
			communes: data.perimeter.communes,
		}))
		.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Reads content/territories and content/meetings with the site's own schemas. */
export function readContentMirror(): ContentMirror {
	const territories = readTerritories().map(({ id, name, communes }) => ({
		id,
		name,
		communes: communes.map((commune) => commune.code),
	}));
	const meetings = entries('meetings', schemas.meeting).map(({ id, data }) => ({
		id,
		territoryId: data.territory.id,
		title: data.title,
		startsAt: data.startsAt.toISOString(),
		capacity: data.capacity,
		// Only cancellation matters to SQL; "passé" follows from the date, "complet" from the seats.
		status: data.status === 'annulé' ? 'cancelled' : 'scheduled',
	}));
	return { territories, meetings };
}
