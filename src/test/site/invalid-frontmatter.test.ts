import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAstro } from './astro-cli';
import { contentLayerCopy } from './content-copy';
import { ROOT } from './paths';

const MINUTES_FIXTURES = join(ROOT, 'src/test/fixtures/content/minutes-rules');
const removals: (() => void)[] = [];

/** A copy of the content layer, with fixture folders of src/test/fixtures/content/minutes-rules/ laid over its content/. */
function copyWith(...fixtures: string[]): string {
	const { dir, remove } = contentLayerCopy();
	removals.push(remove);
	for (const fixture of fixtures) cpSync(join(MINUTES_FIXTURES, fixture), join(dir, 'content'), { recursive: true });
	return dir;
}

afterAll(() => {
	for (const remove of removals) remove();
});

/** One broken file added: the build must stop and say which file, which field and what was expected. */
describe('an invalid frontmatter', () => {
	let dir = '';

	beforeAll(() => {
		dir = copyWith();
		writeFileSync(
			join(dir, 'content/meetings/reunion-mal-saisie.md'),
			[
				'---',
				'title: Réunion mal saisie',
				'territory: nontronnais',
				"startsAt: '2027-01-21 18:30'",
				'place: { name: Salle, address: Mairie, postalCode: "24300", city: Nontron }',
				'capacity: trente',
				'agenda: [Accueil]',
				'status: à venir',
				'---',
				'',
			].join('\n'),
		);
	});

	it('fails the build naming the file, the field and what was expected', () => {
		const result = runAstro(['sync'], dir);
		expect(result.status).not.toBe(0);
		expect(result.output).toContain('meetings → reunion-mal-saisie');
		expect(result.output).toContain('content/meetings/reunion-mal-saisie.md');
		expect(result.output).toMatch(/capacity\*{0,2}: nombre de places attendu \(nombre entier, ex\. 30\)/);
	});
});

/**
 * A territory defined by INSEE codes, one of which is a commune that has since merged: the perimeter
 * check (src/lib/content/perimeter.ts, run by the territory schema) stops the build and says which
 * file, which code, and which commune to write instead.
 */
describe('a territory with an outdated commune code', () => {
	it('fails the build naming the file, the code and the commune it merged into', () => {
		const dir = copyWith();
		writeFileSync(
			join(dir, 'content/territories/vallee-de-la-dronne.md'),
			[
				'---',
				'name: Vallée de la Dronne',
				'summary: Un territoire d’essai.',
				'communes: ["24311", "24079"]',
				'coordinatorContact: { role: Conseillère, email: essai@pays-de-sante.example }',
				'---',
				'',
			].join('\n'),
		);
		const result = runAstro(['sync'], dir);
		expect(result.status).not.toBe(0);
		expect(result.output).toContain('territories → vallee-de-la-dronne');
		expect(result.output).toContain('content/territories/vallee-de-la-dronne.md');
		expect(result.output).toContain(
			'communes.1: la commune 24079 (Cantillac) n’existe plus : elle a fusionné dans 24064 Brantôme en Périgord ; remplacez le code par 24064.',
		);
	});
});

/**
 * Files that each pass their schema but contradict their meeting (src/lib/content/minutes-rules.ts):
 * the content loaders check both collections together, so the sync that `astro build` and `astro dev`
 * start with stops, naming each file, what is wrong and how to fix it.
 */
describe('minutes that contradict their meeting', () => {
	it('fail the sync: a second minutes for a meeting, a date that is not the meeting’s, a meeting not held yet', () => {
		const result = runAstro(['sync'], copyWith('second-minutes', 'wrong-date', 'future-meeting'));
		expect(result.status).not.toBe(0);
		expect(result.output).toContain('Comptes rendus incohérents avec leur réunion (3 problèmes) :');
		for (const message of [
			'content/minutes/2026-10-nontronnais-bis.md : la réunion 2026-10-nontronnais a déjà un compte rendu (content/minutes/2026-10-nontronnais.md). Un seul compte rendu par réunion : complétez celui-ci.',
			'content/minutes/2026-09-porcien-thierache.md : la date du compte rendu (2026-09-18) n’est pas celle de sa réunion 2026-09-porcien-thierache (2026-09-17, dans content/meetings/2026-09-porcien-thierache.md). Mettez la date de la réunion, 2026-09-17, ou choisissez la bonne réunion.',
			'content/minutes/2099-03-nontronnais.md : la réunion 2099-03-nontronnais n’a pas encore eu lieu (prévue le jeudi 12 mars 2099 à 18 h 30). Un compte rendu se publie après la réunion : retirez-le d’ici là, ou choisissez la bonne réunion.',
		]) {
			expect(result.output).toContain(`- ${message}`);
		}
		expect(result.output).toMatch(/Un compte rendu par réunion, à la date de sa réunion et sur son territoire/);
	});

	it('let the sync through once they match: a new meeting held, and its minutes', () => {
		const result = runAstro(['sync'], copyWith('consistent'));
		expect(result.output).not.toContain('incohérent');
		expect(result.status, result.output).toBe(0);
	});
});
