import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeLoads, runCallLoad, throughputRatio } from './call-load.ts';
import { type LoadResult, percentile } from './load.ts';
import { cpuSeconds, findPostmaster, processMemory, treeCpuSeconds } from './processes.ts';
import { firstPageUnder, gzipSize, pageWeight } from './weights.ts';

describe('the benchmark’s page weights', () => {
	const dist = mkdtempSync(join(tmpdir(), 'bench-weights-'));
	const astro = join(dist, '_astro');
	mkdirSync(astro);
	writeFileSync(join(astro, 'Island.abc.js'), 'import{h}from"./preact.def.js";import("./Lazy.ghi.js");');
	writeFileSync(join(astro, 'preact.def.js'), 'export const h=1;');
	writeFileSync(join(astro, 'Lazy.ghi.js'), 'import{h}from"./preact.def.js";export default h;');
	writeFileSync(join(astro, 'Unused.jkl.js'), 'export {};');
	afterAll(() => rmSync(dist, { recursive: true, force: true }));

	it('counts no JavaScript on a page without scripts, and measures its inlined stylesheet apart', () => {
		const html =
			'<html><head><style>body{color:red}</style><script type="application/ld+json">{}</script></head></html>';
		const weight = pageWeight(html, astro);
		expect(weight.js).toStrictEqual({ raw: 0, gzip: 0, files: [], inlineScripts: 0 });
		expect(weight.css).toStrictEqual({ raw: 'body{color:red}'.length, gzip: gzipSize('body{color:red}') });
		expect(weight.html.raw).toBe(html.length);
	});

	it('follows an island’s static and lazy imports, and adds inline scripts', () => {
		const html = '<astro-island component-url="/_astro/Island.abc.js"></astro-island><script>var a=1</script>';
		const weight = pageWeight(html, astro);
		expect(weight.js.files).toStrictEqual(['Island.abc.js', 'Lazy.ghi.js', 'preact.def.js']);
		expect(weight.js.inlineScripts).toBe(1);
		expect(weight.js.raw).toBe(
			'import{h}from"./preact.def.js";import("./Lazy.ghi.js");'.length +
				'export const h=1;'.length +
				'import{h}from"./preact.def.js";export default h;'.length +
				'var a=1'.length,
		);
	});

	it('picks the first page folder of a section, skipping sub-sections', () => {
		for (const name of ['categorie', 'b-service', 'a-service']) {
			mkdirSync(join(dist, 'services', name), { recursive: true });
			writeFileSync(join(dist, 'services', name, 'index.html'), '');
		}
		expect(firstPageUnder(dist, 'services', ['categorie'])).toBe('a-service');
		expect(firstPageUnder(dist, 'absent')).toBeUndefined();
	});
});

describe('the benchmark’s figures', () => {
	it('takes nearest-rank percentiles', () => {
		const values = Array.from({ length: 100 }, (_, i) => i + 1);
		expect([percentile(values, 50), percentile(values, 95), percentile(values, 99)]).toStrictEqual([50, 95, 99]);
		expect(percentile([7], 95)).toBe(7);
		expect(percentile([], 50)).toBeNaN();
	});

	it('reads a process’s memory and CPU time from /proc', () => {
		const memory = processMemory(process.pid);
		expect(memory.rss).toBeGreaterThan(10 * 2 ** 20);
		expect(memory.peak).toBeGreaterThanOrEqual(memory.rss);
		expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
	});

	it('reads the CPU time of a process and its children, and finds no postmaster on a port nobody uses', () => {
		const own = cpuSeconds(process.pid);
		expect(treeCpuSeconds(process.pid)).toBeGreaterThanOrEqual(own);
		expect(findPostmaster(1)).toBeUndefined();
	});

	it('runs concurrent call loops, counting successes and failures apart', async () => {
		const seen = new Set<number>();
		const clients = new Set<number>();
		const result = await runCallLoad({
			clients: 3,
			seconds: 0.05,
			call: async (client, n) => {
				clients.add(client);
				seen.add(n);
				await new Promise((resolve) => setImmediate(resolve));
				if (n % 4 === 0) throw new Error(`échec ${n}`);
			},
		});
		expect([...clients].sort()).toStrictEqual([0, 1, 2]);
		expect(result.requests + result.errors).toBe(seen.size);
		expect(result.status['2xx']).toBe(result.requests);
		expect(result.errors).toBe([...seen].filter((n) => n % 4 === 0).length);
		expect(result.firstError).toMatch(/^échec \d+$/);
		expect(result.latencies).toHaveLength(result.requests);
	});

	it('merges runs into one figure and compares throughputs', () => {
		const run = (latencies: number[], seconds: number): LoadResult => ({
			connections: 2,
			seconds,
			requests: latencies.length,
			throughput: latencies.length / seconds,
			p50: Number.NaN,
			p95: Number.NaN,
			p99: Number.NaN,
			max: Number.NaN,
			status: { '2xx': latencies.length, '3xx': 0, '4xx': 0, '5xx': 0, '429': 1 },
			errors: 1,
			timeouts: 0,
			latencies,
		});
		const merged = mergeLoads([run([5, 1, 3], 1), run([2, 4], 1.5)]);
		expect(merged).toMatchObject({ requests: 5, seconds: 2.5, throughput: 2, p50: 3, max: 5, errors: 2 });
		expect(merged.status).toStrictEqual({ '2xx': 5, '3xx': 0, '4xx': 0, '5xx': 0, '429': 2 });
		expect(throughputRatio({ throughput: 150 }, { throughput: 300 })).toBe(0.5);
		expect(throughputRatio({ throughput: 150 }, { throughput: 0 })).toBeNaN();
	});
});
