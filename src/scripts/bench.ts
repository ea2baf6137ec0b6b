import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import postgres from 'postgres';
import { proposalInputSchema, toProposalArgs } from '../lib/domain/proposal.ts';
import { type RegistrationInput, toRegistrationArgs } from '../lib/domain/registration.ts';
import { PROPOSAL_THEMES } from '../lib/domain/vocabulary.ts';
import { resolveDataDir } from '../lib/server/access/importer.ts';
import { importDataFolder } from '../lib/server/access/run-import.ts';
import { readContentMirror } from '../lib/server/db/content-mirror.ts';
import { migrate } from '../lib/server/db/migrations.ts';
import { ANON, type Caller, type DataPort, SERVICE } from '../lib/server/db/port.ts';
import { createPostgresAdapter } from '../lib/server/db/postgres-adapter.ts';
import { startPostgresServer } from '../test/db/postgres-server.ts';
import { mergeLoads, runCallLoad, throughputRatio } from './lib/bench/call-load.ts';
import { type LighthouseScores, runLighthouse } from './lib/bench/lighthouse.ts';
import { type LoadOptions, type LoadResult, runLoad } from './lib/bench/load.ts';
import {
	cpuSeconds,
	findPostmaster,
	type NodeChild,
	processMemory,
	startNode,
	treeCpuSeconds,
	waitForOk,
} from './lib/bench/processes.ts';
import { benchScenario } from './lib/bench/scenario.ts';
import { benchSimulatorBrowser, SIMULATIONS } from './lib/bench/simulator-browser.ts';
import { byteLength, firstPageUnder, gzipSize, type PageWeight, pageWeight } from './lib/bench/weights.ts';
import { sampleContent } from './lib/sample-content.ts';
import { freePort } from './port-open.ts';

/**
 * `npm run bench`: build time, page weights, map data size, Lighthouse scores, API latency and
 * throughput on a real PostgreSQL server and on the embedded PGlite default, PGlite start-up and
 * memory. Prints one Markdown table on stdout (progress goes to stderr) and writes
 * test-results/bench.json. Each section that fails is reported in the table and the run goes on.
 *
 * Options: `--skip-build` (use the existing dist/, build time not measured); `--only=registration`
 * (only the registration-against-its-limit section, on a functions-only server: no build needed);
 * `--only=scenario` (only the access simulator: D_j for all France and a pilot, one simulation, one ranking);
 * `--only=lighthouse` (Lighthouse on the map page and the home page, with the map page's weight, then the
 * simulator in the browser: builds first unless `--skip-build`, then a PostgreSQL cluster with the open
 * data and `npm run serve`); `--only=simulator-browser` (the simulator in the browser alone, same set-up);
 * BENCH_SECONDS (per load run, default 10); BENCH_LIGHTHOUSE_RUNS (runs per page, the median is
 * reported; default 1); DATA_DIR (open data, default ../shared/data, else the test fixtures).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
const ASTRO_DIR = join(DIST, '_astro');
const OUT_DIR = join(ROOT, 'test-results');
const LOG_DIR = join(OUT_DIR, 'bench-logs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = 2;
const LIGHTHOUSE_RUNS = Math.max(1, Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 1));
const CONNECTIONS = [10, 50];
/** The territories of content/, the first of them and its first upcoming meeting: the pages and calls measured. */
const SAMPLE = sampleContent();
const TERRITORIES = SAMPLE.territories.map((t) => t.id);
const TERRITORY = SAMPLE.territory.id;
const KB = 1024;
const ONLY = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const ONLY_SECTIONS = ['registration', 'scenario', 'lighthouse', 'simulator-browser'];
if (ONLY !== undefined && !ONLY_SECTIONS.includes(ONLY)) {
	process.stderr.write(
		`Unknown --only=${ONLY}: the sections that run alone are ${ONLY_SECTIONS.map((name) => `--only=${name}`).join(', ')}.\n`,
	);
	process.exit(2);
}
const ONLY_REGISTRATION = ONLY === 'registration';
const ONLY_SCENARIO = ONLY === 'scenario';
/** Lighthouse on the map page and the home page, then the simulator in the browser (a build first unless --skip-build). */
const ONLY_LIGHTHOUSE = ONLY === 'lighthouse';
/** The simulator in the browser alone (a build first unless --skip-build). */
const ONLY_SIMULATOR_BROWSER = ONLY === 'simulator-browser';
const SKIP_BUILD = process.argv.includes('--skip-build');

const machine = {
	cores: cpus().length,
	cpu: cpus()[0]?.model ?? 'unknown',
	memoryGiB: Math.round(totalmem() / 2 ** 30),
	node: process.version,
	date: new Date().toISOString(),
};
const LABEL = `${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}`;

const log = (message: string) => process.stderr.write(`${message}\n`);
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const ms = (value: number | null) => (value == null || Number.isNaN(value) ? '—' : `${value.toFixed(1)} ms`);
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Results: one row per figure, and the same figures as JSON.

const SECTIONS = [
	'Build',
	'Page weight',
	'Map data',
	'Lighthouse',
	'Simulator in the browser',
	'API, PostgreSQL',
	'Registration vs SQL',
	'API, PGlite',
	'PGlite',
	'Scenario',
] as const;
type Section = (typeof SECTIONS)[number];
type Row = { section: Section; measure: string; result: string; target: string; ok: boolean | undefined };

const rows: Row[] = [];
const errors: { section: string; message: string }[] = [];
const report: Record<string, unknown> = { machine, label: LABEL };
const addRow = (section: Section, measure: string, result: string, target = '', ok?: boolean) =>
	rows.push({ section, measure, result, target, ok });

