import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import sirv from 'sirv';

/** Debian's Chromium, installed by `.ci/run`; no test downloads a browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run "apt-get install -y chromium" (as .ci/run does).`);
	}
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

/**
 * The access map loads when it comes near the screen (a screen's height ahead): scroll it into view
 * and wait for Leaflet's canvas, as a resident scrolling down the page would see it.
 */
export async function revealAccessMap(page: Page, timeout = 30_000): Promise<void> {
	await page.locator('.access-map-root').scrollIntoViewIfNeeded({ timeout });
	await page.waitForSelector('.access-map__map canvas', { timeout });
}

/** Serves the built site the way a static host does: `/x/` → `/x/index.html`, unknown paths → 404.html. */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
	const assets = sirv(dir, { dev: false, etag: true, extensions: ['html'] });
	const notFoundPage = readFileSync(join(dir, '404.html'));
	const server: Server = createServer((req, res) =>
		assets(req, res, () => {
			res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(notFoundPage);
		}),
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

/** The serious and critical axe violations of a page (WCAG 2.1 A and AA rules and best practices): the site tolerates none. */
export async function seriousViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
		.analyze();
	return results.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
