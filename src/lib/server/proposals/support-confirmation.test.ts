import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { config as decisionConfig } from '../../../../netlify/functions/admin-proposal-decision.mts';
import { config as recordSupportConfig } from '../../../../netlify/functions/admin-proposal-supports-record.mts';
import { config as getConfig } from '../../../../netlify/functions/proposal.mts';
import { config as confirmConfig } from '../../../../netlify/functions/proposal-support-confirm.mts';
import { config as supportConfig } from '../../../../netlify/functions/proposal-supports.mts';
import { type ContractTarget, coordinatorClaims, TEST_JWT_SECRET } from '../../../test/db/contract.ts';
import { createMigratedPGlite } from '../../../test/db/pglite.ts';
import { realPostgresAvailability, startPostgresServer } from '../../../test/db/postgres-server.ts';
import { postJson, seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { signToken, verifyToken } from '../auth/jwt.ts';
import { migrate } from '../db/migrations.ts';
import { servePGlite } from '../db/pglite-server.ts';
import { ANON, type DataPort, SERVICE } from '../db/port.ts';
import { createPostgresAdapter } from '../db/postgres-adapter.ts';
import type { MailTransport } from '../mail/mail-port.ts';
import type { Mail } from '../mail/messages.ts';
import {
	createConfirmSupport,
	createDecision,
	createGetProposal,
	createRecordSupport,
	createSupport,
} from './proposals.ts';

/**
 * Issue I, part 6: the support threshold cannot be bought cheaply. Web supports count only once
 * their email is confirmed through the mailed link; the coordinator's count at once; one client
 * gives at most 10 supports an hour and 30 a day; unconfirmed supports expire and are erased.
 * Run on the embedded PGlite and on a real PostgreSQL server (truly parallel connections), with
 * the owner's connection to age links and rate-limit windows as time would.
 */
type Owned = ContractTarget & { owner: postgres.Sql };

async function pgliteWithOwner(): Promise<Owned> {
	const db = await createMigratedPGlite();
	const server = await servePGlite(db);
	const port = createPostgresAdapter({ url: server.url, database: 'pglite', max: 4 });
	const owner = postgres(server.url, { max: 1, onnotice: () => {} });
	return {
		port,
		owner,
		stop: async () => {
			await owner.end();
			await port.close();
			await server.stop();
			await db.close();
		},
	};
}

async function realPostgresWithOwner(): Promise<Owned> {
	const server = await startPostgresServer();
	const owner = postgres(server.url, { max: 1, onnotice: () => {} });
	await migrate({ exec: (text) => owner.unsafe(text), query: (text) => owner.unsafe(text) as never });
	const port = createPostgresAdapter({ url: server.url, database: 'postgres', max: 50 });
	return {
		port,
		owner,
		stop: async () => {
			await owner.end();
			await port.close();
			await server.stop();
		},
	};
}

const targets: [string, () => Promise<Owned>][] = [['embedded PGlite', pgliteWithOwner]];
if (realPostgresAvailability().run) targets.push(['real PostgreSQL', realPostgresWithOwner]);

const verify = (token: string) => verifyToken(token, TEST_JWT_SECRET);

describe.each(targets)('confirmed supports (%s)', (_name, start) => {
	let owned: Owned;
	let site: Awaited<ReturnType<typeof startApiSite>>;
	let coordinator: string;
	const mails: Mail[] = [];
	const transport = (): MailTransport => ({ name: 'log', send: async (mail) => void mails.push(mail) });

	beforeAll(async () => {
		site = await startApiSite(
			async () => {
				owned = await start();
				return owned;
			},
			(port: () => DataPort) => [
				{ config: getConfig, handler: createGetProposal(port) },
				{ config: supportConfig, handler: createSupport(port, transport) },
				{ config: confirmConfig, handler: createConfirmSupport(port, transport) },
				{ config: decisionConfig, handler: createDecision(port, verify, transport) },
				{ config: recordSupportConfig, handler: createRecordSupport(port, verify, transport) },
			],
		);
		await seedMeeting(site.port(), { capacity: 1 });
		coordinator = await signToken(coordinatorClaims, TEST_JWT_SECRET);
	}, 90_000);
	afterAll(() => site?.stop());

	let sequence = 0;
	/** A published proposal (submitted as a resident, published by the coordinator). */
	async function publishedProposal(): Promise<number> {
		const { id } = await site.port().callRpc<{ id: number }>(
			'submit_proposal',
			{
				p_title: `Un bus vers la maison de santé ${++sequence}`,
				p_description: 'Deux fois par semaine, depuis les hameaux.',
				p_theme: 'autre',
				p_territory_id: 'nontronnais',
				p_client_hash: `${'ab'.repeat(31)}${sequence.toString(16).padStart(2, '0')}`,
			},
			ANON,
		);
		const published = await postJson(
			`${site.url}/api/admin/proposals/${id}/decision`,
			{ status: 'published' },
			'192.0.2.9',
			{ Authorization: `Bearer ${coordinator}` },
		);
		expect(published.status).toBe(200);
		return id;
	}
	const support = (id: number, email: string, ip: string) =>
		postJson(`${site.url}/api/proposals/${id}/supports`, { fullName: 'Soutien Inventé', contact: email }, ip);
	const confirm = (token: string, ip = '192.0.2.60') => postJson(`${site.url}/api/supports/confirm`, { token }, ip);
	const read = async (id: number) =>
		(await (await fetch(`${site.url}/api/proposals/${id}`)).json()) as {
			supports: number;
			pendingSupports: number;
			status: string;
			history: { to: string; by: string; reason: string | null }[];
		};
	/** The token of the link mailed to `email` (the latest one, other than `previous`), once the message has gone out. */
	async function tokenFor(email: string, previous = ''): Promise<string> {
		let token = '';
		await vi.waitFor(
			() => {
				const mail = mails.findLast((m) => m.to === email && m.subject.startsWith('Confirmez votre soutien'));
				token = /\/propositions\/soutien\/confirmer\/\?jeton=([0-9a-f]{64})\n/.exec(mail?.text ?? '')?.[1] ?? '';
				expect(token).not.toBe('');
				expect(token).not.toBe(previous);
			},
			{ timeout: 20_000 },
		);
		return token;
	}
	/** Gives each email a waiting web support, from its own client address; returns their tokens. */
	async function waitingSupports(id: number, emails: string[]): Promise<string[]> {
		const answers = await Promise.all(emails.map((email, i) => support(id, email, `198.51.100.${i % 250}`)));
		expect(answers.map((a) => a.status)).toStrictEqual(emails.map(() => 201));
		return Promise.all(emails.map((email) => tokenFor(email)));
	}

	it('25 supports from one client with 25 invented emails count for nothing, and the 11th in the hour is refused', async () => {
		const id = await publishedProposal();
		const answers = [];
		for (let n = 0; n < 25; n++) answers.push(await support(id, `invente-${id}-${n}@example.fr`, '203.0.113.66'));
		expect(answers.map((a) => a.status)).toStrictEqual([...Array(10).fill(201), ...Array(15).fill(429)]);
		const refused = answers[10]!;
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
		expect(((await refused.json()) as { error: { code: string; message: string } }).error).toStrictEqual({
			code: 'rate_limited',
			message: expect.stringMatching(
				/^Trop de soutiens envoyés en peu de temps depuis cette connexion ou pour cette adresse\. Réessayez dans \d+ minutes?\.$/,
			),
		});
		expect(await read(id)).toMatchObject({ supports: 0, pendingSupports: 10, status: 'published' });
		// Another client is not held back by the first one.
		expect((await support(id, `autre-${id}@example.fr`, '203.0.113.67')).status).toBe(201);
	});

	it('lets one client give at most 30 supports a day across all proposals', async () => {
		const ids = [await publishedProposal(), await publishedProposal(), await publishedProposal()];
		const statuses: number[] = [];
		for (const [hour, id] of ids.entries()) {
			for (let n = 0; n < 10; n++)
				statuses.push((await support(id, `jour-${id}-${n}@example.fr`, '203.0.113.70')).status);
			// An hour passes: the hourly window is spent, the daily one is not.
			await owned.owner`delete from public.rate_limit_buckets where bucket_key like 'support:client:%'`;
			expect(
				statuses.filter((s) => s === 201),
				`hour ${hour}`,
			).toHaveLength(10 * (hour + 1));
		}
		const over = await support(ids[0]!, `jour-en-trop-${ids[0]}@example.fr`, '203.0.113.70');
		expect(over.status).toBe(429);
		expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('counts a support once its link is followed, once per person; the threshold needs confirmed supports', async () => {
		const id = await publishedProposal();
		const emails = Array.from({ length: 25 }, (_, n) => `seuil-${id}-${n}@example.fr`);
		const tokens = await waitingSupports(id, emails);
		// 25 supports waiting: more than the threshold (20), and the proposal has not moved.
		expect(await read(id)).toMatchObject({ supports: 0, pendingSupports: 25, status: 'published' });
		for (const [n, token] of tokens.slice(0, 19).entries()) {
			const answer = await confirm(token);
			expect(await answer.json()).toMatchObject({ supports: n + 1, pendingSupports: 24 - n, status: 'published' });
		}
		// Following a link twice, or supporting again, counts nothing more.
		expect(await (await confirm(tokens[0]!)).json()).toMatchObject({ alreadyConfirmed: true, supports: 19 });
		const repeat = await support(id, emails[0]!, '198.51.100.200');
		expect([repeat.status, await repeat.json()]).toStrictEqual([
			200,
			{ supports: 19, pendingSupports: 6, status: 'published', awaitingConfirmation: false },
		]);
		const twentieth = await confirm(tokens[19]!);
		expect(await twentieth.json()).toMatchObject({ supports: 20, status: 'on_council_agenda' });
		const proposal = await read(id);
		expect(proposal.history.filter((e) => e.to === 'on_council_agenda')).toStrictEqual([
			expect.objectContaining({ by: 'system', reason: '20 soutiens confirmés : seuil atteint' }),
		]);
		// Still open to supports on the council agenda.
		expect(await (await confirm(tokens[20]!)).json()).toMatchObject({ supports: 21, status: 'on_council_agenda' });
	});

	it('counts a support recorded by the coordinator at once, also for a person whose web support was waiting', async () => {
		const id = await publishedProposal();
		const record = (body: object) =>
			postJson(`${site.url}/api/admin/proposals/${id}/supports`, body, '192.0.2.9', {
				Authorization: `Bearer ${coordinator}`,
			});
		const byPhone = await record({ fullName: 'Par Téléphone', contact: '05 53 44 55 01', channel: 'phone' });
		expect([byPhone.status, await byPhone.json()]).toStrictEqual([201, { supports: 1, status: 'published' }]);
		const token = (await waitingSupports(id, [`attente-${id}@example.fr`]))[0]!;
		expect(await read(id)).toMatchObject({ supports: 1, pendingSupports: 1 });
		const onPaper = await record({ fullName: 'Sur Papier', contact: `attente-${id}@example.fr`, channel: 'paper' });
		expect([onPaper.status, await onPaper.json()]).toStrictEqual([201, { supports: 2, status: 'published' }]);
		expect(await read(id)).toMatchObject({ supports: 2, pendingSupports: 0 });
		// Their link still answers, without counting them twice.
		expect(await (await confirm(token)).json()).toMatchObject({ alreadyConfirmed: true, supports: 2 });
		const again = await record({ fullName: 'Par Téléphone', contact: '05 53 44 55 01', channel: 'phone' });
		expect([again.status, await again.json()]).toStrictEqual([200, { supports: 2, status: 'published' }]);
	});

	it('refuses an expired link in French, sends a fresh one on request, and erases what was never confirmed', async () => {
		const id = await publishedProposal();
		const [expired, forgotten] = await waitingSupports(id, [`expire-${id}@example.fr`, `oubli-${id}@example.fr`]);
		// Eight days later.
		await owned.owner`update public.supports set confirm_expires_at = now() - interval '1 day' where proposal_id = ${id}`;
		expect(await read(id)).toMatchObject({ supports: 0, pendingSupports: 0 });
		const answer = await confirm(expired!);
		expect([answer.status, await answer.json()]).toStrictEqual([
			410,
			{
				error: {
					code: 'confirmation_expired',
					message:
						'Ce lien de confirmation a expiré : il était valable 7 jours. Soutenez à nouveau la proposition pour recevoir un nouveau lien.',
				},
			},
		]);
		const page = await fetch(`${site.url}/api/supports/confirm`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ token: expired! }),
		});
		expect(page.status).toBe(410);
		const html = await page.text();
		expect(html).toContain('<h1>Votre soutien n’est pas confirmé</h1>');
		expect(html).toContain('Ce lien de confirmation a expiré');
		expect(html).toContain(`href="/propositions/${id}/#soutenir"`);

		// Supporting again sends a new link (the old one stays dead), which counts.
		const again = await support(id, `expire-${id}@example.fr`, '198.51.100.201');
		expect([again.status, await again.json()]).toStrictEqual([
			200,
			{ supports: 0, pendingSupports: 1, status: 'published', awaitingConfirmation: true },
		]);
		const fresh = await tokenFor(`expire-${id}@example.fr`, expired);
		expect((await confirm(expired!)).status).toBe(404);
		expect(await (await confirm(fresh)).json()).toMatchObject({ alreadyConfirmed: false, supports: 1 });

		// The daily maintenance erases the support that was never confirmed, with its message.
		const purged = await site.port().callRpc<{ purged: number }>('purge_unconfirmed_supports', {}, SERVICE);
		expect(purged.purged).toBeGreaterThanOrEqual(1);
		const left = await owned.owner<{ email: string; confirmed: boolean }[]>`
			select email, confirmed_at is not null as confirmed from public.supports where proposal_id = ${id}`;
		expect([...left]).toStrictEqual([{ email: `expire-${id}@example.fr`, confirmed: true }]);
		const messages = await owned.owner`
			select 1 from public.outbox where recipient_email = ${`oubli-${id}@example.fr`}`;
		expect(messages).toHaveLength(0);
		const gone = await confirm(forgotten!);
		expect([gone.status, ((await gone.json()) as { error: { code: string } }).error.code]).toStrictEqual([
			404,
			'confirmation_not_found',
		]);
		const log = await owned.owner<{ details: { count: number } }[]>`
			select details from public.audit_log where action = 'supports.purged' order by id desc limit 1`;
		expect(log[0]?.details.count).toBe(purged.purged);
	});

	it('puts the proposal on the council agenda exactly once when 30 links are followed at the same moment', async () => {
		const id = await publishedProposal();
		const tokens = await waitingSupports(
			id,
			Array.from({ length: 30 }, (_, n) => `ensemble-${id}-${n}@example.fr`),
		);
		const answers = await Promise.all(tokens.map((token, n) => confirm(token, `198.18.1.${n}`)));
		expect(answers.map((a) => a.status)).toStrictEqual(Array(30).fill(200));
		const bodies = (await Promise.all(answers.map((a) => a.json()))) as { supports: number }[];
		// Each confirmation saw the count after its own: every value from 1 to 30 exactly once.
		expect(bodies.map((b) => b.supports).sort((a, b) => a - b)).toStrictEqual(
			Array.from({ length: 30 }, (_, n) => n + 1),
		);
		const proposal = await read(id);
		expect(proposal).toMatchObject({ supports: 30, pendingSupports: 0, status: 'on_council_agenda' });
		expect(proposal.history.filter((e) => e.to === 'on_council_agenda')).toHaveLength(1);
		const events = await owned.owner`
			select 1 from public.audit_log where action = 'proposal.threshold_reached' and target_id = ${String(id)}`;
		expect(events).toHaveLength(1);
	}, 60_000);

	it('never lets a resident confirm or count through the coordinator’s path, nor read who supports', async () => {
		const id = await publishedProposal();
		await expect(
			site
				.port()
				.callRpc(
					'support_proposal',
					{ p_proposal_id: id, p_full_name: 'Faux', p_phone: '05 53 00 00 09', p_channel: 'phone' },
					ANON,
				),
		).rejects.toMatchObject({ kind: 'forbidden' });
		await expect(
			site
				.port()
				.callRpc(
					'support_proposal',
					{ p_proposal_id: id, p_full_name: 'Sans courriel', p_phone: '05 53 00 00 09' },
					ANON,
				),
		).rejects.toMatchObject({ kind: 'invalid', reason: 'email_required' });
		await expect(site.port().callRpc('purge_unconfirmed_supports', {}, ANON)).rejects.toMatchObject({
			kind: 'forbidden',
		});
		const proposal = JSON.stringify(await read(id));
		expect(proposal).not.toMatch(/example\.fr|jeton|token/i);
	});
});
