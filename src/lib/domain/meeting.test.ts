import { describe, expect, it } from 'vitest';
import { effectiveMeetingStatus, isUpcoming } from './meeting';
import type { MeetingStatus } from './vocabulary';

const now = new Date('2026-11-23T12:00:00Z');
const future = new Date('2027-01-21T17:30:00Z');
const past = new Date('2026-06-18T16:30:00Z');

describe('effectiveMeetingStatus', () => {
	it.each<[MeetingStatus, Date, MeetingStatus, boolean]>([
		['à venir', future, 'à venir', true],
		['complet', future, 'complet', true],
		['annulé', future, 'annulé', false],
		['passé', future, 'passé', false],
		['à venir', past, 'passé', false], // the file was not updated after the meeting
		['complet', past, 'passé', false],
		['annulé', past, 'annulé', false],
	])('a meeting marked %j on %s is shown %j', (status, startsAt, expected, upcoming) => {
		expect(effectiveMeetingStatus({ status, startsAt }, now)).toBe(expected);
		expect(isUpcoming({ status, startsAt }, now)).toBe(upcoming);
	});
});
