import { z } from 'zod';
import { FRENCH_PHONE, fullNameSchema, honeypotSchema, optionalCommune } from './fields.ts';
import { ONCE_FIELDS_ARE_VALID, WITH_FIELD_ERRORS } from './validation.ts';
import { keysOf, PROPOSAL_STATUSES, PROPOSAL_THEMES } from './vocabulary.ts';

const MAX_LINKS = 2;
const countLinks = (text: string) => (text.match(/https?:\/\/|www\./gi) ?? []).length;
const blankToUndefined = (value: string | undefined) => (value ? value : undefined);

/** How a resident sends a proposal (form fields or JSON); the same schema runs in the browser. */
export const proposalInputSchema = z
	.object({
		title: z
			.string({ error: 'Donnez un titre à votre proposition.' })
			.trim()
			.min(1, { error: 'Donnez un titre à votre proposition.' })
			.min(3, { error: 'Donnez un titre à votre proposition (3 caractères au moins).' })
			.max(120, { error: 'Le titre ne peut pas dépasser 120 caractères.' }),
		description: z
			.string({ error: 'Décrivez votre proposition.' })
			.trim()
			.min(1, { error: 'Décrivez votre proposition.' })
			.min(10, { error: 'Décrivez votre proposition (10 caractères au moins).' })
			.max(2000, { error: 'La description ne peut pas dépasser 2 000 caractères.' })
			.refine((text) => countLinks(text) <= MAX_LINKS, {
				error: `Pas plus de ${MAX_LINKS} liens internet, s’il vous plaît.`,
			}),
		theme: z.enum(keysOf(PROPOSAL_THEMES), { error: 'Choisissez un thème.' }),
		territoryId: z
			.string({ error: 'Choisissez le territoire.' })
			.regex(/^[a-z0-9-]{1,60}$/, { error: 'Choisissez le territoire.' }),
		communeCode: optionalCommune('Choisissez la commune dans la liste.'),
		authorName: z.string().trim().max(120, { error: '120 caractères au plus.' }).optional().transform(blankToUndefined),
		authorContact: z
			.string()
			.trim()
			.max(254)
			.optional()
			.transform(blankToUndefined)
			.refine((value) => value === undefined || z.email().safeParse(value).success || FRENCH_PHONE.test(value), {
				error: 'Indiquez une adresse électronique ou un numéro de téléphone valide.',
			}),
		consent: z.preprocess((value) => value === true || value === 'on' || value === 'true', z.boolean()).optional(),
		website: honeypotSchema,
		/** Milliseconds since the form appeared (set by the browser); robots send within a second. */
		elapsedMs: z.coerce.number().optional(),
	})
	// Reported together with the other fields' errors, not after they are corrected.
	.superRefine((value, ctx) => {
		if ((value.authorName || value.authorContact) && !value.consent) {
			ctx.addIssue({
				code: 'custom',
				path: ['consent'],
				message: 'Cochez la case pour que nous puissions utiliser vos coordonnées pour vous répondre.',
			});
		}
	}, WITH_FIELD_ERRORS)
	// Only once the form is otherwise right: a person who sends an empty form at once to see what is
	// asked needs the fields' messages, not this one.
	.superRefine((value, ctx) => {
		if (value.elapsedMs !== undefined && value.elapsedMs < 3000) {
			ctx.addIssue({
				code: 'custom',
				path: ['form'],
				message: 'Le formulaire a été envoyé trop vite. Relisez-le puis renvoyez-le.',
			});
		}
	}, ONCE_FIELDS_ARE_VALID);
export type ProposalInput = z.infer<typeof proposalInputSchema>;

/** One contact field (already validated as an email or a French phone) as the SQL functions' two arguments. */
function splitContact(contact: string | undefined): { email: string | null; phone: string | null } {
	if (!contact) return { email: null, phone: null };
	return contact.includes('@') ? { email: contact, phone: null } : { email: null, phone: contact };
}

export function toProposalArgs(input: ProposalInput, clientHash: string) {
	const { email, phone } = splitContact(input.authorContact);
	return {
		p_title: input.title,
		p_description: input.description,
		p_theme: input.theme,
		p_territory_id: input.territoryId,
		p_commune_code: input.communeCode ?? null,
		p_author_name: input.authorName ?? null,
		p_author_email: email,
		p_author_phone: phone,
		p_consent: input.consent === true,
		p_client_hash: clientHash,
	};
}

/** "Je soutiens": a name, a commune, and an email or phone so that one person counts once. */
export const supportInputSchema = z.object({
	fullName: fullNameSchema,
	communeCode: optionalCommune(),
	contact: z
		.string({ error: 'Indiquez une adresse électronique ou un numéro de téléphone.' })
		.trim()
		.refine((value) => z.email().safeParse(value).success || FRENCH_PHONE.test(value), {
			error: 'Indiquez une adresse électronique ou un numéro de téléphone valide.',
		}),
	website: honeypotSchema,
});
export type SupportInput = z.infer<typeof supportInputSchema>;

/** How long the link that confirms a web support works, in days (the SQL function uses the same). */
export const SUPPORT_CONFIRMATION_DAYS = 7;

/**
 * "Je soutiens" on the web: a name and an email address, to which the link that confirms the
 * support is sent (it counts only once confirmed). A phone number cannot be confirmed this way:
 * supports by phone go through the coordinator (`supportInputSchema` with a channel).
 */
export const webSupportInputSchema = supportInputSchema.extend({
	contact: z
		.string({ error: 'Indiquez votre adresse électronique.' })
		.trim()
		.max(254, { error: 'Cette adresse électronique est trop longue.' })
		.refine((value) => z.email().safeParse(value).success, {
			error:
				'Indiquez une adresse électronique valide : nous y envoyons le lien qui confirme votre soutien. Sans adresse électronique, la conseillère peut enregistrer votre soutien par téléphone.',
		}),
});

/** The RPC arguments of `support_proposal` for a validated support, from the web or entered by the coordinator. */
export function toSupportArgs(
	proposalId: string,
	input: SupportInput,
	from: { clientHash: string } | { channel: 'phone' | 'paper' },
) {
	const { email, phone } = splitContact(input.contact);
	return {
		p_proposal_id: proposalId,
		p_full_name: input.fullName,
		p_email: email,
		p_phone: phone,
		p_commune_code: input.communeCode ?? null,
		...('channel' in from ? { p_channel: from.channel } : { p_client_hash: from.clientHash }),
	};
}

/** The filters of the public list, from a query string; unknown values are errors, not ignored. */
export const proposalListQuerySchema = z.object({
	territory: z
		.string()
		.regex(/^[a-z0-9-]{1,60}$/, { error: 'Territoire inconnu.' })
		.optional(),
	theme: z.enum(keysOf(PROPOSAL_THEMES), { error: 'Thème inconnu.' }).optional(),
	status: z
		.enum(keysOf(PROPOSAL_STATUSES), { error: 'Statut inconnu.' })
		.refine((status) => status !== 'pending', { error: 'Statut inconnu.' })
		.optional(),
	sort: z.enum(['newest', 'supports'], { error: 'Tri inconnu : « newest » ou « supports ».' }).default('newest'),
});
export type ProposalListQuery = z.infer<typeof proposalListQuerySchema>;

/** Reads the list filters from URL search parameters, ignoring empty values (a form sends them). */
export function parseProposalListQuery(params: URLSearchParams) {
	return proposalListQuerySchema.safeParse(
		Object.fromEntries([...params.entries()].filter(([, value]) => value !== '')),
	);
}
