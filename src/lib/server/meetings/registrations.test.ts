import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { config as getConfig } from '../../../../netlify/functions/meeting.mts';
import { config as registerConfig } from '../../../../netlify/functions/meeting-registrations.mts';
import { config as cancelConfig } from '../../../../netlify/functions/registration-cancel.mts';
import { type ContractTarget, callerFor, coordinatorClaims } from '../../../test/db/contract.ts';
import { realPostgresAvailability } from '../../../test/db/postgres-server.ts';
import { pgliteTarget, realPostgresTarget } from '../../../test/db/targets.ts';
import { inDays, postJson, seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { SERVICE } from '../db/port.ts';
import type { MailTransport } from '../mail/mail-port.ts';
import type { Mail } from '../mail/messages.ts';
import { createCancel, createGetMeeting, createRegister } from './registrations.ts';

function startSite(start: () => Promise<ContractTarget>) {
	const mails: Mail[] = [];
	const transport = (): MailTransport => ({ name: 'log', send: async (mail) => void mails.push(mail) });
	return startApiSite(start, (port) => [
		{ config: getConfig, handler: createGetMeeting(port) },
		{ config: registerConfig, handler: createRegister(port, transport) },
		{ config: cancelConfig, handler: createCancel(port, transport) },
	]).then((site) => ({ ...site, mails }));
}

const person = (n: number | string) => ({
	fullName: `Personne ${n}`,
	email: `personne${n}@example.fr`,
	category: 'habitants',
	communeCode: '24311',
	consent: true,
});

describe('meeting registration over HTTP (embedded PGlite)', () => {
	let env: Awaited<ReturnType<typeof startSite>>;
	beforeAll(async () => {
		env = await startSite(pgliteTarget);
	}, 60_000);
	afterAll(() => env?.stop());

	it('GET /api/meetings/{id} gives the seats; an unknown or malformed id is a French 404', async () => {
		const id = await env.meeting(25);
		const ok = await fetch(`${env.url}/api/meetings/${id}`);
		expect(ok.status).toBe(200);
		expect(await ok.json()).toStrictEqual({ id, capacity: 25, confirmed: 0, waitlisted: 0, remaining: 25 });
		for (const bad of ['absente', 'MAJUSCULES', '%27%3B--']) {
			const response = await fetch(`${env.url}/api/meetings/${bad}`);
			expect(response.status).toBe(404);
			expect(await response.json()).toStrictEqual({
				error: { code: 'meeting_not_found', message: 'Cette réunion n’existe pas.' },
			});
		}
	});

	it('registers (201), returns the same registration to the same person (200), then waitlists', async () => {
		const id = await env.meeting(1);
		const first = await postJson(`${env.url}/api/meetings/${id}/registrations`, person('a'));
		expect(first.status).toBe(201);
		const body = (await first.json()) as { status: string; reference: string; cancelUrl: string };
		expect(body.status).toBe('confirmed');
		expect(body.reference).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
		expect(body.cancelUrl).toMatch(/\/reunions\/annulation\/\?reunion=[a-z0-9-]+&jeton=[0-9a-f]{64}$/);
		const again = await postJson(`${env.url}/api/meetings/${id}/registrations`, {
			...person('a'),
			email: 'PERSONNEa@example.fr',
		});
		expect(again.status).toBe(200);
		expect(await again.json()).toStrictEqual({
			status: 'confirmed',
			reference: body.reference,
			cancelUrl: null,
			isExisting: true,
		});
		const second = await postJson(`${env.url}/api/meetings/${id}/registrations`, person('b'));
		expect(second.status).toBe(201);
		expect(((await second.json()) as { status: string }).status).toBe('waitlisted');
	});

	it('cancels with the link (200, then 200 again), promotes the next person, and 404s a bad token', async () => {
		const id = await env.meeting(1);
		const seated = (await (await postJson(`${env.url}/api/meetings/${id}/registrations`, person('c'))).json()) as {
			cancelUrl: string;
		};
		await postJson(`${env.url}/api/meetings/${id}/registrations`, person('d'));
		const token = new URL(seated.cancelUrl).searchParams.get('jeton');
		for (let i = 0; i < 2; i++) {
			const cancelled = await fetch(`${env.url}/api/registrations/${token}/cancel`, { method: 'POST' });
			expect(cancelled.status).toBe(200);
			expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
		}
		expect(await (await fetch(`${env.url}/api/meetings/${id}`)).json()).toMatchObject({
			confirmed: 1,
			waitlisted: 0,
		});
		const unknown = await fetch(`${env.url}/api/registrations/${'0'.repeat(64)}/cancel`, { method: 'POST' });
		expect(unknown.status).toBe(404);
		const malformed = await fetch(`${env.url}/api/registrations/pas-un-jeton/cancel`, { method: 'POST' });
		expect(malformed.status).toBe(404);
		expect(await malformed.json()).toStrictEqual({
			error: { code: 'registration_not_found', message: 'Ce lien d’annulation n’est pas valide ou a déjà expiré.' },
		});
	});

	it('answers a plain HTML form post with a 303 to the confirmation page', async () => {
		const id = await env.meeting(10);
		const form = new URLSearchParams({
			fullName: 'Sans Javascript',
			communeCode: '24311',
			email: 'sans.js@example.fr',
			phone: '',
			category: 'elus',
			needs: '',
			consent: 'on',
			website: '',
		});
		const response = await fetch(`${env.url}/api/meetings/${id}/registrations`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form,
			redirect: 'manual',
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(
			new RegExp(`^/reunions/${id}/confirmation/\\?ref=[A-HJKMNP-Z2-9]{6}&statut=confirmed&jeton=[0-9a-f]{64}$`),
		);
		form.set('fullName', '');
		const refused = await fetch(`${env.url}/api/meetings/${id}/registrations`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form,
		});
		expect(refused.status).toBe(400);
		expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
		expect(await refused.text()).toContain('Indiquez votre prénom et votre nom.');
	});

	it.each([
		[
			'an invalid field',
			{ 'Content-Type': 'application/json' },
			JSON.stringify({ ...person('e'), email: 'faux' }),
			400,
			'invalid_fields',
		],
		['malformed JSON', { 'Content-Type': 'application/json' }, '{"fullName": "tronqu', 400, 'unreadable_body'],
		['a wrong content type', { 'Content-Type': 'text/plain' }, 'bonjour', 415, 'unsupported_media_type'],
		['no content type', {}, '{}', 415, 'unsupported_media_type'],
		[
			'a body over 16 KB',
			{ 'Content-Type': 'application/json' },
			JSON.stringify({ ...person('f'), needs: 'x'.repeat(20_000) }),
			413,
			'payload_too_large',
		],
	])('refuses %s with %i and the French error shape', async (_name, headers, body, status, code) => {
		const id = await env.meeting(10);
		const response = await fetch(`${env.url}/api/meetings/${id}/registrations`, { method: 'POST', headers, body });
		expect(response.status).toBe(status);
		const json = (await response.json()) as {
			error: { code: string; message: string; fields?: Record<string, string> };
		};
		expect(json.error.code).toBe(code);
		expect(json.error.message).toMatch(/[a-zé]/);
		if (code === 'invalid_fields') {
			expect(json.error.fields).toStrictEqual({
				email: 'Cette adresse électronique n’est pas valide (exemple : nom@exemple.fr).',
			});
		}
	});

	it('refuses an unknown meeting (404) and a past or cancelled one (409)', async () => {
		const unknown = await postJson(`${env.url}/api/meetings/inconnue/registrations`, person('g'));
		expect(unknown.status).toBe(404);
		for (const id of [await env.meeting(10, inDays(-2)), await env.meeting(10, inDays(5), 'cancelled')]) {
			const response = await postJson(`${env.url}/api/meetings/${id}/registrations`, person('h'));
			expect(response.status).toBe(409);
			expect(await response.json()).toStrictEqual({
				error: { code: 'meeting_closed', message: 'Les inscriptions sont closes : la réunion est passée ou annulée.' },
			});
		}
	});

	it('sends the confirmation with its cancel link, then tells the first person waiting when a seat frees', async () => {
		const id = await env.meeting(1);
		env.mails.length = 0;
		const seated = (await (await postJson(`${env.url}/api/meetings/${id}/registrations`, person('m1'))).json()) as {
			cancelUrl: string;
		};
		await postJson(`${env.url}/api/meetings/${id}/registrations`, person('m2'));
		await postJson(`${env.url}/api/meetings/${id}/registrations`, {
			...person('m3'),
			email: '',
			phone: '05 53 00 00 01',
		});
		// Sent after the answer, in the background. A phone-only registrant gets no email: the coordinator calls them.
		await vi.waitFor(() =>
			expect(env.mails.map((m) => [m.to, m.subject])).toStrictEqual([
				['personnem1@example.fr', 'Inscription confirmée : Test'],
				['personnem2@example.fr', 'Liste d’attente : Test'],
			]),
		);
		expect(env.mails[0]?.text).toContain(seated.cancelUrl);
		env.mails.length = 0;
		await fetch(`${env.url}/api/registrations/${new URL(seated.cancelUrl).searchParams.get('jeton')}/cancel`, {
			method: 'POST',
		});
		await vi.waitFor(() =>
			expect(env.mails.map((m) => [m.to, m.subject])).toStrictEqual([
				['personnem2@example.fr', 'Une place s’est libérée : Test'],
			]),
		);
		expect(env.mails[0]?.text).toMatch(
			/Votre inscription \(numéro [A-HJKMNP-Z2-9]{6}\) à « Test », le .+ est confirmée/,
		);
		expect(await (await fetch(`${env.url}/api/meetings/${id}`)).json()).toMatchObject({
			confirmed: 1,
			waitlisted: 1,
		});
	});

	it('erases registrants’ personal data 90 days after the meeting and keeps the counts', async () => {
		const old = await env.meeting(10);
		const recent = await env.meeting(10);
		for (const id of [old, recent]) await postJson(`${env.url}/api/meetings/${id}/registrations`, person(`p-${id}`));
		const move = (id: string, days: number) => seedMeeting(env.port(), { id, capacity: 10, startsAt: inDays(days) });
		await move(old, -91);
		await move(recent, -89);
		const purged = await env.port().callRpc<{ purged: number }>('purge_registrations', { p_days: 90 }, SERVICE);
		expect(purged.purged).toBeGreaterThanOrEqual(1);
		const coordinator = await callerFor(coordinatorClaims);
		const list = async (id: string) =>
			env
				.port()
				.callRpc<{ counts: Record<string, number>; registrations: Record<string, unknown>[] }>(
					'meeting_registrations',
					{ p_meeting_id: id },
					coordinator,
				);
		const erased = await list(old);
		expect(erased.counts).toStrictEqual({ confirmed: 1 });
		expect(erased.registrations[0]).toMatchObject({ fullName: null, email: null, phone: null, category: 'habitants' });
		expect((await list(recent)).registrations[0]).toMatchObject({ fullName: `Personne p-${recent}` });
		expect((await env.port().callRpc<{ purged: number }>('purge_registrations', { p_days: 90 }, SERVICE)).purged).toBe(
			0,
		);
	});

	it('limits one address to 30 registrations an hour (429 with Retry-After), nothing recorded beyond', async () => {
		const id = await env.meeting(100);
		const statuses: number[] = [];
		for (let i = 0; i < 32; i++) {
			statuses.push(
				(await postJson(`${env.url}/api/meetings/${id}/registrations`, person(`rl${i}`), '198.51.100.7')).status,
			);
		}
		expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
		expect(statuses.slice(30)).toStrictEqual([429, 429]);
		const limited = await postJson(`${env.url}/api/meetings/${id}/registrations`, person('rl-x'), '198.51.100.7');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await (await fetch(`${env.url}/api/meetings/${id}`)).json()).toMatchObject({ confirmed: 30 });
	});
});

