import { formatLongDate, formatTime } from '../../domain/paris-time.ts';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../domain/vocabulary.ts';

type RegistrationMessage = {
	id: number;
	template: 'registration_confirmed' | 'registration_waitlisted' | 'waitlist_promoted';
	to: string;
	payload: { reference: string; meetingId: string; meetingTitle: string; startsAt: string; cancelUrl?: string };
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

export type OutboxMessage = RegistrationMessage | ProposalMessage;

export type Mail = { to: string; subject: string; text: string };

/** The French text of each message: plain text, short lines, what to do next. */
export function renderMessage(message: OutboxMessage, siteUrl: string): Mail {
	if (message.template === 'proposal_status_changed') return renderProposalMessage(message, siteUrl);
	const { reference, meetingId, meetingTitle, startsAt, cancelUrl } = message.payload;
	const when = `${formatLongDate(new Date(startsAt))} à ${formatTime(new Date(startsAt))}`;
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
