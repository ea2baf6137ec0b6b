import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFrontmatter } from '../../test/frontmatter';
import {
	COG_YEAR,
	PACKAGE_VERSION,
	type Perimeter,
	type PerimeterResult,
	type PerimeterSpec,
	POPULATION_YEAR,
	resolvePerimeter,
} from './perimeter';

const content = join(import.meta.dirname, '../../../content/territories');
const fixtures = join(import.meta.dirname, '../../test/fixtures/content/territories');

function resolved(result: PerimeterResult): Perimeter {
	if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
	return result.perimeter;
}

function messages(result: PerimeterResult): string[] {
	if (result.ok) throw new Error('the perimeter was accepted');
	return result.issues.map((issue) => issue.message);
}

const codes = (perimeter: Perimeter) => perimeter.communes.map((commune) => commune.code);

describe('the package the perimeters are looked up in', () => {
	it('is the vintage the years shown on the site were checked against (COG 2026, populations légales 2023)', () => {
		const require = createRequire(import.meta.url);
		const pkg = require('@etalab/decoupage-administratif/package.json') as { version: string };
		// A new version may hold another COG and other legal populations: check COG_YEAR and POPULATION_YEAR, then this.
		expect(pkg.version).toBe(PACKAGE_VERSION);
		const readme = readFileSync(require.resolve('@etalab/decoupage-administratif/README.md'), 'utf8');
		expect(readme).toMatch(/\| 2026 {2}\| 6\.0\.0/);
		// Insee's page of the legal populations 2023 (in force on 1 January 2026).
		expect(readme).toContain('https://www.insee.fr/fr/statistiques/8680726');
		expect([COG_YEAR, POPULATION_YEAR]).toStrictEqual([2026, 2023]);
	});
});