async function section(name: Section | string, rowSection: Section, run: () => Promise<void>): Promise<void> {
	const started = performance.now();
	log(`\n▶ ${name}`);
	try {
		await run();
		log(`  ${name}: done in ${seconds(performance.now() - started)}`);
	} catch (error) {
		const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
		log(`  ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		errors.push({ section: name, message });
		addRow(rowSection, `${name}: not measured`, `failed: ${message}`, '', false);
	}
}

// ---------------------------------------------------------------------------------------------
// 1. Build

async function benchBuild(): Promise<void> {
	const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
		.scripts.build;
	if (!script) throw new Error('package.json has no build script');
	// `npm run build` step by step (astro check, then astro build) so that each is timed too.
	const steps = script.split('&&').map((step) => step.trim());
	const env = {
		...process.env,
		PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
		ASTRO_TELEMETRY_DISABLED: '1',
	};
	const logFile = join(LOG_DIR, 'build.log');
	const fd = openSync(logFile, 'w');
	const timings: { step: string; ms: number }[] = [];
	try {
		for (const step of steps) {
			log(`  ${step}`);
			const started = performance.now();
			const result = spawnSync('sh', ['-c', step], { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
			timings.push({ step, ms: performance.now() - started });
			if (result.status !== 0) throw new Error(`"${step}" failed (exit ${result.status}); see ${logFile}`);
		}
	} finally {
		closeSync(fd);
	}
	const total = timings.reduce((sum, t) => sum + t.ms, 0);
	report.build = { script, totalMs: Math.round(total), steps: timings.map((t) => ({ ...t, ms: Math.round(t.ms) })) };
	addRow('Build', `npm run build (${steps.length} steps)`, seconds(total), '≤ 30 s', total <= 30_000);
	for (const { step, ms: time } of timings) addRow('Build', step.replace(/ --.*$/, ''), seconds(time));
}

// ---------------------------------------------------------------------------------------------
// 2. Page weights

type PageKind = 'content' | 'island' | 'map';
type Page = { key: string; name: string; path: string; kind: PageKind; onDemand: boolean };

function pages(): Page[] {
	const service = firstPageUnder(DIST, 'services', ['categorie', 'public', 'territoire']);
	const minutes = firstPageUnder(DIST, 'comptes-rendus');
	const list: (Page | undefined)[] = [
		{ key: 'home', name: 'home', path: '/', kind: 'content', onDemand: false },
		{ key: 'territory', name: 'territory', path: `/territoires/${TERRITORY}/`, kind: 'content', onDemand: false },
		{ key: 'services', name: 'services list', path: '/services/', kind: 'content', onDemand: false },
		service
			? { key: 'service', name: 'service', path: `/services/${service}/`, kind: 'content', onDemand: false }
			: undefined,
		SAMPLE.meeting
			? {
					key: 'meeting',
					name: 'meeting (sign-up island)',
					path: `/reunions/${SAMPLE.meeting.id}/`,
					kind: 'island',
					onDemand: false,
				}
			: undefined,
		minutes
			? { key: 'minutes', name: 'minutes', path: `/comptes-rendus/${minutes}/`, kind: 'content', onDemand: false }
			: undefined,
		{ key: 'proposal-form', name: 'proposal form', path: '/propositions/nouvelle/', kind: 'island', onDemand: false },
		{ key: 'glossary', name: 'glossary', path: '/glossaire/', kind: 'content', onDemand: false },
		{ key: 'map', name: 'access map (on demand)', path: `/acces-aux-soins/${TERRITORY}/`, kind: 'map', onDemand: true },
		{ key: 'proposals', name: 'proposals list (on demand)', path: '/propositions/', kind: 'content', onDemand: true },
	];
	return list.filter((page): page is Page => page !== undefined);
}

const PAGE_TARGET_GZIP = 30 * KB;
const ISLAND_TARGET_GZIP = 70 * KB;
const pageWeights: Record<string, PageWeight & { path: string; source: string }> = {};
report.pages = pageWeights;

function recordPageWeight(page: Page, html: string, source: string): void {
	const weight = pageWeight(html, ASTRO_DIR);
	pageWeights[page.key] = { path: page.path, source, ...weight };
	const js =
		weight.js.raw === 0
			? 'JS 0 KB'
			: `JS ${kb(weight.js.raw)} (${kb(weight.js.gzip)} gz; ${weight.js.files.length} files, ${weight.js.inlineScripts} inline)`;
	const result = `HTML ${kb(weight.html.raw)} (${kb(weight.html.gzip)} gz) · CSS ${kb(weight.css.raw)} (${kb(weight.css.gzip)} gz) · ${js}`;
	const jsOk = page.kind === 'content' ? weight.js.raw === 0 : weight.js.gzip <= ISLAND_TARGET_GZIP;
	const target = `HTML+CSS ≤ 30 KB gz; ${page.kind === 'content' ? 'JS 0 KB' : 'JS ≤ 70 KB gz'}`;
	addRow('Page weight', `${page.name} ${page.path}`, result, target, weight.html.gzip <= PAGE_TARGET_GZIP && jsOk);
}

async function benchStaticPages(): Promise<void> {
	if (!existsSync(ASTRO_DIR)) throw new Error('no dist/: build the site first (npm run build)');
	for (const page of pages().filter((p) => !p.onDemand)) {
		const file = join(DIST, page.path, 'index.html');
		if (!existsSync(file)) {
			addRow('Page weight', `${page.name} ${page.path}`, `missing: ${relative(ROOT, file)}`, '', false);
			continue;
		}
		recordPageWeight(page, readFileSync(file, 'utf8'), 'dist');
	}
}

async function benchOnDemandPages(base: string, database: string): Promise<void> {
	for (const page of pages().filter((p) => p.onDemand && (!ONLY_LIGHTHOUSE || p.key === 'map'))) {
		const response = await fetch(`${base}${page.path}`);
		if (!response.ok) throw new Error(`${page.path}: HTTP ${response.status}`);
		recordPageWeight(page, await response.text(), `production-like server on ${database}`);
	}
}

// ---------------------------------------------------------------------------------------------
// 3. Map data

async function benchMapData(base: string, dataNote: string): Promise<void> {
	const sizes: Record<string, { raw: number; gzip: number; communes: number; inTerritory: number }> = {};
	for (const territory of TERRITORIES) {
		const response = await fetch(`${base}/api/access-map?territory=${territory}`);
		if (!response.ok) throw new Error(`access map of ${territory}: HTTP ${response.status}`);
		const body = await response.text();
		const features = (JSON.parse(body) as { features: { properties: { inTerritory: boolean } }[] }).features;
		const size = {
			raw: byteLength(body),
			gzip: gzipSize(body),
			communes: features.length,
			inTerritory: features.filter((f) => f.properties.inTerritory).length,
		};
		sizes[territory] = size;
		addRow(
			'Map data',
			`/api/access-map?territory=${territory}`,
			`${kb(size.raw)} (${kb(size.gzip)} gz); ${size.communes} communes (${size.inTerritory} in the territory); ${dataNote}`,
			'≤ 70 KB gz',
			size.gzip <= 70 * KB,
		);
	}
	report.mapData = sizes;
}

// ---------------------------------------------------------------------------------------------
// 4. Lighthouse

/** The run whose performance score is the median (Lighthouse's advice for several runs); failures only if all failed. */
function medianRun(runs: (LighthouseScores | Error)[]): LighthouseScores | Error {
	const good = runs
		.filter((run): run is LighthouseScores => !(run instanceof Error))
		.sort((a, b) => (a.performance ?? 0) - (b.performance ?? 0));
	return good[Math.floor((good.length - 1) / 2)] ?? runs[0] ?? new Error('no run');
}

async function benchLighthouse(base: string, database: string): Promise<void> {
	const results: Record<
		string,
		(LighthouseScores & { path: string; performanceRuns: (number | null)[] }) | { path: string; error: string }
	> = {};
	report.lighthouse = { server: `production-like server on ${database}`, runsPerPage: LIGHTHOUSE_RUNS, pages: results };
	const list = pages().filter((page) => !ONLY_LIGHTHOUSE || page.key === 'map' || page.key === 'home');
	const runs = new Map<string, (LighthouseScores | Error)[]>(list.map((page) => [page.key, []]));
	// Whole passes over the pages, so that the runs of one page are spread over time.
	const urls = Array.from({ length: LIGHTHOUSE_RUNS }, () => list.map((page) => `${base}${page.path}`)).flat();
	const environment = await runLighthouse(urls, (url, result) => {
		const page = list.find((p) => `${base}${p.path}` === url)!;
		runs.get(page.key)!.push(result);
		log(
			`  ${page.path}: ${result instanceof Error ? result.message : `perf ${result.performance}, a11y ${result.accessibility}, best practices ${result.bestPractices}`}`,
		);
	});
	for (const page of list) {
		const measure = `${page.name} ${page.path}`;
		const pageRuns = runs.get(page.key)!;
		const result = medianRun(pageRuns);
		if (result instanceof Error) {
			results[page.key] = { path: page.path, error: result.message };
			addRow('Lighthouse', measure, `failed: ${result.message}`, 'perf ≥ 98, a11y 100', false);
			continue;
		}
		const performanceRuns = pageRuns.map((run) => (run instanceof Error ? null : run.performance));
		if (result.longTasks.length) {
			log(
				`  ${page.path} long tasks of the median run: ${result.longTasks.map((task) => `${task.duration} ms at ${task.startTime} ms (${task.url.replace(base, '') || 'unattributed'})`).join('; ')}`,
			);
		}
		results[page.key] = { path: page.path, performanceRuns, ...result };
		const text =
			`perf ${result.performance ?? '—'}${LIGHTHOUSE_RUNS > 1 ? ` (runs: ${performanceRuns.map((p) => p ?? 'failed').join(', ')})` : ''} · ` +
			`a11y ${result.accessibility ?? '—'} · best practices ${result.bestPractices ?? '—'} · ` +
			`LCP ${seconds(result.lcp ?? Number.NaN)} · TBT ${ms(result.tbt).replace('.0 ms', ' ms')}` +
			`${LIGHTHOUSE_RUNS > 1 ? ` (runs: ${pageRuns.map((run) => (run instanceof Error || run.tbt == null ? 'failed' : Math.round(run.tbt))).join(', ')})` : ''}` +
			` · CLS ${result.cls?.toFixed(3) ?? '—'}` +
			(result.scriptBytes == null ? '' : ` · JS ${kb(result.scriptBytes)} transferred in ${result.scripts} files`) +
			(result.failed.length ? ` · below full marks: ${result.failed.join(', ')}` : '');
		addRow(
			'Lighthouse',
			measure,
			text,
			'perf ≥ 98, a11y 100',
			(result.performance ?? 0) >= 98 && result.accessibility === 100,
		);
	}
	if (environment) {
		(report.lighthouse as Record<string, unknown>).environment = environment;
		addRow(
			'Lighthouse',
			'settings',
			`Lighthouse ${environment.lighthouse}, ${environment.browser}, ${environment.formFactor} emulation, ` +
				`${environment.throttlingMethod} throttling (CPU ×${environment.cpuSlowdown}), benchmark index ${Math.round(environment.benchmarkIndex)}; ` +
				`${LIGHTHOUSE_RUNS === 1 ? 'one run per page' : `median of ${LIGHTHOUSE_RUNS} runs per page`}, server on ${database}`,
		);
	}
}

// ---------------------------------------------------------------------------------------------
// 4b. The access simulator in the browser

async function benchSimulatorInBrowser(base: string): Promise<void> {
	const runs = await benchSimulatorBrowser(base, TERRITORIES, log);
	report.simulatorBrowser = { simulations: SIMULATIONS, runs };
	const fixed = (value: number | null) => (value == null || Number.isNaN(value) ? '—' : `${value.toFixed(2)} ms`);
	for (const run of runs) {
		addRow(
			'Simulator in the browser',
			`${run.territory}, CPU ×${run.cpuSlowdown}: ${run.simulation.count} simulations through the form ('pds-simulation'; 'pds-simulation-update' with the render)`,
			`recompute median ${fixed(run.simulation.median)}, max ${fixed(run.simulation.max)} · with the render median ${fixed(run.update.median)}, max ${fixed(run.update.max)} · ` +
				`on hydration: model ${fixed(run.model)}, placements ${fixed(run.placements)} (${run.communes} communes in the territory) · ` +
				`scrolled to the map: ${run.reveal.longTasks} long tasks, longest ${fixed(run.reveal.longest)}, blocking ${fixed(run.reveal.blockingMs)}`,
			run.cpuSlowdown === 1 ? 'recompute max ≤ 16 ms' : '',
			run.cpuSlowdown === 1 ? run.simulation.max <= 16 : undefined,
		);
	}
}

// ---------------------------------------------------------------------------------------------
// 5. API latency and throughput

const COORDINATOR: Caller = {
	claims: { role: 'authenticated', sub: '00000000-0000-4000-8000-0000000000be', app_metadata: { role: 'coordinator' } },
};
const runTag = Date.now().toString(36);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** A client address per request (RFC 2544 benchmark range, only ever a header value), so that per-address rate limits do not dominate. */
const clientAddress = (n: number) => `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
let sequence = 0;

/** A meeting with the largest capacity the schema allows (500; later sign-ups are waitlisted, also 201). */
async function seedMeeting(port: DataPort): Promise<string> {
	const id = `bench-${runTag}-${(sequence++).toString(36)}`;
	await port.callRpc(
		'sync_content',
		{
			p_territories: [],
			p_meetings: [
				{
					id,
					territoryId: TERRITORY,
					title: 'Banc d’essai',
					startsAt: inDays(30),
					capacity: 500,
					status: 'scheduled',
				},
			],
		},
		SERVICE,
	);
	return id;
}

/** A proposal submitted as a resident would, then published by the coordinator. */
async function publishedProposal(port: DataPort, theme: string): Promise<number> {
	const input = proposalInputSchema.parse({
		title: `Proposition d’essai ${sequence++}`,
		description: 'Une navette le mardi matin vers la maison de santé, pour les hameaux sans voiture.',
		theme,
		territoryId: TERRITORY,
	});
	const { id } = await port.callRpc<{ id: number }>(
		'submit_proposal',
		toProposalArgs(input, randomBytes(32).toString('hex')),
		ANON,
	);
	await port.callRpc('decide_proposal', { p_proposal_id: id, p_status: 'published' }, COORDINATOR);
	return id;
}

type Endpoint = {
	key: string;
	name: string;
	/** Options for one run; called before each run (warm-up included), so that each gets fresh data. */
	prepare: () => Promise<Omit<LoadOptions, 'connections' | 'seconds'>>;
};

function endpoints(base: string, port: DataPort): Endpoint[] {
	const json = { 'content-type': 'application/json' };
	return [
		{
			key: 'registration',
			name: 'POST /api/meetings/{id}/registrations',
			prepare: async () => {
				const meeting = await seedMeeting(port);
				return {
					url: `${base}/api/meetings/${meeting}/registrations`,
					method: 'POST',
					headers: json,
					vary: (n) => ({
						headers: { 'x-nf-client-connection-ip': clientAddress(n) },
						body: JSON.stringify({
							fullName: `Personne ${n}`,
							email: `bench-${meeting}-${n}@example.fr`,
							category: 'habitants',
							consent: true,
						}),
					}),
				};
			},
		},
		{
			key: 'support',
			name: 'POST /api/proposals/{id}/supports',
			prepare: async () => {
				const id = await publishedProposal(port, 'autre');
				return {
					url: `${base}/api/proposals/${id}/supports`,
					method: 'POST',
					headers: json,
					vary: (n) => ({
						headers: { 'x-nf-client-connection-ip': clientAddress(n) },
						body: JSON.stringify({ fullName: `Soutien ${n}`, contact: `soutien-${runTag}-${id}-${n}@example.fr` }),
					}),
				};
			},
		},
		{ key: 'list', name: 'GET /api/proposals', prepare: async () => ({ url: `${base}/api/proposals` }) },
		{
			key: 'map-cold',
			name: 'GET /api/access-map (no If-None-Match: 200)',
			prepare: async () => ({ url: `${base}/api/access-map?territory=${TERRITORY}` }),
		},
		{
			key: 'map-cached',
			name: 'GET /api/access-map (If-None-Match: 304)',
			prepare: async () => {
				const url = `${base}/api/access-map?territory=${TERRITORY}`;
				const etag = (await fetch(url)).headers.get('etag');
				if (!etag) throw new Error('the access map answered without an ETag');
				return { url, headers: { 'if-none-match': etag } };
			},
		},
	];
}

type Measured = LoadResult & { cpu: Record<string, number>; elapsedSeconds: number };
/** Readers of the CPU seconds a process (or process tree) has used so far, by name. */
type CpuMeters = Record<string, () => number>;
const pidMeters = (pids: Record<string, number>): CpuMeters =>
	Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, () => cpuSeconds(pid)]));
