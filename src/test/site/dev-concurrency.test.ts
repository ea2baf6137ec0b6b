import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { seedMeeting } from '../http/api-site';
import { INTERNALS } from '../http/hostile';
import { seedProposal } from './proposals';

/**
 * Many people at the same moment through `npm run dev` (the embedded default, as a new user runs
 * it): exact counts, no 5xx, and no stack trace or file path in any answer.
 */
const devUrl = inject('devUrl');
const database = createPostgresAdapter({ url: inject('devDatabaseUrl'), database: 'pglite', max: 1 });
/** The database owner: reads the confirmation links' tokens from the outbox (what the mail log prints). */
const owner = postgres(inject('devDatabaseUrl'), { max: 1, onnotice: () => {} });
afterAll(async () => {
	await database.close();
	await owner.end();
});

async function postFrom(path: string, body: unknown, client: number) {
	const response = await fetch(`${devUrl}${path}`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			'x-nf-client-connection-ip': `198.51.${client >> 8}.${client & 255}`,
		},
		body: JSON.stringify(body),
	});
	return { status: response.status, text: await response.text() };
}

describe('npm run dev under concurrent sign-ups', () => {
	it('100 people register for a 40-seat meeting at once: 40 confirmed, 60 waitlisted, no 5xx', async () => {
		const meeting = await seedMeeting(database, { capacity: 40 });
		const answers = await Promise.all(
			Array.from({ length: 100 }, (_, n) =>
				postFrom(
					`/api/meetings/${meeting}/registrations`,
					{
						fullName: `Personne ${n} Essai`,
						email: `personne-${n}@example.fr`,
						category: 'habitants',
						consent: true,
					},
					n,
				),
			),
		);
		expect(answers.filter((a) => a.status >= 500)).toStrictEqual([]);
		expect(answers.filter((a) => INTERNALS.test(a.text))).toStrictEqual([]);
		expect(answers.map((a) => a.status)).toStrictEqual(Array(100).fill(201));
		const statuses = answers.map((a) => (JSON.parse(a.text) as { status: string }).status);
		expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(40);
		expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(60);
		const seats = (await (await fetch(`${devUrl}/api/meetings/${meeting}`)).json()) as Record<string, number>;
		expect(seats).toMatchObject({ capacity: 40, confirmed: 40, waitlisted: 60, remaining: 0 });
	});

	it('200 people support one proposal at once: 200 waiting for their confirmation, 0 counted; 200 confirmations at once: 200 counted, no 5xx', async () => {
		const id = await seedProposal(database, {
			title: 'Une navette vers la maison de santé',
			description: 'Une navette le mardi matin vers la maison de santé, pour les hameaux sans voiture.',
			theme: 'autre',
		});
		const answers = await Promise.all(
			Array.from({ length: 200 }, (_, n) =>
				postFrom(
					`/api/proposals/${id}/supports`,
					{ fullName: `Soutien ${n} Essai`, contact: `soutien-${id}-${n}@example.fr` },
					1000 + n,
				),
			),
		);
		expect(answers.filter((a) => a.status >= 500)).toStrictEqual([]);
		expect(answers.filter((a) => INTERNALS.test(a.text))).toStrictEqual([]);
		expect(answers.map((a) => a.status)).toStrictEqual(Array(200).fill(201));
		// None counts before its email is confirmed; each answer saw the waiting supports after its own.
		expect(answers.map((a) => (JSON.parse(a.text) as { supports: number }).supports)).toStrictEqual(Array(200).fill(0));
		const waiting = answers.map((a) => (JSON.parse(a.text) as { pendingSupports: number }).pendingSupports);
		expect(waiting.sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 200 }, (_, n) => n + 1));
		const read = async () =>
			(await (await fetch(`${devUrl}/api/proposals/${id}`)).json()) as {
				supports: number;
				pendingSupports: number;
				status: string;
				history: { to: string }[];
			};
		expect(await read()).toMatchObject({ supports: 0, pendingSupports: 200, status: 'published' });

		const rows = await owner<{ token: string }[]>`
			select o.payload ->> 'token' as token from public.outbox o join public.supports s on s.id = o.support_id
			where s.proposal_id = ${id} and o.template = 'support_confirmation'`;
		expect(rows).toHaveLength(200);
		const confirmations = await Promise.all(
			rows.map(({ token }, n) => postFrom('/api/supports/confirm', { token }, 2000 + n)),
		);
		expect(confirmations.filter((a) => a.status >= 500)).toStrictEqual([]);
		expect(confirmations.filter((a) => INTERNALS.test(a.text))).toStrictEqual([]);
		expect(confirmations.map((a) => a.status)).toStrictEqual(Array(200).fill(200));
		// Each confirmation saw the count after its own: every value from 1 to 200 exactly once.
		const counts = confirmations.map((a) => (JSON.parse(a.text) as { supports: number }).supports);
		expect(counts.sort((a, b) => a - b)).toStrictEqual(Array.from({ length: 200 }, (_, n) => n + 1));
		const proposal = await read();
		expect(proposal).toMatchObject({ supports: 200, pendingSupports: 0, status: 'on_council_agenda' });
		expect(proposal.history.filter((e) => e.to === 'on_council_agenda')).toHaveLength(1);
	}, 120_000);
});
