import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otherUserClaims } from '../../../test/db/contract.ts';
import { pgliteTarget } from '../../../test/db/targets.ts';
import { startApiSite } from '../../../test/http/api-site.ts';
import { withAdminForms } from '../admin/forms.ts';
import {
	createCoordinatorCancel,
	createCoordinatorConfirm,
	createCoordinatorUpdateContact,
} from '../admin/lifecycle.ts';
import { createListRegistrations, createRecordRegistration } from '../admin/registrations.ts';
import { ANON } from '../db/port.ts';
import { readEnv } from '../env.ts';
import {
	createDecision,
	createExportProposals,
	createModerationQueue,
	createRecordProposal,
	createRecordSupport,
} from '../proposals/proposals.ts';
import { jwtSecret } from './caller.ts';
import { signToken } from './jwt.ts';
import { csrfToken, SESSION_COOKIE } from './session.ts';
import { createSignIn, createSignOut, LOCAL_COORDINATOR, weakPasswordReason } from './sign-in.ts';

const PASSWORD = 'une phrase de passe assez longue';
const FUNCTIONS = join(import.meta.dirname, '../../../../netlify/functions');

let site: Awaited<ReturnType<typeof startApiSite>>;
let meetingId = '';
/** A registration of that meeting, for the per-registration endpoints. */
let reference = '';
let passwordSetting: string | undefined = PASSWORD;

beforeAll(async () => {
	site = await startApiSite(pgliteTarget, (port) => [
		{
			config: { path: '/api/admin/session', method: 'POST' },
			handler: createSignIn(port, () => ({ ...readEnv(), COORDINATOR_PASSWORD: passwordSetting })),
		},
		{ config: { path: '/api/admin/session/logout', method: 'POST' }, handler: createSignOut() },
		{ config: { path: '/api/admin/proposals', method: 'GET' }, handler: createModerationQueue(port) },
		{ config: { path: '/api/admin/proposals', method: 'POST' }, handler: withAdminForms(createRecordProposal(port)) },
		{
			config: { path: '/api/admin/proposals/:proposalId/decision', method: 'POST' },
			handler: withAdminForms(createDecision(port)),
		},
		{
			config: { path: '/api/admin/proposals/:proposalId/supports', method: 'POST' },
			handler: withAdminForms(createRecordSupport(port)),
		},
		{ config: { path: '/api/admin/proposals.csv', method: 'GET' }, handler: createExportProposals(port) },
		{
			config: {
				path: ['/api/admin/meetings/:meetingId/registrations', '/api/admin/meetings/:meetingId/registrations.csv'],
				method: 'GET',
			},
			handler: createListRegistrations(port),
		},
		{
			config: { path: '/api/admin/meetings/:meetingId/registrations', method: 'POST' },
			handler: withAdminForms(createRecordRegistration(port)),
		},
		{
			config: { path: '/api/admin/meetings/:meetingId/registrations/:reference/cancel', method: 'POST' },
			handler: withAdminForms(createCoordinatorCancel(port)),
		},
		{
			config: { path: '/api/admin/meetings/:meetingId/registrations/:reference/confirm', method: 'POST' },
			handler: withAdminForms(createCoordinatorConfirm(port)),
		},
		{
			config: { path: '/api/admin/meetings/:meetingId/registrations/:reference/contact', method: 'POST' },
			handler: withAdminForms(createCoordinatorUpdateContact(port)),
		},
	]);
	meetingId = await site.meeting(30);
	reference = (
		await site.port().callRpc<{ reference: string }>(
			'register_for_meeting',
			{
				p_meeting_id: meetingId,
				p_full_name: 'Inscrite Web',
				p_category: 'habitants',
				p_phone: '05 53 00 00 03',
				p_consent: true,
			},
			ANON,
		)
	).reference;
}, 60_000);

afterAll(async () => {
	await site?.stop();
});

const secret = () => jwtSecret() ?? '';
const coordinatorToken = () => signToken(LOCAL_COORDINATOR, secret());

/** Every admin endpoint, with a request that would succeed for the coordinator. */
const ENDPOINTS = () => [
	{ method: 'GET', path: '/api/admin/proposals?status=pending' },
	{
		method: 'POST',
		path: '/api/admin/proposals',
		body: {
			title: 'Saisie',
			description: 'Une proposition reçue par courrier.',
			theme: 'autre',
			territoryId: 'nontronnais',
			channel: 'paper',
		},
	},
	{ method: 'POST', path: '/api/admin/proposals/1/decision', body: { status: 'published' } },
	{
		method: 'POST',
		path: '/api/admin/proposals/1/supports',
		body: { fullName: 'Paul Martin', contact: '05 53 00 00 01', channel: 'phone' },
	},
	{ method: 'GET', path: '/api/admin/proposals.csv' },
	{ method: 'GET', path: `/api/admin/meetings/${meetingId}/registrations` },
	{ method: 'GET', path: `/api/admin/meetings/${meetingId}/registrations.csv` },
	{
		method: 'POST',
		path: `/api/admin/meetings/${meetingId}/registrations`,
		body: { fullName: 'Jeanne Roux', channel: 'phone', category: 'habitants', phone: '05 53 00 00 02' },
	},
	{
		method: 'POST',
		path: `/api/admin/meetings/${meetingId}/registrations/${reference}/contact`,
		body: { fullName: 'Inscrite Corrigée', phone: '05 53 00 00 03' },
	},
	{ method: 'POST', path: `/api/admin/meetings/${meetingId}/registrations/${reference}/confirm` },
	{ method: 'POST', path: `/api/admin/meetings/${meetingId}/registrations/${reference}/cancel` },
];

