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

describe('territory perimeters', () => {
	const territory = (frontmatter: Record<string, unknown>) =>
		schemas.territory.safeParse({
			name: 'Essai',
			summary: 'Un territoire d’essai.',
			coordinatorContact: { role: 'Conseillère', email: 'essai@pays-de-sante.example' },
			...frontmatter,
		});

	it.each([
		['entre-perigord-et-limousin.md', ['16', '24', '87'], ['Charente', 'Dordogne', 'Haute-Vienne'], 10],
		['pays-ajaccien.md', ['2A'], ['Corse-du-Sud'], 10],
	])(
		'%s (a list of codes only) is accepted, with its departments and population looked up',
		(file, codes, names, count) => {
			const result = schemas.territory.safeParse(readFrontmatter(join(fixtures, 'territories', file)));
			expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
			const data = result.data!;
			expect(data.departments.map((d) => d.code)).toStrictEqual(codes);
			expect(data.departments.map((d) => d.name)).toStrictEqual(names);
			expect(data.perimeter.communes).toHaveLength(count);
			expect(data.population).toStrictEqual({
				label: `Habitants des ${count} communes (population municipale)`,
				value: data.perimeter.population,
				unit: 'habitants',
				source: 'Insee, populations légales 2023',
				year: 2023,
			});
			expect(data.generalPractitioners).toBeUndefined();
		},
	);

	it('keeps a population typed in the file, and takes an EPCI', () => {
		const population = { label: 'Habitants', value: 15000, source: 'Mairie', year: 2024 };
		const result = territory({ epci: '200071819', population });
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		expect(result.data?.population).toStrictEqual(population);
		expect(result.data?.perimeter.epci?.name).toBe('CC du Périgord Nontronnais');
		expect(result.data?.departments).toStrictEqual([{ code: '24', name: 'Dordogne' }]);
	});

	it('refuses a merged commune at its place in the list, naming the commune it became', () => {
		const result = territory({ communes: ['24311', '24079'] });
		expect(issueLines(result.error!)).toStrictEqual([
			'communes.1: la commune 24079 (Cantillac) n’existe plus : elle a fusionné dans 24064 Brantôme en Périgord ; remplacez le code par 24064.',
		]);
	});

	it('says how to write a code YAML reads as a number, and refuses a malformed one, an empty list, two forms', () => {
		expect(issueLines(territory({ communes: [8038, '2431'] }).error!)).toStrictEqual([
			'communes.0: code de commune à écrire entre guillemets (ex. "08038") : sans guillemets, 8038 est lu comme un nombre et perd son zéro initial',
			'communes.1: « 2431 » n’est pas un code de commune : 5 caractères attendus, des chiffres (ex. 37261), ou 2A/2B suivi de 3 chiffres en Corse (ex. 2A004)',
		]);
		expect(issueLines(territory({ communes: [] }).error!)).toStrictEqual(['communes: au moins une commune attendue']);
		expect(issueLines(territory({ epci: '20007181' }).error!)).toStrictEqual([
			'epci: « 20007181 » n’est pas un numéro SIREN d’intercommunalité : 9 chiffres attendus (ex. "200071819")',
		]);
		expect(issueLines(territory({ communes: ['24311'], epci: '200071819' }).error!)).toStrictEqual([
			': le périmètre doit être donné d’une seule façon, or ce fichier en donne 2 (communes, epci) : gardez-en une.',
		]);
		expect(issueLines(territory({}).error!)[0]).toMatch(/^: périmètre attendu : la liste des codes des communes/);
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
				.perimeter.communes.map((c) => c.code);
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
