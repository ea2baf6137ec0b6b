import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { config as getConfig } from '../../../../netlify/functions/proposal.mts';
import { config as confirmConfig } from '../../../../netlify/functions/proposal-support-confirm.mts';
import { config as supportConfig } from '../../../../netlify/functions/proposal-supports.mts';
import { config as listConfig } from '../../../../netlify/functions/proposals-list.mts';
import { config as submitConfig } from '../../../../netlify/functions/proposals-submit.mts';
import { pgliteTarget } from '../../../test/db/targets.ts';
import { seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { expectContractAnswer, hostileBody, hostileString } from '../../../test/http/hostile.ts';
import { ANON } from '../db/port.ts';
import {
	createConfirmSupport,
	createGetProposal,
	createListProposals,
	createSubmitProposal,
	createSupport,
} from './proposals.ts';

describe('proposal endpoints under random and hostile input', () => {
	let site: Awaited<ReturnType<typeof startApiSite>>;
	let publishedId = 0;
	beforeAll(async () => {
		site = await startApiSite(pgliteTarget, (port) => [
			{ config: submitConfig, handler: createSubmitProposal(port) },
			{ config: listConfig, handler: createListProposals(port) },
			{ config: getConfig, handler: createGetProposal(port) },
			// Each accepted support mails a confirmation link: kept silent here.
			{ config: supportConfig, handler: createSupport(port, () => ({ name: 'log', send: async () => {} })) },
			{ config: confirmConfig, handler: createConfirmSupport(port) },
		]);
		await seedMeeting(site.port(), { capacity: 1 });
		publishedId = (
			await site.port().callRpc<{ id: number }>(
				'submit_proposal',
				{
					p_title: 'Publiée',
					p_description: 'Une proposition publiée.',
					p_theme: 'autre',
					p_territory_id: 'nontronnais',
				},
				ANON,
			)
		).id;
		await site.port().callRpc(
			'decide_proposal',
			{ p_proposal_id: publishedId, p_status: 'published' },
			{
				claims: {
					role: 'authenticated',
					sub: '00000000-0000-4000-8000-000000000001',
					app_metadata: { role: 'coordinator' },
				},
			},
		);
	}, 60_000);
	afterAll(() => site?.stop());

	it('answers 1,000 generated proposals with no 5xx', async () => {
		const body = hostileBody({
			title: fc.constantFrom('Une idée', 'Un bus'),
			description: fc.constant('Une description suffisamment longue.'),
			theme: fc.constantFrom('autre', 'medico-social'),
			territoryId: fc.constantFrom('nontronnais', 'porcien-thierache'),
			authorContact: fc.emailAddress(),
			consent: fc.boolean(),
		});
		let n = 0;
		await fc.assert(
			fc.asyncProperty(body, async ({ type, body: payload }) => {
				n++;
				const response = await fetch(`${site.url}/api/proposals`, {
					method: 'POST',
					headers: {
						...(type ? { 'Content-Type': type } : {}),
						'x-nf-client-connection-ip': `10.7.${n >> 8}.${n & 255}`,
					},
					body: payload,
				});
				await expectContractAnswer(response);
			}),
			{ numRuns: 1000 },
		);
	}, 120_000);

	it('answers 1,000 generated supports, confirmations, list filters and ids with no 5xx', async () => {
		const body = hostileBody({
			fullName: fc.constant('Jeanne'),
			contact: fc.emailAddress(),
			token: fc.stringMatching(/^[0-9a-f]{64}$/),
		});
		await fc.assert(
			fc.asyncProperty(
				body,
				hostileString,
				fc.integer({ min: 0, max: 3 }),
				async ({ type, body: payload }, value, kind) => {
					const segment = encodeURIComponent(value.toWellFormed());
					const response =
						kind === 0
							? await fetch(`${site.url}/api/proposals/${publishedId}/supports`, {
									method: 'POST',
									headers: {
										...(type ? { 'Content-Type': type } : {}),
										'x-nf-client-connection-ip': `10.8.0.${value.length % 250}`,
									},
									body: payload,
								})
							: kind === 1
								? await fetch(`${site.url}/api/proposals?theme=${segment}&sort=${segment}&territory=${segment}`)
								: kind === 2
									? await fetch(`${site.url}/api/proposals/${segment}`)
									: await fetch(`${site.url}/api/supports/confirm`, {
											method: 'POST',
											headers: type ? { 'Content-Type': type } : {},
											body: payload,
										});
					await expectContractAnswer(response);
				},
			),
			{ numRuns: 1000 },
		);
	}, 120_000);
});