function send(endpoint: { method: string; path: string; body?: object }, headers: Record<string, string> = {}) {
	return fetch(`${site.url}${endpoint.path}`, {
		method: endpoint.method,
		headers: { ...(endpoint.body ? { 'Content-Type': 'application/json' } : {}), ...headers },
		...(endpoint.body ? { body: JSON.stringify(endpoint.body) } : {}),
	});
}

describe('access to the coordinator endpoints', () => {
	it('covers every admin function of netlify/functions', () => {
		const paths = readdirSync(FUNCTIONS)
			.filter((file) => file.startsWith('admin-') && !file.startsWith('admin-session'))
			.flatMap((file) => [...readFileSync(join(FUNCTIONS, file), 'utf8').matchAll(/'(\/api\/admin\/[^']+)'/g)])
			.map((match) => (match[1] ?? '').replace(/:[A-Za-z]+/g, 'X'));
		const tested = new Set(
			ENDPOINTS().map((e) =>
				e.path.split('?')[0]?.replace(meetingId, 'X').replace(`/${reference}/`, '/X/').replace(/\/1\//, '/X/'),
			),
		);
		expect(paths.length).toBeGreaterThanOrEqual(7);
		for (const path of paths) expect(tested, path).toContain(path);
	});

	it('answers 401 with the French error shape without a token, and with a forged or expired one', async () => {
		const forged = await signToken(LOCAL_COORDINATOR, 'an-attacker-secret-that-is-long-enough-xx');
		const expired = await signToken(LOCAL_COORDINATOR, secret(), -10);
		for (const endpoint of ENDPOINTS()) {
			for (const headers of [{}, { Authorization: `Bearer ${forged}` }, { Cookie: `${SESSION_COOKIE}=${expired}` }]) {
				const response = await send(endpoint, headers);
				expect(response.status, `${endpoint.method} ${endpoint.path}`).toBe(401);
				expect(await response.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
			}
		}
	});

	it('answers 403 to a signed-in user who is not the coordinator', async () => {
		const token = await signToken(otherUserClaims, secret());
		for (const endpoint of ENDPOINTS()) {
			const response = await send(endpoint, { Authorization: `Bearer ${token}` });
			expect(response.status, `${endpoint.method} ${endpoint.path}`).toBe(403);
			expect((await response.json()).error.code).toBe('forbidden');
		}
	});

	it('refuses a cookie-authenticated write without the CSRF token or from another origin (403), and nothing is written', async () => {
		const token = await coordinatorToken();
		const cookie = `${SESSION_COOKIE}=${token}`;
		const writes = ENDPOINTS().filter((e) => e.method === 'POST');
		const before = await (
			await send(ENDPOINTS()[0] ?? { method: 'GET', path: '' }, { Authorization: `Bearer ${token}` })
		).json();
		for (const endpoint of writes) {
			for (const headers of [
				{ Cookie: cookie },
				{ Cookie: cookie, 'X-CSRF-Token': 'not-the-token' },
				{ Cookie: cookie, 'X-CSRF-Token': csrfToken(token, secret()), Origin: 'https://evil.example' },
				{ Cookie: cookie, 'X-CSRF-Token': csrfToken(token, secret()), 'Sec-Fetch-Site': 'cross-site' },
			]) {
				const response = await send(endpoint, headers);
				expect(response.status, `${endpoint.path} ${JSON.stringify(Object.keys(headers))}`).toBe(403);
				expect((await response.json()).error.code).toBe('csrf_failed');
			}
		}
		const after = await (
			await send(ENDPOINTS()[0] ?? { method: 'GET', path: '' }, { Authorization: `Bearer ${token}` })
		).json();
		expect(after).toStrictEqual(before);
	});

	it('lets the coordinator in with a bearer token, or with the cookie plus the CSRF token from this origin', async () => {
		const token = await coordinatorToken();
		for (const endpoint of ENDPOINTS().filter((e) => e.method === 'GET')) {
			const response = await send(endpoint, { Cookie: `${SESSION_COOKIE}=${token}` });
			expect(response.status, endpoint.path).toBe(200);
		}
		const record = ENDPOINTS()[1] ?? { method: 'POST', path: '' };
		const response = await send(record, {
			Cookie: `${SESSION_COOKIE}=${token}`,
			'X-CSRF-Token': csrfToken(token, secret()),
			Origin: site.url,
		});
		expect(response.status).toBe(201);
	});

	it('takes a plain form from the workspace: 303 back to the page; a refusal is a French page with what to correct', async () => {
		const token = await coordinatorToken();
		const form = (fields: Record<string, string>) =>
			fetch(`${site.url}/api/admin/meetings/${meetingId}/registrations?retour=/admin/reunions/${meetingId}/`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Cookie: `${SESSION_COOKIE}=${token}`,
					Origin: site.url,
				},
				body: new URLSearchParams({ _csrf: csrfToken(token, secret()), ...fields }).toString(),
			});
		const ok = await form({
			fullName: 'Louise Papier',
			channel: 'paper',
			category: 'elus',
			phone: '05 53 11 22 33',
			email: '',
		});
		expect(ok.status).toBe(303);
		expect(ok.headers.get('location')).toBe(`/admin/reunions/${meetingId}/?fait=1`);
		const refused = await form({ fullName: 'L', channel: 'fax', category: 'habitants' });
		expect(refused.status).toBe(400);
		const html = await refused.text();
		expect(html).toContain('Indiquez si l’inscription vient du téléphone ou d’un formulaire papier.');
		expect(html).toContain(`href="/admin/reunions/${meetingId}/"`);
		// A return address outside the workspace is ignored.
		const elsewhere = await fetch(
			`${site.url}/api/admin/meetings/${meetingId}/registrations?retour=https://evil.example/`,
			{
				method: 'POST',
				redirect: 'manual',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `${SESSION_COOKIE}=${token}` },
				body: new URLSearchParams({
					_csrf: csrfToken(token, secret()),
					fullName: 'Marc Papier',
					channel: 'paper',
					category: 'elus',
					phone: '05 53 11 22 34',
				}).toString(),
			},
		);
		expect(elsewhere.headers.get('location')).toBe('/admin/?fait=1');
	});
});