const benchProcessCpu = () => {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1e6;
};

const loadText = (r: Measured) =>
	`p50 ${ms(r.p50)} · p95 ${ms(r.p95)} · p99 ${ms(r.p99)} · ${Math.round(r.throughput)} req/s · ` +
	`2xx ${r.status['2xx']}, 3xx ${r.status['3xx']}, 4xx ${r.status['4xx']}, 429 ${r.status['429']}, 5xx ${r.status['5xx']}` +
	(r.errors || r.timeouts ? `, errors ${r.errors}, timeouts ${r.timeouts}` : '') +
	` · CPU ${Object.entries(r.cpu)
		.map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
		.join(', ')} cores`;

/** One run, with the CPU the metered processes used during it (in cores: 1.00 = one core busy all along). */
async function withCpu<T extends LoadResult>(meters: CpuMeters, run: () => Promise<T>): Promise<T & Measured> {
	const before = Object.fromEntries(Object.entries(meters).map(([name, read]) => [name, read()]));
	const started = performance.now();
	const result = await run();
	const elapsed = (performance.now() - started) / 1000;
	const cpu = Object.fromEntries(
		Object.entries(meters).map(([name, read]) => [name, (read() - before[name]!) / elapsed]),
	);
	return { ...result, cpu, elapsedSeconds: elapsed };
}

