import { PROPOSAL_THEMES } from '../../domain/vocabulary.ts';
import { spreadsheetCsv } from '../csv.ts';
import { channelLabel, communeName, formatDateTime, formatPhone, frenchLabel, proposalStatusLabel } from './labels.ts';

/** One row of `public.proposals_export()`. */
export type ExportedProposal = { id: number; supports: number } & Record<
	'title' | 'theme' | 'territoryId' | 'status' | 'channel' | 'createdAt',
	string
> &
	Record<
		| 'territoryName'
		| 'communeCode'
		| 'communeName'
		| 'statusReason'
		| 'answer'
		| 'authorName'
		| 'authorEmail'
		| 'authorPhone'
		| 'publishedAt',
		string | null
	>;

/**
 * The columns of `propositions.csv`, in order: a stable key (documented in docs/operations.md,
 * "Exports") and the French header the file carries.
 */
export const PROPOSALS_CSV_COLUMNS = [
	{ key: 'id', header: 'Numéro' },
	{ key: 'title', header: 'Titre' },
	{ key: 'theme', header: 'Thème' },
	{ key: 'territory', header: 'Territoire' },
	{ key: 'commune', header: 'Commune' },
	{ key: 'commune_code', header: 'Code commune (INSEE)' },
	{ key: 'status', header: 'Statut' },
	{ key: 'status_reason', header: 'Motif' },
	{ key: 'answer', header: 'Réponse' },
	{ key: 'supports', header: 'Soutiens' },
	{ key: 'author_name', header: 'Auteur' },
	{ key: 'author_email', header: 'Courriel' },
	{ key: 'author_phone', header: 'Téléphone' },
	{ key: 'channel', header: 'Canal' },
	{ key: 'received_at', header: 'Reçue le' },
	{ key: 'published_at', header: 'Publiée le' },
] as const;

/** Every proposal for spreadsheets: French words, territory and commune names, Paris time in full. */
export function proposalsCsv(rows: ExportedProposal[]): string {
	return spreadsheetCsv(
		PROPOSALS_CSV_COLUMNS.map((column) => column.header),
		rows.map((p) => [
			String(p.id),
			p.title,
			frenchLabel(PROPOSAL_THEMES, p.theme),
			p.territoryName ?? p.territoryId,
			communeName(p.communeCode, p.communeName),
			p.communeCode,
			proposalStatusLabel(p.status),
			p.statusReason,
			p.answer,
			String(p.supports),
			p.authorName,
			p.authorEmail,
			formatPhone(p.authorPhone),
			channelLabel(p.channel),
			formatDateTime(p.createdAt),
			formatDateTime(p.publishedAt),
		]),
	);
}
