import { describe, expect, it } from 'vitest';
import { pageDescription, shorten } from './descriptions';

describe('page descriptions', () => {
	it('uses the entry’s own description, else its summary when short enough', () => {
		expect(pageDescription({ description: 'Une phrase à soi.', summary: 'Le résumé.' })).toBe('Une phrase à soi.');
		expect(pageDescription({ summary: '  Un résumé   court.  ' })).toBe('Un résumé court.');
	});

	it('keeps the whole sentences that fit in 160 characters', () => {
		const first = `${'Première phrase assez longue pour compter. '.repeat(2).trim()}`;
		const text = `${first} ${'Une seconde phrase qui ne tient plus dans la limite des cent soixante caractères. '.repeat(2)}`;
		const short = shorten(text);
		expect(short).toBe(first);
		expect(short.length).toBeLessThanOrEqual(160);
	});

	it('cuts a long first sentence at a word, with an ellipsis, at 160 characters at most', () => {
		const text = `Ceci est un exemple. ${'Le Conseil a fait le point sur les ateliers, les consultations et la collecte, '.repeat(4)}fin.`;
		const short = shorten(text);
		expect(short.length).toBeLessThanOrEqual(160);
		expect(short.endsWith('…')).toBe(true);
		expect(text.startsWith(short.slice(0, -1))).toBe(true);
		expect(short.slice(0, -1)).not.toMatch(/[\s,]$/);
		expect(text.charAt(short.length - 1)).toMatch(/[\s,]/);
	});
});