/** One load run, with the CPU the given processes used during it. */
const measure = (options: LoadOptions, processes: Record<string, number>): Promise<Measured> =>
	withCpu(pidMeters(processes), () => runLoad(options));

async function benchApi(
	base: string,
	port: DataPort,
	database: 'postgres' | 'pglite',
	processes: Record<string, number>,
): Promise<void> {
	const rowSection: Section = database === 'postgres' ? 'API, PostgreSQL' : 'API, PGlite';
	// Something to list: 20 published proposals across the themes.
	const themes = Object.keys(PROPOSAL_THEMES);
	for (let i = 0; i < 20; i++) await publishedProposal(port, themes[i % themes.length]!);
	const results: Record<string, Record<number, Measured>> = {};
	(report.api as Record<string, unknown>)[database] = results;
	for (const endpoint of endpoints(base, port)) {
		const byConnections: Record<number, Measured> = {};
		results[endpoint.key] = byConnections;
		try {
			await runLoad({ ...(await endpoint.prepare()), connections: 10, seconds: WARM_UP_SECONDS });
			for (const connections of CONNECTIONS) {
				const result = await measure({ ...(await endpoint.prepare()), connections, seconds: SECONDS }, processes);
				byConnections[connections] = result;
				const headline = endpoint.key === 'registration' && connections === 50 && database === 'postgres';
				const expected = endpoint.key === 'map-cached' ? result.status['3xx'] : result.status['2xx'];
				const clean = result.requests > 0 && expected === result.requests && result.errors === 0;
				addRow(
					rowSection,
					`${endpoint.name}, ${connections} connections`,
					loadText(result),
					headline ? 'p95 ≤ 50 ms' : '',
					headline ? result.p95 <= 50 && clean : clean ? undefined : false,
				);
				log(`  ${endpoint.key} × ${connections}: ${loadText(result)}`);
			}
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			errors.push({ section: `${rowSection} ${endpoint.key}`, message });
			addRow(rowSection, `${endpoint.name}: not measured`, `failed: ${message}`, '', false);
			log(`  ${endpoint.key} failed: ${message}`);
		}
	}
}
report.api = {};

