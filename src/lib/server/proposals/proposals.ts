import { z } from 'zod';
import {
	parseProposalListQuery,
	proposalInputSchema,
	SUPPORT_CONFIRMATION_DAYS,
	supportInputSchema,
	toProposalArgs,
	toSupportArgs,
	webSupportInputSchema,
} from '../../domain/proposal.ts';
import { fieldErrors } from '../../domain/validation.ts';
import { keysOf, PROPOSAL_STATUSES } from '../../domain/vocabulary.ts';
import { withAdminForms } from '../admin/forms.ts';
import { type ExportedProposal, proposalsCsv } from '../admin/proposals-csv.ts';
import { defaultVerifier, requireCoordinator, type TokenVerifier } from '../auth/caller.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, DatabaseError, type DataPort } from '../db/port.ts';
import { serverEnv } from '../env.ts';
import { formErrorPage, htmlPage, json, problem, problemFromError, readInput, seeOther } from '../http.ts';
import { deliverAfterAnswer, type MailTransport, sendAfterWrite, sharedMailTransport } from '../mail/mail-port.ts';
import { clientHash, type RequestContext, siteOrigin } from '../request.ts';

const defaultMail = () => sharedMailTransport(serverEnv());

const PROPOSAL_ID = /^[1-9][0-9]{0,17}$/;

