import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { servedMigratedPGlite } from '../../../test/db/pglite.ts';
import { seedMeeting } from '../../../test/http/api-site.ts';
import { ANON, type DataPort } from '../db/port.ts';
import { deliverInBackground, deliverOutbox, type MailTransport } from './mail-port.ts';
import type { Mail } from './messages.ts';

const SITE = 'https://exemple.fr';
const CANCEL_PREFIX = `${SITE}/reunions/annulation/?jeton=`;

const collecting = (mails: Mail[]): MailTransport => ({ name: 'log', send: async (mail) => void mails.push(mail) });
const failing: MailTransport = {
	name: 'smtp',
	send: async () => {
		throw new Error('SMTP indisponible');
	},
};

describe('the outbox and the mail port', () => {
	let db: PGlite;
	let port: DataPort;
	let n = 0;

	let served: Awaited<ReturnType<typeof servedMigratedPGlite>>;
	beforeAll(async () => {
		served = await servedMigratedPGlite();
		({ db, port } = served);
	}, 60_000);
	afterAll(() => served?.close());
	// Each test starts with nothing waiting.
	beforeEach(async () => {
		await deliverOutbox(port, collecting([]), SITE);
	});

	async function register(extra: Record<string, unknown> = {}) {
		const meeting = await seedMeeting(port, { capacity: 5 });
		n++;
		return port.callRpc<{ cancelToken: string; reference: string }>(
			'register_for_meeting',
			{
				p_meeting_id: meeting,
				p_full_name: `Personne ${n}`,
				p_category: 'habitants',
				p_email: `personne-${n}@example.fr`,
				p_consent: true,
				p_client_hash: `client-${n}`,
				...extra,
			},
			ANON,
		);
	}

	it('has the registration queue its confirmation, with its cancel link, in the same call', async () => {
		const registration = await register({ p_cancel_url_prefix: CANCEL_PREFIX });
		const mails: Mail[] = [];
		expect(await deliverOutbox(port, collecting(mails), SITE)).toBe(1);
		expect(mails.map((mail) => [mail.to, mail.subject])).toStrictEqual([
			[`personne-${n}@example.fr`, 'Inscription confirmée : Test'],
		]);
		expect(mails[0]?.text).toContain(`${CANCEL_PREFIX}${registration.cancelToken}`);
		expect(mails[0]?.text).toContain(registration.reference);
		// Sent once: marked sent when reported.
		expect(await deliverOutbox(port, collecting(mails), SITE)).toBe(0);
	});

	it('queues nothing without a cancel link prefix, or for a phone-only registrant', async () => {
		await register();
		await register({ p_cancel_url_prefix: CANCEL_PREFIX, p_email: null, p_phone: '05 53 00 00 01' });
		expect(await deliverOutbox(port, collecting([]), SITE)).toBe(0);
	});

	it('keeps a message whose sending failed, leased for a while, then sends it again', async () => {
		await register({ p_cancel_url_prefix: CANCEL_PREFIX });
		expect(await deliverOutbox(port, failing, SITE)).toBe(0);
		// Still leased: another delivery right away does not send it twice at once.
		const mails: Mail[] = [];
		expect(await deliverOutbox(port, collecting(mails), SITE)).toBe(0);
		// Once the lease has expired (10 minutes), a later delivery sends it.
		await db.query(`update public.outbox set claimed_at = now() - interval '11 minutes' where sent_at is null`);
		expect(await deliverOutbox(port, collecting(mails), SITE)).toBe(1);
		expect(mails.map((mail) => mail.to)).toStrictEqual([`personne-${n}@example.fr`]);
	});

	it('gives up on a message after five attempts', async () => {
		await register({ p_cancel_url_prefix: CANCEL_PREFIX });
		for (let attempt = 0; attempt < 5; attempt++) {
			expect(await deliverOutbox(port, failing, SITE)).toBe(0);
			await db.query(`update public.outbox set claimed_at = now() - interval '11 minutes' where sent_at is null`);
		}
		expect(await deliverOutbox(port, collecting([]), SITE)).toBe(0);
		const left = await db.query<{ attempts: number }>('select attempts from public.outbox where sent_at is null');
		expect(left.rows.map((row) => row.attempts)).toContain(5);
	});

	it('delivers in the background once for a burst of requests, and sends every message', async () => {
		let claims = 0;
		const counting: DataPort = {
			...port,
			callRpc: (fn, args, caller) => {
				if (fn === 'claim_outbox') claims++;
				return port.callRpc(fn, args, caller);
			},
		};
		for (let i = 0; i < 5; i++) await register({ p_cancel_url_prefix: CANCEL_PREFIX });
		const mails: Mail[] = [];
		// Five answers in a row: the first starts a delivery, the others join it.
		const deliveries = Array.from({ length: 5 }, () => deliverInBackground(counting, collecting(mails), SITE));
		await Promise.all(deliveries);
		expect(mails).toHaveLength(5);
		// A call that takes the five, then a call that reports them sent and finds nothing more.
		expect(claims).toBe(2);
		expect(await deliverOutbox(port, collecting([]), SITE)).toBe(0);
	});

	it('never rejects when the database fails: the messages stay in the outbox', async () => {
		await register({ p_cancel_url_prefix: CANCEL_PREFIX });
		const broken: DataPort = {
			...port,
			callRpc: async () => {
				throw new Error('database_unreachable');
			},
		};
		await expect(deliverInBackground(broken, collecting([]), SITE)).resolves.toBeUndefined();
		expect(await deliverOutbox(port, collecting([]), SITE)).toBe(1);
	});
});
