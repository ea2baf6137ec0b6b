import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../../netlify/functions/daily-maintenance.mts';
import { pgliteTarget } from '../../test/db/targets.ts';
import { inDays, seedMeeting } from '../../test/http/api-site.ts';
import { ANON } from './db/port.ts';
import { readEnv } from './env.ts';
import { runMaintenance } from './maintenance.ts';

describe('daily maintenance', () => {
	let target: Awaited<ReturnType<typeof pgliteTarget>>;
	beforeAll(async () => {
		target = await pgliteTarget();
	}, 60_000);
	afterAll(() => target?.stop());

	it('runs every day on Netlify', () => {
		expect(config).toStrictEqual({ schedule: '@daily' });
	});

	it('erases past registrations after the retention period and drains the outbox', async () => {
		await seedMeeting(target.port, { id: 'maintenance', capacity: 5, startsAt: inDays(1) });
		const registration = await target.port.callRpc<{ cancelToken: string }>(
			'register_for_meeting',
			{
				p_meeting_id: 'maintenance',
				p_full_name: 'À effacer',
				p_category: 'habitants',
				p_email: 'effacer@example.fr',
				p_consent: true,
			},
			ANON,
		);
		await target.port.callRpc(
			'queue_registration_message',
			{ p_cancel_token: registration.cancelToken, p_cancel_url: 'http://localhost/annuler' },
			ANON,
		);
		await seedMeeting(target.port, { id: 'maintenance', capacity: 5, startsAt: inDays(-100) });
		const env = readEnv({ REGISTRATION_RETENTION_DAYS: '30' });
		// The message of a registration being erased is deleted with it, never sent after the purge.
		expect(await runMaintenance(target.port, env)).toStrictEqual({ purged: 1, unconfirmedSupports: 0, sent: 0 });
		expect(await runMaintenance(target.port, env)).toStrictEqual({ purged: 0, unconfirmedSupports: 0, sent: 0 });
	});
});
