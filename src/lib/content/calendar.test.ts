import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { foldLines, meetingCalendar, meetingDescription, meetingSequence, meetingsCalendar } from './calendar';

/** The VEVENTs of a calendar file, as ical.js (a standard parser) reads it. */
function parse(ics: string) {
	const calendar = new ICAL.Component(ICAL.parse(ics));
	return { calendar, events: calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent)) };
}

/** RFC 5545 §3.1: CRLF line endings and lines of at most 75 octets, never cut inside a UTF-8 character. */
function expectFoldedByOctets(ics: string) {
	expect(ics.endsWith('\r\n')).toBe(true);
	expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
	for (const line of ics.slice(0, -2).split('\r\n')) {
		expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(75);
		expect(Buffer.from(line, 'utf8').toString('utf8'), line).not.toContain('\uFFFD');
	}
}

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

	it('marks a cancelled meeting as cancelled so that calendars strike it out, without a reminder', () => {
		const ics = meetingCalendar({ ...meeting, status: 'annulé' }, page);
		expect(ics).toContain('STATUS:CANCELLED');
		const [event] = parse(ics).events;
		expect(event?.component.getFirstPropertyValue('status')).toBe('CANCELLED');
		expect(event?.summary).toBe('Annulé : Conseil Pays de Santé du Nontronnais');
		expect(event?.component.getAllSubcomponents('valarm')).toHaveLength(0);
	});

	it('folds at 75 octets, not characters, without splitting an accented letter, and ical.js reads the text back', () => {
		// Accents and typographic apostrophes are 2 and 3 octets: folding by characters gave lines of up to 81 octets.
		const description = `Ordre du jour :\n- ${'Éducation thérapeutique, prévention, accès aux soins’ '.repeat(12)}\n- 🩺 Santé`;
		const title = 'Réunion élargie : accès aux médecins généralistes à Saint-Pardoux-la-Rivière — été 2027';
		const ics = meetingCalendar({ ...meeting, title, description }, page);
		expectFoldedByOctets(ics);
		const [event] = parse(ics).events;
		expect(event?.summary).toBe(title);
		expect(event?.description).toBe(description);
		expect(event?.location).toBe(meeting.location);
		expect(event?.uid).toBe('2027-01-nontronnais@pays-de-sante.example');
		expect(event?.startDate.toJSDate()).toStrictEqual(meeting.startsAt);
		expect(event?.endDate.toJSDate()).toStrictEqual(new Date('2027-01-21T19:30:00.000Z'));
	});

	it('folds lines of any mix of 1- to 4-octet characters at 75 octets with their text intact', () => {
		const alphabet = ['a', ' ', 'é', '’', '€', '🩺', ';', ','];
		for (let seed = 1; seed <= 200; seed++) {
			let text = '';
			for (let i = 0; i < seed; i++) text += alphabet[(seed * 7 + i * 13) % alphabet.length];
			const line = `DESCRIPTION:${text}`;
			const folded = foldLines(`${line}\r\n`);
			expectFoldedByOctets(folded);
			expect(folded.replace(/\r\n /g, '')).toBe(`${line}\r\n`);
		}
	});

	it('raises SEQUENCE with each save of the meeting (updatedAt), so that calendars take the change', () => {
		const sequenceOf = (ics: string) => parse(ics).events[0]?.sequence;
		expect(sequenceOf(meetingCalendar(meeting, page))).toBe(0);
		const saved = new Date('2026-11-02T09:15:00Z');
		const savedAgain = new Date('2026-11-02T09:16:00Z');
		const first = sequenceOf(meetingCalendar({ ...meeting, updatedAt: saved }, page)) ?? 0;
		const second = sequenceOf(meetingCalendar({ ...meeting, status: 'annulé', updatedAt: savedAgain }, page)) ?? 0;
		expect(first).toBe(meetingSequence(saved));
		expect(first).toBeGreaterThan(0);
		expect(second).toBeGreaterThan(first);
		expect(second).toBeLessThan(2 ** 31);
		const ics = meetingCalendar({ ...meeting, updatedAt: saved }, page);
		expect(ics).toContain('LAST-MODIFIED:20261102T091500Z');
		expect(ics).toContain('DTSTAMP:20261102T091500Z');
	});
});

describe('meetingsCalendar', () => {
	it('gathers the meetings to subscribe to, in date order, with the same UID and SEQUENCE as their own files', () => {
		const later = { ...meeting, id: '2027-05-nontronnais', startsAt: new Date('2027-05-20T16:30:00Z') };
		const cancelled = {
			...meeting,
			id: '2027-03-nontronnais',
			startsAt: new Date('2027-03-18T17:30:00Z'),
			status: 'annulé' as const,
			updatedAt: new Date('2027-02-01T08:00:00Z'),
		};
		const pageOf = (id: string) => new URL(`/reunions/${id}/`, page);
		const ics = meetingsCalendar(
			[later, cancelled, meeting].map((m) => ({ meeting: m, pageUrl: pageOf(m.id) })),
			{ name: 'Réunions du Conseil Pays de Santé — Nontronnais' },
		);
		expectFoldedByOctets(ics);
		const { calendar, events } = parse(ics);
		expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Réunions du Conseil Pays de Santé — Nontronnais');
		expect(events.map((e) => e.uid)).toStrictEqual([
			'2027-01-nontronnais@pays-de-sante.example',
			'2027-03-nontronnais@pays-de-sante.example',
			'2027-05-nontronnais@pays-de-sante.example',
		]);
		expect(events.map((e) => e.component.getFirstPropertyValue('status'))).toStrictEqual([
			'CONFIRMED',
			'CANCELLED',
			'CONFIRMED',
		]);
		expect(events[1]?.sequence).toBe(meetingSequence(cancelled.updatedAt));
		expect(events.flatMap((e) => e.component.getAllSubcomponents('valarm'))).toHaveLength(0);
	});

	it('writes a valid, empty calendar for a territory without meetings', () => {
		const ics = meetingsCalendar([], { name: 'Réunions du Porcien' });
		expectFoldedByOctets(ics);
		const { calendar, events } = parse(ics);
		expect(events).toHaveLength(0);
		expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Réunions du Porcien');
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
