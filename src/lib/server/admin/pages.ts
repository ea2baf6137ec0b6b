import { getDataPort } from '../db/index.ts';
import { type Caller, DatabaseError } from '../db/port.ts';
import { htmlPage } from '../http.ts';
import type { AdminRegistrations } from './registrations.ts';

/** Helpers of the workspace's pages (`src/pages/admin/`), kept here so that they can be tested. */

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * A meeting's registrations for the coordinator, or undefined when the database does not know the
 * meeting yet (mirrored at the next start). Any other failure is thrown: the page boundary answers
 * it with the French error page.
 */
export async function loadRegistrations(meetingId: string, caller: Caller): Promise<AdminRegistrations | undefined> {
	try {
		return await getDataPort().callRpc<AdminRegistrations>(
			'meeting_registrations',
			{ p_meeting_id: meetingId },
			caller,
		);
	} catch (error) {
		if (error instanceof DatabaseError && error.kind === 'not_found') return undefined;
		throw error;
	}
}

/** « 1re », « 2e », « 3e »… */
export function ordinal(n: number): string {
	return n === 1 ? '1re' : `${n}e`;
}

/** The workspace's page for something that does not exist: French, styled, with a way back. */
export function workspaceNotFound(message: string, backUrl: string, backLabel = 'Revenir à la liste'): Response {
	const response = htmlPage(
		404,
		'Page introuvable',
		`<p>${escapeHtml(message)}</p><p><a href="${escapeHtml(backUrl)}">${escapeHtml(backLabel)}</a> · <a href="/admin/">Tableau de bord</a></p>`,
	);
	response.headers.set('X-Robots-Tag', 'noindex');
	return response;
}
