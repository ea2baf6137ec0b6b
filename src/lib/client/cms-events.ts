/**
 * Decap CMS keeps an entry's data in Immutable.js collections (a Map per object, a List per list) and
 * writes `''` for an optional field that was filled and then emptied (decaporg/decap-cms#7120), which
 * the content schemas refuse: they expect such a field to be absent.
 */
type ImmutableCollection = {
	readonly size: number;
	map(mapper: (value: unknown) => unknown): ImmutableCollection;
	filter(predicate: (value: unknown) => boolean): ImmutableCollection;
};

// Immutable.js 4 marks its collections with these properties (what `Map.isMap` and `List.isList` read).
const isImmutable = (value: unknown, marker: string): value is ImmutableCollection =>
	typeof value === 'object' && value !== null && (value as Record<string, unknown>)[marker] === true;
const isMap = (value: unknown) => isImmutable(value, '@@__IMMUTABLE_MAP__@@');
const isList = (value: unknown) => isImmutable(value, '@@__IMMUTABLE_LIST__@@');

/** Drops empty strings, nulls, and objects left with no field, at any depth; lists keep their other items. */
export function withoutEmptyValues(value: unknown): unknown {
	if (value === '' || value === null || value === undefined) return undefined;
	if (isMap(value) || isList(value)) {
		const cleaned = (value as ImmutableCollection).map(withoutEmptyValues).filter((item) => item !== undefined);
		return isMap(value) && cleaned.size === 0 ? undefined : cleaned;
	}
	return value;
}

const parisMinute = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Europe/Paris',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23',
});

/** `YYYY-MM-DD HH:mm`, Paris time: the format of a meeting's `startsAt` and `updatedAt`. */
export function parisTimestamp(date: Date): string {
	const parts = Object.fromEntries(parisMinute.formatToParts(date).map((part) => [part.type, part.value]));
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

type EntryData = { set?(key: string, value: unknown): unknown };

/** The part of Decap's `window.CMS` used here. */
export type DecapCms = {
	registerEventListener(listener: {
		name: 'preSave';
		handler: (event: { entry: { get(key: 'data' | 'collection'): unknown } }) => unknown;
	}): void;
};

/**
 * Cleans every entry just before Decap serialises it, so that what it writes is what the schemas
 * read, and stamps a meeting with the time of the save (`updatedAt`): the calendar files derive
 * their SEQUENCE from it, so that calendars holding the meeting take the change (calendar.ts).
 */
export function registerCmsEvents(cms: DecapCms, now: () => Date = () => new Date()): void {
	cms.registerEventListener({
		name: 'preSave',
		handler: ({ entry }) => {
			const data = withoutEmptyValues(entry.get('data')) as EntryData;
			if (entry.get('collection') !== 'meetings' || typeof data?.set !== 'function') return data;
			return data.set('updatedAt', parisTimestamp(now()));
		},
	});
}
