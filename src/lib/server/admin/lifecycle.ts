import { z } from 'zod';
import {
	CONTACT_REQUIRED,
	MEETING_ID,
	registrationInputSchema,
	requireEmailOrPhone,
} from '../../domain/registration.ts';
import { WITH_FIELD_ERRORS } from '../../domain/validation.ts';
import { defaultVerifier, requireCoordinator, type TokenVerifier } from '../auth/caller.ts';
import { getDataPort } from '../db/index.ts';
import { DatabaseError, type DataPort } from '../db/port.ts';
import { serverEnv } from '../env.ts';
import { json, problem, problemFromError, readInput } from '../http.ts';
import { type MailTransport, sendAfterWrite, sharedMailTransport } from '../mail/mail-port.ts';
import { type RequestContext, siteOrigin } from '../request.ts';
import { withAdminForms } from './forms.ts';

/**
 * The coordinator's actions on one registration, for a person who phoned: cancel it (the first
 * person waiting takes the seat and is told by mail), move a waiting person to a free seat,
 * correct the contact details. The rules, the seat count and the audit log are in SQL
 * (`supabase/migrations/20261129140000_coordinator_registration_lifecycle.sql`).
 */

const REFERENCE = /^[A-HJKMNP-Z2-9]{6}$/i;

export const LIFECYCLE_MESSAGES: Record<string, string> = {
	meeting_not_found: 'Cette réunion n’existe pas.',
	registration_not_found: 'Cette inscription n’existe pas (ou pas pour cette réunion).',
	meeting_full:
		'La réunion est complète : toutes les places sont prises. La personne reste sur la liste d’attente ; elle aura une place dès qu’une inscription confirmée sera annulée, dans l’ordre d’arrivée.',
	meeting_closed: 'Cette réunion est passée ou annulée : on ne peut plus y confirmer de place.',
	registration_cancelled:
		'Cette inscription a été annulée : si la personne souhaite finalement venir, enregistrez une nouvelle inscription.',
	registration_purged:
		'Les coordonnées de cette inscription ont été effacées après la réunion : elles ne peuvent plus être modifiées.',
	duplicate_registration:
		'Une autre inscription à cette réunion a déjà cette adresse électronique ou ce numéro de téléphone.',
};

/** Rules only the database checks, answered like the schema's field errors. */
const FIELD_BY_REASON: Record<string, Record<string, string>> = {
	contact_required: { email: CONTACT_REQUIRED },
	name_required: { fullName: 'Indiquez le prénom et le nom.' },
};

function answerError(error: unknown): Response {
	const fields = error instanceof DatabaseError ? FIELD_BY_REASON[error.reason] : undefined;
	if (fields) return problem(400, 'invalid_fields', 'Certaines informations sont à corriger.', fields);
	return problemFromError(error, LIFECYCLE_MESSAGES);
}

const shape = registrationInputSchema.shape;

/**
 * A registrant's contact details as the coordinator corrects them, with the public sign-up form's
 * field rules and messages (`src/lib/domain/registration.ts`). The details are replaced as a
 * whole: a field left out (or empty in a form) is erased; an email or a phone must remain.
 */
export const registrationContactSchema = z
	.object({
		fullName: shape.fullName,
		email: shape.email,
		phone: shape.phone,
		communeCode: shape.communeCode,
	})
	.superRefine(requireEmailOrPhone, WITH_FIELD_ERRORS);

type Target = { meetingId: string; reference: string };

const notFound = () => problem(404, 'registration_not_found', LIFECYCLE_MESSAGES.registration_not_found!);

function targetOf(context: RequestContext): Target | undefined {
	const meetingId = context.params.meetingId ?? '';
	const reference = context.params.reference ?? '';
	if (!MEETING_ID.test(meetingId) || !REFERENCE.test(reference)) return undefined;
	return { meetingId, reference: reference.toUpperCase() };
}

const defaultMail = () => sharedMailTransport(serverEnv());

/**
 * A coordinator's action on one registration, through its SQL function: checks the session and the
 * address, calls `rpc` as the coordinator, sends the messages the database queued (before the
 * answer, as after a proposal decision) when `mailed` says so, and answers `answer(result)`.
 */
function registrationAction<R>(rpc: string, mailed: (result: R) => boolean, answer: (result: R) => unknown) {
	return (dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier, mail: () => MailTransport = defaultMail) =>
		async (request: Request, context: RequestContext): Promise<Response> => {
			const auth = await requireCoordinator(request, verify);
			if (!auth.ok) return auth.response;
			const target = targetOf(context);
			if (!target) return notFound();
			try {
				const port = dataPort();
				const result = await port.callRpc<R>(
					rpc,
					{ p_meeting_id: target.meetingId, p_reference: target.reference },
					auth.caller,
				);
				if (mailed(result)) await sendAfterWrite(port, mail(), siteOrigin(request));
				return json(answer(result));
			} catch (error) {
				return answerError(error);
			}
		};
}

/**
 * `POST /api/admin/meetings/{meetingId}/registrations/{reference}/cancel`: 200 `{ status:
 * "cancelled", reference, promoted: [references] }`; the people promoted are sent their message
 * before the answer. Again 200 for a cancelled registration.
 */
export const createCoordinatorCancel = registrationAction<{
	status: 'cancelled';
	reference: string;
	promoted: string[];
}>(
	'coordinator_cancel_registration',
	(result) => result.promoted.length > 0,
	({ status, reference, promoted }) => ({ status, reference, promoted }),
);

/**
 * `POST /api/admin/meetings/{meetingId}/registrations/{reference}/confirm`: a waiting person takes
 * a free seat, 200 `{ status: "confirmed", reference }`, and is sent their message. 409
 * `meeting_full` when no seat is free, `meeting_closed`, `registration_cancelled`.
 */
export const createCoordinatorConfirm = registrationAction<{
	status: 'confirmed';
	reference: string;
	isExisting: boolean;
}>(
	'coordinator_confirm_registration',
	(result) => !result.isExisting,
	({ status, reference }) => ({ status, reference }),
);

/**
 * `POST /api/admin/meetings/{meetingId}/registrations/{reference}/contact`: `fullName`, `email`,
 * `phone`, `communeCode` (the whole contact, validated like the public form): 200 `{ reference,
 * changed: [field names] }`; 400 `fields`; 409 `duplicate_registration`, `registration_purged`.
 */
export function createCoordinatorUpdateContact(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const target = targetOf(context);
		if (!target) return notFound();
		const input = await readInput(request, registrationContactSchema);
		if (!input.ok) return input.response;
		try {
			const result = await dataPort().callRpc<{ reference: string; changed: string[] }>(
				'coordinator_update_registration',
				{
					p_meeting_id: target.meetingId,
					p_reference: target.reference,
					p_full_name: input.data.fullName,
					p_email: input.data.email ?? null,
					p_phone: input.data.phone ?? null,
					p_commune_code: input.data.communeCode ?? null,
				},
				auth.caller,
			);
			return json({ reference: result.reference, changed: result.changed });
		} catch (error) {
			return answerError(error);
		}
	};
}

export const coordinatorCancel = withAdminForms(createCoordinatorCancel(() => getDataPort()));
export const coordinatorConfirm = withAdminForms(createCoordinatorConfirm(() => getDataPort()));
export const coordinatorUpdateContact = withAdminForms(createCoordinatorUpdateContact(() => getDataPort()));
