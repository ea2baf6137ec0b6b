import { describe, expect, it } from 'vitest';
import { registerCmsEvents, withoutEmptyValues } from './cms-events';

// Just enough of Immutable.js 4 (its markers, size, map, filter) to stand for Decap's entry data.
class FakeMap {
	readonly '@@__IMMUTABLE_MAP__@@' = true;
	constructor(readonly entries: [string, unknown][]) {}
	get size() {
		return this.entries.length;
	}
	map(mapper: (value: unknown) => unknown) {
		return new FakeMap(this.entries.map(([key, value]) => [key, mapper(value)]));
	}
	filter(predicate: (value: unknown) => boolean) {
		return new FakeMap(this.entries.filter(([, value]) => predicate(value)));
	}
	set(key: string, value: unknown) {
		return new FakeMap([...this.entries.filter(([name]) => name !== key), [key, value]]);
	}
}
class FakeList {
	readonly '@@__IMMUTABLE_LIST__@@' = true;
	constructor(readonly items: unknown[]) {}
	get size() {
		return this.items.length;
	}
	map(mapper: (value: unknown) => unknown) {
		return new FakeList(this.items.map(mapper));
	}
	filter(predicate: (value: unknown) => boolean) {
		return new FakeList(this.items.filter(predicate));
	}
}
const map = (object: Record<string, unknown>) => new FakeMap(Object.entries(object));

describe('the CMS page cleans an entry before Decap writes it', () => {
	it('drops emptied fields and objects left empty, keeps false, 0, empty lists and list items', () => {
		const data = map({
			title: 'Réunion',
			durationMinutes: '',
			isExample: false,
			apologies: 0,
			place: map({ name: 'Salle des fêtes', access: '' }),
			nextMeeting: map({ meeting: '', date: null }),
			proposals: new FakeList([]),
			agenda: new FakeList(['Accueil', '']),
			decisions: new FakeList([map({ text: 'Afficher', deadline: '' })]),
		});
		expect(withoutEmptyValues(data)).toStrictEqual(
			map({
				title: 'Réunion',
				isExample: false,
				apologies: 0,
				place: map({ name: 'Salle des fêtes' }),
				proposals: new FakeList([]),
				agenda: new FakeList(['Accueil']),
				decisions: new FakeList([map({ text: 'Afficher' })]),
			}),
		);
	});

	it('registers itself as Decap’s preSave handler', () => {
		const listeners: { name: string; handler: (event: { entry: { get(key: 'data'): unknown } }) => unknown }[] = [];
		registerCmsEvents({ registerEventListener: (listener) => listeners.push(listener) });
		expect(listeners.map((listener) => listener.name)).toStrictEqual(['preSave']);
		const entry = { get: () => map({ title: 'Titre', cost: '' }) };
		expect(listeners[0]?.handler({ entry })).toStrictEqual(map({ title: 'Titre' }));
	});

	it('stamps a meeting, and only a meeting, with the Paris time of the save (its calendar SEQUENCE grows)', () => {
		const listeners: { handler: (event: { entry: { get(key: 'data' | 'collection'): unknown } }) => unknown }[] = [];
		// 30 March 2025, 00:30 UTC: 01:30 in Paris, before the switch to summer time at 02:00.
		let now = new Date('2025-03-30T00:30:00Z');
		registerCmsEvents({ registerEventListener: (listener) => listeners.push(listener) }, () => now);
		const save = (collection: string, data: FakeMap) =>
			listeners[0]?.handler({ entry: { get: (key) => (key === 'collection' ? collection : data) } });
		const meeting = map({ title: 'Réunion', updatedAt: '2025-01-02 10:00', cost: '' });
		expect(save('meetings', meeting)).toStrictEqual(map({ title: 'Réunion', updatedAt: '2025-03-30 01:30' }));
		now = new Date('2025-03-30T01:30:00Z');
		expect(save('meetings', meeting)).toStrictEqual(map({ title: 'Réunion', updatedAt: '2025-03-30 03:30' }));
		expect(save('minutes', map({ title: 'Compte rendu' }))).toStrictEqual(map({ title: 'Compte rendu' }));
	});
});
