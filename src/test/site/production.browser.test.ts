import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startProductionServer } from '../../scripts/lib/production-server';
import { launchChromium, revealAccessMap } from './browser';
import { ROOT } from './paths';

/**
 * The built site on the production-like server (functions, `dist/` with `dist/_headers`, the SSR
 * function), against the shared dev server's database: security headers on a content page, the
 * map page and an API answer, and the islands still working in Chromium under that policy.
 */
let server: Awaited<ReturnType<typeof startProductionServer>>;
let browser: Browser;

beforeAll(async () => {
	process.env.DATABASE_URL = inject('devDatabaseUrl');
	server = await startProductionServer({ root: ROOT });
	browser = await launchChromium();
}, 60_000);

afterAll(async () => {
	await browser?.close();
	await server?.close();
	delete process.env.DATABASE_URL;
});

const BASE = {
	'strict-transport-security': /^max-age=\d{8,}; includeSubDomains/,
	'x-content-type-options': /^nosniff$/,
	'referrer-policy': /^strict-origin-when-cross-origin$/,
	'permissions-policy': /camera=\(\).*geolocation=\(\)/,
};

function expectBaseHeaders(response: Response) {
	for (const [name, pattern] of Object.entries(BASE)) expect(response.headers.get(name) ?? '', name).toMatch(pattern);
	const csp = response.headers.get('content-security-policy') ?? '';
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).not.toContain('unsafe-eval');
	return csp;
}

describe('security headers on the production-like server', () => {
	it('sends them on a content page, with a policy that allows no inline script', async () => {
		const response = await fetch(`${server.url}/services/`);
		expect(response.status).toBe(200);
		const csp = expectBaseHeaders(response);
		expect(csp).toMatch(/script-src 'self'(;|$)/);
		expect(csp).toContain("object-src 'none'");
	});

	it('sends them on the map page (rendered on request), with the hash of each inline script', async () => {
		const response = await fetch(`${server.url}/acces-aux-soins/nontronnais/`);
		expect(response.status).toBe(200);
		const csp = expectBaseHeaders(response);
		expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]{44}')+;/);
		expect(csp).toContain("img-src 'self' data: https://tile.openstreetmap.org");
	});

	it('sends them on an API answer, with a policy that loads nothing', async () => {
		for (const path of ['/api/health', '/api/access-map?territory=nontronnais', '/api/proposals?theme=%3Cscript%3E']) {
			const response = await fetch(`${server.url}${path}`);
			expect(expectBaseHeaders(response)).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
			await response.arrayBuffer();
		}
	});

	it('keeps the islands working in Chromium under the policy (no violation reported)', async () => {
		const context = await browser.newContext({ locale: 'fr-FR' });
		const page = await context.newPage();
		const violations: string[] = [];
		page.on('console', (message) => {
			if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
		});
		await page.goto(`${server.url}/reunions/2027-01-nontronnais/`);
		await expect
			.poll(() => page.locator('.seats').innerText(), { timeout: 20_000 })
			.toMatch(/^Il reste \d+ places? sur \d+\.$/);
		await page.goto(`${server.url}/acces-aux-soins/nontronnais/`);
		await revealAccessMap(page, 20_000);
		expect(violations).toStrictEqual([]);
		await context.close();
	});
});
