import { describe, expect, it } from 'vitest';
import { readContentMirror } from '../../lib/server/db/content-mirror.ts';
import { sampleContent } from './sample-content.ts';

const meeting = (id: string, territoryId: string, startsAt: string, status = 'scheduled') => ({
	id,
	territoryId,
	title: id,
	startsAt,
	capacity: 30,
	status,
});

describe('sampleContent', () => {
	it('takes the first territory and its first meeting neither past nor cancelled', () => {
		const sample = sampleContent(new Date('2027-01-01T00:00:00Z'), {
			territories: [
				{ id: 'a', name: 'A', communes: ['37261'] },
				{ id: 'b', name: 'B', communes: ['44109'] },
			],
			meetings: [
				meeting('past', 'a', '2026-12-01T17:30:00Z'),
				meeting('later', 'a', '2027-03-01T17:30:00Z'),
				meeting('cancelled', 'a', '2027-01-10T17:30:00Z', 'cancelled'),
				meeting('other-territory', 'b', '2027-01-05T17:30:00Z'),
				meeting('next', 'a', '2027-02-01T17:30:00Z'),
			],
		});
		expect(sample.territory.id).toBe('a');
		expect(sample.territories.map((t) => t.id)).toStrictEqual(['a', 'b']);
		expect(sample.meeting?.id).toBe('next');
	});

	it('has no meeting when none is to come, and fails without a territory', () => {
		const territories = [{ id: 'a', name: 'A', communes: [] }];
		expect(sampleContent(new Date('2030-01-01'), { territories, meetings: [] }).meeting).toBeUndefined();
		expect(() => sampleContent(new Date(), { territories: [], meetings: [] })).toThrow(/no territory/);
	});

	it('reads the repository content: territories in the order of their ids', () => {
		const mirror = readContentMirror();
		const sample = sampleContent(new Date('2000-01-01'), mirror);
		expect(sample.territories.map((t) => t.id)).toStrictEqual(mirror.territories.map((t) => t.id).sort());
		expect([undefined, sample.territory.id]).toContain(sample.meeting?.territoryId);
	});
});
