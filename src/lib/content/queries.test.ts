import { describe, expect, it } from 'vitest';
import type { MeetingStatus } from '../domain/vocabulary';
import {
	attendanceTotal,
	communesByDepartment,
	filterServices,
	groupMinutes,
	meetingPlaceLine,
	nextMeetingIn,
	splitMeetings,
	territoryCommunes,
} from './queries';

const ref = (id: string) => ({ id });

describe('filterServices', () => {
	const services = [
		{
			id: 'etp',
			data: { category: 'prevention-education', audiences: ['patients-orientes'], territories: [ref('a')] },
		},
		{ id: 'dasri', data: { category: 'appui-cabinets', audiences: ['medecins'], territories: [ref('a'), ref('b')] } },
		{
			id: 'retino',
			data: { category: 'cooperation-professionnels', audiences: ['patients-orientes'], territories: [ref('b')] },
		},
	];
	it.each([
		[{ kind: 'category', value: 'appui-cabinets' } as const, ['dasri']],
		[{ kind: 'audience', value: 'patients-orientes' } as const, ['etp', 'retino']],
		[{ kind: 'territory', value: 'b' } as const, ['dasri', 'retino']],
		[{ kind: 'territory', value: 'nowhere' } as const, []],
	])('%o keeps %o', (filter, ids) => {
		expect(filterServices(services, filter).map((s) => s.id)).toStrictEqual(ids);
	});
});

describe('meetings', () => {
	const now = new Date('2026-11-23T12:00:00Z');
	const meeting = (id: string, territory: string, startsAt: string, status: MeetingStatus) => ({
		id,
		data: { territory: ref(territory), startsAt: new Date(startsAt), status },
	});
	const meetings = [
		meeting('b-2027-03', 'b', '2027-03-04T17:30:00Z', 'à venir'),
		meeting('a-2026-06', 'a', '2026-06-18T16:30:00Z', 'passé'),
		meeting('a-2027-01', 'a', '2027-01-21T17:30:00Z', 'annulé'),
		meeting('a-2027-02', 'a', '2027-02-11T17:30:00Z', 'complet'),
		meeting('b-2026-10', 'b', '2026-10-08T16:30:00Z', 'à venir'), // stale file: already held
	];

	it('lists upcoming meetings soonest first (cancelled ones stay visible) and past ones latest first', () => {
		const { upcoming, past } = splitMeetings(meetings, now);
		expect(upcoming.map((m) => m.id)).toStrictEqual(['a-2027-01', 'a-2027-02', 'b-2027-03']);
		expect(past.map((m) => m.id)).toStrictEqual(['b-2026-10', 'a-2026-06']);
	});

	it('finds the next meeting one can attend in a territory, skipping cancelled ones', () => {
		expect(nextMeetingIn(meetings, 'a', now)?.id).toBe('a-2027-02');
		expect(nextMeetingIn(meetings, 'b', now)?.id).toBe('b-2027-03');
		expect(nextMeetingIn(meetings, 'c', now)).toBeUndefined();
	});

	it('writes a place on one line', () => {
		expect(
			meetingPlaceLine({
				name: 'Salle des fêtes',
				address: 'Place du Champ de foire',
				postalCode: '24300',
				city: 'Nontron',
			}),
		).toBe('Salle des fêtes, Place du Champ de foire, 24300 Nontron');
	});
});

describe('minutes', () => {
	const minutes = (id: string, territory: string, date: string) => ({
		id,
		data: { territory: ref(territory), date: new Date(date) },
	});

	it('groups by territory then by year, newest first', () => {
		const groups = groupMinutes([
			minutes('a-2025', 'a', '2025-10-02'),
			minutes('a-2026-b', 'a', '2026-10-01'),
			minutes('b-2026', 'b', '2026-03-05'),
			minutes('a-2026-a', 'a', '2026-02-12'),
		]);
		expect([...groups.keys()]).toStrictEqual(['a', 'b']);
		expect([...(groups.get('a')?.entries() ?? [])].map(([year, list]) => [year, list.map((m) => m.id)])).toStrictEqual([
			[2026, ['a-2026-b', 'a-2026-a']],
			[2025, ['a-2025']],
		]);
	});

	it('adds attendance across categories', () => {
		expect(attendanceTotal({ habitants: 12, professionnels: 6, elus: 4, partenaires: 2 })).toBe(24);
	});
});

describe('territoryCommunes and communesByDepartment', () => {
	const commune = (code: string, name: string, department: string) => ({ code, name, department });
	const territory = {
		perimeter: {
			communes: [
				commune('24311', 'Nontron', '24'),
				commune('87060', 'Dournazac', '87'),
				commune('24001', 'Abjat-sur-Bandiat', '24'),
			],
			departments: [
				{ code: '24', name: 'Dordogne' },
				{ code: '87', name: 'Haute-Vienne' },
			],
		},
	};

	it('lists the perimeter’s communes as the file gives them', () => {
		expect(territoryCommunes(territory).map((c) => c.code)).toStrictEqual(['24311', '87060', '24001']);
	});

	it('groups the communes by department, sorted by name', () => {
		expect(communesByDepartment(territory).map((d) => [d.code, d.name, d.communes.map((c) => c.name)])).toStrictEqual([
			['24', 'Dordogne', ['Abjat-sur-Bandiat', 'Nontron']],
			['87', 'Haute-Vienne', ['Dournazac']],
		]);
	});
});
