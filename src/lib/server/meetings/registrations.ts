import {
	CONTACT_REQUIRED,
	MEETING_ID,
	registrationInputSchema,
	toRegistrationArgs,
} from '../../domain/registration.ts';
import { getDataPort } from '../db/index.ts';
import { ANON, DatabaseError, type DataPort } from '../db/port.ts';
import { serverEnv } from '../env.ts';
import { formErrorPage, isFormPost, json, problem, problemFromError, readInput, seeOther } from '../http.ts';
import { deliverAfterAnswer, type MailTransport, sharedMailTransport } from '../mail/mail-port.ts';
import { clientHash, type RequestContext, siteOrigin } from '../request.ts';

const CANCEL_TOKEN = /^[0-9a-f]{64}$/;

const MESSAGES: Record<string, string> = {
	meeting_not_found: 'Cette réunion n’existe pas.',
	meeting_closed: 'Les inscriptions sont closes : la réunion est passée ou annulée.',
	registration_not_found: 'Ce lien d’annulation n’est pas valide ou a déjà expiré.',
};

/** Field messages for rules that only the database can check. */
const FIELD_BY_REASON: Record<string, Record<string, string>> = {
	contact_required: { email: CONTACT_REQUIRED },
	consent_required: { consent: 'Cochez la case pour accepter l’utilisation de vos coordonnées pour cette réunion.' },
	unknown_commune: { communeCode: 'Choisissez votre commune dans la liste.' },
};

const REGISTRATION_FORM = (meetingId: string) => ({
	title: 'Votre inscription n’est pas encore enregistrée',
	backUrl: `/reunions/${meetingId}/#inscription`,
});

const defaultMail = () => sharedMailTransport(serverEnv());

/**
 * Where a cancel link points: the page names the meeting; the database appends the token (only the
 * answer and the message hold it).
 */
const cancelPath = (meetingId: string) => `/reunions/annulation/?reunion=${meetingId}&jeton=`;

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
 * confirmation page, or with a French page listing what to correct. One database call: the
 * registration and its confirmation message are written together; the message is sent after
 * the answer (see `deliverInBackground`).
 */
export function createRegister(dataPort: () => DataPort, mail: () => MailTransport = defaultMail) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return notFound();
		const input = await readInput(request, registrationInputSchema);
		if (!input.ok) return input.isForm ? formErrorPage(input.response, REGISTRATION_FORM(id)) : input.response;
		let origin: string;
		let port: DataPort;
		let result: RegistrationResult;
		try {
			const environment = serverEnv();
			origin = siteOrigin(request, environment);
			port = dataPort();
			result = await port.callRpc<RegistrationResult>(
				'register_for_meeting',
				{
					...toRegistrationArgs(id, input.data, clientHash(context, environment)),
					p_cancel_url_prefix: `${origin}${cancelPath(id)}`,
				},
				ANON,
			);
		} catch (error) {
			const fields = error instanceof DatabaseError ? FIELD_BY_REASON[error.reason] : undefined;
			const response = fields
				? problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', fields)
				: problemFromError(error, MESSAGES);
			return input.isForm ? formErrorPage(response, REGISTRATION_FORM(id)) : response;
		}
		const cancelUrl = result.cancelToken ? `${origin}${cancelPath(id)}${result.cancelToken}` : null;
		// A new registration queued its confirmation; the same person again queued nothing.
		if (!result.isExisting) deliverAfterAnswer(context, port, mail, origin);
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
			const port = dataPort();
			const result = await port.callRpc<{ meetingId: string; reference: string; promoted: number }>(
				'cancel_registration',
				{ p_cancel_token: token },
				ANON,
			);
			// The first person waiting may have been promoted (the database queued their message): tell them.
			deliverAfterAnswer(context, port, mail, siteOrigin(request, serverEnv()));
			if (isForm) {
				const query = new URLSearchParams({ reunion: result.meetingId, promu: String(result.promoted ?? 0) });
				return seeOther(`/reunions/annulation/confirmee/?${query}`);
			}
			return json({
				status: 'cancelled',
				reference: result.reference,
				meetingId: result.meetingId,
				promoted: result.promoted ?? 0,
			});
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

const processPort = () => getDataPort();

export const getMeeting = createGetMeeting(processPort);
export const register = createRegister(processPort);
export const cancelRegistration = createCancel(processPort);
