import type { reference as astroReference } from 'astro:content';
import { z } from 'astro/zod';
import { parseParisDateTime } from '../domain/paris-time.ts';
import {
	keysOf,
	MEETING_STATUSES,
	PARTICIPANT_CATEGORIES,
	PRACTICE_KINDS,
	SERVICE_AUDIENCES,
	SERVICE_CATEGORIES,
} from '../domain/vocabulary.ts';
import { EPCI_CODE, INSEE_CODE, isCurrentCommune, type PerimeterSpec, resolvePerimeter } from './perimeter.ts';

/**
 * Frontmatter schemas of every collection in `content/`. They are built by a factory that receives
 * Astro's `reference()` so that unit tests can validate files without the Astro runtime; the only
 * caller in the site is `src/content.config.ts`. Messages are in French because the coordinator
 * reads them when a file is wrong.
 */

type Reference = typeof astroReference;

// zod's French locale for the generic messages ("nombre attendu, chaîne reçue"…).
z.config(z.locales.fr());

const CURRENT_YEAR_LIMIT = 2100;

const text = (what: string, max: number) =>
	z
		.string({ error: `${what} : texte attendu` })
		.trim()
		.min(1, { error: `${what} : ne peut pas être vide` })
		.max(max, { error: `${what} : ${max} caractères au plus` });

const year = z
	.number({ error: 'année attendue (nombre à 4 chiffres, ex. 2023)' })
	.int({ error: 'année attendue (nombre entier, ex. 2023)' })
	.min(1950, { error: 'année attendue entre 1950 et 2100' })
	.max(CURRENT_YEAR_LIMIT, { error: 'année attendue entre 1950 et 2100' });

const count = z
	.number({ error: 'nombre entier attendu (ex. 12)' })
	.int({ error: 'nombre entier attendu (ex. 12)' })
	.min(0, { error: 'nombre positif ou nul attendu' });

/** A calendar day written `YYYY-MM-DD`. */
const day = z.coerce.date({ error: 'date attendue au format AAAA-MM-JJ (ex. 2027-01-14)' });

/** A wall-clock time in Paris written `YYYY-MM-DD HH:mm`, turned into the instant it denotes. */
export const parisDateTimeSchema = z
	.string({ error: 'date et heure attendues au format AAAA-MM-JJ HH:mm (ex. 2027-01-14 18:30)' })
	.transform((value, ctx) => {
		const date = parseParisDateTime(value);
		if (!date) {
			ctx.issues.push({
				code: 'custom',
				input: value,
				message: `date et heure attendues au format AAAA-MM-JJ HH:mm, heure de Paris (reçu « ${value} »)`,
			});
			return z.NEVER;
		}
		return date;
	});

/** Every figure the site shows carries where it comes from and the year it describes. */
export const figureSchema = z.object({
	label: text('libellé du chiffre', 200),
	value: z.union([z.number(), text('valeur', 60)], {
		error: 'valeur attendue (nombre ou texte court)',
	}),
	unit: text('unité', 60).optional(),
	source: text('source du chiffre', 300),
	year,
	url: z.url({ error: 'adresse web attendue (https://…)' }).optional(),
});
export type Figure = z.infer<typeof figureSchema>;

const sourceSchema = z.object({
	title: text('titre de la source', 300),
	year,
	url: z.url({ error: 'adresse web attendue (https://…)' }).optional(),
});

/** A French phone number, as the coordinator writes it (`05 53 00 00 00`, `+33 5 53 00 00 00`). */
export const PHONE_PATTERN = /^(\+33 ?|0)[1-9]( ?\d{2}){4}$/;

const contactFields = {
	role: text('fonction du contact', 120),
	email: z.email({ error: 'adresse électronique attendue (ex. contact@exemple.fr)' }),
	phone: z.string().regex(PHONE_PATTERN, {
		error: 'numéro de téléphone français attendu (ex. 05 53 00 00 00)',
	}),
	postalAddress: text('adresse postale', 300),
	/** When to call and when she answers, in plain words. */
	hours: text('horaires', 300),
};

/** A role address (the coordinator's office), never a private person's own details. */
export const contactSchema = z
	.object({
		role: contactFields.role,
		email: contactFields.email.optional(),
		phone: contactFields.phone.optional(),
		postalAddress: contactFields.postalAddress.optional(),
		hours: contactFields.hours.optional(),
	})
	.refine((contact) => contact.email || contact.phone || contact.postalAddress, {
		error: 'au moins un moyen de contact attendu (email, phone ou postalAddress)',
	});
export type Contact = z.infer<typeof contactSchema>;

