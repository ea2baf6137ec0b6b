import { z } from 'zod';
import { FRENCH_PHONE, INSEE_CODE, MEETING_ID } from '../../domain/registration.ts';
import { keysOf, PARTICIPANT_CATEGORIES, PARTICIPANT_SELF_LABELS } from '../../domain/vocabulary.ts';
import { defaultVerifier, requireCoordinator, type TokenVerifier } from '../auth/caller.ts';
import { spreadsheetCsv } from '../csv.ts';
import { getDataPort } from '../db/index.ts';
import type { DataPort } from '../db/port.ts';
import { json, problem, problemFromError, readInput } from '../http.ts';
import type { RequestContext } from '../request.ts';
import { withAdminForms } from './forms.ts';
import { channelLabel, communeName, formatDateTime, formatPhone, registrationStatusLabel } from './labels.ts';

const MESSAGES = {
	meeting_not_found: 'Cette réunion n’existe pas.',
	meeting_closed: 'Cette réunion est passée ou annulée.',
};

/** One registration as `public.meeting_registrations` returns it to the coordinator. */
export type Registration = {
	reference: string;
	status: 'confirmed' | 'waitlisted' | 'cancelled';
	fullName: string | null;
	communeCode: string | null;
	/** From the database's communes table (null when the open data has not been imported). */
	communeName: string | null;
	email: string | null;
	phone: string | null;
	category: keyof typeof PARTICIPANT_CATEGORIES;
	needs: string | null;
	channel: string;
	createdAt: string;
	statusChangedAt: string;
};

/** What `public.meeting_registrations` returns to the coordinator. */
export type AdminRegistrations = {
	meetingId: string;
	capacity: number;
	isOpen: boolean;
	counts: Partial<Record<'confirmed' | 'waitlisted' | 'cancelled', number>>;
	byCategory: Partial<Record<keyof typeof PARTICIPANT_CATEGORIES, number>>;
	registrations: Registration[];
};

/**
 * The columns of `inscriptions-{id}.csv`, in order: a stable key (documented in
 * docs/operations.md, "Exports") and the French header the file carries.
 */
export const REGISTRATIONS_CSV_COLUMNS = [
	{ key: 'reference', header: 'Référence' },
	{ key: 'status', header: 'Statut' },
	{ key: 'full_name', header: 'Nom' },
	{ key: 'commune', header: 'Commune' },
	{ key: 'commune_code', header: 'Code commune (INSEE)' },
	{ key: 'email', header: 'Courriel' },
	{ key: 'phone', header: 'Téléphone' },
	{ key: 'category', header: 'Catégorie' },
	{ key: 'needs', header: 'Besoin' },
	{ key: 'channel', header: 'Canal' },
	{ key: 'registered_at', header: 'Inscription le' },
	{ key: 'status_changed_at', header: 'Statut depuis le' },
] as const;

/**
 * The list as a spreadsheet-friendly CSV: French words for statuses, categories and channels,
 * commune names (`communeNames` first, then the database's), dates in Paris time in full.
 */
export function registrationsCsv(
	registrations: Registration[],
	communeNames: ReadonlyMap<string, string> = new Map(),
): string {
	return spreadsheetCsv(
		REGISTRATIONS_CSV_COLUMNS.map((column) => column.header),
		registrations.map((r) => [
			r.reference,
			registrationStatusLabel(r.status),
			r.fullName ?? 'données effacées',
			communeName(r.communeCode, communeNames, r.communeName),
			r.communeCode,
			r.email,
			formatPhone(r.phone),
			PARTICIPANT_SELF_LABELS[r.category] ?? r.category,
			r.needs,
			channelLabel(r.channel),
			formatDateTime(r.createdAt),
			formatDateTime(r.statusChangedAt),
		]),
	);
}

/** `GET /api/admin/meetings/{meetingId}/registrations[.csv]`: the coordinator's list, JSON or CSV. */
export function createListRegistrations(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return problem(404, 'meeting_not_found', MESSAGES.meeting_not_found);
		try {
			const list = await dataPort().callRpc<AdminRegistrations>(
				'meeting_registrations',
				{ p_meeting_id: id },
				auth.caller,
			);
			if (new URL(request.url).pathname.endsWith('.csv')) {
				return new Response(registrationsCsv(list.registrations), {
					headers: {
						'Content-Type': 'text/csv; charset=utf-8',
						'Content-Disposition': `attachment; filename="inscriptions-${id}.csv"`,
						'Cache-Control': 'no-store',
					},
				});
			}
			return json(list);
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

const paperRegistrationSchema = z
	.object({
		fullName: z
			.string({ error: 'Indiquez le prénom et le nom.' })
			.trim()
			.min(2, { error: 'Indiquez le prénom et le nom.' })
			.max(120),
		channel: z.enum(['phone', 'paper'], {
			error: 'Indiquez si l’inscription vient du téléphone ou d’un formulaire papier.',
		}),
		category: z.enum(keysOf(PARTICIPANT_CATEGORIES), { error: 'Indiquez à quel titre la personne vient.' }),
		communeCode: z.string().regex(INSEE_CODE, { error: 'Choisissez la commune dans la liste.' }).optional(),
		email: z.email({ error: 'Cette adresse électronique n’est pas valide.' }).optional(),
		phone: z
			.string()
			.regex(FRENCH_PHONE, { error: 'Ce numéro n’est pas valide (exemple : 05 53 00 00 00).' })
			.optional(),
		needs: z.string().trim().max(500, { error: '500 caractères au plus.' }).optional(),
	})
	.refine((value) => value.email || value.phone, {
		path: ['phone'],
		error: 'Indiquez un numéro de téléphone ou une adresse électronique.',
	});

/** `POST /api/admin/meetings/{meetingId}/registrations`: a registration taken by phone or on paper. */
export function createRecordRegistration(dataPort: () => DataPort, verify: TokenVerifier = defaultVerifier) {
	return async (request: Request, context: RequestContext): Promise<Response> => {
		const auth = await requireCoordinator(request, verify);
		if (!auth.ok) return auth.response;
		const id = context.params.meetingId ?? '';
		if (!MEETING_ID.test(id)) return problem(404, 'meeting_not_found', MESSAGES.meeting_not_found);
		const input = await readInput(request, paperRegistrationSchema);
		if (!input.ok) return input.response;
		try {
			const result = await dataPort().callRpc<{ status: string; reference: string; isExisting: boolean }>(
				'register_for_meeting',
				{
					p_meeting_id: id,
					p_full_name: input.data.fullName,
					p_category: input.data.category,
					p_email: input.data.email ?? null,
					p_phone: input.data.phone ?? null,
					p_commune_code: input.data.communeCode ?? null,
					p_needs: input.data.needs ?? null,
					p_channel: input.data.channel,
				},
				auth.caller,
			);
			return json({ status: result.status, reference: result.reference }, result.isExisting ? 200 : 201);
		} catch (error) {
			return problemFromError(error, MESSAGES);
		}
	};
}

export const listRegistrations = createListRegistrations(() => getDataPort());
export const recordRegistration = withAdminForms(createRecordRegistration(() => getDataPort()));
