/**
 * Rules that tie each set of minutes to its meeting. A per-entry schema cannot see the other
 * entries, so these run over both collections at once: in the content loaders (`loaders.ts`: they
 * fail `astro sync`, `astro build` and the start of `astro dev`, and report a live edit under
 * `astro dev`) and where pages read the minutes (`collections.ts`: a file edited while `astro dev`
 * runs is left out of the site, and the minutes page says why).
 *
 * - one set of minutes per meeting;
 * - the meeting exists, and the minutes have its date and its territory;
 * - the meeting has taken place (its start has gone by) and was not cancelled.
 *
 * Messages are in French, one line per problem, each starting with the file to fix: the coordinator
 * reads them when the build stops.
 */
import { formatLongDate, formatTime, parisIsoDate } from '../domain/paris-time.ts';
import type { MeetingStatus } from '../domain/vocabulary.ts';

type Ref = { id: string };

/** A minutes entry as the content layer stores it (`filePath` relative to the project root). */
export type MinutesEntry = {
	id: string;
	filePath?: string | undefined;
	data: { meeting: Ref; date: Date; territory: Ref };
};

export type MeetingEntry = {
	id: string;
	filePath?: string | undefined;
	data: { startsAt: Date; status: MeetingStatus; territory: Ref };
};

const fileOf = (folder: string, entry: { id: string; filePath?: string | undefined }) =>
	entry.filePath ?? `content/${folder}/${entry.id}.md`;

/** `YYYY-MM-DD` of a calendar day read from the front matter (`2026-10-10` is read as midnight UTC). */
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The minutes that stand for each meeting: the file named after the meeting (what the CMS creates),
 * otherwise the first by name. The others are the extra ones.
 */
function firstMinutesByMeeting(minutes: MinutesEntry[]): Map<string, MinutesEntry> {
	const byMeeting = new Map<string, MinutesEntry>();
	const ordered = [...minutes].sort(
		(a, b) => Number(b.id === b.data.meeting.id) - Number(a.id === a.data.meeting.id) || a.id.localeCompare(b.id, 'en'),
	);
	for (const entry of ordered) {
		if (!byMeeting.has(entry.data.meeting.id)) byMeeting.set(entry.data.meeting.id, entry);
	}
	return byMeeting;
}

/** One problem of one minutes file: `message` starts with the file and says how to fix it. */
export type MinutesIssue = { id: string; file: string; message: string };

/** Every way the minutes contradict their meetings, in file order; empty when all is well. */
export function minutesIssues(minutes: MinutesEntry[], meetings: MeetingEntry[], now: Date): MinutesIssue[] {
	const meetingsById = new Map(meetings.map((meeting) => [meeting.id, meeting]));
	const first = firstMinutesByMeeting(minutes);
	const ordered = [...minutes].sort((a, b) => fileOf('minutes', a).localeCompare(fileOf('minutes', b), 'en'));
	return ordered.flatMap((entry) => {
		const file = fileOf('minutes', entry);
		const meetingId = entry.data.meeting.id;
		const problems: string[] = [];
		const standing = first.get(meetingId);
		if (standing && standing !== entry) {
			problems.push(
				`la réunion ${meetingId} a déjà un compte rendu (${fileOf('minutes', standing)}). Un seul compte rendu par réunion : complétez celui-ci.`,
			);
		}
		const meeting = meetingsById.get(meetingId);
		if (!meeting) {
			problems.push(
				`la réunion ${meetingId} n’existe pas (aucun fichier content/meetings/${meetingId}.md). Choisissez dans « Réunion » une réunion existante.`,
			);
		} else {
			const meetingFile = fileOf('meetings', meeting);
			const [minutesDay, meetingDay] = [dayOf(entry.data.date), parisIsoDate(meeting.data.startsAt)];
			if (minutesDay !== meetingDay) {
				problems.push(
					`la date du compte rendu (${minutesDay}) n’est pas celle de sa réunion ${meetingId} (${meetingDay}, dans ${meetingFile}). Mettez la date de la réunion, ${meetingDay}, ou choisissez la bonne réunion.`,
				);
			}
			if (entry.data.territory.id !== meeting.data.territory.id) {
				problems.push(
					`le territoire du compte rendu (${entry.data.territory.id}) n’est pas celui de sa réunion ${meetingId} (${meeting.data.territory.id}). Mettez le territoire de la réunion, ou choisissez la bonne réunion.`,
				);
			}
			if (meeting.data.status === 'annulé') {
				problems.push(
					`la réunion ${meetingId} est annulée (${meetingFile}) : elle n’a pas de compte rendu. Retirez ce compte rendu, ou choisissez la bonne réunion.`,
				);
			} else if (meeting.data.startsAt.getTime() > now.getTime()) {
				const when = `${formatLongDate(meeting.data.startsAt)} à ${formatTime(meeting.data.startsAt)}`;
				problems.push(
					`la réunion ${meetingId} n’a pas encore eu lieu (prévue le ${when}). Un compte rendu se publie après la réunion : retirez-le d’ici là, ou choisissez la bonne réunion.`,
				);
			}
		}
		return problems.map((problem) => ({ id: entry.id, file, message: `${file} : ${problem}` }));
	});
}

/** The issues as one text: a title line, then one line per problem. */
export function minutesIssuesReport(issues: MinutesIssue[]): string {
	const count = `${issues.length} problème${issues.length > 1 ? 's' : ''}`;
	return [
		`Comptes rendus incohérents avec leur réunion (${count}) :`,
		...issues.map((issue) => `- ${issue.message}`),
	].join('\n');
}

/** The error that stops the content sync (and so the build): a title line, then one line per problem. */
export class InconsistentMinutesError extends Error {
	override name = 'InconsistentMinutesError';
	/** Printed by Astro under the message. */
	readonly hint =
		'Un compte rendu par réunion, à la date de sa réunion et sur son territoire, une fois la réunion passée (jamais pour une réunion annulée). Corrigez le fichier nommé, puis relancez.';
	constructor(readonly issues: MinutesIssue[]) {
		super(minutesIssuesReport(issues));
	}
}
