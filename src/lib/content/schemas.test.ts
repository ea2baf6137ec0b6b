import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueLines, markdownFiles, readFrontmatter, schemas } from '../../test/frontmatter';

const fixtures = join(import.meta.dirname, '../../test/fixtures/content');
const content = join(import.meta.dirname, '../../../content');

describe('content schemas on fixtures', () => {
	it.each([
		['valid-meeting.md', schemas.meeting],
		['valid-minutes.md', schemas.minutes],
		['valid-service.md', schemas.service],
	])('%s is accepted', (file, schema) => {
		const result = schema.safeParse(readFrontmatter(join(fixtures, file)));
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
	});

	it('reads a meeting start as Paris wall-clock time (winter, UTC+1)', () => {
		const meeting = schemas.meeting.parse(readFrontmatter(join(fixtures, 'valid-meeting.md')));
		expect(meeting.startsAt.toISOString()).toBe('2027-01-21T17:30:00.000Z');
		expect(meeting.durationMinutes).toBe(120);
	});

	it('names every wrong field of a meeting and what was expected, in French', () => {
		const result = schemas.meeting.safeParse(readFrontmatter(join(fixtures, 'invalid-meeting.md')));
		expect(result.success).toBe(false);
		const lines = issueLines(result.error!);
		expect(lines).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^startsAt: date et heure attendues au format AAAA-MM-JJ HH:mm.*2027-02-31/),
				expect.stringMatching(/^place\.postalCode: code postal attendu/),
				expect.stringMatching(/^capacity: nombre de places attendu/),
				expect.stringMatching(/^agenda: au moins un point/),
				expect.stringMatching(/^status: statut attendu parmi : à venir, complet, passé, annulé/),
			]),
		);
		expect(lines).toHaveLength(5);
	});

	it('names every wrong field of minutes', () => {
		const result = schemas.minutes.safeParse(readFrontmatter(join(fixtures, 'invalid-minutes.md')));
		const paths = result.error!.issues.map((issue) => issue.path.join('.'));
		expect(paths.sort()).toStrictEqual(
			[
				'date',
				'attendance.professionnels',
				'attendance.partenaires',
				'summary',
				'agenda.0.summary',
				'decisions.0.owner',
			].sort(),
		);
	});

	it('refuses a figure without source or year, an unknown category and an empty contact', () => {
		const result = schemas.service.safeParse(readFrontmatter(join(fixtures, 'invalid-service.md')));
		const lines = issueLines(result.error!);
		expect(lines).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^category: catégorie attendue parmi : prevention-education/),
				expect.stringMatching(/^audiences: au moins un public/),
				expect.stringMatching(/^figures\.0\.source: /),
				expect.stringMatching(/^figures\.0\.year: année attendue/),
				expect.stringMatching(/^sources: au moins une source/),
				expect.stringMatching(/^contact: au moins un moyen de contact/),
			]),
		);
	});
});

describe('the real content in content/', () => {
	const collections = [
		['territories', schemas.territory],
		['services', schemas.service],
		['council', schemas.council],
		['meetings', schemas.meeting],
		['minutes', schemas.minutes],
		['pages', schemas.page],
	] as const;

	const files = collections.flatMap(([folder, schema]) =>
		markdownFiles(join(content, folder)).map((file) => [`${folder}/${basename(file)}`, file, schema] as const),
	);

	it.each(files)('%s matches its schema', (_name, file, schema) => {
		const result = schema.safeParse(readFrontmatter(file));
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
	});

	it('has what the site promises: 2 territories, ≥ 10 services, the council, ≥ 2 minutes, the legal pages', () => {
		const count = (folder: string) => markdownFiles(join(content, folder)).length;
		expect(count('territories')).toBe(2);
		expect(count('services')).toBeGreaterThanOrEqual(10);
		expect(count('council')).toBe(1);
		expect(count('minutes')).toBeGreaterThanOrEqual(2);
		for (const page of ['a-propos', 'glossaire', 'accessibilite', 'donnees-personnelles', 'mentions-legales']) {
			expect(existsSync(join(content, 'pages', `${page}.md`)), page).toBe(true);
		}
	});

	it('defines the perimeters as the 118 communes of the eight former cantons (30 + 88)', () => {
		const communes = (id: string) =>
			schemas.territory
				.parse(readFrontmatter(join(content, 'territories', `${id}.md`)))
				.formerCantons.flatMap((canton) => canton.communes.map((c) => c.code));
		const nontronnais = communes('nontronnais');
		const porcien = communes('porcien-thierache');
		expect(nontronnais).toHaveLength(30);
		expect(porcien).toHaveLength(88);
		expect(new Set([...nontronnais, ...porcien]).size).toBe(118);
		expect(nontronnais.every((code) => code.startsWith('24'))).toBe(true);
		expect(porcien.every((code) => code.startsWith('08'))).toBe(true);
	});

	it('labels every set of minutes that is an example as such in its title', () => {
		for (const file of markdownFiles(join(content, 'minutes'))) {
			const minutes = schemas.minutes.parse(readFrontmatter(file));
			if (minutes.isExample) expect(minutes.title, file).toMatch(/^Exemple/);
		}
	});

	it('has at least one upcoming meeting per territory, and every reference points to an existing entry', () => {
		const ids = (folder: string) => new Set(markdownFiles(join(content, folder)).map((f) => basename(f, '.md')));
		const territories = ids('territories');
		const meetings = ids('meetings');
		const parsedMeetings = markdownFiles(join(content, 'meetings')).map((f) =>
			schemas.meeting.parse(readFrontmatter(f)),
		);
		for (const territory of territories) {
			expect(
				parsedMeetings.some((m) => m.territory.id === territory && m.status === 'à venir'),
				`upcoming meeting in ${territory}`,
			).toBe(true);
		}
		for (const meeting of parsedMeetings) expect(territories).toContain(meeting.territory.id);
		for (const file of markdownFiles(join(content, 'minutes'))) {
			const minutes = schemas.minutes.parse(readFrontmatter(file));
			expect(meetings, file).toContain(minutes.meeting.id);
			expect(territories, file).toContain(minutes.territory.id);
		}
		for (const file of markdownFiles(join(content, 'services'))) {
			for (const ref of schemas.service.parse(readFrontmatter(file)).territories) {
				expect(territories, file).toContain(ref.id);
			}
		}
	});
});
