import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { proposalInputSchema, toProposalArgs } from '../../lib/domain/proposal';
import { ANON } from '../../lib/server/db/port';
import { createPostgresAdapter } from '../../lib/server/db/postgres-adapter';
import { callerFor, coordinatorClaims } from '../db/contract';
import { seedMeeting } from '../http/api-site';
import { INTERNALS } from '../http/hostile';

/**
 * Many people at the same moment through `npm run dev` (the embedded default, as a new user runs
 * it): exact counts, no 5xx, and no stack trace or file path in any answer.
 */
const devUrl = inject('devUrl');
const database = createPostgresAdapter({ url: inject('devDatabaseUrl'), database: 'pglite', max: 1 });
afterAll(() => database.close());

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

	it('200 people support one proposal at once: 200 supports counted once each, no 5xx', async () => {
		const input = proposalInputSchema.parse({
			title: 'Une navette vers la maison de santé',
			description: 'Une navette le mardi matin vers la maison de santé, pour les hameaux sans voiture.',
			theme: 'autre',
			territoryId: 'nontronnais',
		});
		const { id } = await database.callRpc<{ id: number }>(
			'submit_proposal',
			toProposalArgs(input, randomBytes(32).toString('hex')),
			ANON,
		);
		await database.callRpc(
			'decide_proposal',
			{ p_proposal_id: id, p_status: 'published' },
			await callerFor(coordinatorClaims),
		);
		const answers = await Promise.all(
			Array.from({ length: 200 }, (_, n) =>
				postFrom(
					`/api/proposals/${id}/supports`,
					{ fullName: `Soutien ${n} Essai`, contact: `soutien-${n}@example.fr` },
					1000 + n,
				),
			),
		);
		expect(answers.filter((a) => a.status >= 500)).toStrictEqual([]);
		expect(answers.filter((a) => INTERNALS.test(a.text))).toStrictEqual([]);
		expect(answers.map((a) => a.status)).toStrictEqual(Array(200).fill(201));
		// Each support saw the count after its own: every value from 1 to 200 exactly once.
		const counts = answers.map((a) => (JSON.parse(a.text) as { supports: number }).supports).sort((a, b) => a - b);
		expect(counts).toStrictEqual(Array.from({ length: 200 }, (_, n) => n + 1));
		const proposal = (await (await fetch(`${devUrl}/api/proposals/${id}`)).json()) as { supports: number };
		expect(proposal.supports).toBe(200);
	});
});
