import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { communeOfPostcode, readRppsGps } from './rpps.ts';

// A hand-written extraction in the Annuaire Santé layout (`data/FORMATS.md`), with invented names:
// line 2–3 one GP with two sites in Nontron; 4–5 a GP in Nontron and Bergerac; 6 another GP in
// Bergerac; 7 a cardiologist; 8 a nurse; 9 Ajaccio (2A); 10 Basse-Terre (971); 11 Cognac (16);
// 12 a truncated line; 13 a bad commune code; 14 no commune code, a postcode of one commune
// (Périgueux); 15 no commune code, a postcode shared by 16 communes; 16 no national identifier;
// 17 Charleville-Mézières (08); 18 a stray `|` in a street name.
const FILE = join(import.meta.dirname, '../../../test/fixtures/rpps/PS_LibreAcces_Personne_activite_202501010000.txt');
const DEPARTMENTS = ['24', '2A', '971', '8'];

describe('the RPPS extraction reader', () => {
	it('counts distinct GPs by commune of practice in the configured departments', async () => {
		const result = await readRppsGps(FILE, { departments: DEPARTMENTS, communeOfPostcode });
		expect(Object.fromEntries(result.byCommune)).toEqual({
			'08105': 1,
			'24037': 2,
			'24311': 2,
			'24322': 1,
			'2A004': 1,
			'97105': 1,
		});
		expect(result.read).toBe(17);
		expect(result.outside).toBe(1);
		expect(result.notGp).toBe(2);
		expect(result.practitioners).toBe(7);
		expect(result.multiSite).toBe(1);
		expect(result.skipped).toEqual([
			{ line: 12, reason: 'Ligne mal formée : 20 colonnes au lieu de 52.' },
			{
				line: 13,
				reason: 'Code commune invalide : « 24AB1 » (5 caractères attendus, par exemple 24311 ou 2A004).',
			},
			{
				line: 15,
				reason:
					'Code commune absent et code postal 24300 partagé par plusieurs communes ou inconnu : commune d’exercice introuvable.',
			},
			{ line: 16, reason: 'Identifiant national du praticien (RPPS) absent : ce médecin ne peut pas être compté.' },
			{ line: 18, reason: 'Ligne mal formée : 53 colonnes au lieu de 52.' },
		]);
		expect(result.skippedTotal).toBe(5);
		// Every data line is accounted for: counted, outside, not a GP or skipped.
		const counted = 17 - result.outside - result.notGp - result.skippedTotal;
		expect(counted).toBe(9);
		// No name is kept.
		expect(JSON.stringify({ ...result, byCommune: [...result.byCommune] })).not.toMatch(/EXEMPLE|Alice|FICTIF/);
	});

	it('filters by department early and reports a line it cannot place without a postcode resolver', async () => {
		const result = await readRppsGps(FILE, { departments: ['24'] });
		expect(Object.fromEntries(result.byCommune)).toEqual({ '24037': 2, '24311': 2 });
		expect(result.outside).toBe(4);
		expect(result.skipped.map((skip) => skip.line)).toEqual([12, 13, 14, 15, 16, 18]);
	});

	it('reads a stream cut anywhere, with Windows line ends and a byte-order mark', async () => {
		const text = `\ufeff${readFileSync(FILE, 'utf8').replaceAll('\n', '\r\n')}`;
		const chunks = text.match(/[\s\S]{1,37}/g) ?? [];
		const result = await readRppsGps(Readable.from(chunks), { departments: DEPARTMENTS, communeOfPostcode });
		expect(result.byCommune.get('24311')).toBe(2);
		expect(result.read).toBe(17);
		expect(result.skippedTotal).toBe(5);
	});

	it('refuses a file of another layout with one French message, and an empty file', async () => {
		const other = await readRppsGps(Readable.from(['nofinesset;nofinessej;rs\n1;2;3\n']), { departments: ['24'] });
		expect(other.read).toBe(0);
		expect(other.skipped).toHaveLength(1);
		expect(other.skipped[0]!.line).toBe(1);
		expect(other.skipped[0]!.reason).toMatch(/^En-tête inattendu : colonnes « Identification nationale PP », /);
		const empty = await readRppsGps(Readable.from([]), { departments: ['24'] });
		expect(empty.skipped).toEqual([{ line: 1, reason: 'Fichier vide : aucune ligne d’en-tête.' }]);
	});

	it('resolves a postcode only when one commune has it', () => {
		expect(communeOfPostcode('24000')).toBe('24322');
		expect(communeOfPostcode('24300')).toBeUndefined();
		expect(communeOfPostcode('00000')).toBeUndefined();
	});
});
