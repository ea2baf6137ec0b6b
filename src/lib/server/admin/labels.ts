import { formatLongDate, formatTime } from '../../domain/paris-time.ts';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../domain/vocabulary.ts';

/**
 * How the workspace writes stored values for people, on screen and in its CSV exports: French
 * words for every enumerated value, Paris time in full, commune names. Pure functions, shared by
 * the pages (`src/pages/admin/`) and the export handlers.
 */

/** How a registration, proposal or support arrived (`channel` in SQL). */
export const CHANNEL_LABELS: Record<string, string> = {
	web: 'en ligne',
	phone: 'téléphone',
	paper: 'papier',
};

/** A registration's status (`registrations.status`), as a short French phrase. */
export const REGISTRATION_STATUS_LABELS: Record<string, string> = {
	confirmed: 'confirmée',
	waitlisted: 'liste d’attente',
	cancelled: 'annulée',
};

/** The French label of a stored value; an unknown value (added later in SQL) is flagged in French, never shown raw alone. */
export function frenchLabel(labels: Record<string, string>, value: string): string {
	return labels[value] ?? `autre (${value})`;
}

export const channelLabel = (channel: string) => frenchLabel(CHANNEL_LABELS, channel);
export const registrationStatusLabel = (status: string) => frenchLabel(REGISTRATION_STATUS_LABELS, status);
export const proposalStatusLabel = (status: string) =>
	frenchLabel(PROPOSAL_STATUSES as Record<string, string>, status as ProposalStatus);

/** A label inside a sentence: « Inscrite à l’ordre du jour du Conseil » → « inscrite à l’ordre du jour du Conseil ». */
export const lowerFirst = (phrase: string) => phrase.charAt(0).toLowerCase() + phrase.slice(1);

/** « mardi 21 janvier 2027 à 18 h 30 », in Paris time, from a Date or an ISO timestamp; empty for none. */
export function formatDateTime(value: Date | string | null | undefined): string {
	if (value === null || value === undefined || value === '') return '';
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) return '';
	return `${formatLongDate(date)} à ${formatTime(date)}`;
}

/** A French number as people write it (« 05 53 56 00 00 ») from the stored form (+33553560000); other numbers unchanged. */
export function formatPhone(phone: string | null | undefined): string {
	if (!phone) return '';
	const french = /^\+33([1-9])(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(phone);
	return french ? `0${french.slice(1).join(' ')}` : phone;
}

/**
 * A commune for people: its name, from the first source that knows it (the content's perimeter,
 * then the database's communes table); the INSEE code is only ever shown next to a name.
 */
export function communeName(
	code: string | null | undefined,
	...sources: (ReadonlyMap<string, string> | string | null | undefined)[]
): string {
	if (!code) return '';
	for (const source of sources) {
		const name = typeof source === 'string' ? source : source?.get(code);
		if (name) return name;
	}
	return `commune au code INSEE ${code} (nom inconnu)`;
}
