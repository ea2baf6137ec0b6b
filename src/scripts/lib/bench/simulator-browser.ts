import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/site/browser.ts';

/**
 * The access simulator in Chromium, on the production-like server: for each territory, 20
 * simulations applied through the island's own form (an arrival of GPs in a commune of the
 * territory, up to 4 changes, then "Effacer la simulation" and again), read from the User Timing
 * measures the island records: 'pds-simulation' (the recomputation: simulation, simulated values,
 * territory summary, crossings, touched communes) and 'pds-simulation-update' (from the start of
 * the recomputation to the DOM updated, Preact's render included). Also the one-off costs when the
 * island hydrates: 'pds-model' (the neighbour index) and 'pds-placements' (the ranking of where one
 * more GP would help most). Without CPU slowdown, then with Chromium's ×4 slowdown (as Lighthouse's
 * mobile profile). No figure here is asserted by a test.
 */

export const SIMULATIONS = 20;
const CHANGES_PER_ROUND = 4;

export type TimingSummary = { count: number; median: number; max: number };
export type SimulatorBrowserRun = {
	territory: string;
	cpuSlowdown: number;
	communes: number;
	simulation: TimingSummary;
	update: TimingSummary;
	model: number | null;
	placements: number | null;
};

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length === 0
		? Number.NaN
		: sorted.length % 2
			? sorted[middle]!
			: (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const summary = (values: number[]): TimingSummary => ({
	count: values.length,
	median: median(values),
	max: values.length ? Math.max(...values) : Number.NaN,
});

const durations = (page: Page, name: string) =>
	page.evaluate((measure) => performance.getEntriesByName(measure).map((entry) => entry.duration), name);

async function runTerritory(
	browser: Browser,
	base: string,
	territory: string,
	cpuSlowdown: number,
): Promise<SimulatorBrowserRun> {
	const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1000, height: 900 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	try {
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
		const response = await page.goto(`${base}/acces-aux-soins/${territory}/`);
		if (!response?.ok()) throw new Error(`/acces-aux-soins/${territory}/: HTTP ${response?.status()}`);
		await page.locator('#simulation').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('astro-island:has(#simulation)')?.hasAttribute('ssr') === false,
			undefined,
			{ timeout: 60_000 },
		);
		// The communes where GPs can arrive: the territory's own (the last group of the list).
		const communes = await page
			.locator('#simulation-commune optgroup')
			.last()
			.locator('option')
			.evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
		if (communes.length < CHANGES_PER_ROUND) throw new Error(`${territory}: ${communes.length} communes to simulate`);
		for (let n = 0; n < SIMULATIONS; n++) {
			if (n > 0 && n % CHANGES_PER_ROUND === 0) {
				await page.getByRole('link', { name: 'Effacer la simulation' }).click();
				await page.locator('.simulator__result').waitFor({ state: 'detached' });
			}
			await page.locator('input[name="ajout"][value="arrivee"]').check();
			await page.locator('#simulation-commune').selectOption(communes[(n * 7) % communes.length]!);
			await page.locator('#simulation-nombre').fill(String(1 + (n % 3)));
			await page.locator('.simulator__form button[type="submit"]').click();
			await page.waitForFunction(
				(count) => performance.getEntriesByName('pds-simulation-update').length >= count,
				n + 1,
				{ timeout: 30_000 },
			);
		}
		if (errors.length) throw new Error(`${territory}: page errors: ${errors.join('; ')}`);
		const once = async (name: string) => (await durations(page, name))[0] ?? null;
		return {
			territory,
			cpuSlowdown,
			communes: communes.length,
			simulation: summary(await durations(page, 'pds-simulation')),
			update: summary(await durations(page, 'pds-simulation-update')),
			model: await once('pds-model'),
			placements: await once('pds-placements'),
		};
	} finally {
		await context.close();
	}
}

export async function benchSimulatorBrowser(
	base: string,
	territories: string[],
	log: (message: string) => void,
	cpuSlowdowns = [1, 4],
): Promise<SimulatorBrowserRun[]> {
	const browser = await launchChromium();
	const runs: SimulatorBrowserRun[] = [];
	try {
		for (const cpuSlowdown of cpuSlowdowns) {
			for (const territory of territories) {
				const run = await runTerritory(browser, base, territory, cpuSlowdown);
				log(
					`  ${territory} (CPU ×${cpuSlowdown}): simulation median ${run.simulation.median.toFixed(2)} ms, ` +
						`max ${run.simulation.max.toFixed(2)} ms; update median ${run.update.median.toFixed(2)} ms, max ${run.update.max.toFixed(2)} ms`,
				);
				runs.push(run);
			}
		}
	} finally {
		await browser.close();
	}
	return runs;
}
