import { z } from 'zod';
import {
	parseProposalListQuery,
	proposalInputSchema,
	supportInputSchema,
	toProposalArgs,
	toSupportArgs,
} from '../../domain/proposal.ts';
import { fieldErrors } from '../../domain/validation.ts';
import { keysOf, PROPOSAL_STATUSES, PROPOSAL_THEMES } from '../../domain/vocabulary.ts';
import { withAdminForms } from '../admin/forms.ts';
import { defaultVerifier, requireCoordinator, type TokenVerifier } from '../auth/caller.ts';
import { spreadsheetCsv } from '../csv.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, DatabaseError, type DataPort } from '../db/port.ts';
import { readEnv } from '../env.ts';
import { formErrorPage, json, problem, problemFromError, readInput, seeOther } from '../http.ts';
import { createMailTransport, type MailTransport, sendAfterWrite } from '../mail/mail-port.ts';
import { clientHash, type RequestContext, siteOrigin } from '../request.ts';

const defaultMail = () => createMailTransport(readEnv());

const PROPOSAL_ID = /^[1-9][0-9]{0,17}$/;

const MESSAGES: Record<string, string> = {
	proposal_not_found: 'Cette proposition n’existe pas ou n’est pas publiée.',
	proposal_closed: 'Cette proposition ne reçoit plus de soutiens : une décision a été prise.',
	unknown_territory: 'Ce territoire n’existe pas.',
	illegal_transition: 'Ce changement de statut n’est pas possible depuis le statut actuel.',
};

const PROPOSAL_FORM = { title: 'Votre proposition n’est pas encore envoyée', backUrl: '/propositions/nouvelle/' };

const notFound = () => problem(404, 'proposal_not_found', MESSAGES.proposal_not_found!);

/** A database refusal that belongs to a field becomes a 400 with that field, like the schema's. */
function answerError(error: unknown): Response {
	if (error instanceof DatabaseError && error.reason === 'unknown_territory') {
		return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', {
			territoryId: MESSAGES.unknown_territory!,
		});
	}
	if (error instanceof DatabaseError && error.reason === 'contact_required') {
		return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', {
			contact: 'Indiquez une adresse électronique ou un numéro de téléphone valide.',
		});
	}
	if (error instanceof DatabaseError && error.reason === 'illegal_transition') {
		return problem(400, 'illegal_transition', MESSAGES.illegal_transition!);
	}
	return problemFromError(error, MESSAGES);
}

/** `POST /api/proposals`: 201 `{ id, status: "pending" }`; a form post gets a 303 to the thank-you page. */
export function createSubmitProposal(dataPort: () => DataPort) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const input = await readInput(request, proposalInputSchema);
		if (!input.ok) return input.isForm ? formErrorPage(input.response, PROPOSAL_FORM) : input.response;
		try {
			const result = await dataPort().callRpc<{ id: number; status: string }>(
				'submit_proposal',
				toProposalArgs(input.data, clientHash(context)),
				ANON,
			);
			if (input.isForm) return seeOther(`/propositions/merci/?numero=${result.id}`);
			return json({ id: result.id, status: result.status }, 201);
		} catch (error) {
			return input.isForm ? formErrorPage(answerError(error), PROPOSAL_FORM) : answerError(error);
		}
	};
}

/** `GET /api/proposals?territory=&theme=&status=&sort=`: published proposals with their support counts. */
export function createListProposals(dataPort: () => DataPort) {
	return async (request: Request): Promise<Response> => {
		const query = parseProposalListQuery(new URL(request.url).searchParams);
		if (!query.success) {
			return problem(400, 'invalid_filter', 'Un filtre de la liste n’est pas valide.', fieldErrors(query.error));
		}
		try {
			const list = await dataPort().callRpc<unknown[]>(
				'list_public_proposals',
				{
					p_territory_id: query.data.territory ?? null,
					p_theme: query.data.theme ?? null,
					p_status: query.data.status ?? null,
					p_sort: query.data.sort,
				},
				ANON,
			);
			return json(list, 200, { 'Cache-Control': 'public, max-age=30' });
		} catch (error) {
			return answerError(error);
		}
	};
}

/** `GET /api/proposals/{id}`: one published proposal with its history and answer; 404 otherwise. */
export function createGetProposal(dataPort: () => DataPort) {
	return async (_request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		try {
			return json(await dataPort().callRpc('get_public_proposal', { p_proposal_id: id }, ANON));
		} catch (error) {
			return answerError(error);
		}
	};
}

/** `POST /api/proposals/{id}/supports`: 201 `{ supports }`, or 200 with the count unchanged for a repeat. */
export function createSupport(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		const supportForm = { title: 'Votre soutien n’est pas encore compté', backUrl: `/propositions/${id}/#soutenir` };
		const input = await readInput(request, supportInputSchema);
		if (!input.ok) return input.isForm ? formErrorPage(input.response, supportForm) : input.response;
		try {
			const result = await dataPort().callRpc<{ supports: number; isNew: boolean; status: string }>(
				'support_proposal',
				toSupportArgs(id, input.data, { clientHash: clientHash(context) }),
				ANON,
			);
			// Reaching the threshold changes the status, which queues messages: send them now.
			if (result.isNew && result.status === 'on_council_agenda')
				await sendAfterWrite(dataPort(), mail(), siteOrigin(request));
			if (input.isForm) return seeOther(`/propositions/${id}/?soutien=${result.isNew ? 'merci' : 'deja'}#soutenir`);
			return json({ supports: result.supports, status: result.status }, result.isNew ? 201 : 200);
		} catch (error) {
			return input.isForm ? formErrorPage(answerError(error), supportForm) : answerError(error);
		}
	};
}

