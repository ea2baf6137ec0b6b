import { describe, expect, it } from 'vitest';
import { fieldErrors, registrationInputSchema, toRegistrationArgs } from './registration.ts';

const valid = {
	fullName: '  Marie Dupont ',
	communeCode: '24311',
	email: 'marie@example.fr',
	phone: '',
	category: 'habitants',
	needs: '',
	consent: 'on',
	website: '',
};

describe('registrationInputSchema', () => {
	it('accepts a complete form and cleans it', () => {
		const parsed = registrationInputSchema.parse(valid);
		expect(parsed).toStrictEqual({
			fullName: 'Marie Dupont',
			communeCode: '24311',
			email: 'marie@example.fr',
			phone: undefined,
			category: 'habitants',
			needs: undefined,
			consent: true,
			website: '',
		});
		expect(toRegistrationArgs('m', parsed, 'h')).toMatchObject({ p_email: 'marie@example.fr', p_phone: null });
	});

	it.each(['05 53 56 00 00', '0553560000', '+33 5 53 56 00 00', '06.12.34.56.78'])(
		'accepts the phone %j alone',
		(phone) => {
			expect(registrationInputSchema.safeParse({ ...valid, email: '', phone }).success).toBe(true);
		},
	);

	it.each([
		[{ fullName: 'M' }, { fullName: 'Indiquez votre prénom et votre nom.' }],
		[{ email: 'pas-un-mail' }, { email: 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).' }],
		[{ email: '', phone: '12' }, { phone: 'Ce numéro n’est pas valide (exemple : 05 53 00 00 00).' }],
		[
			{ email: '', phone: '' },
			{
				email: 'Indiquez une adresse électronique ou un numéro de téléphone.',
				phone: 'Indiquez une adresse électronique ou un numéro de téléphone.',
			},
		],
		[{ category: 'martien' }, { category: 'Indiquez à quel titre vous venez.' }],
		[
			{ consent: undefined },
			{ consent: 'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.' },
		],
		[{ communeCode: 'Nontron' }, { communeCode: 'Choisissez votre commune dans la liste.' }],
		[{ website: 'http://spam' }, { website: 'Ce champ doit rester vide.' }],
		[{ needs: 'x'.repeat(501) }, { needs: 'Ce besoin ne peut pas dépasser 500 caractères.' }],
	])('refuses %o with a French message per field', (change, expected) => {
		const result = registrationInputSchema.safeParse({ ...valid, ...change });
		expect(result.success).toBe(false);
		expect(fieldErrors(result.error!)).toStrictEqual(expected);
	});

	it.each([null, 42, [], 'texte', { fullName: 42 }])('answers wrong types with messages, never a crash: %j', (body) => {
		const result = registrationInputSchema.safeParse(body);
		expect(result.success).toBe(false);
		expect(Object.values(fieldErrors(result.error!)).every((m) => typeof m === 'string' && m.length > 0)).toBe(true);
	});
});

describe('every error at once', () => {
	it('reports the missing email or phone together with the other fields’ errors', () => {
		const result = registrationInputSchema.safeParse({ fullName: '', email: '', phone: '', website: '' });
		expect(result.success).toBe(false);
		expect(fieldErrors(result.error!)).toStrictEqual({
			fullName: 'Indiquez votre prénom et votre nom.',
			email: 'Indiquez une adresse électronique ou un numéro de téléphone.',
			phone: 'Indiquez une adresse électronique ou un numéro de téléphone.',
			category: 'Indiquez à quel titre vous venez.',
			consent: 'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.',
		});
	});

	it('does not ask for a contact when an invalid one was typed: the message says what is wrong with it', () => {
		const result = registrationInputSchema.safeParse({ ...valid, fullName: '', email: 'pas-un-mail' });
		expect(fieldErrors(result.error!)).toStrictEqual({
			fullName: 'Indiquez votre prénom et votre nom.',
			email: 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).',
		});
	});
});
