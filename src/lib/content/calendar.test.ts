import { describe, expect, it } from 'vitest';
import { meetingCalendar, meetingDescription } from './calendar';

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

describe('meetingDescription', () => {
	const agenda = ['Accueil', 'Propositions des habitants'];
	const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

	it('lists the proposals read at build time, dated, and always the page’s address for the live list', () => {
		const text = meetingDescription({
			agenda,
			pageUrl: page,
			isUpcoming: true,
			readAt: new Date('2026-12-01T10:00:00Z'),
			proposals: [
				{
					title: 'Une navette vers la maison de santé',
					supports: 21,
					url: 'https://pays-de-sante.example/propositions/12/',
				},
				{ title: 'Un atelier mémoire', supports: 1, url: 'https://pays-de-sante.example/propositions/15/' },
			],
		});
		expect(text).toBe(
			[
				'Ordre du jour :\n- Accueil\n- Propositions des habitants',
				'Propositions des habitants à l’ordre du jour (au 1 décembre 2026) :\n' +
					'- Une navette vers la maison de santé (21 soutiens) : https://pays-de-sante.example/propositions/12/\n' +
					'- Un atelier mémoire (1 soutien) : https://pays-de-sante.example/propositions/15/',
				'Liste à jour des propositions des habitants à l’ordre du jour : https://pays-de-sante.example/reunions/2027-01-nontronnais/#propositions-ordre-du-jour',
			].join('\n\n'),
		);
		// In the calendar file, folded at 75 octets and escaped, the whole text survives.
		const ics = unfold(meetingCalendar({ ...meeting, description: text }, page));
		expect(ics).toContain('Une navette vers la maison de santé (21 soutiens)');
		expect(ics).toContain('reunions/2027-01-nontronnais/#propositions-ordre-du-jour');
	});

	it('says when the build read no proposal, and points to the live list when it could not read them', () => {
		const none = meetingDescription({ agenda, pageUrl: page, isUpcoming: true, proposals: [] });
		expect(none).toContain('Propositions des habitants à l’ordre du jour : aucune pour l’instant.');
		const unread = meetingDescription({ agenda, pageUrl: page, isUpcoming: true });
		expect(unread).not.toContain('aucune');
		expect(unread).toMatch(
			/Liste à jour des propositions des habitants à l’ordre du jour : https:\/\/\S+#propositions-ordre-du-jour$/,
		);
	});

	it('keeps only the agenda items for a past or cancelled meeting', () => {
		expect(meetingDescription({ agenda, pageUrl: page, isUpcoming: false, proposals: [] })).toBe(
			'Ordre du jour :\n- Accueil\n- Propositions des habitants',
		);
	});
});
