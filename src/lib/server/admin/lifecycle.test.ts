import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as cancelConfig } from '../../../../netlify/functions/admin-registration-cancel.mts';
import { config as confirmConfig } from '../../../../netlify/functions/admin-registration-confirm.mts';
import { config as contactConfig } from '../../../../netlify/functions/admin-registration-contact.mts';
import { callerFor, coordinatorClaims, otherUserClaims } from '../../../test/db/contract.ts';
import { createMigratedPGlite } from '../../../test/db/pglite.ts';
import { realPostgresAvailability, startPostgresServer } from '../../../test/db/postgres-server.ts';
import { seedMeeting } from '../../../test/http/api-site.ts';
import { serveFunctions } from '../../../test/http/functions-server.ts';
import { jwtSecret } from '../auth/caller.ts';
import { signToken } from '../auth/jwt.ts';
import { csrfToken, SESSION_COOKIE } from '../auth/session.ts';
import { LOCAL_COORDINATOR } from '../auth/sign-in.ts';
import { migrate } from '../db/migrations.ts';
import { servePGlite } from '../db/pglite-server.ts';
import { ANON, type Caller, DatabaseError, type DataPort, SERVICE } from '../db/port.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import type { Mail } from '../mail/messages.ts';
import type { AuditEntry } from './journal.ts';
import { createCoordinatorCancel, createCoordinatorConfirm, createCoordinatorUpdateContact } from './lifecycle.ts';
import type { AdminRegistrations } from './registrations.ts';

/** A database target with a superuser connection beside the data port, to set up states and read the outbox. */
type SqlTarget = {
	port: DataPort;
	sql: (text: string) => Promise<Record<string, unknown>[]>;
	stop: () => Promise<void>;
};

async function pgliteSqlTarget(): Promise<SqlTarget> {
	const db = await createMigratedPGlite();
	const server = await servePGlite(db);
	const port = createPostgresAdapter({ url: server.url, database: 'pglite', max: 4 });
	return {
		port,
		sql: async (text) => (await db.query<Record<string, unknown>>(text)).rows,
		stop: async () => {
			await port.close();
			await server.stop();
			await db.close();
		},
	};
}

async function realPostgresSqlTarget(): Promise<SqlTarget> {
	const server = await startPostgresServer();
	const sql = postgres(server.url, { max: 1, onnotice: () => {} });
	await migrate({ exec: (text) => sql.unsafe(text), query: (text) => sql.unsafe(text) as never });
	const port = createPostgresAdapter({ url: server.url, database: 'postgres', max: 20 });
	return {
		port,
		sql: async (text) => [...(await sql.unsafe(text))] as Record<string, unknown>[],
		stop: async () => {
			await port.close();
			await sql.end();
			await server.stop();
		},
	};
}

let sequence = 0;

/** Registers people as residents do (consent, email or phone), in order; returns their references. */
async function register(port: DataPort, meetingId: string, people: { name: string; email?: string; phone?: string }[]) {
	const references: string[] = [];
	for (const person of people) {
		const result = await port.callRpc<{ reference: string }>(
			'register_for_meeting',
			{
				p_meeting_id: meetingId,
				p_full_name: person.name,
				p_category: 'habitants',
				p_email: person.email ?? null,
				p_phone: person.phone ?? null,
				p_consent: true,
				p_client_hash: `client-${process.pid}-${sequence++}`,
			},
			ANON,
		);
		references.push(result.reference);
	}
	return references;
}

async function failure(promise: Promise<unknown>): Promise<DatabaseError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DatabaseError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

const targets: [string, () => Promise<SqlTarget>][] = [['embedded PGlite', pgliteSqlTarget]];
const real = realPostgresAvailability();
if (real.run) targets.push(['real PostgreSQL server, parallel connections', realPostgresSqlTarget]);
else console.info(real.reason);

