import { PROPOSAL_STATUSES, type ProposalStatus } from '../../domain/vocabulary.ts';

/** The usual next step of a proposal in each status: what the moderation menu selects first. */
const USUAL_NEXT: Partial<Record<ProposalStatus, ProposalStatus>> = {
	pending: 'published',
	published: 'under_study',
	under_study: 'on_council_agenda',
	on_council_agenda: 'accepted',
	accepted: 'done',
};

/** Each move as the action the coordinator takes (the menu's wording). */
export const PROPOSAL_ACTIONS: Record<ProposalStatus, string> = {
	pending: 'Remettre en attente de modération',
	published: 'Publier',
	under_study: 'Mettre à l’étude',
	on_council_agenda: 'Inscrire à l’ordre du jour du Conseil',
	accepted: 'Retenir',
	rejected: 'Ne pas retenir (motif obligatoire)',
	already_exists: 'Classer : existe déjà',
	out_of_scope: 'Classer : hors du champ du Pays de Santé',
	done: 'Marquer comme réalisée',
	withdrawn: 'Retirer à la demande de son auteur',
	removed: 'Retirer par la modération (motif obligatoire)',
};

const WORKFLOW_ORDER = Object.keys(PROPOSAL_STATUSES) as ProposalStatus[];

/**
 * The moves the moderation menu offers for a proposal in `current`, among those the workflow
 * allows (`public.proposal_next_statuses`): the usual next step first and selected (a pending
 * proposal → « Publier »), then the others in the workflow's order. The current status is never
 * offered. Where no step is usual (a refused or finished proposal, whose only move is a removal),
 * nothing is selected: the menu asks for a choice.
 */
export function nextStatusChoices(
	current: ProposalStatus,
	allowed: readonly ProposalStatus[],
): { choices: ProposalStatus[]; selected: ProposalStatus | undefined } {
	const choices = WORKFLOW_ORDER.filter((status) => status !== current && allowed.includes(status));
	const usual = USUAL_NEXT[current];
	if (!usual || !choices.includes(usual)) return { choices, selected: undefined };
	return { choices: [usual, ...choices.filter((status) => status !== usual)], selected: usual };
}
