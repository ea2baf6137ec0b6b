import { type LoadResult, percentile } from './load.ts';

export type CallLoadOptions = {
	/** Concurrent clients: each is a loop that awaits one call before starting the next. */
	clients: number;
	seconds: number;
	/** One call; `client` is the loop's index (0 … clients − 1), `n` a number unique within the run (1, 2, …). */
	call: (client: number, n: number) => Promise<unknown>;
};

/**
 * The same measure as `runLoad`, for calls made in the bench process itself (a SQL function over
 * a connection of its own per client, for example): every completed call's own time, exact
 * percentiles, completed calls per second. A call that throws counts in `errors` (its time is not
 * a latency) and the loop goes on; `status['2xx']` counts the calls that succeeded.
 */
export async function runCallLoad(options: CallLoadOptions): Promise<LoadResult & { firstError?: string }> {
	const times: number[] = [];
	let errors = 0;
	let firstError: string | undefined;
	let n = 0;
	const started = performance.now();
	const deadline = started + options.seconds * 1000;
	const loop = async (client: number) => {
		while (performance.now() < deadline) {
			const begin = performance.now();
			try {
				await options.call(client, ++n);
				times.push(performance.now() - begin);
			} catch (error) {
				errors++;
				firstError ??= error instanceof Error ? error.message : String(error);
			}
		}
	};
	await Promise.all(Array.from({ length: options.clients }, (_, client) => loop(client)));
	const elapsed = (performance.now() - started) / 1000;
	const sorted = times.sort((a, b) => a - b);
	return {
		connections: options.clients,
		seconds: elapsed,
		requests: sorted.length,
		throughput: sorted.length / elapsed,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.at(-1) ?? Number.NaN,
		status: { '2xx': sorted.length, '3xx': 0, '4xx': 0, '5xx': 0, '429': 0 },
		errors,
		timeouts: 0,
		latencies: sorted,
		...(firstError === undefined ? {} : { firstError }),
	};
}

/**
 * Several runs of the same load as one: counts added, throughput over the summed durations,
 * percentiles over every latency of every run (each run must carry its `latencies`).
 */
export function mergeLoads<T extends LoadResult>(runs: T[]): LoadResult {
	const first = runs[0];
	if (!first) throw new Error('mergeLoads: no run');
	const sorted = runs.flatMap((run) => run.latencies ?? []).sort((a, b) => a - b);
	const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
	const status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, '429': 0 };
	for (const run of runs)
		for (const key of Object.keys(status) as (keyof typeof status)[]) status[key] += run.status[key];
	return {
		connections: first.connections,
		seconds,
		requests: sorted.length,
		throughput: sorted.length / seconds,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.at(-1) ?? Number.NaN,
		status,
		errors: runs.reduce((sum, run) => sum + run.errors, 0),
		timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
		latencies: sorted,
	};
}

/** Endpoint throughput over direct SQL throughput: how much of the database's pace the HTTP path keeps. */
export function throughputRatio(endpoint: { throughput: number }, direct: { throughput: number }): number {
	return direct.throughput > 0 ? endpoint.throughput / direct.throughput : Number.NaN;
}