describe('resolvePerimeter', () => {
	it('looks up names, departments and populations from a list of INSEE codes, in the order written', () => {
		const perimeter = resolved(resolvePerimeter('essai', { communes: ['24311', '24180'] }));
		expect(perimeter.form).toBe('communes');
		expect(perimeter.communes).toStrictEqual([
			{ code: '24311', name: 'Nontron', department: '24', departmentName: 'Dordogne', population: 3057 },
			{ code: '24180', name: 'Firbeix', department: '24', departmentName: 'Dordogne', population: expect.any(Number) },
		]);
		expect(perimeter.departments).toStrictEqual([{ code: '24', name: 'Dordogne' }]);
		expect(perimeter.population).toBe(3057 + perimeter.communes[1]!.population);
		expect(perimeter).toMatchObject({ populationYear: 2023, populationSource: expect.stringMatching(/Insee.*2023/) });
	});

	it('keeps the two pilots’ perimeters: the same 30 and 88 communes, the populations typed in their files', () => {
		for (const [id, count, population, cantons] of [
			['nontronnais', 30, 16215, 3],
			['porcien-thierache', 88, 19494, 5],
		] as const) {
			const spec = readFrontmatter(join(content, `${id}.md`)) as {
				formerCantons: { code: string; name: string; communes: { code: string; name: string }[] }[];
			};
			const perimeter = resolved(resolvePerimeter(id, spec));
			expect(perimeter.form).toBe('formerCantons');
			expect(codes(perimeter)).toStrictEqual(spec.formerCantons.flatMap((c) => c.communes.map((x) => x.code)));
			expect(perimeter.communes).toHaveLength(count);
			expect(perimeter.population).toBe(population);
			expect(perimeter.formerCantons).toHaveLength(cantons);
		}
	});

	it('reads a former canton’s communes by code, ignoring a name written beside them, and keeps the canton', () => {
		const perimeter = resolved(
			resolvePerimeter('essai', {
				formerCantons: [
					{ code: '2426', name: 'Nontron', communes: [{ code: '24311', name: 'Nontron (ville)' }, '24016'] },
				],
			}),
		);
		expect(perimeter.communes.map((c) => [c.code, c.name, c.formerCanton])).toStrictEqual([
			['24311', 'Nontron', 'Nontron'],
			['24016', 'Augignac', 'Nontron'],
		]);
		expect(perimeter.formerCantons).toStrictEqual([{ code: '2426', name: 'Nontron', communes: ['24311', '24016'] }]);
	});

	it('takes the members of an EPCI from its SIREN number', () => {
		const perimeter = resolved(resolvePerimeter('essai', { epci: '200071819' }));
		expect(perimeter.form).toBe('epci');
		expect(perimeter.epci).toStrictEqual({ code: '200071819', name: 'CC du Périgord Nontronnais' });
		expect(perimeter.communes).toHaveLength(28);
		expect(codes(perimeter)).toContain('24311');
		expect(perimeter.departments).toStrictEqual([{ code: '24', name: 'Dordogne' }]);
		expect(perimeter.population).toBe(15293);
	});

	it('takes a list across a department border, each commune with its own department', () => {
		const perimeter = resolved(resolvePerimeter('essai', { communes: ['87060', '24311', '16223'] }));
		expect(perimeter.communes.map((c) => [c.code, c.department, c.departmentName])).toStrictEqual([
			['87060', '87', 'Haute-Vienne'],
			['24311', '24', 'Dordogne'],
			['16223', '16', 'Charente'],
		]);
		expect(perimeter.departments.map((d) => d.code)).toStrictEqual(['16', '24', '87']);
	});

	it('takes Corsica (2A, 2B) and overseas departments (971)', () => {
		const corsica = resolved(resolvePerimeter('essai', { communes: ['2B033', '2A004'] }));
		expect(corsica.communes.map((c) => [c.code, c.name, c.department])).toStrictEqual([
			['2B033', 'Bastia', '2B'],
			['2A004', 'Ajaccio', '2A'],
		]);
		expect(corsica.departments).toStrictEqual([
			{ code: '2A', name: 'Corse-du-Sud' },
			{ code: '2B', name: 'Haute-Corse' },
		]);
		// Corsica sorts where its former code 20 was.
		expect(
			resolved(resolvePerimeter('essai', { communes: ['21231', '2A004', '19272'] })).departments.map((d) => d.code),
		).toStrictEqual(['19', '2A', '21']);
		const guadeloupe = resolved(resolvePerimeter('essai', { communes: ['97101', '97103', '97120'] }));
		expect(guadeloupe.communes[0]).toStrictEqual({
			code: '97101',
			name: 'Les Abymes',
			department: '971',
			departmentName: 'Guadeloupe',
			population: 51055,
		});
		expect(guadeloupe.population).toBe(51055 + 30924 + 15040);
		expect(resolved(resolvePerimeter('essai', { epci: '200018653' })).departments).toStrictEqual([
			{ code: '971', name: 'Guadeloupe' },
		]);
	});

	it('refuses a merged commune, naming the file, the code and the commune it became, with the fix', () => {
		expect(messages(resolvePerimeter('essai', { communes: ['24311', '24079'] }))).toStrictEqual([
			'content/territories/essai.md : la commune 24079 (Cantillac) n’existe plus : elle a fusionné dans 24064 Brantôme en Périgord ; remplacez le code par 24064.',
		]);
		// Its new commune already listed: remove the old code instead.
		expect(messages(resolvePerimeter('essai', { communes: ['24064', '24079'] }))).toStrictEqual([
			'content/territories/essai.md : la commune 24079 (Cantillac) n’existe plus : elle a fusionné dans 24064 Brantôme en Périgord ; 24064 est déjà dans la liste : retirez 24079.',
		]);
		// A code that only the new commune still lists (no "commune déléguée" left), and a former canton.
		expect(
			messages(resolvePerimeter('essai', { formerCantons: [{ code: '0101', name: 'Essai', communes: ['01126'] }] })),
		).toStrictEqual([
			'content/territories/essai.md : la commune 01126 n’existe plus : elle a fusionné dans 01033 Valserhône ; remplacez le code par 01033.',
		]);
		// Corsica's codes from before 1976.
		expect(messages(resolvePerimeter('essai', { communes: ['20004'] }))).toStrictEqual([
			'content/territories/essai.md : 20004 est l’ancien code de la commune Ajaccio, d’avant la création des deux départements de Corse en 1976 : remplacez-le par 2A004.',
		]);
	});

	it('gives the issue’s place in the file, and no file name when it has none (the content schema’s case)', () => {
		const result = resolvePerimeter(null, { communes: ['24311', '24079'] });
		expect(result.ok ? [] : result.issues).toStrictEqual([
			{
				path: ['communes', 1],
				message:
					'la commune 24079 (Cantillac) n’existe plus : elle a fusionné dans 24064 Brantôme en Périgord ; remplacez le code par 24064.',
			},
		]);
	});

	it('refuses an unknown code, a postal code, an arrondissement and a malformed code', () => {
		expect(messages(resolvePerimeter('essai', { communes: ['24999', '87230', '13201', '2431'] }))).toStrictEqual([
			`content/territories/essai.md : le code 24999 ne correspond à aucune commune au 1er janvier 2026. Vérifiez le code officiel (code INSEE, différent du code postal) de la commune.`,
			expect.stringMatching(
				/^content\/territories\/essai\.md : le code 87230 ne correspond à aucune commune : c’est un code postal\. .*\(Bussière-Galant : 87027, Les Cars : 87029, Châlus : 87032, …\)\.$/,
			),
			'content/territories/essai.md : 13201 est un arrondissement (Marseille 1er Arrondissement), pas une commune : mettez le code de la commune, 13055 (Marseille).',
			expect.stringMatching(/^content\/territories\/essai\.md : « 2431 » n’est pas un code de commune : 5 caractères/),
		]);
	});

	it('refuses an unknown EPCI, and says when the number is a commune’s', () => {
		expect(messages(resolvePerimeter('essai', { epci: '200071818' }))).toStrictEqual([
			expect.stringMatching(
				/^content\/territories\/essai\.md : l’intercommunalité 200071818 n’existe pas dans la liste officielle des EPCI à fiscalité propre au 1er janvier 2026\./,
			),
		]);
		expect(messages(resolvePerimeter('essai', { epci: '212403117' }))[0]).toContain(
			'C’est le numéro SIREN de la commune Nontron',
		);
	});

	it('refuses an empty list, a commune written twice, and a perimeter given in none or several forms', () => {
		expect(messages(resolvePerimeter('essai', { communes: [] }))).toStrictEqual([
			'content/territories/essai.md : au moins une commune attendue dans la liste communes.',
		]);
		expect(messages(resolvePerimeter('essai', { communes: ['24311', '24016', '24311'] }))).toStrictEqual([
			'content/territories/essai.md : la commune 24311 (Nontron) est écrite deux fois : gardez-en une seule.',
		]);
		expect(
			messages(
				resolvePerimeter('essai', {
					formerCantons: [
						{ code: '2426', name: 'Nontron', communes: ['24311'] },
						{ code: '2406', name: 'Bussière-Badil', communes: ['24311'] },
					],
				}),
			),
		).toStrictEqual([
			'content/territories/essai.md : la commune 24311 (Nontron) est écrite deux fois (anciens cantons de Nontron et de Bussière-Badil) : gardez-en une seule.',
		]);
		expect(messages(resolvePerimeter('essai', {}))[0]).toMatch(/^content\/territories\/essai\.md : périmètre attendu/);
		expect(messages(resolvePerimeter('essai', { communes: ['24311'], epci: '200071819' }))).toStrictEqual([
			'content/territories/essai.md : le périmètre doit être donné d’une seule façon, or ce fichier en donne 2 (communes, epci) : gardez-en une.',
		]);
	});

	it('checks written departments against the communes', () => {
		expect(resolvePerimeter('essai', { communes: ['24311'], departments: [{ code: '24' }] }).ok).toBe(true);
		expect(
			messages(resolvePerimeter('essai', { communes: ['24311', '87060'], departments: [{ code: '24' }] })),
		).toStrictEqual([
			'content/territories/essai.md : les départements écrits (24) ne sont pas ceux des communes (24, 87) : retirez la liste departments, elle est déduite des communes.',
		]);
	});
});

