import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config as decisionConfig } from '../../../../netlify/functions/admin-proposal-decision.mts';
import { config as recordSupportConfig } from '../../../../netlify/functions/admin-proposal-supports-record.mts';
import { config as queueConfig } from '../../../../netlify/functions/admin-proposals.mts';
import { config as exportConfig } from '../../../../netlify/functions/admin-proposals-export.mts';
import { config as recordProposalConfig } from '../../../../netlify/functions/admin-proposals-record.mts';
import { config as getConfig } from '../../../../netlify/functions/proposal.mts';
import { config as supportConfig } from '../../../../netlify/functions/proposal-supports.mts';
import { config as listConfig } from '../../../../netlify/functions/proposals-list.mts';
import { config as submitConfig } from '../../../../netlify/functions/proposals-submit.mts';
import { type ContractTarget, coordinatorClaims, otherUserClaims, TEST_JWT_SECRET } from '../../../test/db/contract.ts';
import { realPostgresAvailability } from '../../../test/db/postgres-server.ts';
import { pgliteTarget, realPostgresTarget } from '../../../test/db/targets.ts';
import { postJson, seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { PROPOSAL_STATUSES } from '../../domain/vocabulary.ts';
import { signToken, verifyToken } from '../auth/jwt.ts';
import type { MailTransport } from '../mail/mail-port.ts';
import type { Mail } from '../mail/messages.ts';
import {
	createDecision,
	createExportProposals,
	createGetProposal,
	createListProposals,
	createModerationQueue,
	createRecordProposal,
	createRecordSupport,
	createSubmitProposal,
	createSupport,
} from './proposals.ts';

const verify = (token: string) => verifyToken(token, TEST_JWT_SECRET);

function startSite(start: () => Promise<ContractTarget>) {
	const mails: Mail[] = [];
	const transport = (): MailTransport => ({ name: 'log', send: async (mail) => void mails.push(mail) });
	return startApiSite(start, (port) => [
		{ config: submitConfig, handler: createSubmitProposal(port) },
		{ config: listConfig, handler: createListProposals(port) },
		{ config: getConfig, handler: createGetProposal(port) },
		{ config: supportConfig, handler: createSupport(port, transport) },
		{ config: queueConfig, handler: createModerationQueue(port, verify) },
		{ config: decisionConfig, handler: createDecision(port, verify, transport) },
		{ config: recordProposalConfig, handler: createRecordProposal(port, verify) },
		{ config: recordSupportConfig, handler: createRecordSupport(port, verify) },
		{ config: exportConfig, handler: createExportProposals(port, verify) },
	]).then((site) => ({ ...site, mails }));
}

const proposal = {
	title: 'Une navette pour la maison de santé',
	description: 'Le mardi matin, pour les personnes âgées sans voiture des hameaux.',
	theme: 'autre',
	territoryId: 'nontronnais',
	communeCode: '24311',
	authorName: 'Auteur Privé',
	authorContact: 'auteur@example.fr',
	consent: true,
};

/** Every legal move, written here independently of the SQL table so that a change to either fails. */
const LEGAL = new Set([
	'pending>published',
	'pending>rejected',
	'pending>withdrawn',
	...[
		'under_study',
		'on_council_agenda',
		'accepted',
		'rejected',
		'already_exists',
		'out_of_scope',
		'withdrawn',
		'removed',
	].map((to) => `published>${to}`),
	...['on_council_agenda', 'accepted', 'rejected', 'already_exists', 'out_of_scope', 'withdrawn', 'removed'].map(
		(to) => `under_study>${to}`,
	),
	...['accepted', 'rejected', 'already_exists', 'out_of_scope', 'withdrawn', 'removed'].map(
		(to) => `on_council_agenda>${to}`,
	),
	'accepted>done',
	'accepted>removed',
	'rejected>removed',
	'already_exists>removed',
	'out_of_scope>removed',
	'done>removed',
]);
const STATUSES = Object.keys(PROPOSAL_STATUSES);
const PATH_TO: Record<string, string[]> = {
	pending: [],
	published: ['published'],
	under_study: ['published', 'under_study'],
	on_council_agenda: ['published', 'on_council_agenda'],
	accepted: ['published', 'accepted'],
	rejected: ['rejected'],
	already_exists: ['published', 'already_exists'],
	out_of_scope: ['published', 'out_of_scope'],
	done: ['published', 'accepted', 'done'],
	withdrawn: ['withdrawn'],
	removed: ['published', 'removed'],
};

describe('proposals over HTTP (embedded PGlite)', () => {
	let site: Awaited<ReturnType<typeof startSite>>;
	let coordinator: string;
	let otherUser: string;
	const submit = async (body: object = proposal) =>
		(
			(await (
				await postJson(
					`${site.url}/api/proposals`,
					body,
					`198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
				)
			).json()) as { id: number }
		).id;
	const decide = (id: number, status: string, token = coordinator, extra: object = {}) =>
		postJson(`${site.url}/api/admin/proposals/${id}/decision`, { status, reason: 'motif', ...extra }, '192.0.2.9', {
			Authorization: `Bearer ${token}`,
		});

	beforeAll(async () => {
		site = await startSite(pgliteTarget);
		await seedMeeting(site.port(), { capacity: 1 });
		coordinator = await signToken(coordinatorClaims, TEST_JWT_SECRET);
		otherUser = await signToken(otherUserClaims, TEST_JWT_SECRET);
	}, 60_000);
	afterAll(() => site?.stop());

	it('takes a proposal (201 pending) that stays invisible until the coordinator publishes it', async () => {
		const response = await postJson(`${site.url}/api/proposals`, proposal);
		expect(response.status).toBe(201);
		const { id, status } = (await response.json()) as { id: number; status: string };
		expect(status).toBe('pending');
		expect((await fetch(`${site.url}/api/proposals/${id}`)).status).toBe(404);
		const list = (await (await fetch(`${site.url}/api/proposals`)).json()) as { id: number }[];
		expect(list.map((p) => p.id)).not.toContain(id);
		expect((await decide(id, 'published', coordinator, { answer: 'Merci, nous l’étudions.' })).status).toBe(200);
		const published = (await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as Record<string, unknown>;
		expect(published).toMatchObject({ id, status: 'published', answer: 'Merci, nous l’étudions.', supports: 0 });
		expect(published.history).toMatchObject([{ from: 'pending', to: 'published', by: 'coordinator' }]);
		expect(JSON.stringify(published)).not.toMatch(/Auteur Privé|auteur@example/);
	});

	it('answers a plain form post with a 303 to the thank-you page', async () => {
		const form = new URLSearchParams({ ...proposal, consent: 'on', website: '', authorContact: '05 53 00 00 00' });
		const response = await fetch(`${site.url}/api/proposals`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form,
			redirect: 'manual',
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/propositions\/merci\/\?numero=\d+$/);
		form.set('title', '');
		const refused = await fetch(`${site.url}/api/proposals`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: form,
		});
		expect(refused.status).toBe(400);
		expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
		const page = await refused.text();
		expect(page).toContain('Votre proposition n’est pas encore envoyée');
		expect(page).toContain('Donnez un titre à votre proposition');
		expect(page).toContain('href="/propositions/nouvelle/"');
	});

	it.each([
		[{ title: 'ab' }, { title: 'Donnez un titre à votre proposition (3 caractères au moins).' }],
		[{ description: 'x'.repeat(2001) }, { description: 'La description ne peut pas dépasser 2 000 caractères.' }],
		[
			{ description: 'Voir http://a.fr http://b.fr http://c.fr pour les détails.' },
			{ description: 'Pas plus de 2 liens internet, s’il vous plaît.' },
		],
		[{ theme: 'sport' }, { theme: 'Choisissez un thème.' }],
		[
			{ consent: false },
			{ consent: 'Cochez la case pour que nous puissions utiliser vos coordonnées pour vous répondre.' },
		],
		[{ territoryId: 'atlantide' }, { territoryId: 'Ce territoire n’existe pas.' }],
		[{ elapsedMs: 500 }, { form: 'Le formulaire a été envoyé trop vite. Relisez-le puis renvoyez-le.' }],
	])('refuses %o with 400 and a French message on the field', async (change, fields) => {
		const response = await postJson(`${site.url}/api/proposals`, { ...proposal, ...change });
		expect(response.status).toBe(400);
		expect(((await response.json()) as { error: { fields: object } }).error.fields).toStrictEqual(fields);
	});

	it('counts one support per person: 201 then 200 with the count unchanged; 404 before publication', async () => {
		const id = await submit();
		const support = (contact: string) =>
			postJson(`${site.url}/api/proposals/${id}/supports`, { fullName: 'Soutien', contact }, '192.0.2.44');
		expect((await support('s@example.fr')).status).toBe(404);
		await decide(id, 'published');
		const first = await support('s@example.fr');
		expect([first.status, await first.json()]).toStrictEqual([201, { supports: 1, status: 'published' }]);
		const again = await support(' S@Example.fr ');
		expect([again.status, await again.json()]).toStrictEqual([200, { supports: 1, status: 'published' }]);
		expect((await support('05 53 11 22 33')).status).toBe(201);
		await decide(id, 'accepted');
		expect((await support('late@example.fr')).status).toBe(409);
	});

	it('tells the author and each supporter once per status change, never once per support', async () => {
		const id = await submit();
		site.mails.length = 0;
		await decide(id, 'published', coordinator, { answer: 'Nous regardons cela.' });
		expect(site.mails.map((m) => [m.to, m.subject])).toStrictEqual([
			['auteur@example.fr', 'Votre proposition : Publiée'],
		]);
		expect(site.mails[0]?.text).toContain('Réponse du Pays de Santé :\nNous regardons cela.');
		for (const contact of ['un@example.fr', 'deux@example.fr', '05 53 00 00 07']) {
			await postJson(`${site.url}/api/proposals/${id}/supports`, { fullName: 'Soutien', contact }, '192.0.2.77');
		}
		expect(site.mails).toHaveLength(1);
		site.mails.length = 0;
		await decide(id, 'under_study');
		expect(site.mails.map((m) => [m.to, m.subject]).sort()).toStrictEqual([
			['auteur@example.fr', 'Votre proposition : À l’étude'],
			['deux@example.fr', 'Une proposition que vous soutenez : À l’étude'],
			['un@example.fr', 'Une proposition que vous soutenez : À l’étude'],
		]);
	});

	it('filters and sorts the public list, and refuses an unknown filter with 400', async () => {
		const a = await submit({ ...proposal, theme: 'medico-social' });
		await decide(a, 'published');
		const list = (await (await fetch(`${site.url}/api/proposals?theme=medico-social&sort=supports`)).json()) as {
			id: number;
			theme: string;
		}[];
		expect(list.map((p) => p.id)).toContain(a);
		expect(new Set(list.map((p) => p.theme))).toStrictEqual(new Set(['medico-social']));
		for (const query of ['theme=sport', 'status=pending', 'sort=alphabet', 'territory=%27%3B']) {
			const response = await fetch(`${site.url}/api/proposals?${query}`);
			expect(response.status, query).toBe(400);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_filter');
		}
	});

	it('protects the coordinator endpoints: 401 without a token, 403 for another user', async () => {
		const id = await submit();
		for (const token of [undefined, otherUser]) {
			const headers = token ? { Authorization: `Bearer ${token}` } : {};
			const queue = await fetch(`${site.url}/api/admin/proposals?status=pending`, { headers });
			const decision = await postJson(
				`${site.url}/api/admin/proposals/${id}/decision`,
				{ status: 'published' },
				'192.0.2.9',
				headers,
			);
			expect([queue.status, decision.status]).toStrictEqual(token ? [403, 403] : [401, 401]);
		}
		const queue = (await (
			await fetch(`${site.url}/api/admin/proposals?status=pending`, {
				headers: { Authorization: `Bearer ${coordinator}` },
			})
		).json()) as { id: number; authorEmail: string }[];
		expect(queue.find((p) => p.id === id)?.authorEmail).toBe('auteur@example.fr');
		const noReason = await decide(id, 'rejected', coordinator, { reason: '' });
		expect(noReason.status).toBe(400);
	});

	it('lets only the coordinator enter paper or phone proposals and supports, and export every proposal as CSV', async () => {
		const auth = (token?: string) => (token ? { Authorization: `Bearer ${token}` } : {});
		const paper = { ...proposal, title: 'Reçue sur papier', channel: 'paper' };
		for (const [token, status] of [
			[undefined, 401],
			[otherUser, 403],
		] as const) {
			expect((await postJson(`${site.url}/api/admin/proposals`, paper, '192.0.2.9', auth(token))).status).toBe(status);
			expect((await fetch(`${site.url}/api/admin/proposals.csv`, { headers: auth(token) })).status).toBe(status);
		}
		const created = await postJson(`${site.url}/api/admin/proposals`, paper, '192.0.2.9', auth(coordinator));
		expect(created.status).toBe(201);
		const { id } = (await created.json()) as { id: number };
		await decide(id, 'published');
		const supportUrl = `${site.url}/api/admin/proposals/${id}/supports`;
		const phone = { fullName: 'Par Téléphone', contact: '05 53 44 55 66', channel: 'phone' };
		expect((await postJson(supportUrl, phone, '192.0.2.9', auth(otherUser))).status).toBe(403);
		expect((await postJson(supportUrl, phone, '192.0.2.9', auth(coordinator))).status).toBe(201);
		expect((await postJson(supportUrl, { ...phone, channel: 'pigeon' }, '192.0.2.9', auth(coordinator))).status).toBe(
			400,
		);
		const bytes = Buffer.from(
			await (await fetch(`${site.url}/api/admin/proposals.csv`, { headers: auth(coordinator) })).arrayBuffer(),
		);
		expect([...bytes.subarray(0, 3)]).toStrictEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark for spreadsheets
		const csv = bytes.subarray(3).toString('utf8');
		expect(csv.split('\r\n')[0]).toBe(
			'Numéro;Titre;Thème;Territoire;Commune;Statut;Motif;Réponse;Soutiens;Auteur;Courriel;Téléphone;Canal;Reçue le;Publiée le',
		);
		expect(csv).toMatch(
			new RegExp(
				`\\r\\n${id};Reçue sur papier;Autre sujet;nontronnais;24311;Publiée;motif;;1;Auteur Privé;auteur@example\\.fr;;paper;`,
			),
		);
	});

	it.each(STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to])))(
		'moves %s → %s only if the lifecycle allows it',
		async (from, to) => {
			const id = await submit();
			for (const step of PATH_TO[from]!) expect((await decide(id, step)).status).toBe(200);
			const response = await decide(id, to);
			const legal = LEGAL.has(`${from}>${to}`);
			expect(response.status).toBe(legal ? 200 : 400);
			if (!legal)
				expect(((await response.json()) as { error: { code: string } }).error.code).toBe('illegal_transition');
		},
	);
});

const targets: [string, () => Promise<ContractTarget>][] = [['embedded PGlite', pgliteTarget]];
const real = realPostgresAvailability();
if (real.run) targets.push(['real PostgreSQL server, parallel connections', realPostgresTarget]);

describe.each(targets)('200 simultaneous supports from 150 people (%s)', (_name, start) => {
	let site: Awaited<ReturnType<typeof startSite>>;
	beforeAll(async () => {
		site = await startSite(start);
		await seedMeeting(site.port(), { capacity: 1 });
	}, 60_000);
	afterAll(() => site?.stop());

	it('counts exactly 150 and puts the proposal on the council agenda exactly once', async () => {
		const coordinator = await signToken(coordinatorClaims, TEST_JWT_SECRET);
		const { id } = (await (await postJson(`${site.url}/api/proposals`, proposal)).json()) as { id: number };
		await postJson(`${site.url}/api/admin/proposals/${id}/decision`, { status: 'published' }, '192.0.2.9', {
			Authorization: `Bearer ${coordinator}`,
		});
		const responses = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				postJson(
					`${site.url}/api/proposals/${id}/supports`,
					{ fullName: `Personne ${i % 150}`, contact: `p${i % 150}@example.fr` },
					`203.0.113.${i % 250}`,
				),
			),
		);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 201)).toHaveLength(150);
		expect(statuses.filter((s) => s === 200)).toHaveLength(50);
		const published = (await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as {
			supports: number;
			status: string;
			history: { to: string; by: string }[];
		};
		expect(published.supports).toBe(150);
		expect(published.status).toBe('on_council_agenda');
		expect(published.history.filter((e) => e.to === 'on_council_agenda')).toStrictEqual([
			expect.objectContaining({ by: 'system' }),
		]);
	}, 60_000);
});
