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

/** The part of Decap's `window.CMS` used here. */
export type DecapCms = {
	registerEventListener(listener: {
		name: 'preSave';
		handler: (event: { entry: { get(key: 'data'): unknown } }) => unknown;
	}): void;
};

/** Cleans every entry just before Decap serialises it, so that what it writes is what the schemas read. */
export function registerCmsEvents(cms: DecapCms): void {
	cms.registerEventListener({ name: 'preSave', handler: ({ entry }) => withoutEmptyValues(entry.get('data')) });
}