describe('the test territories (fixtures, not content)', () => {
	it('a territory across the Dordogne, Haute-Vienne and Charente borders resolves with its three departments', () => {
		const perimeter = resolved(
			resolvePerimeter(
				'entre-perigord-et-limousin',
				readFrontmatter(join(fixtures, 'entre-perigord-et-limousin.md')) as PerimeterSpec,
			),
		);
		expect(perimeter.communes).toHaveLength(10);
		expect(perimeter.departments).toStrictEqual([
			{ code: '16', name: 'Charente' },
			{ code: '24', name: 'Dordogne' },
			{ code: '87', name: 'Haute-Vienne' },
		]);
		expect(perimeter.communes.filter((c) => c.department === '87').map((c) => c.name)).toStrictEqual([
			'Dournazac',
			'Châlus',
			'Pensol',
			'Marval',
		]);
		expect(perimeter.population).toBe(10081);
	});

	it('a Corsican territory resolves in Corse-du-Sud, with the same communes as the Pays ajaccien EPCI', () => {
		const perimeter = resolved(
			resolvePerimeter('pays-ajaccien', readFrontmatter(join(fixtures, 'pays-ajaccien.md')) as PerimeterSpec),
		);
		expect(perimeter.departments).toStrictEqual([{ code: '2A', name: 'Corse-du-Sud' }]);
		expect(perimeter.communes.every((c) => c.code.startsWith('2A') && c.departmentName === 'Corse-du-Sud')).toBe(true);
		expect(perimeter.population).toBe(93835);
		const epci = resolved(resolvePerimeter('essai', { epci: '242010056' }));
		expect(epci.epci?.name).toBe('CA du Pays Ajaccien');
		expect(codes(epci).sort()).toStrictEqual(codes(perimeter).sort());
	});
});
