/**
 * The site's controlled vocabularies: the stored value (stable, ASCII, used in URLs and data)
 * and the French label shown to people. Content schemas, pages and (later) SQL `check`
 * constraints all derive from these lists so that a new value is added in one place.
 */

export const SERVICE_CATEGORIES = {
	'prevention-education': 'Prévention et éducation',
	'cooperation-professionnels': 'Coopération entre professionnels',
	'medico-social': 'Médico-social',
	'appui-cabinets': 'Appui aux cabinets',
} as const;
export type ServiceCategory = keyof typeof SERVICE_CATEGORIES;

export const SERVICE_AUDIENCES = {
	habitants: 'Habitants',
	'patients-orientes': 'Patients sur orientation du médecin',
	familles: 'Familles et aidants',
	medecins: 'Médecins généralistes',
	professionnels: 'Professionnels de santé',
	etablissements: 'Établissements et services',
} as const;
export type ServiceAudience = keyof typeof SERVICE_AUDIENCES;

/** Who takes part in the council; used for meeting sign-ups and for attendance in minutes. */
export const PARTICIPANT_CATEGORIES = {
	habitants: 'Habitants',
	professionnels: 'Professionnels de santé',
	elus: 'Élus',
	partenaires: 'Associations et partenaires',
} as const;
export type ParticipantCategory = keyof typeof PARTICIPANT_CATEGORIES;

/** Kinds of general practice the coordinator enters in `content/practices/` (for the access simulator). */
export const PRACTICE_KINDS = {
	cabinet: 'Cabinet médical',
	msp: 'Maison de santé pluriprofessionnelle (MSP)',
	'centre-de-sante': 'Centre de santé',
} as const;
export type PracticeKind = keyof typeof PRACTICE_KINDS;

/** Meeting status as the coordinator writes it in `content/meetings/*.md`. */
export const MEETING_STATUSES = ['à venir', 'complet', 'passé', 'annulé'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export function keysOf<T extends Record<string, string>>(record: T): [keyof T & string, ...(keyof T & string)[]] {
	return Object.keys(record) as [keyof T & string, ...(keyof T & string)[]];
}

/** How a person describes themself when signing up (inclusive singular forms). */
export const PARTICIPANT_SELF_LABELS: Record<ParticipantCategory, string> = {
	habitants: 'Habitant·e',
	professionnels: 'Professionnel·le de santé',
	elus: 'Élu·e',
	partenaires: 'Association ou partenaire',
};

/** A proposal's status, as stored, and as residents read it. */
export const PROPOSAL_STATUSES = {
	pending: 'En attente de modération',
	published: 'Publiée',
	under_study: 'À l’étude',
	on_council_agenda: 'Inscrite à l’ordre du jour du Conseil',
	accepted: 'Retenue',
	rejected: 'Non retenue',
	already_exists: 'Existe déjà',
	out_of_scope: 'Hors du champ du Pays de Santé',
	done: 'Réalisée',
	withdrawn: 'Retirée par son auteur',
	removed: 'Retirée par la modération',
} as const;
export type ProposalStatus = keyof typeof PROPOSAL_STATUSES;

/** Themes a proposal can have: the service categories, plus "autre". */
export const PROPOSAL_THEMES = { ...SERVICE_CATEGORIES, autre: 'Autre sujet' } as const;
export type ProposalTheme = keyof typeof PROPOSAL_THEMES;

/** Refusal reasons offered to the coordinator (free text remains possible). */
export const REFUSAL_REASONS = [
	'contient des données de santé personnelles',
	'propos injurieux ou discriminatoires',
	'ne concerne pas le territoire',
	'doublon d’une proposition existante',
	'hors du champ du Pays de Santé',
] as const;

/** Answer templates the coordinator starts from when answering a proposal (then adapts). */
export const ANSWER_TEMPLATES = {
	merci: {
		label: 'Remerciement et mise à l’étude',
		text: 'Merci pour votre proposition. Elle est publiée et l’équipe du Pays de Santé l’étudie avec les professionnels concernés. Nous vous tiendrons informé·e de la suite sur cette page.',
	},
	conseil: {
		label: 'Inscription à l’ordre du jour du Conseil',
		text: 'Votre proposition sera discutée lors de la prochaine réunion du Conseil Pays de Santé. Le compte rendu de la réunion dira ce qui a été décidé.',
	},
	retenue: {
		label: 'Proposition retenue',
		text: 'Le Conseil Pays de Santé a retenu votre proposition. Voici ce qui va être fait, par qui et quand : …',
	},
	existe: {
		label: 'Existe déjà',
		text: 'Ce que vous proposez existe déjà sur le territoire : …. N’hésitez pas à nous dire si cela ne répond pas à votre besoin.',
	},
	hors_champ: {
		label: 'Hors du champ du Pays de Santé',
		text: 'Votre proposition ne relève pas de ce que le Pays de Santé peut faire. Elle concerne plutôt … ; vous pouvez vous adresser à …',
	},
	realisee: {
		label: 'Réalisée',
		text: 'C’est fait : … Merci d’avoir lancé l’idée.',
	},
} as const;
export type AnswerTemplate = keyof typeof ANSWER_TEMPLATES;
