import type { MeetingStatus } from './vocabulary.ts';

/** A meeting as far as its displayed status is concerned. */
export type MeetingTiming = {
	status: MeetingStatus;
	startsAt: Date;
};

/**
 * The status to show. The coordinator's file is the authority for "annulé" and "complet"; a meeting
 * whose start time has gone by is shown as "passé" even if nobody updated its file yet.
 */
export function effectiveMeetingStatus(meeting: MeetingTiming, now: Date): MeetingStatus {
	if (meeting.status === 'annulé') return 'annulé';
	if (meeting.startsAt.getTime() <= now.getTime()) return 'passé';
	if (meeting.status === 'passé') return 'passé';
	return meeting.status;
}

export function isUpcoming(meeting: MeetingTiming, now: Date): boolean {
	const status = effectiveMeetingStatus(meeting, now);
	return status === 'à venir' || status === 'complet';
}
