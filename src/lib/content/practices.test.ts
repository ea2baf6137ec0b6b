import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueLines, markdownFiles, readFrontmatter, schemas } from '../../test/frontmatter';
import { computeDemand, type ScenarioCommune, validateChanges } from '../domain/scenario';
import { knownGpsByCommune, type Practice, type PracticeEntry, practicesByCommune } from './practices';

const fixtures = join(import.meta.dirname, '../../test/fixtures/content');
const content = join(import.meta.dirname, '../../../content');

const practice = (overrides: Partial<Record<keyof Practice, unknown>> = {}) => ({
	name: 'Cabinet d’essai',
	kind: 'cabinet',
	commune: '24311',
	gps: 2,
	gpsAged65OrMore: 1,
	source: 'Recensement de la coordinatrice',
	updatedAt: '2026-11-23',
	...overrides,
});
const entry = (id: string, overrides: Partial<Record<keyof Practice, unknown>> = {}): PracticeEntry => ({
	id,
	data: schemas.practice.parse(practice(overrides)),
});
const linesOf = (input: unknown) => {
	const result = schemas.practice.safeParse(input);
	return result.error ? issueLines(result.error) : [];
};

describe('the practice schema', () => {
	it('accepts the fixture and the CMS template of content/_modeles/, planned departures included', () => {
		const fixture = schemas.practice.safeParse(readFrontmatter(join(fixtures, 'valid-practice.md')));
		expect(fixture.error ? issueLines(fixture.error) : []).toStrictEqual([]);
		expect(fixture.data).toMatchObject({
			kind: 'msp',
			commune: '24311',
			gps: 4,
			gpsAged65OrMore: 2,
			plannedDepartures: [
				{ year: 2027, count: 1 },
				{ year: 2029, count: 1 },
			],
		});
		expect(fixture.data?.updatedAt.toISOString()).toBe('2026-11-23T00:00:00.000Z');
		expect(linesOf(readFrontmatter(join(content, '_modeles/cabinet.md')))).toStrictEqual([]);
		expect(schemas.practice.parse(practice()).plannedDepartures).toStrictEqual([]);
	});

	it('names every wrong field, in French, once each', () => {
		const lines = issueLines(schemas.practice.safeParse(readFrontmatter(join(fixtures, 'invalid-practice.md'))).error!);
		expect(lines).toStrictEqual([
			expect.stringMatching(/^name: nom du cabinet ou de la maison de santé : ne peut pas être vide/),
			'kind: type attendu parmi : cabinet, msp, centre-de-sante',
			'commune: code INSEE attendu (5 caractères, ex. 37261)',
			'gps: nombre de médecins généralistes : nombre entier attendu (ex. 3)',
			'plannedDepartures.0.year: année de départ attendue entre 2020 et 2100',
			'plannedDepartures.0.count: au moins 1 départ (sinon, supprimez la ligne)',
			expect.stringMatching(/^source: source : texte attendu/),
			expect.stringMatching(/^updatedAt: date attendue au format AAAA-MM-JJ/),
		]);
	});

	it('refuses more GPs aged 65 or more than GPs, even when another field is also wrong', () => {
		const message =
			'gpsAged65OrMore: nombre de médecins de 65 ans ou plus : 3, c’est plus que le nombre de médecins généralistes (2)';
		expect(linesOf(practice({ gpsAged65OrMore: 3 }))).toStrictEqual([message]);
		expect(linesOf(practice({ gpsAged65OrMore: 3, source: '' }))).toStrictEqual([
			'source: source : ne peut pas être vide',
			message,
		]);
		expect(linesOf(practice({ gps: 3, gpsAged65OrMore: 3 }))).toStrictEqual([]);
		// Not compared while one side is itself wrong: the field's own message is enough.
		expect(linesOf(practice({ gps: -1, gpsAged65OrMore: 3 }))).toStrictEqual([
			'gps: nombre de médecins généralistes : 0 ou plus',
		]);
	});

	it('refuses more planned departures than GPs, over all the years', () => {
		const departures = [
			{ year: 2027, count: 1 },
			{ year: 2030, count: 2 },
		];
		expect(linesOf(practice({ gps: 2, plannedDepartures: departures }))).toStrictEqual([
			'plannedDepartures: départs prévus : 3 au total, c’est plus que le nombre de médecins généralistes (2)',
		]);
		expect(linesOf(practice({ gps: 3, plannedDepartures: departures }))).toStrictEqual([]);
	});

	it('bounds the counts (0 to 50 GPs) and wants a current commune’s INSEE code, not a postcode', () => {
		expect(linesOf(practice({ gps: 0, gpsAged65OrMore: 0 }))).toStrictEqual([]);
		expect(linesOf(practice({ gps: 51, gpsAged65OrMore: 0 }))).toStrictEqual([
			'gps: nombre de médecins généralistes : 50 au plus',
		]);
		expect(linesOf(practice({ commune: '2A004' }))).toStrictEqual([]);
		expect(linesOf(practice({ commune: '24999' }))).toStrictEqual([
			expect.stringMatching(/^commune: « 24999 » n’est le code INSEE d’aucune commune actuelle/),
		]);
		expect(linesOf(practice({ commune: 24311 }))).toStrictEqual([
			expect.stringMatching(/^commune: code INSEE de la commune attendu/),
		]);
	});
});

