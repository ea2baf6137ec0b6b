import { channelLabel, lowerFirst, proposalStatusLabel } from './labels.ts';

/** One row of `public.audit_entries()`. */
export type AuditEntry = {
	id: number;
	actorId: string | null;
	actorRole: string;
	action: string;
	targetType: string;
	targetId: string;
	details: Record<string, unknown>;
	createdAt: string;
};

/** Who acted, in words; the actor's account id is not shown (there is one coordinator). */
const ACTORS: Record<string, string> = {
	coordinator: 'Coordination',
	system: 'Automatique',
	anon: 'Habitant ou habitante',
	authenticated: 'Compte connecté',
	service_role: 'Import ou maintenance',
};

export function actorLabel(role: string): string {
	return ACTORS[role] ?? 'Autre';
}

/** What a move to each status does to a proposal, as the end of « Proposition 12 … ». */
const PROPOSAL_MOVES: Record<string, string> = {
	pending: 'remise en attente de modération',
	published: 'publiée',
	under_study: 'mise à l’étude',
	on_council_agenda: 'inscrite à l’ordre du jour du Conseil',
	accepted: 'retenue',
	rejected: 'non retenue',
	already_exists: 'classée « existe déjà »',
	out_of_scope: 'classée hors du champ du Pays de Santé',
	done: 'marquée réalisée',
	withdrawn: 'retirée par son auteur',
	removed: 'retirée par la modération',
};

const FIELDS: Record<string, string> = {
	fullName: 'nom',
	email: 'adresse électronique',
	phone: 'téléphone',
	communeCode: 'commune',
};

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);
const frenchList = (items: string[]) =>
	items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
const upperFirst = (phrase: string) => phrase.charAt(0).toUpperCase() + phrase.slice(1);

/** What a registration was before the coordinator cancelled it, after « elle était ». */
const WAS: Record<string, string> = { confirmed: 'confirmée', waitlisted: 'sur la liste d’attente' };

/** Whether the person was told by mail, when the log says. */
const told = (notified: unknown) =>
	notified === true
		? ' ; message envoyé par courriel'
		: notified === false
			? ' ; sans adresse électronique : à prévenir par téléphone'
			: '';

/**
 * One log entry as a French sentence: « Proposition 12 publiée (elle était en attente de
 * modération) », « Réunion « … » : inscription K7P2QX annulée par la coordination (elle était
 * confirmée) ; inscription M3RT8B confirmée depuis la liste d’attente ». `meetingTitle` names a
 * meeting from its id (the content's titles); an unknown id stays an id.
 */
export function describeEntry(entry: AuditEntry, meetingTitle: (id: string) => string | undefined = () => undefined) {
	const details = entry.details ?? {};
	/** A registration's sentence, after the meeting it belongs to. */
	const atMeeting = (sentence: string) => {
		const id = text(details.meeting);
		if (!id) return upperFirst(sentence);
		return `Réunion « ${meetingTitle(id) ?? id} » : ${sentence}`;
	};
	const registration = `inscription ${entry.targetId}`;
	switch (entry.action) {
		case 'proposal.decision': {
			const from = text(details.from);
			const to = text(details.to);
			if (to && to === from)
				return `Proposition ${entry.targetId} : réponse mise à jour (statut inchangé : ${lowerFirst(proposalStatusLabel(to))})`;
			const move = PROPOSAL_MOVES[to] ?? `passée au statut « ${proposalStatusLabel(to)} »`;
			return `Proposition ${entry.targetId} ${move}${from ? ` (elle était ${lowerFirst(proposalStatusLabel(from))})` : ''}`;
		}
		case 'proposal.threshold_reached': {
			const threshold = Number(details.threshold);
			return `Proposition ${entry.targetId} inscrite à l’ordre du jour du Conseil : ${Number.isFinite(threshold) ? `${threshold} soutiens atteints` : 'seuil de soutiens atteint'}`;
		}
		case 'registration.recorded':
			return atMeeting(`${registration} saisie (reçue par ${channelLabel(text(details.channel))})`);
		case 'registration.cancelled': {
			const promoted = list(details.promoted);
			const was = WAS[text(details.from)];
			const after = promoted.length
				? ` ; ${promoted.length > 1 ? 'inscriptions' : 'inscription'} ${frenchList(promoted)} ${promoted.length > 1 ? 'confirmées' : 'confirmée'} depuis la liste d’attente`
				: '';
			return atMeeting(`${registration} annulée par la coordination${was ? ` (elle était ${was})` : ''}${after}`);
		}
		case 'registration.promoted': {
			const freedBy = text(details.freedBy);
			return atMeeting(
				`${registration} confirmée depuis la liste d’attente : une place s’est libérée${freedBy ? ` (annulation de ${freedBy})` : ''}${told(details.notified)}`,
			);
		}
		case 'registration.confirmed':
			return atMeeting(
				`${registration} passée de la liste d’attente à confirmée par la coordination${told(details.notified)}`,
			);
		case 'registration.updated': {
			const fields = list(details.fields).map((field) => FIELDS[field] ?? 'autre information');
			return atMeeting(`coordonnées de l’${registration} corrigées${fields.length ? ` (${frenchList(fields)})` : ''}`);
		}
		case 'registrations.purged': {
			const count = Number(details.count);
			const days = Number(details.days);
			return `Données personnelles ${Number.isFinite(count) ? `de ${count} inscription${count > 1 ? 's' : ''}` : 'des inscriptions'} effacées${Number.isFinite(days) ? ` (réunions passées depuis plus de ${days} jours)` : ''}`;
		}
		case 'supports.purged': {
			const count = Number(details.count);
			return Number.isFinite(count)
				? `${count} soutien${count > 1 ? 's' : ''} jamais confirmé${count > 1 ? 's' : ''} effacé${count > 1 ? 's' : ''}`
				: 'Soutiens jamais confirmés effacés';
		}
		default:
			return `Action technique enregistrée (code « ${entry.action} », sur ${TARGETS[entry.targetType] ?? 'un élément'} ${entry.targetId})`;
	}
}

const TARGETS: Record<string, string> = {
	meeting: 'la réunion',
	registration: 'l’inscription',
	proposal: 'la proposition',
	support: 'le soutien',
	import: 'l’import',
};
