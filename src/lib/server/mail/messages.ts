import { formatLongDate, formatTime } from '../../domain/paris-time.ts';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../domain/vocabulary.ts';

type RegistrationMessage = {
	id: number;
	template:
		| 'registration_confirmed'
		| 'registration_waitlisted'
		| 'waitlist_promoted'
		| 'moved_to_waitlist'
		| 'meeting_cancelled'
		| 'meeting_moved';
	to: string;
	payload: {
		reference: string;
		meetingId: string;
		meetingTitle: string;
		startsAt: string;
		cancelUrl?: string;
		/** meeting_moved: the date registrants were told before. */
		previousStartsAt?: string;
	};
};

type ProposalMessage = {
	id: number;
	template: 'proposal_status_changed';
	to: string;
	payload: {
		proposalId: number;
		title: string;
		to: ProposalStatus;
		reason: string | null;
		answer: string | null;
		as: 'author' | 'supporter';
	};
};

/** The link that makes a web support count (queued by `support_proposal`). */
type SupportConfirmationMessage = {
	id: number;
	template: 'support_confirmation';
	to: string;
	payload: { proposalId: number; title: string; token: string; expiresAt: string };
};

export type OutboxMessage = RegistrationMessage | ProposalMessage | SupportConfirmationMessage;

/** Where the link of a support confirmation message leads: a page with a button (a GET never confirms). */
const SUPPORT_CONFIRMATION_PATH = '/propositions/soutien/confirmer/?jeton=';

export type Mail = { to: string; subject: string; text: string };

/** The French text of each message: plain text, short lines, what to do next. */
export function renderMessage(message: OutboxMessage, siteUrl: string): Mail {
	if (message.template === 'proposal_status_changed') return renderProposalMessage(message, siteUrl);
	if (message.template === 'support_confirmation') return renderSupportConfirmation(message, siteUrl);
	const { reference, meetingId, meetingTitle, startsAt, cancelUrl, previousStartsAt } = message.payload;
	const at = (date: string) => `${formatLongDate(new Date(date))} à ${formatTime(new Date(date))}`;
	const when = at(startsAt);
	const page = `${siteUrl}/reunions/${meetingId}/`;
	const calendar = `${siteUrl}/reunions/${meetingId}.ics`;
	const cancel = cancelUrl
		? `Si vous ne pouvez pas venir, annulez ici pour libérer votre place :\n${cancelUrl}\n\n`
		: '';
	const signature = 'La conseillère Pays de Santé';
	switch (message.template) {
		case 'registration_confirmed':
			return {
				to: message.to,
				subject: `Inscription confirmée : ${meetingTitle}`,
				text: `Bonjour,\n\nVotre place est réservée pour « ${meetingTitle} », le ${when}.\nVotre numéro d’inscription : ${reference}.\n\nLe détail de la réunion : ${page}\nL’ajouter à votre agenda : ${calendar}\n\n${cancel}${signature}\n`,
			};
		case 'registration_waitlisted':
			return {
				to: message.to,
				subject: `Liste d’attente : ${meetingTitle}`,
				text: `Bonjour,\n\nLa réunion « ${meetingTitle} » du ${when} est complète. Vous êtes sur la liste d’attente (numéro ${reference}) : si une place se libère, elle vous sera attribuée dans l’ordre d’arrivée et vous recevrez un message.\n\n${cancel}${signature}\n`,
			};
		case 'waitlist_promoted':
			return {
				to: message.to,
				subject: `Une place s’est libérée : ${meetingTitle}`,
				text: `Bonjour,\n\nBonne nouvelle : une place s’est libérée. Votre inscription (numéro ${reference}) à « ${meetingTitle} », le ${when}, est confirmée.\n\nLe détail de la réunion : ${page}\nL’ajouter à votre agenda : ${calendar}\n\nSi vous ne pouvez plus venir, prévenez la conseillère pour que la place profite à quelqu’un d’autre.\n\n${signature}\n`,
			};
		case 'moved_to_waitlist':
			return {
				to: message.to,
				subject: `Liste d’attente : ${meetingTitle}`,
				text: `Bonjour,\n\nLa salle de la réunion « ${meetingTitle} », le ${when}, compte moins de places que prévu. Votre inscription (numéro ${reference}) passe en tête de la liste d’attente : si une place se libère, elle vous revient en priorité et vous recevrez un message.\n\nNous sommes désolés de ce changement. Pour toute question, contactez la conseillère.\n\n${signature}\n`,
			};
		case 'meeting_cancelled':
			return {
				to: message.to,
				subject: `Réunion annulée : ${meetingTitle}`,
				text: `Bonjour,\n\nLa réunion « ${meetingTitle} » prévue le ${when} est annulée. Votre inscription (numéro ${reference}) n’a plus d’objet : vous n’avez rien à faire.\n\nLes prochaines réunions : ${siteUrl}/reunions/\n\n${signature}\n`,
			};
		case 'meeting_moved':
			return {
				to: message.to,
				subject: `Nouvelle date : ${meetingTitle}`,
				text: `Bonjour,\n\nLa réunion « ${meetingTitle} »${previousStartsAt ? `, prévue le ${at(previousStartsAt)},` : ''} aura lieu le ${when}. Votre inscription (numéro ${reference}) est conservée.\n\nLe détail de la réunion : ${page}\nMettre à jour votre agenda : ${calendar}\n\nSi vous ne pouvez pas venir à cette date, prévenez la conseillère pour que votre place profite à quelqu’un d’autre.\n\n${signature}\n`,
			};
	}
}

function renderProposalMessage(message: ProposalMessage, siteUrl: string): Mail {
	const { proposalId, title, to, reason, answer } = message.payload;
	const status = PROPOSAL_STATUSES[to];
	const whose = message.payload.as === 'author' ? 'Votre proposition' : 'Une proposition que vous soutenez';
	const lines = [
		'Bonjour,',
		'',
		`${whose}, « ${title} », a changé d’étape : ${status.toLowerCase()}.`,
		...(reason ? ['', `Motif : ${reason}`] : []),
		...(answer ? ['', 'Réponse du Pays de Santé :', answer] : []),
		'',
		`Suivre la proposition : ${siteUrl}/propositions/${proposalId}/`,
		'',
		'La conseillère Pays de Santé',
		'',
	];
	return { to: message.to, subject: `${whose} : ${status}`, text: lines.join('\n') };
}

function renderSupportConfirmation(message: SupportConfirmationMessage, siteUrl: string): Mail {
	const { proposalId, title, token, expiresAt } = message.payload;
	const until = new Date(expiresAt);
	const lines = [
		'Bonjour,',
		'',
		`Vous souhaitez soutenir la proposition « ${title} ». Merci !`,
		'',
		'Pour que votre soutien compte, ouvrez ce lien puis appuyez sur le bouton « Confirmer mon soutien » :',
		`${siteUrl}${SUPPORT_CONFIRMATION_PATH}${token}`,
		'',
		`Le lien est valable 7 jours, jusqu’au ${formatLongDate(until)} à ${formatTime(until)}. Sans confirmation, votre soutien n’est pas compté et votre nom et votre adresse sont effacés.`,
		'',
		'Si vous n’avez rien demandé, ne faites rien : aucun soutien ne sera compté à votre nom.',
		'',
		`La proposition : ${siteUrl}/propositions/${proposalId}/`,
		'',
		'La conseillère Pays de Santé',
		'',
	];
	return { to: message.to, subject: `Confirmez votre soutien : ${title}`, text: lines.join('\n') };
}
