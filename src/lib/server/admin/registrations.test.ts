import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as listConfig } from '../../../../netlify/functions/admin-meeting-registrations.mts';
import { config as recordConfig } from '../../../../netlify/functions/admin-record-registration.mts';
import { coordinatorClaims, otherUserClaims, TEST_JWT_SECRET } from '../../../test/db/contract.ts';
import { pgliteTarget } from '../../../test/db/targets.ts';
import { seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { signToken, verifyToken } from '../auth/jwt.ts';
import { ANON, SERVICE } from '../db/port.ts';
import { createListRegistrations, createRecordRegistration, registrationsCsv } from './registrations.ts';

const verify = (token: string) => verifyToken(token, TEST_JWT_SECRET);

describe('coordinator registrations API', () => {
	let site: Awaited<ReturnType<typeof startApiSite>>;
	let coordinator: string;
	let otherUser: string;

	beforeAll(async () => {
		site = await startApiSite(pgliteTarget, (port) => [
			{ config: listConfig, handler: createListRegistrations(port, verify) },
			{ config: recordConfig, handler: createRecordRegistration(port, verify) },
		]);
		coordinator = await signToken(coordinatorClaims, TEST_JWT_SECRET);
		otherUser = await signToken(otherUserClaims, TEST_JWT_SECRET);
		await seedMeeting(site.port(), { id: 'admin', capacity: 10 });
		await site
			.port()
			.callRpc('import_access_data', { p_communes: [{ code: '24311', name: 'Nontron', department: '24' }] }, SERVICE);
		await site.port().callRpc(
			'register_for_meeting',
			{
				p_meeting_id: 'admin',
				p_full_name: '=HYPERLINK("http://x")',
				p_category: 'habitants',
				p_email: 'tableur@example.fr',
				p_commune_code: '24311',
				p_needs: 'Transport depuis Teyjat',
				p_consent: true,
			},
			ANON,
		);
	}, 60_000);

	afterAll(() => site?.stop());

	const get = (path: string, token?: string) =>
		fetch(`${site.url}${path}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

	it.each(['/api/admin/meetings/admin/registrations', '/api/admin/meetings/admin/registrations.csv'])(
		'%s: 401 without or with a forged token, 403 for a user who is not the coordinator',
		async (path) => {
			expect((await get(path)).status).toBe(401);
			const forged = await signToken(coordinatorClaims, 'another-secret-of-at-least-32-characters!!');
			expect((await get(path, forged)).status).toBe(401);
			const denied = await get(path, otherUser);
			expect(denied.status).toBe(403);
			expect(await denied.json()).toStrictEqual({
				error: { code: 'forbidden', message: 'Cet espace est réservé à la coordination.' },
			});
		},
	);

	it('gives the coordinator the list with counts by category', async () => {
		const response = await get('/api/admin/meetings/admin/registrations', coordinator);
		expect(response.status).toBe(200);
		const body = (await response.json()) as { counts: object; byCategory: object; registrations: { email: string }[] };
		expect(body.counts).toStrictEqual({ confirmed: 1 });
		expect(body.byCategory).toStrictEqual({ habitants: 1 });
		expect(body.registrations.map((r) => r.email)).toStrictEqual(['tableur@example.fr']);
	});

	it('exports a CSV for spreadsheets, with formulas neutralised', async () => {
		const response = await get('/api/admin/meetings/admin/registrations.csv', coordinator);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="inscriptions-admin.csv"');
		const text = await response.text();
		const [header, row] = text.replace(/^\ufeff/, '').split('\r\n');
		expect(header).toBe(
			'Référence;Statut;Nom;Commune;Code commune (INSEE);Courriel;Téléphone;Catégorie;Besoin;Canal;Inscription le;Statut depuis le',
		);
		expect(row).toMatch(
			/^[A-HJKMNP-Z2-9]{6};confirmée;"'=HYPERLINK\(""http:\/\/x""\)";Nontron;24311;tableur@example\.fr;;Habitant·e;Transport depuis Teyjat;en ligne;[a-z]+ \d{1,2} [a-zéû]+ \d{4} à \d{2} h \d{2};[a-z]+ \d{1,2} [a-zéû]+ \d{4} à \d{2} h \d{2}$/,
		);
		// No UTC timestamp, no stored English value, no INSEE code without its name.
		expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|;(web|phone|paper|confirmed|waitlisted|cancelled|habitants);/);
	});

	it('records a registration taken by phone (201), refuses bad input (400) and non-coordinators (401/403)', async () => {
		const post = (body: unknown, token?: string) =>
			fetch(`${site.url}/api/admin/meetings/admin/registrations`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
				body: JSON.stringify(body),
			});
		const entry = { fullName: 'Par Téléphone', channel: 'phone', category: 'elus', phone: '05 53 00 00 09' };
		expect((await post(entry)).status).toBe(401);
		expect((await post(entry, otherUser)).status).toBe(403);
		const fieldsOf = async (response: Response) => {
			expect(response.status).toBe(400);
			return ((await response.json()) as { error: { fields: object } }).error.fields;
		};
		expect(await fieldsOf(await post({ ...entry, channel: 'pigeon' }, coordinator))).toStrictEqual({
			channel: 'Indiquez si l’inscription vient du téléphone ou d’un formulaire papier.',
		});
		expect(await fieldsOf(await post({ ...entry, phone: undefined }, coordinator))).toStrictEqual({
			phone: 'Indiquez un numéro de téléphone ou une adresse électronique.',
		});
		const created = await post(entry, coordinator);
		expect(created.status).toBe(201);
		const list = (await (await get('/api/admin/meetings/admin/registrations', coordinator)).json()) as {
			registrations: { fullName: string; channel: string }[];
		};
		expect(list.registrations.map((r) => [r.fullName, r.channel])).toContainEqual(['Par Téléphone', 'phone']);
	});

	it('writes an empty export with its header when nobody is registered', () => {
		expect(registrationsCsv([]).split('\r\n')[0]).toBe(
			'\ufeffRéférence;Statut;Nom;Commune;Code commune (INSEE);Courriel;Téléphone;Catégorie;Besoin;Canal;Inscription le;Statut depuis le',
		);
	});
});
