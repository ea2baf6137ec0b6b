import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractTarget, callerFor, coordinatorClaims } from '../../../test/db/contract.ts';
import { pgliteTarget, realPostgresTarget } from '../../../test/db/targets.ts';
import { inDays } from '../../../test/http/api-site.ts';
import type { ContentMirror } from './content-mirror.ts';
import { syncContent } from './content-sync.ts';
import { ANON, type Caller, SERVICE } from './port.ts';

type Row = { fullName: string; status: string };
type Message = { template: string; to: string; payload: Record<string, unknown> };

const TERRITORIES = [{ id: 'nontronnais', name: 'Nontronnais', communes: [] }];

describe.each([
	['embedded PGlite', pgliteTarget],
	['real PostgreSQL', realPostgresTarget],
])('a meeting file changed, mirrored into %s', (_name, start) => {
	let target: ContractTarget;
	let coordinator: Caller;
	const startsAt = inDays(30);
	const meeting = (capacity: number, status = 'scheduled', at = startsAt): ContentMirror => ({
		territories: TERRITORIES,
		meetings: [
			{ id: 'sync-test', territoryId: 'nontronnais', title: 'Conseil d’essai', startsAt: at, capacity, status },
		],
	});
	const register = (n: number) =>
		target.port.callRpc(
			'register_for_meeting',
			{
				p_meeting_id: 'sync-test',
				p_full_name: `Personne ${n}`,
				p_category: 'habitants',
				p_email: `p${n}@example.fr`,
				p_consent: true,
			},
			ANON,
		);
	const rows = async () => {
		const list = await target.port.callRpc<{ registrations: Row[] }>(
			'meeting_registrations',
			{ p_meeting_id: 'sync-test' },
			coordinator,
		);
		return list.registrations.map((row) => `${row.fullName}: ${row.status}`).sort();
	};
	/** Messages queued since the last call (marked sent as they are taken). */
	let taken: number[] = [];
	const messages = async () => {
		const claimed = await target.port.callRpc<(Message & { id: number })[]>(
			'claim_outbox',
			{ p_limit: 500, p_sent: taken },
			SERVICE,
		);
		taken = claimed.map((message) => message.id);
		return claimed.map((m) => `${m.template} → ${m.to}`).sort();
	};

	beforeAll(async () => {
		target = await start();
		coordinator = await callerFor(coordinatorClaims);
	}, 60_000);
	afterAll(() => target?.stop());

	it('a new meeting takes registrations at once, with the seats of its file', async () => {
		expect(await syncContent(target.port, meeting(3))).toMatchObject({ changed: 1, movedToWaitlist: 0 });
		for (const n of [1, 2, 3, 4, 5]) await register(n);
		expect(await rows()).toStrictEqual([
			'Personne 1: confirmed',
			'Personne 2: confirmed',
			'Personne 3: confirmed',
			'Personne 4: waitlisted',
			'Personne 5: waitlisted',
		]);
		await messages();
		// The same file again changes nothing.
		expect(await syncContent(target.port, meeting(3))).toMatchObject({ changed: 0, movedToWaitlist: 0, promoted: 0 });
	});

	it('a lowered capacity moves the latest confirmed to the head of the waiting list, in order, and tells them', async () => {
		expect(await syncContent(target.port, meeting(1))).toMatchObject({ changed: 1, movedToWaitlist: 2 });
		const availability = await target.port.callRpc<Record<string, number>>(
			'meeting_availability',
			{ p_meeting_id: 'sync-test' },
			ANON,
		);
		expect(availability).toMatchObject({ capacity: 1, confirmed: 1, waitlisted: 4 });
		expect(await messages()).toStrictEqual(['moved_to_waitlist → p2@example.fr', 'moved_to_waitlist → p3@example.fr']);
		// Raised again: seats go back in arrival order (2 and 3 before 4 and 5), and they are told.
		expect(await syncContent(target.port, meeting(4))).toMatchObject({ promoted: 3 });
		expect(await rows()).toStrictEqual([
			'Personne 1: confirmed',
			'Personne 2: confirmed',
			'Personne 3: confirmed',
			'Personne 4: confirmed',
			'Personne 5: waitlisted',
		]);
		expect(await messages()).toStrictEqual([
			'waitlist_promoted → p2@example.fr',
			'waitlist_promoted → p3@example.fr',
			'waitlist_promoted → p4@example.fr',
		]);
	});

	it('a meeting moved to another date, then cancelled, tells everyone registered', async () => {
		await syncContent(target.port, meeting(4, 'scheduled', inDays(31)));
		expect(await messages()).toHaveLength(5);
		await syncContent(target.port, meeting(4, 'cancelled', inDays(31)));
		expect(await messages()).toStrictEqual([1, 2, 3, 4, 5].map((n) => `meeting_cancelled → p${n}@example.fr`));
		// A cancelled meeting's seats do not move any more.
		expect(await syncContent(target.port, meeting(1, 'cancelled', inDays(31)))).toMatchObject({ movedToWaitlist: 0 });
	});

	it('only the service role may mirror content', async () => {
		await expect(
			target.port.callRpc('sync_content', { p_territories: [], p_meetings: [] }, ANON),
		).rejects.toMatchObject({
			kind: 'forbidden',
		});
	});
});
