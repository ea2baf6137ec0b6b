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
 * mobile profile). And the main thread's long tasks once the page is scrolled to the map (Leaflet, the
 * map's layers, the simulator's hydration), which Lighthouse does not see: it does not scroll.
 * No figure here is asserted by a test.
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
	/**
	 * The main thread's long tasks (over 50 ms) from the moment the page is scrolled to the map until
	 * the map is drawn and the simulator hydrated: the loading of Leaflet, the map's data and layers.
	 */
	reveal: { longTasks: number; longest: number; blockingMs: number; ms: number };
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
	// A phone's screen (Lighthouse's mobile one): the map is below the fold, loaded when scrolled to.
	const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 412, height: 823 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	try {
		await page.addInitScript(() => {
			const tasks: { start: number; duration: number }[] = [];
			(window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
			new PerformanceObserver((list) => {
				for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
			}).observe({ type: 'longtask', buffered: true });
		});
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
		const response = await page.goto(`${base}/acces-aux-soins/${territory}/`);
		if (!response?.ok()) throw new Error(`/acces-aux-soins/${territory}/: HTTP ${response?.status()}`);
		await page.waitForLoadState('load');
		await page.waitForTimeout(1000);
		const scrolled = await page.evaluate(() => performance.now());
		await page.locator('.access-map-root').scrollIntoViewIfNeeded();
		await page.waitForSelector('.access-map__label:not(.is-hidden)', { state: 'attached', timeout: 60_000 });
		await page.locator('#simulation').scrollIntoViewIfNeeded();
		await page.waitForFunction(
			() => document.querySelector('astro-island:has(#simulation)')?.hasAttribute('ssr') === false,
			undefined,
			{ timeout: 60_000 },
		);
		// Quiet for a second: the map's last slices and the simulator's first render are done.
		await page.waitForTimeout(1000);
		const reveal = await page.evaluate((from) => {
			const tasks = (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
				(task) => task.start >= from,
			);
			const last = Math.max(from, ...tasks.map((task) => task.start + task.duration));
			return {
				longTasks: tasks.length,
				longest: Math.max(0, ...tasks.map((task) => task.duration)),
				blockingMs: tasks.reduce((sum, task) => sum + task.duration - 50, 0),
				ms: last - from,
			};
		}, scrolled);
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
			reveal,
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