/** `GET /api/admin/proposals?status=pending`: the moderation queue, with authors' contacts. */
export function createModerationQueue(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const status = new URL(request.url).searchParams.get('status') ?? 'pending';
		if (!(status in PROPOSAL_STATUSES))
			return problem(400, 'invalid_filter', 'Statut inconnu.', { status: 'Statut inconnu.' });
		try {
			return json(await dataPort().callRpc('moderation_queue', { p_status: status }, auth.caller));
		} catch (error) {
			return answerError(error);
		}
	};
}

const decisionSchema = z.object({
	status: z.enum(keysOf(PROPOSAL_STATUSES), { error: 'Choisissez le nouveau statut.' }),
	reason: z.string().trim().max(500, { error: '500 caractères au plus.' }).optional(),
	answer: z.string().trim().max(4000, { error: '4 000 caractères au plus.' }).optional(),
});

/** `POST /api/admin/proposals/{id}/decision`: publish, refuse with a reason, study, accept, mark done… */
export function createDecision(
	dataPort: () => DataPort,
	verify: TokenVerifier = defaultVerifier,
	mail: () => MailTransport = defaultMail,
) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		const input = await readInput(request, decisionSchema);
		if (!input.ok) return input.response;
		if ((input.data.status === 'rejected' || input.data.status === 'removed') && !input.data.reason) {
			return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', {
				reason: 'Indiquez le motif : il sera affiché publiquement.',
			});
		}
		try {
			const result = await dataPort().callRpc(
				'decide_proposal',
				{
					p_proposal_id: id,
					p_status: input.data.status,
					p_reason: input.data.reason ?? null,
					p_answer: input.data.answer ?? null,
				},
				auth.caller,
			);
			await sendAfterWrite(dataPort(), mail(), siteOrigin(request));
			return json(result);
		} catch (error) {
			return answerError(error);
		}
	};
}

const CHANNEL = z.enum(['phone', 'paper'], { error: 'Indiquez si la demande vient du téléphone ou d’un papier.' });

/** `POST /api/admin/proposals`: a proposal received by phone or on paper, entered by the coordinator. */
export function createRecordProposal(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const input = await readInput(request, proposalInputSchema.and(z.object({ channel: CHANNEL })));
		if (!input.ok) return input.response;
		try {
			const result = await dataPort().callRpc<{ id: number; status: string }>(
				'submit_proposal',
				{ ...toProposalArgs(input.data, ''), p_client_hash: null, p_consent: true, p_channel: input.data.channel },
				auth.caller,
			);
			return json(result, 201);
		} catch (error) {
			return answerError(error);
		}
	};
}

/** `POST /api/admin/proposals/{id}/supports`: a support received by phone or on paper. */
export function createRecordSupport(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		const input = await readInput(request, supportInputSchema.and(z.object({ channel: CHANNEL })));
		if (!input.ok) return input.response;
		try {
			const result = await dataPort().callRpc<{ supports: number; isNew: boolean; status: string }>(
				'support_proposal',
				toSupportArgs(id, input.data, { channel: input.data.channel }),
				auth.caller,
			);
			return json({ supports: result.supports, status: result.status }, result.isNew ? 201 : 200);
		} catch (error) {
			return answerError(error);
		}
	};
}

type ExportedProposal = Record<'id' | 'supports', number> &
	Record<'title' | 'theme' | 'territoryId' | 'status' | 'channel' | 'createdAt', string> &
	Record<
		'communeCode' | 'statusReason' | 'answer' | 'authorName' | 'authorEmail' | 'authorPhone' | 'publishedAt',
		string | null
	>;

/** `GET /api/admin/proposals.csv`: every proposal with its status and answer, for spreadsheets. */
export function createExportProposals(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		try {
			const rows = await dataPort().callRpc<ExportedProposal[]>('proposals_export', {}, auth.caller);
			const header = [
				'Numéro',
				'Titre',
				'Thème',
				'Territoire',
				'Commune',
				'Statut',
				'Motif',
				'Réponse',
				'Soutiens',
				'Auteur',
				'Courriel',
				'Téléphone',
				'Canal',
				'Reçue le',
				'Publiée le',
			];
			const csv = spreadsheetCsv(
				header,
				rows.map((p) => [
					String(p.id),
					p.title,
					PROPOSAL_THEMES[p.theme as keyof typeof PROPOSAL_THEMES] ?? p.theme,
					p.territoryId,
					p.communeCode,
					PROPOSAL_STATUSES[p.status as keyof typeof PROPOSAL_STATUSES] ?? p.status,
					p.statusReason,
					p.answer,
					String(p.supports),
					p.authorName,
					p.authorEmail,
					p.authorPhone,
					p.channel,
					p.createdAt,
					p.publishedAt,
				]),
			);
			return new Response(csv, {
				headers: {
					'Content-Type': 'text/csv; charset=utf-8',
					'Content-Disposition': 'attachment; filename="propositions.csv"',
					'Cache-Control': 'no-store',
				},
			});
		} catch (error) {
			return answerError(error);
		}
	};
}

export const submitProposal = createSubmitProposal(() => getDataPort());
export const recordProposal = withAdminForms(createRecordProposal(() => getDataPort()));
export const recordSupport = withAdminForms(createRecordSupport(() => getDataPort()));
export const exportProposals = createExportProposals(() => getDataPort());
export const listProposals = createListProposals(() => getDataPort());
export const getProposal = createGetProposal(() => getDataPort());
export const supportProposal = createSupport(() => getDataPort());
export const moderationQueue = createModerationQueue(() => getDataPort());
export const decideProposal = withAdminForms(createDecision(() => getDataPort()));