const concurrencyTargets: [string, () => Promise<ContractTarget>][] = [['embedded PGlite', pgliteTarget]];
const real = realPostgresAvailability();
if (real.run) concurrencyTargets.push(['real PostgreSQL server, parallel connections', realPostgresTarget]);
else console.info(real.reason);

describe.each(concurrencyTargets)('100 simultaneous registrations for 25 seats, through HTTP (%s)', (_name, start) => {
	let env: Awaited<ReturnType<typeof startSite>>;
	beforeAll(async () => {
		env = await startSite(start);
	}, 60_000);
	afterAll(() => env?.stop());

	it('confirms exactly 25, waitlists 75 in order, loses nothing and errs on nothing', async () => {
		const id = await env.meeting(25);
		const responses = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				postJson(`${env.url}/api/meetings/${id}/registrations`, person(`c${i}`), `203.0.113.${i}`),
			),
		);
		expect(responses.map((r) => r.status).filter((s) => s !== 201)).toStrictEqual([]);
		const bodies = (await Promise.all(responses.map((r) => r.json()))) as { status: string; reference: string }[];
		expect(bodies.filter((b) => b.status === 'confirmed')).toHaveLength(25);
		expect(bodies.filter((b) => b.status === 'waitlisted')).toHaveLength(75);
		expect(new Set(bodies.map((b) => b.reference)).size).toBe(100);
		expect(await (await fetch(`${env.url}/api/meetings/${id}`)).json()).toStrictEqual({
			id,
			capacity: 25,
			confirmed: 25,
			waitlisted: 75,
			remaining: 0,
		});
	}, 60_000);
});