describe.each(targets)('the coordinator’s registration lifecycle in SQL (%s)', (_name, start) => {
	let target: SqlTarget;
	let coordinator: Caller;
	let otherUser: Caller;

	beforeAll(async () => {
		target = await start();
		coordinator = await callerFor(coordinatorClaims);
		otherUser = await callerFor(otherUserClaims);
	}, 120_000);
	afterAll(() => target?.stop());

	const statuses = async (meetingId: string) => {
		const list = await target.port.callRpc<AdminRegistrations>(
			'meeting_registrations',
			{ p_meeting_id: meetingId },
			coordinator,
		);
		return Object.fromEntries(list.registrations.map((r) => [r.reference, r.status]));
	};
	const audit = async () => target.port.callRpc<AuditEntry[]>('audit_entries', { p_limit: 1000 }, coordinator);
	/** The entries logged since the log had `count` entries, newest first. */
	const loggedSince = async (count: number) => {
		const entries = await audit();
		return entries.slice(0, entries.length - count);
	};
	const cancel = (meetingId: string, reference: string, caller = coordinator) =>
		target.port.callRpc<{ status: string; promoted: string[]; isExisting: boolean }>(
			'coordinator_cancel_registration',
			{ p_meeting_id: meetingId, p_reference: reference },
			caller,
		);
	const confirm = (meetingId: string, reference: string, caller = coordinator) =>
		target.port.callRpc<{ status: string; isExisting: boolean }>(
			'coordinator_confirm_registration',
			{ p_meeting_id: meetingId, p_reference: reference },
			caller,
		);

	it('cancels for a person who phoned: the first person waiting takes the seat, is told by mail, and both are logged once', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 2 });
		const [ana, bruno, chloe, denis] = (await register(target.port, meetingId, [
			{ name: 'Ana Confirmée', email: 'ana@example.fr' },
			{ name: 'Bruno Confirmé', phone: '05 53 00 00 01' },
			{ name: 'Chloé Attente', email: 'chloe@example.fr' },
			{ name: 'Denis Attente', email: 'denis@example.fr' },
		])) as [string, string, string, string];
		expect(await statuses(meetingId)).toStrictEqual({
			[ana]: 'confirmed',
			[bruno]: 'confirmed',
			[chloe]: 'waitlisted',
			[denis]: 'waitlisted',
		});

		expect((await failure(cancel(meetingId, ana, otherUser))).reason).toBe('coordinator_only');
		expect((await failure(cancel(meetingId, ana, ANON))).kind).toBe('forbidden');
		expect((await failure(cancel(meetingId, 'ZZZZZZ'))).reason).toBe('registration_not_found');
		expect((await failure(cancel('reunion-inconnue', ana))).reason).toBe('meeting_not_found');

		const before = (await audit()).length;
		expect(await cancel(meetingId, ana.toLowerCase())).toMatchObject({
			status: 'cancelled',
			promoted: [chloe],
			isExisting: false,
		});
		expect(await statuses(meetingId)).toStrictEqual({
			[ana]: 'cancelled',
			[bruno]: 'confirmed',
			[chloe]: 'confirmed',
			[denis]: 'waitlisted',
		});
		const messages = await target.sql(
			`select o.template, o.recipient_email from public.outbox o join public.registrations r on r.id = o.registration_id
			 where r.meeting_id = '${meetingId}' order by o.id`,
		);
		expect(messages).toStrictEqual([{ template: 'waitlist_promoted', recipient_email: 'chloe@example.fr' }]);

		const entries = await loggedSince(before);
		expect(entries.map((e) => [e.actorRole, e.action, e.targetId, e.details])).toStrictEqual([
			['system', 'registration.promoted', chloe, { meeting: meetingId, freedBy: ana, notified: true }],
			['coordinator', 'registration.cancelled', ana, { meeting: meetingId, from: 'confirmed', promoted: [chloe] }],
		]);
		expect(JSON.stringify(entries)).not.toMatch(/Ana|Chloé|example\.fr/);

		// Again: the same answer, nothing more moves or is logged.
		expect(await cancel(meetingId, ana)).toMatchObject({ status: 'cancelled', promoted: [], isExisting: true });
		expect((await audit()).length).toBe(before + 2);
		expect((await statuses(meetingId))[denis]).toBe('waitlisted');
	});

	it('cancels on a past meeting without moving the waiting list (the same rule as a resident’s cancellation)', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 1 });
		const [first, second] = (await register(target.port, meetingId, [
			{ name: 'Première Personne', email: 'premiere@example.fr' },
			{ name: 'Seconde Personne', email: 'seconde@example.fr' },
		])) as [string, string];
		await seedMeeting(target.port, {
			id: meetingId,
			capacity: 1,
			startsAt: new Date(Date.now() - 86_400_000).toISOString(),
		});
		expect(await cancel(meetingId, first)).toMatchObject({ promoted: [] });
		expect(await statuses(meetingId)).toStrictEqual({ [first]: 'cancelled', [second]: 'waitlisted' });
		expect((await failure(confirm(meetingId, second))).reason).toBe('meeting_closed');
	});

	it('moves a waiting person to a free seat, refuses when the meeting is full, and never exceeds the capacity under simultaneous requests', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 3 });
		const people = await register(
			target.port,
			meetingId,
			Array.from({ length: 8 }, (_, i) => ({ name: `Personne ${i}`, email: `p${i}-${meetingId}@example.fr` })),
		);
		const confirmed = people.slice(0, 3);
		const waiting = people.slice(3);
		const full = await failure(confirm(meetingId, waiting[0] ?? ''));
		expect([full.kind, full.reason]).toStrictEqual(['conflict', 'meeting_full']);
		expect((await failure(confirm(meetingId, waiting[0] ?? '', otherUser))).reason).toBe('coordinator_only');
		expect(await confirm(meetingId, confirmed[0] ?? '')).toMatchObject({ status: 'confirmed', isExisting: true });

		// Two seats free (left so by hand: the functions themselves always fill freed seats).
		await target.sql(
			`update public.registrations set status = 'cancelled' where reference in ('${confirmed[1]}', '${confirmed[2]}')`,
		);
		const before = (await audit()).length;
		const outcomes = await Promise.allSettled(waiting.map((reference) => confirm(meetingId, reference)));
		const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
		const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as DatabaseError).reason] : []));
		expect(succeeded).toHaveLength(2);
		expect(refused).toStrictEqual(['meeting_full', 'meeting_full', 'meeting_full']);
		const after = await statuses(meetingId);
		expect(Object.values(after).filter((s) => s === 'confirmed')).toHaveLength(3);
		expect(
			await target.sql(
				`select count(*)::int as n from public.outbox o join public.registrations r on r.id = o.registration_id
				 where r.meeting_id = '${meetingId}' and o.template = 'waitlist_promoted'`,
			),
		).toStrictEqual([{ n: 2 }]);
		const logged = await loggedSince(before);
		expect(logged.map((e) => [e.actorRole, e.action])).toStrictEqual([
			['coordinator', 'registration.confirmed'],
			['coordinator', 'registration.confirmed'],
		]);
		expect((await failure(confirm(meetingId, confirmed[1] ?? ''))).reason).toBe('registration_cancelled');
	});

	it('corrects contact details: the contact hash follows, a duplicate is refused, unsent mail follows the address, the log names fields only', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 10 });
		const queued = await target.port.callRpc<{ reference: string }>(
			'register_for_meeting',
			{
				p_meeting_id: meetingId,
				p_full_name: 'Émile Avant',
				p_category: 'elus',
				p_email: 'emile@example.fr',
				p_consent: true,
				p_client_hash: `client-${process.pid}-${sequence++}`,
				p_cancel_url_prefix: 'https://exemple.fr/reunions/annulation/?jeton=',
			},
			ANON,
		);
		const emile = queued.reference;
		const [fanny] = (await register(target.port, meetingId, [{ name: 'Fanny', email: 'fanny@example.fr' }])) as [
			string,
		];
		const update = (reference: string, args: Record<string, string | null>, caller = coordinator) =>
			target.port.callRpc<{ reference: string; changed: string[] }>(
				'coordinator_update_registration',
				{
					p_meeting_id: meetingId,
					p_reference: reference,
					p_email: null,
					p_phone: null,
					p_commune_code: null,
					...args,
				},
				caller,
			);

		expect((await failure(update(emile, { p_full_name: 'X', p_email: 'x@example.fr' }, otherUser))).reason).toBe(
			'coordinator_only',
		);
		expect((await failure(update(emile, { p_full_name: 'Émile' }))).reason).toBe('contact_required');
		expect((await failure(update(emile, { p_full_name: ' ', p_email: 'a@example.fr' }))).reason).toBe('name_required');
		expect((await failure(update(fanny, { p_full_name: 'Fanny', p_email: 'EMILE@example.fr ' }))).reason).toBe(
			'duplicate_registration',
		);

		const before = (await audit()).length;
		expect(
			await update(emile, {
				p_full_name: 'Émile Après',
				p_email: 'emile.nouveau@example.fr',
				p_phone: '05 53 00 00 07',
				p_commune_code: '24311',
			}),
		).toStrictEqual({ reference: emile, meetingId, changed: ['fullName', 'email', 'phone', 'communeCode'] });
		const list = await target.port.callRpc<AdminRegistrations>(
			'meeting_registrations',
			{ p_meeting_id: meetingId },
			coordinator,
		);
		expect(list.registrations.find((r) => r.reference === emile)).toMatchObject({
			fullName: 'Émile Après',
			email: 'emile.nouveau@example.fr',
			phone: '+33553000007',
			communeCode: '24311',
		});
		expect(
			await target.sql(
				`select o.recipient_email from public.outbox o join public.registrations r on r.id = o.registration_id
				 where r.reference = '${emile}'`,
			),
		).toStrictEqual([{ recipient_email: 'emile.nouveau@example.fr' }]);
		// The same person registering again with the new address is recognised.
		const again = await target.port.callRpc<{ reference: string; isExisting: boolean }>(
			'register_for_meeting',
			{
				p_meeting_id: meetingId,
				p_full_name: 'Émile',
				p_category: 'elus',
				p_email: 'Emile.Nouveau@example.fr',
				p_consent: true,
				p_client_hash: `client-${process.pid}-${sequence++}`,
			},
			ANON,
		);
		expect(again).toMatchObject({ reference: emile, isExisting: true });

		// Nothing changed: nothing logged. The email erased: the unsent message goes with it.
		expect(
			await update(emile, {
				p_full_name: 'Émile Après',
				p_email: 'emile.nouveau@example.fr',
				p_phone: '0553000007',
				p_commune_code: '24311',
			}),
		).toMatchObject({ changed: [] });
		expect(await update(emile, { p_full_name: 'Émile Après', p_phone: '05 53 00 00 07' })).toMatchObject({
			changed: ['email', 'communeCode'],
		});
		expect(
			await target.sql(
				`select count(*)::int as n from public.outbox o join public.registrations r on r.id = o.registration_id
				 where r.reference = '${emile}'`,
			),
		).toStrictEqual([{ n: 0 }]);
		const logged = await loggedSince(before);
		expect(logged.map((e) => [e.action, e.targetId, e.details])).toStrictEqual([
			['registration.updated', emile, { meeting: meetingId, fields: ['email', 'communeCode'] }],
			['registration.updated', emile, { meeting: meetingId, fields: ['fullName', 'email', 'phone', 'communeCode'] }],
		]);
		expect(JSON.stringify(logged)).not.toMatch(/Émile|example\.fr|0553|24311/);
	});

	it('gives commune names and seats in the coordinator’s list', async () => {
		await target.port.callRpc(
			'import_access_data',
			{ p_communes: [{ code: '24311', name: 'Nontron', department: '24' }] },
			SERVICE,
		);
		const meetingId = await seedMeeting(target.port, { capacity: 4 });
		await target.port.callRpc(
			'register_for_meeting',
			{
				p_meeting_id: meetingId,
				p_full_name: 'Gaston',
				p_category: 'habitants',
				p_phone: '05 53 00 00 08',
				p_commune_code: '24311',
				p_consent: true,
				p_client_hash: `client-${process.pid}-${sequence++}`,
			},
			ANON,
		);
		const list = await target.port.callRpc<AdminRegistrations>(
			'meeting_registrations',
			{ p_meeting_id: meetingId },
			coordinator,
		);
		expect(list).toMatchObject({ meetingId, capacity: 4, isOpen: true, counts: { confirmed: 1 } });
		expect(list.registrations[0]).toMatchObject({ communeCode: '24311', communeName: 'Nontron' });
		expect(list.registrations[0]?.statusChangedAt).toEqual(expect.any(String));
	});
});

