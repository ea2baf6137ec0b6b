import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { config as decisionConfig } from '../../../../netlify/functions/admin-proposal-decision.mts';
import { config as recordSupportConfig } from '../../../../netlify/functions/admin-proposal-supports-record.mts';
import { config as queueConfig } from '../../../../netlify/functions/admin-proposals.mts';
import { config as exportConfig } from '../../../../netlify/functions/admin-proposals-export.mts';
import { config as recordProposalConfig } from '../../../../netlify/functions/admin-proposals-record.mts';
import { config as getConfig } from '../../../../netlify/functions/proposal.mts';
import { config as confirmConfig } from '../../../../netlify/functions/proposal-support-confirm.mts';
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
	createConfirmSupport,
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
		{ config: confirmConfig, handler: createConfirmSupport(port, transport) },
		{ config: queueConfig, handler: createModerationQueue(port, verify) },
		{ config: decisionConfig, handler: createDecision(port, verify, transport) },
		{ config: recordProposalConfig, handler: createRecordProposal(port, verify) },
		{ config: recordSupportConfig, handler: createRecordSupport(port, verify, transport) },
		{ config: exportConfig, handler: createExportProposals(port, verify) },
	]).then((site) => ({ ...site, mails }));
}

type Site = Awaited<ReturnType<typeof startSite>>;

/** The confirmation links mailed to `to` so far (sent after the answer: waits for at least one). */
async function confirmationTokens(site: Site, to: string): Promise<string[]> {
	const tokens = () =>
		site.mails
			.filter((mail) => mail.to === to && mail.subject.startsWith('Confirmez votre soutien'))
			.map((mail) => /\/propositions\/soutien\/confirmer\/\?jeton=([0-9a-f]{64})/.exec(mail.text)?.[1] ?? '');
	await vi.waitFor(() => expect(tokens().length).toBeGreaterThan(0), { timeout: 10_000 });
	return tokens();
}