// ---------------------------------------------------------------------------------------------
// 5c. Registration against its limit: the SQL function alone, then the endpoint, same load.

const FULL_CAPACITY = 500;
/** Each path's run is cut in this many slices, interleaved with the other path's. */
const SLICES = 4;
/** The origin the direct calls put in cancel links (the endpoint uses its own). */
const DIRECT_ORIGIN = 'http://127.0.0.1';

/**
 * A fresh meeting whose 500 seats (the schema's largest capacity) are already taken, so that every
 * measured registration, direct or through the endpoint, is the same work: a waitlist insert.
 */
async function fullMeeting(port: DataPort, admin: postgres.Sql): Promise<string> {
	const id = await seedMeeting(port);
	await admin.unsafe(
		`select public.register_for_meeting(p_meeting_id => $1, p_full_name => 'Place prise ' || i,
		   p_category => 'habitants', p_email => 'place-' || i || '-' || $1 || '@example.fr', p_consent => true,
		   p_client_hash => 'remplissage-' || i || '-' || $1)
		 from generate_series(1, ${FULL_CAPACITY}) i`,
		[id],
	);
	return id;
}

/** The person of call `n`: a new one each time, so that every call inserts (as the endpoint's body below). */
const registrant = (meeting: string, n: number) => ({
	fullName: `Personne ${n}`,
	email: `limite-${meeting}-${n}@example.fr`,
	category: 'habitants',
	consent: true,
});

/**
 * N clients, each a loop of `register_for_meeting` calls over a connection of its own, made as the
 * endpoint makes them: the postgres adapter (one message: `set_config('role', 'anon', true)`, the
 * claims, then the call, as one transaction), with the arguments the handler builds, the cancel
 * link prefix included (so the function queues the confirmation message, as for the endpoint).
 * Those messages are then deleted unsent: sending mail is the endpoint's work, measured with it.
 */
async function directRegistrations(
	url: string,
	admin: postgres.Sql,
	meeting: string,
	clients: number,
	seconds: number,
	meters: CpuMeters,
) {
	const adapters = Array.from({ length: clients }, () => createPostgresAdapter({ url, database: 'postgres', max: 1 }));
	try {
		// Open every connection before the clock starts, as the endpoint's pool is already open.
		await Promise.all(adapters.map((adapter) => adapter.callRpc('health_check', {}, ANON)));
		return await withCpu(meters, () =>
			runCallLoad({
				clients,
				seconds,
				call: (client, n) =>
					adapters[client]!.callRpc(
						'register_for_meeting',
						{
							...toRegistrationArgs(
								meeting,
								registrant(meeting, n) as RegistrationInput,
								createHash('sha256').update(`${runTag}:${meeting}:${n}`).digest('hex'),
							),
							p_cancel_url_prefix: `${DIRECT_ORIGIN}/reunions/annulation/?jeton=`,
						},
						ANON,
					),
			}),
		);
	} finally {
		await Promise.all(adapters.map((adapter) => adapter.close()));
		await admin.unsafe(
			'delete from public.outbox o using public.registrations r where o.registration_id = r.id and r.meeting_id = $1',
			[meeting],
		);
	}
}

function endpointRegistrations(base: string, meeting: string, connections: number, seconds: number, meters: CpuMeters) {
	return withCpu(meters, () =>
		runLoad({
			url: `${base}/api/meetings/${meeting}/registrations`,
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			connections,
			seconds,
			vary: (n) => ({
				headers: { 'x-nf-client-connection-ip': clientAddress(n) },
				body: JSON.stringify(registrant(meeting, n)),
			}),
		}),
	);
}

/** Runs of one load as one figure: merged latencies and counts, CPU averaged over the time. */
function mergeMeasured(parts: Measured[]): Measured {
	const elapsed = parts.reduce((sum, part) => sum + part.elapsedSeconds, 0);
	const names = [...new Set(parts.flatMap((part) => Object.keys(part.cpu)))];
	const cpu = Object.fromEntries(
		names.map((name) => [
			name,
			parts.reduce((sum, part) => sum + (part.cpu[name] ?? 0) * part.elapsedSeconds, 0) / elapsed,
		]),
	);
	return { ...mergeLoads(parts), cpu, elapsedSeconds: elapsed };
}

