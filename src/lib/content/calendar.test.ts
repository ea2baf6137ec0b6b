import { describe, expect, it } from 'vitest';
import { meetingCalendar } from './calendar';

const meeting = {
	id: '2027-01-nontronnais',
	title: 'Conseil Pays de Santé du Nontronnais',
	startsAt: new Date('2027-01-21T17:30:00.000Z'),
	durationMinutes: 120,
	status: 'à venir' as const,
	location: 'Salle des fêtes, Place du Champ de foire, 24300 Nontron',
	description: 'Ordre du jour :\n- Services',
};
const page = new URL('https://pays-de-sante.example/reunions/2027-01-nontronnais/');

describe('meetingCalendar', () => {
	it('writes a valid VEVENT in UTC with a stable UID and a reminder the day before', () => {
		const ics = meetingCalendar(meeting, page);
		expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
		expect(ics).toContain('UID:2027-01-nontronnais@pays-de-sante.example');
		expect(ics).toContain('DTSTART:20270121T173000Z');
		expect(ics).toContain('DTEND:20270121T193000Z');
		expect(ics).toContain('STATUS:CONFIRMED');
		expect(ics).toContain('BEGIN:VALARM');
		expect(ics).toContain('TRIGGER:-PT24H');
		expect(ics.trimEnd()).toMatch(/END:VCALENDAR$/);
		// RFC 5545: lines of at most 75 octets, CRLF endings.
		for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
	});

	it('marks a cancelled meeting as cancelled so that calendars strike it out', () => {
		expect(meetingCalendar({ ...meeting, status: 'annulé' }, page)).toContain('STATUS:CANCELLED');
	});
});
