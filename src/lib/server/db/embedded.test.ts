import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readContentMirror } from './content-mirror.ts';
import { startEmbeddedDatabase } from './embedded.ts';
import { ANON } from './port.ts';
import { createPostgresAdapter } from './postgres-adapter.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'pays-de-sante-pglite-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the embedded default database', () => {
	it('mirrors the territories and meetings of content/ with UTC start times', () => {
		const mirror = readContentMirror();
		expect(mirror.territories.map((t) => t.id).sort()).toStrictEqual(['nontronnais', 'porcien-thierache']);
		const january = mirror.meetings.find((m) => m.id === '2027-01-nontronnais');
		expect(january).toMatchObject({ territoryId: 'nontronnais', status: 'scheduled' });
		expect(january?.startsAt).toMatch(/^2027-01-21T17:30:00\.000Z$/);
	});

	it('keeps what was written through the port across a restart, and applies migrations only once', async () => {
		const first = await startEmbeddedDatabase({ dataDir, port: 0 });
		expect(first.applied.length).toBeGreaterThanOrEqual(4);
		let port = createPostgresAdapter({ url: first.url, database: 'pglite', max: 1 });
		const registration = await port.callRpc<{ status: string; reference: string }>(
			'register_for_meeting',
			{
				p_meeting_id: '2027-01-nontronnais',
				p_full_name: 'Persistante',
				p_category: 'habitants',
				p_email: 'persistante@example.fr',
				p_consent: true,
			},
			ANON,
		);
		expect(registration.status).toBe('confirmed');
		await port.close();
		await first.stop();

		const second = await startEmbeddedDatabase({ dataDir, port: 0 });
		expect(second.applied).toStrictEqual([]);
		port = createPostgresAdapter({ url: second.url, database: 'pglite', max: 1 });
		expect(await port.callRpc('meeting_availability', { p_meeting_id: '2027-01-nontronnais' }, ANON)).toMatchObject({
			confirmed: 1,
		});
		await port.close();
		await second.stop();
	}, 60_000);
});