/** Follows a confirmation link as the page's button does (JSON here). */
const confirmSupport = (site: Site, token: string, ip = '192.0.2.50') =>
	postJson(`${site.url}/api/supports/confirm`, { token }, ip);

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

	it('keeps a removed proposal at its address with the reason, but never its text again, nor in the list', async () => {
		const id = await submit({
			...proposal,
			title: 'Un texte à retirer',
			description: 'Un texte qui enfreint les règles.',
		});
		await decide(id, 'published', coordinator, { answer: 'Réponse publiée.' });
		expect((await decide(id, 'removed', coordinator, { reason: 'Données de santé' })).status).toBe(200);
		const removed = (await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as Record<string, unknown>;
		expect(removed).toMatchObject({
			id,
			status: 'removed',
			statusReason: 'Données de santé',
			title: null,
			description: null,
		});
		expect(JSON.stringify(removed)).not.toMatch(/texte à retirer|enfreint|Réponse publiée/);
		const list = (await (await fetch(`${site.url}/api/proposals`)).json()) as { id: number }[];
		expect(list.map((p) => p.id)).not.toContain(id);
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

	it('takes a web support as waiting for its email confirmation: 201, then 200 with the counts unchanged', async () => {
		const id = await submit();
		const support = (contact: string) =>
			postJson(`${site.url}/api/proposals/${id}/supports`, { fullName: 'Soutien', contact }, '192.0.2.44');
		expect((await support('s@example.fr')).status).toBe(404);
		await decide(id, 'published');
		const waiting = { supports: 0, pendingSupports: 1, status: 'published', awaitingConfirmation: true };
		const first = await support('s@example.fr');
		expect([first.status, await first.json()]).toStrictEqual([201, waiting]);
		const again = await support(' S@Example.fr ');
		expect([again.status, await again.json()]).toStrictEqual([200, waiting]);
		// A repeat minutes later sends no second link: the one just mailed keeps working.
		const [token, ...more] = await confirmationTokens(site, 's@example.fr');
		expect(more).toStrictEqual([]);
		const mail = site.mails.find((m) => m.to === 's@example.fr');
		expect(mail?.subject).toBe('Confirmez votre soutien : Une navette pour la maison de santé');
		expect(mail?.text).toMatch(/Le lien est valable 7 jours, jusqu’au [a-z]+ \d{1,2} [a-zéû]+ \d{4} à \d{2} h \d{2}\./);
		expect(mail?.text).toContain(`/propositions/${id}/`);

		const confirmed = await confirmSupport(site, token!);
		const counted = { proposalId: id, supports: 1, pendingSupports: 0, status: 'published' };
		expect([confirmed.status, await confirmed.json()]).toStrictEqual([
			200,
			{ confirmed: true, alreadyConfirmed: false, ...counted },
		]);
		// The same link again, and the same person again: counted once.
		const twice = await confirmSupport(site, token!);
		expect([twice.status, await twice.json()]).toStrictEqual([
			200,
			{ confirmed: true, alreadyConfirmed: true, ...counted },
		]);
		const repeat = await support('s@example.fr');
		expect([repeat.status, await repeat.json()]).toStrictEqual([
			200,
			{ supports: 1, pendingSupports: 0, status: 'published', awaitingConfirmation: false },
		]);
		const published = (await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as Record<string, unknown>;
		expect(published).toMatchObject({ supports: 1, pendingSupports: 0, supportThreshold: 20 });

		// A phone number cannot be confirmed by mail: the web asks for an email, the coordinator takes phones.
		const phone = await support('05 53 11 22 33');
		expect(phone.status).toBe(400);
		expect(((await phone.json()) as { error: { fields: Record<string, string> } }).error.fields.contact).toMatch(
			/^Indiquez une adresse électronique valide.*la conseillère peut enregistrer votre soutien par téléphone\.$/,
		);
		await decide(id, 'accepted');
		expect((await support('late@example.fr')).status).toBe(409);
	});

	it('answers a plain support form with a 303 to the proposal, and a confirmation form with a 303 to the result page', async () => {
		const id = await submit();
		await decide(id, 'published');
		const post = (path: string, body: Record<string, string>) =>
			fetch(`${site.url}${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'x-nf-client-connection-ip': '192.0.2.45' },
				body: new URLSearchParams(body),
				redirect: 'manual',
			});
		const supportForm = { fullName: 'Voisine', contact: 'voisine@example.fr', website: '' };
		const first = await post(`/api/proposals/${id}/supports`, supportForm);
		expect([first.status, first.headers.get('location')]).toStrictEqual([
			303,
			`/propositions/${id}/?soutien=envoye#soutenir`,
		]);
		const again = await post(`/api/proposals/${id}/supports`, supportForm);
		expect(again.headers.get('location')).toBe(`/propositions/${id}/?soutien=attente#soutenir`);
		const [token] = await confirmationTokens(site, 'voisine@example.fr');
		const confirmed = await post('/api/supports/confirm', { token: token! });
		expect([confirmed.status, confirmed.headers.get('location')]).toStrictEqual([
			303,
			`/propositions/soutien/confirme/?numero=${id}`,
		]);
		expect((await post('/api/supports/confirm', { token: token! })).headers.get('location')).toBe(
			`/propositions/soutien/confirme/?numero=${id}&deja=1`,
		);
		expect((await post(`/api/proposals/${id}/supports`, supportForm)).headers.get('location')).toBe(
			`/propositions/${id}/?soutien=deja#soutenir`,
		);
		// Refusals get a short French page.
		const unknown = await post('/api/supports/confirm', { token: 'f'.repeat(64) });
		expect([unknown.status, unknown.headers.get('content-type')]).toStrictEqual([404, 'text/html; charset=utf-8']);
		expect(await unknown.text()).toContain('Ce lien de confirmation n’est pas valide');
		const incomplete = await post('/api/supports/confirm', { token: 'abc' });
		expect(incomplete.status).toBe(400);
		expect(await incomplete.text()).toContain('Ce lien de confirmation n’est pas complet.');
		const phone = await post(`/api/proposals/${id}/supports`, { ...supportForm, contact: '05 53 11 22 34' });
		expect(phone.status).toBe(400);
		expect(await phone.text()).toContain('Votre soutien n’est pas encore enregistré');
	});

	it('tells the author and each confirmed supporter once per status change, never once per support', async () => {
		const id = await submit();
		site.mails.length = 0;
		await decide(id, 'published', coordinator, { answer: 'Nous regardons cela.' });
		expect(site.mails.map((m) => [m.to, m.subject])).toStrictEqual([
			['auteur@example.fr', 'Votre proposition : Publiée'],
		]);
		expect(site.mails[0]?.text).toContain('Réponse du Pays de Santé :\nNous regardons cela.');
		for (const contact of ['un@example.fr', 'deux@example.fr']) {
			await postJson(`${site.url}/api/proposals/${id}/supports`, { fullName: 'Soutien', contact }, '192.0.2.77');
		}
		const [token] = await confirmationTokens(site, 'un@example.fr');
		await confirmationTokens(site, 'deux@example.fr');
		expect((await confirmSupport(site, token!)).status).toBe(200);
		await decide(id, 'under_study');
		// « deux » never confirmed: their support does not count, and they are not told.
		const statusMails = () =>
			site.mails
				.filter((m) => !m.subject.startsWith('Confirmez'))
				.slice(1)
				.map((m) => [m.to, m.subject])
				.sort();
		await vi.waitFor(() =>
			expect(statusMails()).toStrictEqual([
				['auteur@example.fr', 'Votre proposition : À l’étude'],
				['un@example.fr', 'Une proposition que vous soutenez : À l’étude'],
			]),
		);
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
			'Numéro;Titre;Thème;Territoire;Commune;Code commune (INSEE);Statut;Motif;Réponse;Soutiens;Auteur;Courriel;Téléphone;Canal;Reçue le;Publiée le',
		);
		expect(csv).toMatch(
			new RegExp(
				`\\r\\n${id};Reçue sur papier;Autre sujet;Nontronnais;commune au code INSEE 24311 \\(nom inconnu\\);24311;Publiée;motif;;1;Auteur Privé;auteur@example\\.fr;;papier;[a-z]+ \\d{1,2} [a-zéû]+ \\d{4} à \\d{2} h \\d{2};`,
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

describe.each(targets)('200 simultaneous supports from 150 people, then their confirmations (%s)', (_name, start) => {
	let site: Site;
	beforeAll(async () => {
		site = await startSite(start);
		await seedMeeting(site.port(), { capacity: 1 });
	}, 60_000);
	afterAll(() => site?.stop());

	it('counts none until confirmed, then exactly 150, and puts the proposal on the council agenda exactly once', async () => {
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
		const read = async () =>
			(await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as {
				supports: number;
				pendingSupports: number;
				status: string;
				history: { to: string; by: string }[];
			};
		expect(await read()).toMatchObject({ supports: 0, pendingSupports: 150, status: 'published' });

		// One link per person (a repeat minutes later sends none), all followed at once.
		await vi.waitFor(() => expect(site.mails.filter((m) => m.subject.startsWith('Confirmez')).length).toBe(150), {
			timeout: 30_000,
		});
		const tokens = site.mails
			.filter((m) => m.subject.startsWith('Confirmez'))
			.map((m) => /jeton=([0-9a-f]{64})/.exec(m.text)?.[1] ?? '');
		const confirmations = await Promise.all(
			tokens.map((token, i) => confirmSupport(site, token, `198.18.0.${i % 250}`)),
		);
		expect(confirmations.map((r) => r.status)).toStrictEqual(Array(150).fill(200));
		const published = await read();
		expect(published).toMatchObject({ supports: 150, pendingSupports: 0, status: 'on_council_agenda' });
		expect(published.history.filter((e) => e.to === 'on_council_agenda')).toStrictEqual([
			expect.objectContaining({ by: 'system' }),
		]);
	}, 90_000);
});
