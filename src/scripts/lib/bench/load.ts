import autocannon from 'autocannon';

export type LoadResult = {
	connections: number;
	seconds: number;
	requests: number;
	/** Completed responses per second. */
	throughput: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; '429': number };
	/** Connection errors and timeouts (no response at all). */
	errors: number;
	timeouts: number;
	/** Every response's time, sorted (ms), to merge runs; not meant for the report. */
	latencies?: number[];
};

/** Nearest-rank percentile of sorted values (milliseconds). */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export type LoadOptions = {
	url: string;
	connections: number;
	seconds: number;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** Called once per request: a body and extra headers that differ each time (unique people, addresses). */
	vary?: (n: number) => { body?: string; headers?: Record<string, string> };
};

/**
 * One autocannon run. Latencies are every response's own time (exact percentiles, p95 included,
 * which autocannon's histogram summary lacks); 429s are counted apart from the other 4xx.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
	const times: number[] = [];
	const status = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, '429': 0 };
	let n = 0;
	const baseHeaders = options.headers ?? {};
	const vary = options.vary;
	return new Promise((resolve, reject) => {
		const instance = autocannon(
			{
				url: options.url,
				method: options.method ?? 'GET',
				connections: options.connections,
				duration: options.seconds,
				headers: baseHeaders,
				timeout: 10,
				...(vary
					? {
							requests: [
								{
									setupRequest: (request) => {
										const extra = vary(++n);
										return {
											...request,
											headers: { ...baseHeaders, ...extra.headers },
											...(extra.body === undefined ? {} : { body: extra.body }),
										};
									},
								},
							],
						}
					: {}),
			},
			(error, result) => {
				if (error) return reject(error);
				const sorted = times.sort((a, b) => a - b);
				resolve({
					connections: options.connections,
					seconds: result.duration,
					requests: sorted.length,
					throughput: sorted.length / result.duration,
					p50: percentile(sorted, 50),
					p95: percentile(sorted, 95),
					p99: percentile(sorted, 99),
					max: sorted.at(-1) ?? Number.NaN,
					status,
					errors: result.errors,
					timeouts: result.timeouts,
					latencies: sorted,
				});
			},
		);
		instance.on('response', (_client, statusCode, _bytes, responseTime) => {
			times.push(responseTime);
			if (statusCode === 429) status['429']++;
			else if (statusCode >= 200 && statusCode < 600) status[`${Math.floor(statusCode / 100)}xx` as '2xx']++;
		});
	});
}
