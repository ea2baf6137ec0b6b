import { type ContentMirror, readContentMirror } from './content-mirror.ts';
import { type DataPort, SERVICE } from './port.ts';

export type SyncResult = {
	territories: number;
	meetings: number;
	/** Meetings whose row changed (new, or a field changed). */
	changed: number;
	/** Confirmed registrations moved back to the waiting list by a lowered capacity. */
	movedToWaitlist: number;
	/** Waiting registrations given a seat by a raised capacity. */
	promoted: number;
};

/**
 * Mirrors content/territories and content/meetings into the database through the service role
 * (`public.sync_content`): the one way content reaches SQL's rules, run when the embedded database
 * starts, when a file is saved under `npm run dev`, when `npm run serve` starts and after a build on
 * Netlify. Seats follow a changed capacity at once; the people concerned are told through the outbox.
 */
export async function syncContent(port: DataPort, mirror: ContentMirror = readContentMirror()): Promise<SyncResult> {
	return port.callRpc<SyncResult>(
		'sync_content',
		{ p_territories: mirror.territories, p_meetings: mirror.meetings },
		SERVICE,
	);
}

/** One line for a log: what a sync changed, in the coordinator's words. */
export function describeSync(result: SyncResult): string {
	const parts = [`${result.changed} réunion(s) modifiée(s) sur ${result.meetings}`];
	if (result.movedToWaitlist) parts.push(`${result.movedToWaitlist} inscription(s) passée(s) en liste d’attente`);
	if (result.promoted) parts.push(`${result.promoted} personne(s) de la liste d’attente confirmée(s)`);
	return `Contenu synchronisé avec la base : ${parts.join(', ')}.`;
}