/**
 * The sentence search engines and link previews show under the page's title: unique to the page and
 * 160 characters at most (they cut a longer one). Optional where a summary exists: without it, the
 * summary is shortened (descriptions.ts).
 */
const description = text('description (aperçu dans les moteurs de recherche)', 160);

/**
 * The site's identity (`content/site/identite.yml`): its name, tagline and description, the general
 * contact shown in every page's footer and on /contact/ (every means of contact required), and the
 * publisher named in the legal notice.
 */
export const siteIdentitySchema = z.object({
	name: text('nom du site', 60),
	tagline: text('sous-titre', 120),
	/** Search results and link previews cut longer descriptions. */
	description: text('description', 160),
	contact: z.object(contactFields),
	publisher: z.object({
		organisation: text('structure éditrice', 160),
		postalAddress: text('adresse du siège', 300),
		director: text('direction de la publication', 160),
	}),
});
export type SiteIdentity = z.infer<typeof siteIdentitySchema>;

/** A commune code as the coordinator writes it; YAML reads an unquoted `08038` as the number 8038. */
const communeCode = z
	.string({
		error: (issue) =>
			typeof issue.input === 'number'
				? `code de commune à écrire entre guillemets (ex. "08038") : sans guillemets, ${issue.input} est lu comme un nombre et perd son zéro initial`
				: 'code de commune attendu (ex. "37261")',
	})
	.regex(INSEE_CODE, {
		error: (issue) =>
			`« ${String(issue.input)} » n’est pas un code de commune : 5 caractères attendus, des chiffres (ex. 37261), ou 2A/2B suivi de 3 chiffres en Corse (ex. 2A004)`,
	});

/** In a former canton, a commune is its code; a name written beside it is ignored (names come from the official list). */
const cantonCommuneSchema = z.union([communeCode, z.object({ code: communeCode, name: z.string().optional() })], {
	error: 'commune attendue : son code (ex. "37261") ou { code: "37261", name: "Tours" }',
});

/**
 * A territory's perimeter, in exactly one of three forms: `communes` (INSEE codes), `epci` (SIREN
 * number) or `formerCantons`. The codes are checked against the official list (perimeter.ts): a wrong
 * or outdated code fails the content load, so `astro build` and `astro dev` stop with the message.
 * What the pages read is the resolved `perimeter`, with `departments` derived from it and the
 * population computed when the file does not give one.
 */
const withPerimeter = <T extends PerimeterSpec & { population?: Figure | undefined }>(
	data: T,
	ctx: z.core.$RefinementCtx<T>,
) => {
	const result = resolvePerimeter(null, data);
	if (!result.ok) {
		for (const { path, message } of result.issues) ctx.issues.push({ code: 'custom', input: data, path, message });
		return z.NEVER;
	}
	const { perimeter } = result;
	const population: Figure = data.population ?? {
		label: `Habitants des ${perimeter.communes.length} communes (population municipale)`,
		value: perimeter.population,
		unit: 'habitants',
		source: `Insee, populations légales ${perimeter.populationYear}`,
		year: perimeter.populationYear,
	};
	return { ...data, departments: perimeter.departments, population, perimeter };
};
/** For an object refinement: run it when none of `fields` has an issue of its own. */
const fieldsValid =
	(...fields: string[]) =>
	(payload: { issues: readonly { path?: readonly PropertyKey[] | undefined }[] }) =>
		!payload.issues.some((issue) => fields.includes(String(issue.path?.[0])));

const departures = (list: readonly { count: number }[] = []) =>
	list.reduce((sum, departure) => sum + departure.count, 0);