/** Successful calls per second (a run with errors must not look faster for them). */
const successRate = (r: Measured) => r.status['2xx'] / r.elapsedSeconds;
/** CPU milliseconds per successful registration, by process (where the cost of one registration goes). */
const cpuPerCall = (r: Measured) =>
	Object.fromEntries(
		Object.entries(r.cpu)
			.filter(([, cores]) => cores > 0)
			.map(([name, cores]) => [
				name,
				r.status['2xx'] ? (cores * r.elapsedSeconds * 1000) / r.status['2xx'] : Number.NaN,
			]),
	);
const callText = (r: Measured) =>
	`${loadText(r)} · CPU per registration: ${Object.entries(cpuPerCall(r))
		.map(([name, value]) => `${name} ${value.toFixed(2)} ms`)
		.join(', ')}`;

async function benchRegistrationLimit(
	base: string,
	url: string,
	port: DataPort,
	serverPid: number,
	postgresPort: number,
): Promise<void> {
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	const postmaster = findPostmaster(postgresPort);
	const meters: CpuMeters = {
		...(postmaster ? { postgres: () => treeCpuSeconds(postmaster) } : {}),
		bench: benchProcessCpu,
		server: () => cpuSeconds(serverPid),
	};
	const setup =
		`a fresh meeting per run whose ${FULL_CAPACITY} seats are already taken: every measured call, direct or ` +
		'through the endpoint, is a waitlist insert of a new person (new email, new client address) that also queues ' +
		'its confirmation message; the endpoint also sends it (in the background, after its answer)';
	const runs: Record<number, { direct: Measured; endpoint: Measured; ratio: number; p95Ratio: number }> = {};
	report.registrationLimit = { setup, connections: runs };
	try {
		// Warm-up of both paths (JIT, connection pools, plan caches), not measured.
		await directRegistrations(url, admin, await fullMeeting(port, admin), 10, WARM_UP_SECONDS, meters);
		await endpointRegistrations(base, await fullMeeting(port, admin), 10, WARM_UP_SECONDS, meters);
		for (const n of CONNECTIONS) {
			// Four quarters of each, in the order direct, endpoint, endpoint, direct, twice over: on a machine
			// shared with other work, a change of background load weighs on both paths alike.
			const slice = SECONDS / SLICES;
			const parts = { direct: [] as Measured[], endpoint: [] as Measured[] };
			const directRun = async () => {
				const run = await directRegistrations(url, admin, await fullMeeting(port, admin), n, slice, meters);
				if (run.errors) log(`    direct × ${n}: ${run.errors} errors, the first: ${run.firstError}`);
				parts.direct.push(run);
			};
			const endpointRun = async () =>
				parts.endpoint.push(await endpointRegistrations(base, await fullMeeting(port, admin), n, slice, meters));
			for (let round = 0; round < SLICES; round++) {
				if (round % 2 === 0) {
					await directRun();
					await endpointRun();
				} else {
					await endpointRun();
					await directRun();
				}
			}
			const direct = mergeMeasured(parts.direct);
			const endpoint = mergeMeasured(parts.endpoint);
			log(`  register_for_meeting direct × ${n}: ${callText(direct)}`);
			log(`  POST registrations × ${n}: ${callText(endpoint)}`);
			const ratio = throughputRatio({ throughput: successRate(endpoint) }, { throughput: successRate(direct) });
			const p95Ratio = endpoint.p95 / direct.p95;
			runs[n] = { direct, endpoint, ratio, p95Ratio };
			const directClean = direct.requests > 0 && direct.errors === 0;
			const endpointClean =
				endpoint.requests > 0 && endpoint.status['2xx'] === endpoint.requests && endpoint.errors === 0;
			addRow(
				'Registration vs SQL',
				`register_for_meeting called directly, ${n} clients (own connection each, role anon as the adapter sets it)`,
				callText(direct),
				'',
				directClean ? undefined : false,
			);
			addRow(
				'Registration vs SQL',
				`POST /api/meetings/{id}/registrations, ${n} connections`,
				callText(endpoint),
				'',
				endpointClean ? undefined : false,
			);
			addRow(
				'Registration vs SQL',
				`endpoint / direct SQL, ${n} concurrent`,
				`throughput ratio ${ratio.toFixed(2)} (${Math.round(successRate(endpoint))} vs ${Math.round(successRate(direct))} registrations/s) · ` +
					`p95 ${ms(endpoint.p95)} vs ${ms(direct.p95)} (×${p95Ratio.toFixed(2)})`,
				'ratio ≥ 0.5',
				ratio >= 0.5 && directClean && endpointClean,
			);
			log(`  endpoint / direct × ${n}: ${ratio.toFixed(2)}`);
		}
		addRow('Registration vs SQL', 'setup', setup);
	} finally {
		await admin.end();
	}
}

// ---------------------------------------------------------------------------------------------
// Servers: the production-like server (npm run serve) in a child process, on either database.

async function startSite(
	env: Record<string, string>,
	name: string,
	functionsOnly = false,
): Promise<{ url: string; child: NodeChild }> {
	const port = await freePort();
	const child = startNode(
		join(ROOT, 'src/scripts/serve.ts'),
		{ ...env, PORT: String(port) },
		join(LOG_DIR, `serve-${name}.log`),
		functionsOnly ? ['--functions-only'] : [],
	);
	const url = `http://127.0.0.1:${port}`;
	try {
		// Rejects at once if the server exits (no build, a broken function…) instead of polling for a minute.
		await child.waitForLine(/Built site served at/, 60_000);
		const health = (await (await waitForOk(`${url}/api/health`, 60_000)).json()) as { database?: string };
		log(`  production-like server on ${url} (database: ${health.database})`);
	} catch (error) {
		await child.stop();
		throw error;
	}
	return { url, child };
}

let siteSectionsDone = false;
/** Page weights of on-demand pages, map data and Lighthouse: once, on the first server that starts. */
async function siteSections(base: string, database: string, dataNote: string): Promise<void> {
	if (siteSectionsDone) return;
	siteSectionsDone = true;
	await section('On-demand page weights', 'Page weight', () => benchOnDemandPages(base, database));
	await section('Map data', 'Map data', () => benchMapData(base, dataNote));
	await section('Lighthouse', 'Lighthouse', () => benchLighthouse(base, database));
	await section('Simulator in the browser', 'Simulator in the browser', () => benchSimulatorInBrowser(base));
}

