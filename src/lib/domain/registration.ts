import { z } from 'zod';
import { FRENCH_PHONE, fullNameSchema, honeypotSchema, optionalCommune } from './fields.ts';
import { keysOf, PARTICIPANT_CATEGORIES } from './vocabulary.ts';

export { FRENCH_PHONE, INSEE_CODE } from './fields.ts';

import { WITH_FIELD_ERRORS } from './validation.ts';

export { fieldErrors } from './validation.ts';

/**
 * The registration form, as the browser sends it (form fields or JSON). One schema for the island
 * (errors before sending), the handler (the real gate) and, through the RPC arguments, SQL (the
 * last line). Messages are the French sentences shown next to each field.
 */
const optionalText = (max: number, message: string) =>
	z
		.string({ error: message })
		.trim()
		.max(max, { error: message })
		.optional()
		.transform((value) => (value ? value : undefined));

/** A meeting's id in a path: the slug of its content file. */
export const MEETING_ID = /^[a-z0-9-]{1,80}$/;

/** What to say when neither an email nor a phone number was given (the form, and SQL's `contact_required`). */
export const CONTACT_REQUIRED = 'Indiquez une adresse électronique ou un numéro de téléphone.';

/** A registrant must stay reachable: an email or a phone, the message on both fields. */
export function requireEmailOrPhone(
	value: { email?: string | undefined; phone?: string | undefined },
	ctx: z.RefinementCtx,
) {
	if (!value.email && !value.phone) {
		ctx.addIssue({ code: 'custom', path: ['email'], message: CONTACT_REQUIRED });
		ctx.addIssue({ code: 'custom', path: ['phone'], message: CONTACT_REQUIRED });
	}
}

export const registrationInputSchema = z
	.object({
		fullName: fullNameSchema,
		communeCode: optionalCommune(),
		email: optionalText(254, 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).').refine(
			(value) => value === undefined || z.email().safeParse(value).success,
			{ error: 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).' },
		),
		phone: optionalText(30, 'Ce numéro n’est pas valide (exemple : 05 53 00 00 00).').refine(
			(value) => value === undefined || FRENCH_PHONE.test(value),
			{ error: 'Ce numéro n’est pas valide (exemple : 05 53 00 00 00).' },
		),
		category: z.enum(keysOf(PARTICIPANT_CATEGORIES), { error: 'Indiquez à quel titre vous venez.' }),
		needs: optionalText(500, 'Ce besoin ne peut pas dépasser 500 caractères.'),
		consent: z.preprocess(
			(value) => value === true || value === 'on' || value === 'true' || value === 'oui',
			z.literal(true, { error: 'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.' }),
		),
		/** Honeypot: invisible to people, filled by robots. */
		website: honeypotSchema,
	})
	// Reported together with the other fields' errors, not after they are corrected.
	.superRefine(requireEmailOrPhone, WITH_FIELD_ERRORS);

export type RegistrationInput = z.infer<typeof registrationInputSchema>;

/** The RPC arguments of `register_for_meeting` for a validated form. */
export function toRegistrationArgs(meetingId: string, input: RegistrationInput, clientHash: string) {
	return {
		p_meeting_id: meetingId,
		p_full_name: input.fullName,
		p_category: input.category,
		p_email: input.email ?? null,
		p_phone: input.phone ?? null,
		p_commune_code: input.communeCode ?? null,
		p_needs: input.needs ?? null,
		p_consent: true,
		p_client_hash: clientHash,
	};
}