describe('practices grouped by commune', () => {
	const practices = [
		entry('msp-nontron', { name: 'Maison de santé de Nontron', kind: 'msp', gps: 4, gpsAged65OrMore: 1 }),
		entry('cabinet-nontron', {
			name: 'Cabinet du centre',
			gps: 2,
			gpsAged65OrMore: 2,
			plannedDepartures: [{ year: 2028, count: 2 }],
		}),
		entry('centre-piegut', {
			name: 'Centre de santé',
			kind: 'centre-de-sante',
			commune: '24328',
			gps: 1,
			gpsAged65OrMore: 0,
			plannedDepartures: [{ year: 2027, count: 1 }],
		}),
	];

	it('sums the GPs and those aged 65 or more of every practice of a commune', () => {
		expect(knownGpsByCommune(practices)).toStrictEqual(
			new Map([
				['24311', { gps: 6, aged65OrMore: 3 }],
				['24328', { gps: 1, aged65OrMore: 0 }],
			]),
		);
		expect(knownGpsByCommune([])).toStrictEqual(new Map());
	});

	it('gives the simulator the counts it checks departures against', () => {
		const commune = (code: string, lon: number): ScenarioCommune => ({
			code,
			name: code === '24311' ? 'Nontron' : 'Piégut-Pluviers',
			lon,
			lat: 45.5,
			apl: 2,
			aplUnder65: 1.5,
			standardisedPopulation: 3000,
			population: 3000,
		});
		const model = computeDemand([commune('24311', 0.66), commune('24328', 0.56), commune('24999', 0.6)]);
		const known = knownGpsByCommune(practices);
		expect(validateChanges(model, [{ commune: '24311', gps: -6, aged65OrMore: 3 }], known)).toStrictEqual([]);
		expect(validateChanges(model, [{ commune: '24311', gps: -7 }], known).map((issue) => issue.message)).toStrictEqual([
			'6 médecins sont connus à Nontron : impossible d’en retirer 7.',
		]);
		expect(validateChanges(model, [{ commune: '24999', gps: -1 }], known)).toHaveLength(1);
	});

	it('lists each commune with its totals, its departures by year and its practices, by name', () => {
		const rows = practicesByCommune(
			[
				...practices,
				entry('msp-nontron-2', {
					name: 'Antenne',
					gps: 1,
					gpsAged65OrMore: 0,
					plannedDepartures: [{ year: 2028, count: 1 }],
				}),
			],
			new Map([
				['24311', 'Nontron'],
				['24328', 'Piégut-Pluviers'],
			]),
		);
		expect(rows.map((row) => ({ ...row, practices: row.practices.map((practice) => practice.id) }))).toStrictEqual([
			{
				commune: '24311',
				name: 'Nontron',
				gps: 7,
				gpsAged65OrMore: 3,
				plannedDepartures: [{ year: 2028, count: 3 }],
				practices: ['msp-nontron-2', 'cabinet-nontron', 'msp-nontron'],
			},
			{
				commune: '24328',
				name: 'Piégut-Pluviers',
				gps: 1,
				gpsAged65OrMore: 0,
				plannedDepartures: [{ year: 2027, count: 1 }],
				practices: ['centre-piegut'],
			},
		]);
	});

	it('puts the communes without a name after the named ones, by INSEE code', () => {
		const rows = practicesByCommune(
			[entry('a', { commune: '08090' }), ...practices, entry('b', { commune: '08001' })],
			new Map([['24328', 'Piégut-Pluviers']]),
		);
		expect(rows.map((row) => [row.commune, row.name])).toStrictEqual([
			['24328', 'Piégut-Pluviers'],
			['08001', undefined],
			['08090', undefined],
			['24311', undefined],
		]);
	});
});

describe('content/practices/', () => {
	// Empty for now: no per-commune GP figure is known for the pilot territories, and none is invented.
	it('holds only valid practices', () => {
		for (const file of markdownFiles(join(content, 'practices'))) {
			expect(linesOf(readFrontmatter(file)), file).toStrictEqual([]);
		}
	});
});
