import { existsSync } from 'node:fs';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type LighthouseScores = {
	performance: number | null;
	accessibility: number | null;
	bestPractices: number | null;
	/** Milliseconds. */
	lcp: number | null;
	tbt: number | null;
	cls: number | null;
	/** Audits below full marks in the accessibility and best-practices categories (with DevTools issue types). */
	failed: string[];
	/** Lighthouse's own warnings (e.g. a page that could not be loaded cleanly). */
	warnings: string[];
	/** Bytes of JavaScript transferred (compressed as served) and the number of scripts. */
	scriptBytes: number | null;
	scripts: number | null;
	/** The main thread's long tasks (Lighthouse's `long-tasks` audit, throttled durations): where TBT comes from. */
	longTasks: { url: string; startTime: number; duration: number }[];
};

type LongTask = { url?: string; startTime?: number; duration?: number };

/** JavaScript transferred, from the `network-requests` audit. */
function scriptWeight(details: unknown): { scriptBytes: number | null; scripts: number | null } {
	const items = (details as { items?: { resourceType?: string; transferSize?: number }[] } | undefined)?.items;
	if (!items) return { scriptBytes: null, scripts: null };
	const scripts = items.filter((item) => item.resourceType === 'Script');
	return { scriptBytes: scripts.reduce((sum, item) => sum + (item.transferSize ?? 0), 0), scripts: scripts.length };
}

const score = (value: number | null | undefined) => (value == null ? null : Math.round(value * 100));

/**
 * Lighthouse's default run (mobile emulation, simulated throttling) of each URL, in one Chromium
 * (Debian's, started by chrome-launcher): performance, accessibility and best-practices scores and
 * LCP, TBT, CLS. `onPage` is called after each page, so that a failure keeps the pages already done.
 */
export type LighthouseEnvironment = {
	lighthouse: string;
	browser: string;
	/** Lighthouse's measure of this machine's CPU speed (a typical desktop scores about 1,000 to 2,000). */
	benchmarkIndex: number;
	formFactor: string;
	throttlingMethod: string;
	cpuSlowdown: number | undefined;
};

export async function runLighthouse(
	urls: string[],
	onPage: (url: string, result: LighthouseScores | Error) => void,
): Promise<LighthouseEnvironment | undefined> {
	let environment: LighthouseEnvironment | undefined;
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	}
	const chrome = await launch({
		chromePath: CHROMIUM_PATH,
		chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
		logLevel: 'silent',
	});
	try {
		for (const url of urls) {
			try {
				const result = await lighthouse(url, {
					port: chrome.port,
					output: 'json',
					logLevel: 'error',
					onlyCategories: ['performance', 'accessibility', 'best-practices'],
				});
				if (!result) throw new Error('Lighthouse returned no result');
				const { lhr } = result;
				if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
				const metric = (id: string) => lhr.audits[id]?.numericValue ?? null;
				const failed = ['accessibility', 'best-practices'].flatMap((category) =>
					(lhr.categories[category]?.auditRefs ?? [])
						.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
						.map((ref) => {
							const items = (lhr.audits[ref.id]?.details as { items?: { issueType?: string }[] } | undefined)?.items;
							const types = [...new Set((items ?? []).map((item) => item.issueType).filter(Boolean))];
							return types.length ? `${ref.id} (${types.join(', ')})` : ref.id;
						}),
				);
				environment ??= {
					lighthouse: lhr.lighthouseVersion,
					browser: lhr.environment.hostUserAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'unknown',
					benchmarkIndex: lhr.environment.benchmarkIndex,
					formFactor: lhr.configSettings.formFactor,
					throttlingMethod: lhr.configSettings.throttlingMethod,
					cpuSlowdown: lhr.configSettings.throttling.cpuSlowdownMultiplier,
				};
				onPage(url, {
					performance: score(lhr.categories.performance?.score),
					accessibility: score(lhr.categories.accessibility?.score),
					bestPractices: score(lhr.categories['best-practices']?.score),
					lcp: metric('largest-contentful-paint'),
					tbt: metric('total-blocking-time'),
					cls: metric('cumulative-layout-shift'),
					failed,
					warnings: lhr.runWarnings,
					...scriptWeight(lhr.audits['network-requests']?.details),
					longTasks: ((lhr.audits['long-tasks']?.details as { items?: LongTask[] } | undefined)?.items ?? []).map(
						(task) => ({
							url: task.url ?? '',
							startTime: Math.round(task.startTime ?? 0),
							duration: Math.round(task.duration ?? 0),
						}),
					),
				});
			} catch (error) {
				onPage(url, error instanceof Error ? error : new Error(String(error)));
			}
		}
	} finally {
		chrome.kill();
	}
	return environment;
}
