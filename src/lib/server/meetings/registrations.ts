import { registrationInputSchema, toRegistrationArgs } from '../../domain/registration.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, DatabaseError, type DataPort } from '../db/port.ts';
import { readEnv } from '../env.ts';
import { formErrorPage, isFormPost, json, problem, problemFromError, readInput, seeOther } from '../http.ts';
import { createMailTransport, type MailTransport, sendAfterWrite } from '../mail/mail-port.ts';
import { clientHash, type RequestContext, siteOrigin } from '../request.ts';

const MEETING_ID = /^[a-z0-9-]{1,80}$/;
const CANCEL_TOKEN = /^[0-9a-f]{64}$/;

const MESSAGES: Record<string, string> = {
	meeting_not_found: 'Cette réunion n’existe pas.',
	meeting_closed: 'Les inscriptions sont closes : la réunion est passée ou annulée.',
	registration_not_found: 'Ce lien d’annulation n’est pas valide ou a déjà expiré.',
};

/** Field messages for rules that only the database can check. */
const FIELD_BY_REASON: Record<string, Record<string, string>> = {
	contact_required: { email: 'Indiquez une adresse électronique ou un numéro de téléphone.' },
	consent_required: { consent: 'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.' },
	unknown_commune: { communeCode: 'Choisissez votre commune dans la liste.' },
};

const REGISTRATION_FORM = (meetingId: string) => ({
	title: 'Votre inscription n’est pas encore enregistrée',
	backUrl: `/reunions/${meetingId}/#inscription`,
});

const defaultMail = () => createMailTransport(readEnv());

const notFound = () => problem(404, 'meeting_not_found', MESSAGES.meeting_not_found!);

export type RegistrationResult = {
	status: 'confirmed' | 'waitlisted';
	reference: string;
	cancelToken: string | null;
	isExisting: boolean;
};

/** `GET /api/meetings/{meetingId}`: seats of a meeting. */
export function createGetMeeting(dataPort: () => DataPort) {
	return async (_request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return notFound();
		try {
			const seats = await dataPort().callRpc<Record<string, unknown>>(
				'meeting_availability',
				{ p_meeting_id: id },
				ANON,
			);
			const { capacity, confirmed, waitlisted, remaining } = seats;
			return json({ id, capacity, confirmed, waitlisted, remaining }, 200, { 'Cache-Control': 'public, max-age=5' });
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

/**
 * `POST /api/meetings/{meetingId}/registrations`, JSON or form: 201 with the new registration,
 * 200 with the existing one for the same person; a form post is answered with a 303 to the
 * confirmation page, or with a French page listing what to correct.
 */
export function createRegister(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return notFound();
		const input = await readInput(request, registrationInputSchema);
		if (!input.ok) return input.isForm ? formErrorPage(input.response, REGISTRATION_FORM(id)) : input.response;
		let result: RegistrationResult;
		try {
			result = await dataPort().callRpc<RegistrationResult>(
				'register_for_meeting',
				toRegistrationArgs(id, input.data, clientHash(context)),
				ANON,
			);
		} catch (error) {
			const fields = error instanceof DatabaseError ? FIELD_BY_REASON[error.reason] : undefined;
			const response = fields
				? problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', fields)
				: problemFromError(error, MESSAGES);
			return input.isForm ? formErrorPage(response, REGISTRATION_FORM(id)) : response;
		}
		const origin = siteOrigin(request);
		const cancelUrl = result.cancelToken ? `${origin}/reunions/annulation/?jeton=${result.cancelToken}` : null;
		await sendAfterWrite(
			dataPort(),
			mail(),
			origin,
			result.cancelToken && cancelUrl ? { cancelToken: result.cancelToken, cancelUrl } : undefined,
		);
		if (input.isForm) {
			const query = new URLSearchParams({ ref: result.reference, statut: result.status });
			if (result.cancelToken) query.set('jeton', result.cancelToken);
			if (result.isExisting) query.set('deja', '1');
			return seeOther(`/reunions/${id}/confirmation/?${query}`);
		}
		return json(
			{
				status: result.status,
				reference: result.reference,
				cancelUrl,
				...(result.isExisting ? { isExisting: true } : {}),
			},
			result.isExisting ? 200 : 201,
		);
	};
}

/** `POST /api/registrations/{cancelToken}/cancel`: frees the seat; a form post gets a 303. */
export function createCancel(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const token = context.params.cancelToken ?? '';
		const isForm = isFormPost(request);
		if (!CANCEL_TOKEN.test(token)) return problem(404, 'registration_not_found', MESSAGES.registration_not_found!);
		try {
			const result = await dataPort().callRpc<{ meetingId: string; reference: string }>(
				'cancel_registration',
				{ p_cancel_token: token },
				ANON,
			);
			// The first person waiting may have been promoted: tell them now.
			await sendAfterWrite(dataPort(), mail(), siteOrigin(request));
			if (isForm) return seeOther(`/reunions/annulation/confirmee/?reunion=${result.meetingId}`);
			return json({ status: 'cancelled', reference: result.reference });
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

export const getMeeting = createGetMeeting(() => getDataPort());
export const register = createRegister(() => getDataPort());
export const cancelRegistration = createCancel(() => getDataPort());
