/**
 * Pure selection and grouping rules over content entries. Pages call these through
 * `collections.ts`; tests call them directly with plain objects.
 */
import { effectiveMeetingStatus, type MeetingTiming } from '../domain/meeting';
import { parisYear } from '../domain/paris-time';

type WithId<T> = { id: string; data: T };
type Ref = { id: string };

export type CommuneRef = { code: string; name: string };

/**
 * The perimeter as a flat list, as the file gives it (canton by canton, the list of codes in order,
 * or the EPCI's members), with names and departments from the official list (perimeter.ts).
 */
export function territoryCommunes<C extends CommuneRef>(territory: { perimeter: { communes: C[] } }): C[] {
	return territory.perimeter.communes;
}

/** The perimeter's communes by department (in the perimeter's department order), each sorted by name. */
export function communesByDepartment<C extends CommuneRef & { department: string }>(territory: {
	perimeter: { communes: C[]; departments: { code: string; name: string }[] };
}): { code: string; name: string; communes: C[] }[] {
	return territory.perimeter.departments.map((department) => ({
		...department,
		communes: territory.perimeter.communes
			.filter((commune) => commune.department === department.code)
			.sort((a, b) => a.name.localeCompare(b.name, 'fr')),
	}));
}

export function sortServices<T extends WithId<{ title: string }>>(services: T[]): T[] {
	return [...services].sort((a, b) => a.data.title.localeCompare(b.data.title, 'fr'));
}

export type ServiceFilter =
	| { kind: 'category'; value: string }
	| { kind: 'audience'; value: string }
	| { kind: 'territory'; value: string };

export function filterServices<
	T extends WithId<{ category: string; audiences: readonly string[]; territories: readonly Ref[] }>,
>(services: T[], filter: ServiceFilter): T[] {
	const matches: Record<ServiceFilter['kind'], (service: T) => boolean> = {
		category: (service) => service.data.category === filter.value,
		audience: (service) => service.data.audiences.includes(filter.value),
		territory: (service) => service.data.territories.some((territory) => territory.id === filter.value),
	};
	return services.filter(matches[filter.kind]);
}

type MeetingLike = WithId<MeetingTiming & { territory: Ref }>;

/** Upcoming meetings first-to-last, then past ones most-recent-first; cancelled ones stay listed. */
export function splitMeetings<T extends MeetingLike>(meetings: T[], now: Date): { upcoming: T[]; past: T[] } {
	const byStart = [...meetings].sort((a, b) => a.data.startsAt.getTime() - b.data.startsAt.getTime());
	const upcoming = byStart.filter((m) => {
		const status = effectiveMeetingStatus(m.data, now);
		return status === 'à venir' || status === 'complet' || (status === 'annulé' && m.data.startsAt > now);
	});
	const past = byStart.filter((m) => !upcoming.includes(m)).reverse();
	return { upcoming, past };
}

/** The next meeting that people can still attend in a territory, if any. */
export function nextMeetingIn<T extends MeetingLike>(meetings: T[], territoryId: string, now: Date): T | undefined {
	return splitMeetings(meetings, now).upcoming.find(
		(m) => m.data.territory.id === territoryId && effectiveMeetingStatus(m.data, now) !== 'annulé',
	);
}

type MinutesLike = WithId<{ date: Date; territory: Ref }>;

export function sortMinutes<T extends MinutesLike>(minutes: T[]): T[] {
	return [...minutes].sort((a, b) => b.data.date.getTime() - a.data.date.getTime());
}

/** Minutes grouped by territory id, then by year (newest first), for the index page. */
export function groupMinutes<T extends MinutesLike>(minutes: T[]): Map<string, Map<number, T[]>> {
	const groups = new Map<string, Map<number, T[]>>();
	for (const entry of sortMinutes(minutes)) {
		const byYear = groups.get(entry.data.territory.id) ?? new Map<number, T[]>();
		const year = parisYear(entry.data.date);
		byYear.set(year, [...(byYear.get(year) ?? []), entry]);
		groups.set(entry.data.territory.id, byYear);
	}
	return groups;
}

export function attendanceTotal(attendance: Record<string, number>): number {
	return Object.values(attendance).reduce((sum, n) => sum + n, 0);
}

/** A meeting place on one line, as calendars and maps expect it. */
export function meetingPlaceLine(place: { name: string; address: string; postalCode: string; city: string }): string {
	return `${place.name}, ${place.address}, ${place.postalCode} ${place.city}`;
}
