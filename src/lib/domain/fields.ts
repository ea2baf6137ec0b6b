import { z } from 'zod';

/** Field rules shared by the public forms (sign-up, proposal, support), with their French messages. */

export const FRENCH_PHONE = /^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$/;
export const INSEE_CODE = /^(\d{5}|2[AB]\d{3})$/;

/** A person's name as they write it. */
export const fullNameSchema = z
	.string({ error: 'Indiquez votre prénom et votre nom.' })
	.trim()
	.min(2, { error: 'Indiquez votre prénom et votre nom.' })
	.max(120, { error: 'Votre nom ne peut pas dépasser 120 caractères.' });

/** An optional commune chosen in a list of INSEE codes; an empty choice means none. */
export const optionalCommune = (message = 'Choisissez votre commune dans la liste.') =>
	z
		.string({ error: message })
		.trim()
		.optional()
		.transform((value) => (value ? value : undefined))
		.refine((value) => value === undefined || INSEE_CODE.test(value), { error: message });

/** Hidden from people, filled by robots: must stay empty. */
export const honeypotSchema = z.string().max(0, { error: 'Ce champ doit rester vide.' }).optional();