export function createContentSchemas(reference: Reference) {
	const territory = z
		.object({
			name: text('nom du territoire', 120),
			/** One short sentence for lists and link previews. */
			summary: text('résumé', 300),
			description: description.optional(),
			/** Derived from the communes; when written, it must agree with them. */
			departments: z
				.array(
					z.object({
						code: z
							.string()
							.regex(/^(\d{2}|2[AB]|9\d{2})$/, { error: 'code de département attendu (ex. 24, 2A, 971)' }),
						name: text('département', 60).optional(),
					}),
				)
				.optional(),
			/** The perimeter as a list of INSEE commune codes (codes of 1 January of the package's year). */
			communes: z.array(communeCode).min(1, { error: 'au moins une commune attendue' }).optional(),
			/** The perimeter as an EPCI (intercommunalité à fiscalité propre), by its SIREN number. */
			epci: z
				.string({ error: 'numéro SIREN d’intercommunalité attendu, entre guillemets (ex. "200071819")' })
				.regex(EPCI_CODE, {
					error: (issue) =>
						`« ${String(issue.input)} » n’est pas un numéro SIREN d’intercommunalité : 9 chiffres attendus (ex. "200071819")`,
				})
				.optional(),
			/** The perimeter as former (pre-2015) cantons and their communes, by INSEE code. */
			formerCantons: z
				.array(
					z.object({
						code: z.string().regex(/^(\d{4}|2[AB]\d{2})$/, { error: 'code de canton attendu (4 caractères)' }),
						name: text('nom du canton', 100),
						communes: z.array(cantonCommuneSchema).min(1, { error: 'au moins une commune attendue' }),
					}),
				)
				.min(1, { error: 'au moins un canton attendu' })
				.optional(),
			perimeterSource: sourceSchema.optional(),
			/** Computed from the communes (Insee legal population) when not written. */
			population: figureSchema.optional(),
			generalPractitioners: figureSchema.optional(),
			figures: z.array(figureSchema).default([]),
			coordinatorContact: contactSchema,
			order: z.number().int().default(0),
		})
		.transform(withPerimeter);

	const service = z.object({
		title: text('titre', 120),
		summary: text('résumé', 300),
		description: description.optional(),
		category: z.enum(keysOf(SERVICE_CATEGORIES), {
			error: `catégorie attendue parmi : ${Object.keys(SERVICE_CATEGORIES).join(', ')}`,
		}),
		audiences: z
			.array(
				z.enum(keysOf(SERVICE_AUDIENCES), {
					error: `public attendu parmi : ${Object.keys(SERVICE_AUDIENCES).join(', ')}`,
				}),
			)
			.min(1, { error: 'au moins un public attendu' }),
		/** How a person gets the service, in one or two plain sentences. */
		access: text('comment en bénéficier', 600),
		cost: text('coût', 200).optional(),
		territories: z.array(reference('territories')).min(1, { error: 'au moins un territoire attendu' }),
		figures: z.array(figureSchema).default([]),
		contact: contactSchema.optional(),
		sources: z.array(sourceSchema).min(1, { error: 'au moins une source attendue' }),
		updatedAt: day,
	});

	const council = z.object({
		title: text('titre', 120),
		summary: text('résumé', 300),
		description: description.optional(),
		openTo: z.array(text('public', 120)).min(1),
		size: figureSchema,
		frequency: text('fréquence', 200),
		roles: z.array(text('rôle', 300)).min(1),
		howToJoin: text('comment participer', 600),
		sources: z.array(sourceSchema).min(1, { error: 'au moins une source attendue' }),
	});

	const meeting = z.object({
		title: text('titre', 160),
		territory: reference('territories'),
		/** Wall-clock start in Paris, `YYYY-MM-DD HH:mm`. */
		startsAt: parisDateTimeSchema,
		durationMinutes: z.number().int().min(15).max(600).default(120),
		place: z.object({
			name: text('nom du lieu', 160),
			address: text('adresse', 200),
			postalCode: z.string().regex(/^\d{5}$/, { error: 'code postal attendu (5 chiffres)' }),
			city: text('commune', 100),
			access: text('accès au lieu', 400).optional(),
		}),
		capacity: z
			.number({ error: 'nombre de places attendu (nombre entier, ex. 30)' })
			.int({ error: 'nombre de places attendu (nombre entier, ex. 30)' })
			.min(1, { error: 'au moins 1 place attendue' })
			.max(500, { error: '500 places au plus' }),
		agenda: z.array(text('point de l’ordre du jour', 300)).min(1, {
			error: 'au moins un point à l’ordre du jour attendu',
		}),
		status: z.enum(MEETING_STATUSES, {
			error: `statut attendu parmi : ${MEETING_STATUSES.join(', ')}`,
		}),
		/**
		 * When the file was last saved, Paris time `YYYY-MM-DD HH:mm`: the CMS stamps it on every save.
		 * Calendars that already hold the meeting update it only when this moves forward (calendar.ts).
		 */
		updatedAt: parisDateTimeSchema.optional(),
	});

	const minutes = z.object({
		title: text('titre', 160),
		meeting: reference('meetings'),
		date: day,
		territory: reference('territories'),
		/** True while the file is an illustration and not the record of a real meeting. */
		isExample: z.boolean().default(false),
		attendance: z.object(
			Object.fromEntries(keysOf(PARTICIPANT_CATEGORIES).map((key) => [key, count])) as Record<
				keyof typeof PARTICIPANT_CATEGORIES,
				typeof count
			>,
		),
		apologies: count,
		/** The plain-language summary shown first, for people who will read nothing else. */
		summary: text('résumé en langage simple', 800),
		description: description.optional(),
		agenda: z
			.array(z.object({ title: text('point', 200), summary: text('résumé du point', 2000) }))
			.min(1, { error: 'au moins un point attendu' }),
		decisions: z
			.array(
				z.object({
					text: text('décision', 500),
					owner: text('responsable (une fonction, pas un nom)', 120),
					deadline: day.optional(),
				}),
			)
			.default([]),
		proposals: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).default([]),
		nextMeeting: z.object({ date: day.optional(), meeting: reference('meetings').optional() }).optional(),
	});

	const glossaryTerm = z.object({
		term: text('sigle', 30),
		expansion: text('forme développée', 200),
		definition: text('définition', 600),
	});

	const page = z.object({
		title: text('titre', 120),
		description,
		updatedAt: day,
		glossary: z.array(glossaryTerm).optional(),
	});

	/**
	 * A general practice the coordinator knows (cabinet, MSP, centre de santé): where it is and how many
	 * GPs work there, never who they are. The access simulator offers departures only where these
	 * counts exist (`practices.ts` sums them per commune).
	 */
	const gpCount = (what: string) =>
		z
			.number({ error: `${what} : nombre entier attendu (ex. 3)` })
			.int({ error: `${what} : nombre entier attendu (ex. 3)` })
			.min(0, { error: `${what} : 0 ou plus` })
			.max(50, { error: `${what} : 50 au plus` });

	const practice = z
		.object({
			name: text('nom du cabinet ou de la maison de santé', 160),
			kind: z.enum(keysOf(PRACTICE_KINDS), {
				error: `type attendu parmi : ${Object.keys(PRACTICE_KINDS).join(', ')}`,
			}),
			/** INSEE code of the commune where the GPs consult (not the postcode). */
			commune: z
				.string({ error: 'code INSEE de la commune attendu (5 caractères, ex. 37261 pour Tours)' })
				.regex(INSEE_CODE, { error: 'code INSEE attendu (5 caractères, ex. 37261)', abort: true })
				.refine(isCurrentCommune, {
					error: (issue) =>
						`« ${issue.input} » n’est le code INSEE d’aucune commune actuelle (attention : le code INSEE n’est pas le code postal ; Tours = 37261)`,
				}),
			gps: gpCount('nombre de médecins généralistes'),
			gpsAged65OrMore: gpCount('nombre de médecins de 65 ans ou plus'),
			/** Departures announced publicly (or with the GPs' agreement), by year. */
			plannedDepartures: z
				.array(
					z.object({
						year: z
							.number({ error: 'année de départ attendue (ex. 2028)' })
							.int({ error: 'année de départ attendue (nombre entier, ex. 2028)' })
							.min(2020, { error: 'année de départ attendue entre 2020 et 2100' })
							.max(CURRENT_YEAR_LIMIT, { error: 'année de départ attendue entre 2020 et 2100' }),
						count: z
							.number({ error: 'nombre de départs attendu (nombre entier, ex. 1)' })
							.int({ error: 'nombre de départs attendu (nombre entier, ex. 1)' })
							.min(1, { error: 'au moins 1 départ (sinon, supprimez la ligne)' })
							.max(50, { error: '50 départs au plus' }),
					}),
				)
				.default([]),
			/** How the coordinator knows the counts. */
			source: text('source', 300),
			updatedAt: day,
		})
		// Checked even when another field is wrong, as long as the fields compared are right themselves.
		.refine((entry) => entry.gpsAged65OrMore <= entry.gps, {
			path: ['gpsAged65OrMore'],
			when: fieldsValid('gps', 'gpsAged65OrMore'),
			error: (issue) => {
				const { gps, gpsAged65OrMore } = issue.input as { gps: number; gpsAged65OrMore: number };
				return `nombre de médecins de 65 ans ou plus : ${gpsAged65OrMore}, c’est plus que le nombre de médecins généralistes (${gps})`;
			},
		})
		.refine((entry) => departures(entry.plannedDepartures) <= entry.gps, {
			path: ['plannedDepartures'],
			when: fieldsValid('gps', 'plannedDepartures'),
			error: (issue) => {
				const { gps, plannedDepartures } = issue.input as { gps: number; plannedDepartures: { count: number }[] };
				return `départs prévus : ${departures(plannedDepartures)} au total, c’est plus que le nombre de médecins généralistes (${gps})`;
			},
		});

	return { territory, service, council, meeting, minutes, page, practice, siteIdentity: siteIdentitySchema };
}