const MESSAGES: Record<string, string> = {
	proposal_not_found: 'Cette proposition n’existe pas ou n’est pas publiée.',
	proposal_closed: 'Cette proposition ne reçoit plus de soutiens : une décision a été prise.',
	unknown_territory: 'Ce territoire n’existe pas.',
	illegal_transition: 'Ce changement de statut n’est pas possible depuis le statut actuel.',
	confirmation_not_found:
		'Ce lien de confirmation n’est pas valide : il est incomplet, un lien plus récent l’a remplacé, ou le soutien non confirmé a été effacé. Soutenez à nouveau la proposition pour recevoir un nouveau lien.',
	confirmation_expired: `Ce lien de confirmation a expiré : il était valable ${SUPPORT_CONFIRMATION_DAYS} jours. Soutenez à nouveau la proposition pour recevoir un nouveau lien.`,
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
	if (error instanceof DatabaseError && error.reason === 'email_required') {
		return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', {
			contact:
				'Indiquez votre adresse électronique : nous y envoyons le lien qui confirme votre soutien. Sans adresse électronique, la conseillère peut enregistrer votre soutien par téléphone.',
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

/** What `support_proposal` answers. `supports` counts confirmed supports only. */
type SupportResult = {
	supports: number;
	pendingSupports: number;
	/** A new support row (waiting for its confirmation on the web, counted at once for the coordinator). */
	isNew: boolean;
	/** This call made the count go up (the coordinator's entries). */
	counted: boolean;
	/** The person's web support waits for its confirmation. */
	awaitingConfirmation: boolean;
	/** A confirmation link was queued: a new web support, or a repeat whose link was sent over 15 minutes ago. */
	linkSent: boolean;
	status: string;
};

const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;

/** 429 for supports, saying in French how long to wait (the limits are counted in SQL). */
function supportRateLimited(error: DatabaseError): Response {
	const seconds = Math.max(1, Number(error.detail) || 60);
	const wait =
		seconds > 5400
			? `environ ${plural(Math.round(seconds / 3600), 'heure')}`
			: plural(Math.ceil(seconds / 60), 'minute');
	return problem(
		429,
		'rate_limited',
		`Trop de soutiens envoyés en peu de temps depuis cette connexion ou pour cette adresse. Réessayez dans ${wait}.`,
		undefined,
		{ 'Retry-After': String(seconds) },
	);
}

/**
 * `POST /api/proposals/{id}/supports`: 201 `{ supports, pendingSupports, status, awaitingConfirmation }`
 * for a new support, which counts only once its email is confirmed (the link is mailed after the
 * answer); 200 with the count unchanged for a repeat by the same person (with a fresh link if
 * theirs still waits and was sent over 15 minutes ago). A form post gets a 303 back to the
 * proposal, which says what happened (`?soutien=envoye | renvoye | attente | deja`).
 */
export function createSupport(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		const supportForm = {
			title: 'Votre soutien n’est pas encore enregistré',
			backUrl: `/propositions/${id}/#soutenir`,
		};
		const input = await readInput(request, webSupportInputSchema);
		if (!input.ok) return input.isForm ? formErrorPage(input.response, supportForm) : input.response;
		try {
			const port = dataPort();
			const result = await port.callRpc<SupportResult>(
				'support_proposal',
				toSupportArgs(id, input.data, { clientHash: clientHash(context) }),
				ANON,
			);
			// The confirmation link was queued with the support: it is sent after the answer.
			if (result.linkSent) deliverAfterAnswer(context, port, mail, siteOrigin(request));
			if (input.isForm) {
				const notice = result.isNew
					? 'envoye'
					: result.linkSent
						? 'renvoye'
						: result.awaitingConfirmation
							? 'attente'
							: 'deja';
				return seeOther(`/propositions/${id}/?soutien=${notice}#soutenir`);
			}
			const { supports, pendingSupports, status, awaitingConfirmation } = result;
			return json({ supports, pendingSupports, status, awaitingConfirmation }, result.isNew ? 201 : 200);
		} catch (error) {
			const response =
				error instanceof DatabaseError && error.kind === 'rate_limited'
					? supportRateLimited(error)
					: answerError(error);
			return input.isForm ? formErrorPage(response, supportForm) : response;
		}
	};
}

const CONFIRMATION_TOKEN = /^[0-9a-f]{64}$/;
const INCOMPLETE_LINK =
	'Ce lien de confirmation n’est pas complet. Ouvrez le lien entier reçu par courriel (copiez-le au besoin dans la barre d’adresse).';

const confirmSupportSchema = z.object({
	token: z.string({ error: INCOMPLETE_LINK }).trim().regex(CONFIRMATION_TOKEN, { error: INCOMPLETE_LINK }),
});

type ConfirmResult = {
	proposalId: number;
	alreadyConfirmed: boolean;
	supports: number;
	pendingSupports: number;
	status: string;
	statusChanged: boolean;
};

/** An expired link is gone for good (410); the other refusals keep their usual status. */
function confirmationError(error: unknown): Response {
	if (error instanceof DatabaseError && error.reason === 'confirmation_expired') {
		return problem(410, 'confirmation_expired', MESSAGES.confirmation_expired!);
	}
	return answerError(error);
}

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Without JavaScript, a refused confirmation gets a short French page with a way forward. */
async function confirmationErrorPage(response: Response, error?: unknown): Promise<Response> {
	const { error: problemBody } = (await response.json()) as {
		error: { message: string; fields?: Record<string, string> };
	};
	const detail = error instanceof DatabaseError ? (error.detail ?? '') : '';
	const back = PROPOSAL_ID.test(detail)
		? `<a href="/propositions/${detail}/#soutenir">Revenir à la proposition</a>`
		: '<a href="/propositions/">Voir les propositions</a>';
	const messages = [...new Set([problemBody.message, ...Object.values(problemBody.fields ?? {})])];
	return htmlPage(
		response.status,
		'Votre soutien n’est pas confirmé',
		`${messages.map((message) => `<p>${escapeHtml(message)}</p>`).join('')}<p>${back}</p>`,
		Object.fromEntries([...response.headers].filter(([name]) => name.toLowerCase() === 'retry-after')),
	);
}

/**
 * `POST /api/supports/confirm` with `token` (JSON or the form of the page the link opens): the
 * support counts from now on, and at the threshold the proposal goes on the council agenda.
 * 200 `{ confirmed: true, alreadyConfirmed, proposalId, supports, pendingSupports, status }` (again
 * 200, counted once, for a second confirmation); a form post gets a 303 to the result page.
 * 404 unknown link, 410 expired link, 409 proposal decided.
 */
export function createConfirmSupport(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const input = await readInput(request, confirmSupportSchema);
		if (!input.ok) return input.isForm ? confirmationErrorPage(input.response) : input.response;
		try {
			const port = dataPort();
			const result = await port.callRpc<ConfirmResult>('confirm_support', { p_token: input.data.token }, ANON);
			// Reaching the threshold queued one message to the author and to each confirmed supporter.
			if (result.statusChanged) deliverAfterAnswer(context, port, mail, siteOrigin(request));
			if (input.isForm) {
				return seeOther(
					`/propositions/soutien/confirme/?numero=${result.proposalId}${result.alreadyConfirmed ? '&deja=1' : ''}`,
				);
			}
			const { alreadyConfirmed, proposalId, supports, pendingSupports, status } = result;
			return json({ confirmed: true, alreadyConfirmed, proposalId, supports, pendingSupports, status });
		} catch (error) {
			const response = confirmationError(error);
			return input.isForm ? confirmationErrorPage(response, error) : response;
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

/**
 * `POST /api/admin/proposals/{id}/supports`: a support received by phone or on paper. It counts at
 * once (the coordinator vouches for it), also for a person whose web support waited for its
 * confirmation: 201 when the count went up, 200 for a repeat.
 */
export function createRecordSupport(
	dataPort: () => DataPort,
	verify: TokenVerifier = defaultVerifier,
	mail: () => MailTransport = defaultMail,
) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const id = context.params.proposalId ?? '';
		if (!PROPOSAL_ID.test(id)) return notFound();
		const input = await readInput(request, supportInputSchema.and(z.object({ channel: CHANNEL })));
		if (!input.ok) return input.response;
		try {
			const result = await dataPort().callRpc<SupportResult>(
				'support_proposal',
				toSupportArgs(id, input.data, { channel: input.data.channel }),
				auth.caller,
			);
			// Reaching the threshold changes the status, which queues messages: send them now.
			if (result.counted && result.status === 'on_council_agenda')
				await sendAfterWrite(dataPort(), mail(), siteOrigin(request));
			return json({ supports: result.supports, status: result.status }, result.isNew || result.counted ? 201 : 200);
		} catch (error) {
			return answerError(error);
		}
	};
}

/** `GET /api/admin/proposals.csv`: every proposal with its status and answer, for spreadsheets (columns: `proposalsCsv`). */
export function createExportProposals(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		try {
			const rows = await dataPort().callRpc<ExportedProposal[]>('proposals_export', {}, auth.caller);
			const csv = proposalsCsv(rows);
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
export const confirmSupport = createConfirmSupport(() => getDataPort());
export const moderationQueue = createModerationQueue(() => getDataPort());
export const decideProposal = withAdminForms(createDecision(() => getDataPort()));
