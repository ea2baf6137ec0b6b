import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { config as getConfig } from '../../../../netlify/functions/meeting.mts';
import { config as registerConfig } from '../../../../netlify/functions/meeting-registrations.mts';
import { config as cancelConfig } from '../../../../netlify/functions/registration-cancel.mts';
import { pgliteTarget } from '../../../test/db/targets.ts';
import { seedMeeting, startApiSite } from '../../../test/http/api-site.ts';
import { expectContractAnswer, hostileBody, hostileString } from '../../../test/http/hostile.ts';
import { createCancel, createGetMeeting, createRegister } from './registrations.ts';

describe('registration endpoints under random and hostile input', () => {
	let site: Awaited<ReturnType<typeof startApiSite>>;
	beforeAll(async () => {
		site = await startApiSite(pgliteTarget, (port) => [
			{ config: getConfig, handler: createGetMeeting(port) },
			{ config: registerConfig, handler: createRegister(port) },
			{ config: cancelConfig, handler: createCancel(port) },
		]);
		await seedMeeting(site.port(), { id: 'fuzz', capacity: 5 });
	}, 60_000);
	afterAll(() => site?.stop());

	it('answers 1,000 generated registration bodies with no 5xx and the French error shape', async () => {
		const body = hostileBody({
			fullName: fc.constantFrom('Jeanne Martin', 'Li'),
			email: fc.emailAddress(),
			phone: fc.constantFrom('05 53 00 00 00', '0612345678'),
			category: fc.constantFrom('habitants', 'elus'),
			communeCode: fc.constantFrom('24311', '08107'),
			needs: fc.constant(''),
			consent: fc.constantFrom(true, 'on'),
			website: fc.constant(''),
		});
		let n = 0;
		await fc.assert(
			fc.asyncProperty(body, async ({ type, body: payload }) => {
				n++;
				const response = await fetch(`${site.url}/api/meetings/fuzz/registrations`, {
					method: 'POST',
					headers: {
						...(type ? { 'Content-Type': type } : {}),
						'x-nf-client-connection-ip': `10.9.${n >> 8}.${n & 255}`,
					},
					body: payload,
				});
				await expectContractAnswer(response);
			}),
			{ numRuns: 1000 },
		);
	}, 120_000);

	it('answers 1,000 generated meeting ids and cancel tokens in the path with no 5xx', async () => {
		await fc.assert(
			fc.asyncProperty(hostileString, fc.boolean(), async (value, isCancel) => {
				// A lone surrogate cannot be percent-encoded; a browser would send U+FFFD instead.
				const segment = encodeURIComponent(value.toWellFormed());
				const response = isCancel
					? await fetch(`${site.url}/api/registrations/${segment}/cancel`, { method: 'POST' })
					: await fetch(`${site.url}/api/meetings/${segment}`);
				await expectContractAnswer(response);
			}),
			{ numRuns: 1000 },
		);
	}, 120_000);
});
