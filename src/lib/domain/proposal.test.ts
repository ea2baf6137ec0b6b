import { describe, expect, it } from 'vitest';
import { proposalInputSchema } from './proposal.ts';
import { fieldErrors } from './validation.ts';

/** The form as a browser without JavaScript posts it: every field, empty ones as ''. */
const valid = {
	title: 'Une navette pour la maison de santé',
	description: 'Le mardi matin, pour les personnes âgées sans voiture des hameaux.',
	theme: 'autre',
	territoryId: 'nontronnais',
	communeCode: '',
	authorName: '',
	authorContact: '',
	website: '',
};

describe('proposalInputSchema', () => {
	it('accepts a complete form', () => {
		expect(proposalInputSchema.safeParse(valid).success).toBe(true);
	});

	// The form's first option of each required list is an empty "— Choisissez … —": a proposal where
	// nothing was chosen must be refused, not filed under the first theme or territory.
	it.each([
		[{ theme: '' }, { theme: 'Choisissez un thème.' }],
		[{ theme: undefined }, { theme: 'Choisissez un thème.' }],
		[{ territoryId: '' }, { territoryId: 'Choisissez le territoire.' }],
		[{ territoryId: undefined }, { territoryId: 'Choisissez le territoire.' }],
	])('refuses %o: nothing chosen in a required list', (change, expected) => {
		const result = proposalInputSchema.safeParse({ ...valid, ...change });
		expect(result.success).toBe(false);
		expect(fieldErrors(result.error!)).toStrictEqual(expected);
	});

	it('reports every error at once, the consent rule across fields included', () => {
		const result = proposalInputSchema.safeParse({
			...valid,
			title: '',
			description: '',
			theme: '',
			territoryId: '',
			authorContact: 'pas-un-contact',
		});
		expect(fieldErrors(result.error!)).toStrictEqual({
			title: 'Donnez un titre à votre proposition.',
			description: 'Décrivez votre proposition.',
			theme: 'Choisissez un thème.',
			territoryId: 'Choisissez le territoire.',
			authorContact: 'Indiquez une adresse électronique ou un numéro de téléphone valide.',
			consent: 'Cochez la case pour que nous puissions utiliser vos coordonnées pour vous répondre.',
		});
	});

	it.each([null, 42, [], 'texte', { title: 42, authorName: {}, elapsedMs: 'vite' }])(
		'answers wrong types with French messages, never a crash: %j',
		(body) => {
			const result = proposalInputSchema.safeParse(body);
			expect(result.success).toBe(false);
			expect(Object.values(fieldErrors(result.error!)).every((m) => typeof m === 'string' && m.length > 0)).toBe(true);
		},
	);
});

describe('a form sent too fast', () => {
	it('is told so only once its fields are right (an empty form sent at once gets the fields’ messages)', () => {
		const empty = proposalInputSchema.safeParse({ ...valid, title: '', elapsedMs: 500 });
		expect(fieldErrors(empty.error!)).toStrictEqual({
			title: 'Donnez un titre à votre proposition.',
		});
		const complete = proposalInputSchema.safeParse({ ...valid, elapsedMs: 500 });
		expect(fieldErrors(complete.error!)).toStrictEqual({
			form: 'Le formulaire a été envoyé trop vite. Relisez-le puis renvoyez-le.',
		});
	});
});