describe('signing in to the workspace (embedded default)', () => {
	const signIn = (body: object, ip: string, form = false) =>
		fetch(`${site.url}/api/admin/session`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json',
				'x-nf-client-connection-ip': ip,
			},
			body: form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
		});

	it('issues a coordinator token and an HttpOnly, Secure, SameSite=Strict session cookie', async () => {
		const response = await signIn({ password: PASSWORD }, '198.51.100.1');
		expect(response.status).toBe(200);
		const body = (await response.json()) as { token: string; expiresAt: string };
		const cookie = response.headers.get('set-cookie') ?? '';
		expect(cookie).toMatch(
			new RegExp(
				`^${SESSION_COOKIE}=${body.token.replace(/\./g, '\\.')}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=28[0-9]{3}$`,
			),
		);
		expect(new Date(body.expiresAt).getTime() - Date.now()).toBeGreaterThan(7.9 * 3600_000);
		const queue = await fetch(`${site.url}/api/admin/proposals`, {
			headers: { Authorization: `Bearer ${body.token}` },
		});
		expect(queue.status).toBe(200);
	});

	it('refuses a wrong or missing password in French, and a form gets a page, never the token', async () => {
		const wrong = await signIn({ password: 'pas le bon mot de passe' }, '198.51.100.2');
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toStrictEqual({ error: { code: 'sign_in_failed', message: 'Mot de passe incorrect.' } });
		expect(wrong.headers.get('set-cookie')).toBeNull();
		const missing = await signIn({}, '198.51.100.2');
		expect(missing.status).toBe(400);
		expect((await missing.json()).error.fields).toStrictEqual({ password: 'Indiquez le mot de passe.' });
		const page = await signIn({ password: 'faux' }, '198.51.100.2', true);
		expect(page.status).toBe(401);
		expect(page.headers.get('content-type')).toContain('text/html');
		expect(await page.text()).toContain('Mot de passe incorrect.');
	});

	it('answers a form sign-in with a 303 to the workspace and the cookie; sign-out clears it', async () => {
		const response = await signIn({ password: PASSWORD }, '198.51.100.3', true);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/admin/');
		expect(response.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=ey`);
		const out = await fetch(`${site.url}/api/admin/session/logout`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: '',
		});
		expect(out.status).toBe(303);
		expect(out.headers.get('set-cookie')).toBe(
			`${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`,
		);
	});

	it('rate-limits attempts in SQL: the 11th within 15 minutes from one address gets 429, even with the right password', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 11; i++)
			statuses.push((await signIn({ password: i < 10 ? 'faux' : PASSWORD }, '203.0.113.9')).status);
		expect(statuses.slice(0, 10)).toStrictEqual(Array(10).fill(401));
		expect(statuses[10]).toBe(429);
		expect((await signIn({ password: PASSWORD }, '203.0.113.10')).status).toBe(200);
	});

	it('stays closed (503, French) while COORDINATOR_PASSWORD is unset or weak', async () => {
		for (const setting of [undefined, 'court', 'aaaaaaaaaaaaaaaa', 'motdepasse123']) {
			passwordSetting = setting;
			const response = await signIn({ password: setting ?? 'x' }, '198.51.100.4');
			expect(response.status, String(setting)).toBe(503);
			expect((await response.json()).error.code).toBe('admin_disabled');
			expect(weakPasswordReason(setting)).toEqual(expect.stringContaining('COORDINATOR_PASSWORD'));
		}
		passwordSetting = PASSWORD;
		expect(weakPasswordReason(PASSWORD)).toBeNull();
	});
});