describe('the coordinator’s registration endpoints, with the workspace’s forms', () => {
	let target: SqlTarget;
	let site: Awaited<ReturnType<typeof serveFunctions>>;
	const mails: Mail[] = [];
	let token = '';

	beforeAll(async () => {
		target = await pgliteSqlTarget();
		const port = () => target.port;
		const transport = () => ({ name: 'log' as const, send: async (mail: Mail) => void mails.push(mail) });
		const { withAdminForms } = await import('./forms.ts');
		site = await serveFunctions([
			{ config: cancelConfig, handler: withAdminForms(createCoordinatorCancel(port, undefined, transport)) },
			{ config: confirmConfig, handler: withAdminForms(createCoordinatorConfirm(port, undefined, transport)) },
			{ config: contactConfig, handler: withAdminForms(createCoordinatorUpdateContact(port)) },
		]);
		token = await signToken(LOCAL_COORDINATOR, jwtSecret() ?? '');
	}, 60_000);
	afterAll(async () => {
		await site?.close();
		await target?.stop();
	});

	const form = (path: string, fields: Record<string, string>) =>
		fetch(`${site.url}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				Cookie: `${SESSION_COOKIE}=${token}`,
				Origin: site.url,
			},
			body: new URLSearchParams({ _csrf: csrfToken(token, jwtSecret() ?? ''), ...fields }).toString(),
		});
	const postJson = (path: string, body: unknown = {}) =>
		fetch(`${site.url}${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
			body: JSON.stringify(body),
		});

	it('cancels with a form (303 back to the meeting, ?fait=1) and mails the person promoted', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 1 });
		const [first, second] = (await register(target.port, meetingId, [
			{ name: 'Hélène', phone: '05 53 00 00 10' },
			{ name: 'Inès', email: 'ines@example.fr' },
		])) as [string, string];
		const page = `/admin/reunions/${meetingId}/`;
		const response = await form(
			`/api/admin/meetings/${meetingId}/registrations/${first}/cancel?retour=${page}&formulaire=${page}inscriptions/${first}/`,
			{},
		);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(`${page}?fait=1`);
		expect(mails.filter((m) => m.to === 'ines@example.fr').map((m) => m.subject)).toStrictEqual([
			'Une place s’est libérée : Test',
		]);
		expect(
			await (await postJson(`/api/admin/meetings/${meetingId}/registrations/${second}/confirm`)).json(),
		).toStrictEqual({
			status: 'confirmed',
			reference: second,
		});
	});

	it('refuses to confirm when the meeting is full with a French page and a link back to the form', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 1 });
		const [, waiting] = (await register(target.port, meetingId, [
			{ name: 'Jean', phone: '05 53 00 00 11' },
			{ name: 'Karine', phone: '05 53 00 00 12' },
		])) as [string, string];
		const page = `/admin/reunions/${meetingId}/`;
		const formPage = `${page}inscriptions/${waiting}/`;
		const refused = await form(
			`/api/admin/meetings/${meetingId}/registrations/${waiting}/confirm?retour=${page}&formulaire=${formPage}`,
			{},
		);
		expect(refused.status).toBe(409);
		expect(refused.headers.get('content-type')).toContain('text/html');
		const html = await refused.text();
		expect(html).toContain('La réunion est complète : toutes les places sont prises.');
		expect(html).toContain(`href="${formPage}"`);
		expect(html).toMatch(/<style>[^<]*body\{/);
		const json = await postJson(`/api/admin/meetings/${meetingId}/registrations/${waiting}/confirm`);
		expect(json.status).toBe(409);
		expect(((await json.json()) as { error: { code: string } }).error.code).toBe('meeting_full');
	});

	it('corrects contact details with the public form’s field rules and messages', async () => {
		const meetingId = await seedMeeting(target.port, { capacity: 5 });
		const [reference] = (await register(target.port, meetingId, [{ name: 'Louis', email: 'louis@example.fr' }])) as [
			string,
		];
		const path = `/api/admin/meetings/${meetingId}/registrations/${reference}/contact`;
		const invalid = await postJson(path, { fullName: 'L', email: 'pas-une-adresse', phone: '12' });
		expect(invalid.status).toBe(400);
		expect(((await invalid.json()) as { error: { fields: object } }).error.fields).toStrictEqual({
			fullName: 'Indiquez votre prénom et votre nom.',
			email: 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).',
			phone: 'Ce numéro n’est pas valide (exemple : 05 53 00 00 00).',
		});
		const none = await postJson(path, { fullName: 'Louis Martin' });
		expect(((await none.json()) as { error: { fields: object } }).error.fields).toStrictEqual({
			email: 'Indiquez une adresse électronique ou un numéro de téléphone.',
			phone: 'Indiquez une adresse électronique ou un numéro de téléphone.',
		});
		const page = `/admin/reunions/${meetingId}/`;
		const refusedForm = await form(`${path}?retour=${page}&formulaire=${page}inscriptions/${reference}/`, {
			fullName: 'Louis Martin',
			email: 'pas-une-adresse',
			phone: '',
			communeCode: '',
		});
		expect(refusedForm.status).toBe(400);
		expect(await refusedForm.text()).toContain('Cette adresse électronique n’est pas valide');
		const saved = await form(`${path}?retour=${page}`, {
			fullName: 'Louis Martin',
			email: '',
			phone: '05 53 00 00 13',
			communeCode: '24311',
		});
		expect(saved.status).toBe(303);
		expect(
			await (await postJson(path, { fullName: 'Louis Martin', phone: '05 53 00 00 13', communeCode: '24311' })).json(),
		).toStrictEqual({
			reference,
			changed: [],
		});
		expect((await postJson(`/api/admin/meetings/${meetingId}/registrations/0OIL00/contact`, {})).status).toBe(404);
	});
});