/** --only=lighthouse and --only=simulator-browser: the map page's weight, Lighthouse, the simulator in the browser. */
async function pageSections(base: string, database: string): Promise<void> {
	if (ONLY_LIGHTHOUSE) {
		await section('On-demand page weights', 'Page weight', () => benchOnDemandPages(base, database));
		await section('Lighthouse', 'Lighthouse', () => benchLighthouse(base, database));
	}
	await section('Simulator in the browser', 'Simulator in the browser', () => benchSimulatorInBrowser(base));
}

function dataFolder(): { dir: string; note: string } {
	const dir = resolveDataDir(ROOT, process.env.DATA_DIR);
	if (dir && existsSync(dir)) return { dir, note: `open data from ${dir}` };
	return {
		dir: join(ROOT, 'src/test/fixtures/access-data'),
		note: 'TEST FIXTURES (no DATA_DIR and no ../shared/data): not the real open data',
	};
}

// 5a. Real PostgreSQL
async function benchPostgres(data: { dir: string; note: string }): Promise<void> {
	const started = performance.now();
	const server = await startPostgresServer();
	let site: { url: string; child: NodeChild } | undefined;
	let port: DataPort | undefined;
	try {
		const sql = postgres(server.url, { max: 1, onnotice: () => {} });
		try {
			await migrate({ exec: (text) => sql.unsafe(text), query: (text) => sql.unsafe(text) as never });
		} finally {
			await sql.end();
		}
		port = createPostgresAdapter({ url: server.url, database: 'postgres', max: 2 });
		const mirror = readContentMirror();
		await port.callRpc('sync_content', { p_territories: mirror.territories, p_meetings: mirror.meetings }, SERVICE);
		const ready = performance.now();
		// The registration section alone needs no open data.
		const { result } = ONLY_REGISTRATION ? { result: undefined } : await importDataFolder(data.dir, port);
		const imported = performance.now();
		log(
			`  PostgreSQL ${server.url}: cluster and migrations ${seconds(ready - started)}, import ${seconds(imported - ready)} ` +
				`(${result?.communes.inserted ?? 0} communes, ${result?.indicators.inserted ?? 0} indicator values)`,
		);
		report.postgres = { setupMs: Math.round(ready - started), importMs: Math.round(imported - ready) };
		addRow(
			'API, PostgreSQL',
			'setup: throw-away cluster (initdb, pg_ctl start) and migrations',
			seconds(ready - started),
		);
		if (!ONLY_REGISTRATION) {
			addRow(
				'API, PostgreSQL',
				'open-data import (importDataFolder, as npm run data:import)',
				`${seconds(imported - ready)}: ${result?.communes.inserted ?? 0} communes, ${result?.indicators.inserted ?? 0} indicator values; ${data.note}`,
			);
		}
		site = await startSite({ DATABASE_URL: server.url }, 'postgres', ONLY_REGISTRATION);
		if (ONLY_LIGHTHOUSE || ONLY_SIMULATOR_BROWSER) {
			await pageSections(site.url, 'PostgreSQL');
			return;
		}
		if (!ONLY_REGISTRATION) {
			await siteSections(site.url, 'PostgreSQL', data.note);
			await section('API on PostgreSQL', 'API, PostgreSQL', () =>
				benchApi(site!.url, port!, 'postgres', { server: site!.child.pid }),
			);
		}
		await section('Registration against its limit (PostgreSQL)', 'Registration vs SQL', () =>
			benchRegistrationLimit(site!.url, server.url, port!, site!.child.pid, server.port),
		);
	} finally {
		await site?.child.stop();
		await port?.close();
		await server.stop();
	}
}

