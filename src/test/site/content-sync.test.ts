import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from './paths';

/**
 * A meeting published while `npm run dev` runs takes registrations at once, with the seats of its
 * file, and changes to the file reach the people registered: through decap-server (the CMS's own
 * write path) and through an edit of the file.
 */
const devUrl = inject('devUrl');
const cmsUrl = inject('devCmsUrl');
const owner = postgres(inject('devDatabaseUrl'), { max: 1, onnotice: () => {} });
const written: string[] = [];

afterAll(async () => {
	for (const path of written) rmSync(path, { force: true });
	await owner.end();
});

const ID = `2099-01-essai-${process.pid}`;
const PATH = `content/meetings/${ID}.md`;
const meetingFile = (capacity: number, status = 'à venir') => `---
title: "Réunion d’essai de synchronisation"
territory: "nontronnais"
startsAt: "2099-01-21 18:30"
durationMinutes: 90
place:
  name: "Salle d’essai"
  address: "1 place de l’Essai"
  postalCode: "24300"
  city: "Nontron"
capacity: ${capacity}
agenda:
  - "Un seul point"
status: "${status}"
---

Une réunion créée par un test, supprimée à la fin.
`;

/** Saves a file as the CMS does: decap-server's persistEntry, which writes it into content/. */
async function saveThroughCms(raw: string) {
	written.push(join(ROOT, PATH));
	const response = await fetch(cmsUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			action: 'persistEntry',
			params: {
				branch: 'main',
				dataFiles: [{ slug: ID, path: PATH, raw }],
				assets: [],
				options: {
					collectionName: 'meetings',
					commitMessage: `Create Meetings “${ID}”`,
					useWorkflow: false,
					status: 'draft',
				},
			},
		}),
	});
	expect(`${response.status} ${await response.text()}`).toBe('200 {"message":"entry persisted"}');
}

const seats = async () => {
	const response = await fetch(`${devUrl}/api/meetings/${ID}`);
	return response.ok ? ((await response.json()) as Record<string, number>) : { status: response.status };
};

const register = (n: number) =>
	fetch(`${devUrl}/api/meetings/${ID}/registrations`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'x-nf-client-connection-ip': `203.0.113.${n}` },
		body: JSON.stringify({
			fullName: `Essai ${n}`,
			email: `essai-${n}@example.fr`,
			category: 'habitants',
			consent: true,
		}),
	}).then(async (response) => ({ status: response.status, body: (await response.json()) as { status: string } }));

const messages = async () =>
	(
		await owner<{ template: string; to: string }[]>`
			select o.template, o.recipient_email as to from public.outbox o
			join public.registrations r on r.id = o.registration_id
			where r.meeting_id = ${ID} order by o.id`
	).map((m) => `${m.template} → ${m.to}`);

describe('content saved under npm run dev reaches the database at once', () => {
	it('a meeting created through the CMS takes registrations without a restart, with its file’s seats', async () => {
		expect(await seats()).toStrictEqual({ status: 404 });
		await saveThroughCms(meetingFile(2));
		await expect.poll(seats, { timeout: 15_000 }).toMatchObject({ capacity: 2, confirmed: 0, remaining: 2 });
		// The page is rendered from the new file as soon as Astro's content store has it.
		const page = () => fetch(`${devUrl}/reunions/${ID}/`).then(async (r) => `${r.status} ${await r.text()}`);
		await expect.poll(page, { timeout: 15_000 }).toMatch(/^200 [\s\S]*Réunion d’essai de synchronisation/);
		const answers = [await register(1), await register(2), await register(3)];
		expect(answers.map((a) => `${a.status} ${a.body.status}`)).toStrictEqual([
			'201 confirmed',
			'201 confirmed',
			'201 waitlisted',
		]);
	});

	it('a capacity lowered in the file moves the latest confirmed person to the head of the waiting list, and tells her', async () => {
		writeFileSync(join(ROOT, PATH), meetingFile(1));
		await expect.poll(seats, { timeout: 15_000 }).toMatchObject({ capacity: 1, confirmed: 1, waitlisted: 2 });
		await expect.poll(messages, { timeout: 5_000 }).toContain('moved_to_waitlist → essai-2@example.fr');
		// Essai 2 registered before Essai 3: she gets the next seat.
		const [row] = await owner<{ status: string }[]>`
			select status from public.registrations where meeting_id = ${ID} and full_name = 'Essai 2'`;
		expect(row?.status).toBe('waitlisted');
		writeFileSync(join(ROOT, PATH), meetingFile(2));
		await expect.poll(seats, { timeout: 15_000 }).toMatchObject({ capacity: 2, confirmed: 2, waitlisted: 1 });
		const [back] = await owner<{ status: string }[]>`
			select status from public.registrations where meeting_id = ${ID} and full_name = 'Essai 2'`;
		expect(back?.status).toBe('confirmed');
	});

	it('a meeting cancelled in the CMS tells everyone registered and closes registrations', async () => {
		await saveThroughCms(meetingFile(2, 'annulé'));
		await expect
			.poll(messages, { timeout: 15_000 })
			.toEqual(expect.arrayContaining([1, 2, 3].map((n) => `meeting_cancelled → essai-${n}@example.fr`)));
		expect((await register(4)).status).toBe(409);
		expect(readFileSync(join(ROOT, PATH), 'utf8')).toContain('status: "annulé"');
	});
});