// 5b and 6. The embedded PGlite default: cold start, restart, API, memory.
async function benchPglite(data: { dir: string; note: string }): Promise<void> {
	const dataDir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
	const dbPort = await freePort();
	const script = join(ROOT, 'src/scripts/db-server.ts');
	const env = { PGLITE_DATA_DIR: dataDir, PGLITE_PORT: String(dbPort), DATA_DIR: data.dir };
	const readyLine = /PGlite database ready on .* in (\d+) ms/;
	let db: NodeChild | undefined;
	let site: { url: string; child: NodeChild } | undefined;
	let port: DataPort | undefined;
	try {
		// Cold start: new data folder, every migration, then the open-data import in the background.
		db = startNode(script, env, join(LOG_DIR, 'pglite-cold.log'));
		const cold = await db.waitForLine(readyLine, 180_000);
		const coldMs = cold.at - db.startedAt;
		const imported = await db.waitForLine(/Open data imported|Open-data import failed/, 600_000);
		if (/failed/.test(imported.line)) throw new Error(imported.line);
		const importMs = imported.at - cold.at;
		await db.stop();
		// Restart on the existing folder: nothing to migrate or import.
		db = startNode(script, env, join(LOG_DIR, 'pglite-restart.log'));
		const warm = await db.waitForLine(readyLine, 180_000);
		const restartMs = warm.at - db.startedAt;
		const pglite: Record<string, unknown> = {
			coldStartMs: Math.round(coldMs),
			coldStartInsideMs: Number(readyLine.exec(cold.line)?.[1]),
			importMs: Math.round(importMs),
			restartMs: Math.round(restartMs),
			restartInsideMs: Number(readyLine.exec(warm.line)?.[1]),
			memoryBeforeLoad: processMemory(db.pid),
		};
		report.pglite = pglite;
		addRow(
			'PGlite',
			'cold start: new data folder, migrations (db-server child, spawn → ready)',
			`${seconds(coldMs)} (${seconds(pglite.coldStartInsideMs as number)} inside the process)`,
		);
		const counts = /(\d+) communes added, (\d+) indicator values added/.exec(imported.line);
		addRow(
			'PGlite',
			'open-data import after the cold start (in the background, as npm run dev does)',
			`${seconds(importMs)}: ${counts?.[1] ?? '?'} communes, ${counts?.[2] ?? '?'} indicator values; ${data.note}`,
		);
		addRow(
			'PGlite',
			'restart: existing data folder (spawn → ready)',
			`${seconds(restartMs)} (${seconds(pglite.restartInsideMs as number)} inside the process)`,
		);

		port = createPostgresAdapter({
			url: `postgres://postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`,
			database: 'pglite',
			max: 1,
		});
		site = await startSite({ PGLITE_PORT: String(dbPort) }, 'pglite');
		await siteSections(site.url, 'PGlite', data.note);
		await section('API on PGlite', 'API, PGlite', () =>
			benchApi(site!.url, port!, 'pglite', { server: site!.child.pid, 'db-server': db!.pid }),
		);
		const memory = processMemory(db.pid);
		pglite.memoryAfterLoad = memory;
		addRow(
			'PGlite',
			'db-server memory after the load (VmRSS; peak VmHWM)',
			`${(memory.rss / 2 ** 20).toFixed(0)} MB (peak ${(memory.peak / 2 ** 20).toFixed(0)} MB)`,
		);
	} finally {
		await site?.child.stop();
		await port?.close();
		await db?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Table

function table(): string {
	const ordered = SECTIONS.flatMap((name) => rows.filter((row) => row.section === name));
	const cells = ordered.map((row) => [
		row.section,
		row.measure,
		row.result,
		row.target,
		row.ok === undefined ? '' : row.ok ? 'yes' : 'NO',
	]);
	const header = ['Section', 'Measure', 'Result', 'Target', 'Met'];
	const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
	const line = (cell: string[]) => `| ${cell.map((text, i) => text.padEnd(widths[i]!)).join(' | ')} |`;
	return [
		`Benchmark of ${machine.date} on ${machine.cores} cores (${machine.cpu}, ${machine.memoryGiB} GiB), Node ${machine.node}; every figure below is from this run.`,
		'',
		line(header),
		`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
		...cells.map(line),
		'',
		`KB = 1,024 bytes; gz = gzip -9. Load runs: ${SECONDS} s each after a ${WARM_UP_SECONDS} s warm-up, autocannon in the bench process, ` +
			`the production-like server (npm run serve, one Node process) and the database on the same ${machine.cores} cores. ` +
			'4xx excludes 429. CPU: cores busy in the server process (and the PGlite db-server) during the run; PostgreSQL’s own processes are not counted, ' +
			'except in “Registration vs SQL”, where `postgres` is every backend of the cluster and `bench` the bench process (load generator or SQL clients). ' +
			'Registration vs SQL: the same N concurrent clients calling register_for_meeting directly (one connection each) or the endpoint, ' +
			`each for ${SECONDS} s in ${SLICES} slices run alternately (direct, endpoint, endpoint, direct, …), each slice on a fresh full meeting; ` +
			'ratio = endpoint registrations/s ÷ direct registrations/s. CPU per registration: CPU time of each process during the runs ÷ registrations.',
		...(errors.length ? ['', `Not measured: ${errors.map((e) => `${e.section} (${e.message})`).join('; ')}`] : []),
	].join('\n');
}

// ---------------------------------------------------------------------------------------------

mkdirSync(LOG_DIR, { recursive: true });
const benchStarted = performance.now();
log(`Benchmark: ${LABEL}; logs in ${relative(ROOT, LOG_DIR)}/`);
const data = dataFolder();
report.dataSource = data;
report.settings = {
	loadSeconds: SECONDS,
	warmUpSeconds: WARM_UP_SECONDS,
	connections: CONNECTIONS,
	lighthouseRuns: LIGHTHOUSE_RUNS,
	only: ONLY ?? null,
};
log(`Access-map data: ${data.note}`);

const benchSimulator = () =>
	section('Access simulator', 'Scenario', async () => {
		const result = await benchScenario(log);
		report.scenario = result;
		for (const row of result.rows) addRow('Scenario', row.measure, row.result);
	});

if (ONLY_SCENARIO) {
	log('--only=scenario: only the access simulator section (D_j, one simulation, one placement ranking)');
	await benchSimulator();
} else if (ONLY_LIGHTHOUSE || ONLY_SIMULATOR_BROWSER) {
	log(
		ONLY_LIGHTHOUSE
			? `--only=lighthouse: Lighthouse on the map and home pages (${LIGHTHOUSE_RUNS} run${LIGHTHOUSE_RUNS > 1 ? 's' : ''} each), then the simulator in the browser`
			: '--only=simulator-browser: the simulator in the browser, on the production-like server',
	);
	if (SKIP_BUILD) addRow('Build', 'npm run build', 'not measured (--skip-build: the existing dist/ is used)');
	else await section('Build', 'Build', benchBuild);
	await section('Real PostgreSQL', 'Lighthouse', () => benchPostgres(data));
} else if (ONLY_REGISTRATION) {
	log('--only=registration: only the registration-against-its-limit section, on a functions-only server');
	await section('Real PostgreSQL', 'Registration vs SQL', () => benchPostgres(data));
} else {
	if (SKIP_BUILD) {
		addRow('Build', 'npm run build', 'not measured (--skip-build: the existing dist/ is used)', '≤ 30 s');
	} else {
		await section('Build', 'Build', benchBuild);
	}
	await section('Page weights (dist/)', 'Page weight', benchStaticPages);
	await section('Real PostgreSQL', 'API, PostgreSQL', () => benchPostgres(data));
	await section('Embedded PGlite', 'PGlite', () => benchPglite(data));
	await benchSimulator();
}

report.totalSeconds = Math.round((performance.now() - benchStarted) / 1000);
report.errors = errors;
report.table = rows.map((row) => ({ ...row, at: LABEL }));
// A partial run does not overwrite the full benchmark's figures.
const jsonFile = join(OUT_DIR, ONLY ? `bench-${ONLY}.json` : 'bench.json');
// Raw latencies stay out of the file (the percentiles are there).
writeFileSync(jsonFile, `${JSON.stringify(report, (key, value) => (key === 'latencies' ? undefined : value), '\t')}\n`);
log(`\nDone in ${report.totalSeconds} s; figures in ${relative(ROOT, jsonFile)}\n`);
process.stdout.write(`${table()}\n`);
process.exit(0);
