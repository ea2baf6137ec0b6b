import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Variables that would point a child at another database, or make it believe it runs on Netlify. */
const DATABASE_VARIABLES = [
	'SUPABASE_URL',
	'SUPABASE_ANON_KEY',
	'SUPABASE_SERVICE_ROLE_KEY',
	'DATABASE_URL',
	'PGLITE_PORT',
	'PGLITE_DATA_DIR',
	'NETLIFY',
	'CONTEXT',
	'SMTP_URL',
];

export type NodeChild = {
	child: ChildProcess;
	pid: number;
	startedAt: number;
	/** Resolves with the first output line matching `pattern` and the time it appeared (performance.now()). */
	waitForLine: (pattern: RegExp, timeoutMs: number) => Promise<{ line: string; at: number }>;
	/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
	stop: (graceMs?: number) => Promise<void>;
};

const running = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node <script>` with a clean database environment plus `env`; stdout and stderr go to
 * `logFile` (and are scanned for `waitForLine`), so a chatty child never blocks on a full pipe.
 */
export function startNode(
	script: string,
	env: Record<string, string>,
	logFile: string,
	args: string[] = [],
): NodeChild {
	const childEnv: NodeJS.ProcessEnv = { ...process.env };
	for (const name of DATABASE_VARIABLES) delete childEnv[name];
	const startedAt = performance.now();
	const child = spawn(process.execPath, [script, ...args], {
		env: { ...childEnv, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	const log = createWriteStream(logFile);
	const lines: { line: string; at: number }[] = [];
	const waiters: { pattern: RegExp; resolve: (found: { line: string; at: number }) => void }[] = [];
	let exited: { code: number | null; signal: string | null } | undefined;
	const failures: ((error: Error) => void)[] = [];
	for (const stream of [child.stdout, child.stderr]) {
		let pending = '';
		stream?.on('data', (chunk: Buffer) => {
			log.write(chunk);
			const at = performance.now();
			pending += chunk.toString('utf8');
			const parts = pending.split('\n');
			pending = parts.pop() ?? '';
			for (const line of parts) {
				// Keep only what a waiter could still ask for: the first lines of a chatty server are enough.
				if (lines.length < 200) lines.push({ line, at });
				for (const waiter of [...waiters]) {
					if (waiter.pattern.test(line)) {
						waiters.splice(waiters.indexOf(waiter), 1);
						waiter.resolve({ line, at });
					}
				}
			}
		});
	}
	const exitPromise = new Promise<void>((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			running.delete(child);
			log.end();
			for (const fail of failures) fail(new Error(`${script} exited (code ${code}, signal ${signal}); see ${logFile}`));
			resolve();
		});
	});
	return {
		child,
		pid: child.pid ?? 0,
		startedAt,
		waitForLine: (pattern, timeoutMs) => {
			const seen = lines.find(({ line }) => pattern.test(line));
			if (seen) return Promise.resolve(seen);
			if (exited) return Promise.reject(new Error(`${script} has exited; see ${logFile}`));
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() =>
						reject(new Error(`${script}: no line matching ${pattern} within ${timeoutMs / 1000} s; see ${logFile}`)),
					timeoutMs,
				);
				waiters.push({
					pattern,
					resolve: (found) => {
						clearTimeout(timer);
						resolve(found);
					},
				});
				failures.push((error) => {
					clearTimeout(timer);
					reject(error);
				});
			});
		},
		stop: async (graceMs = 10_000) => {
			if (exited) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
			await exitPromise;
			clearTimeout(timer);
		},
	};
}

/** Polls `url` until it answers 200 (the production-like server's /api/health once the database answers). */
export async function waitForOk(url: string, timeoutMs: number): Promise<Response> {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	while (Date.now() < deadline) {
		try {
			const response = await fetch(url);
			if (response.ok) return response;
			last = `HTTP ${response.status}`;
		} catch (error) {
			last = (error as Error).message;
		}
		await sleep(200);
	}
	throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

/** Resident and peak memory of a process, in bytes, from /proc/<pid>/status (Linux). */
export function processMemory(pid: number): { rss: number; peak: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
	return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): state is [0], ppid [1]. */
function statFields(pid: number): string[] {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat (Linux). */
export function cpuSeconds(pid: number): number {
	const fields = statFields(pid);
	// utime and stime are the 12th and 13th fields after the name.
	return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The PostgreSQL postmaster listening on `port` (its command line holds `-p <port>`), if any. */
export function findPostmaster(port: number): number | undefined {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (!/(^|\/)postgres$/.test(argv[0] ?? '')) continue;
			const flag = argv.indexOf('-p');
			if (flag >= 0 && argv[flag + 1] === String(port)) return Number(entry);
		} catch {
			// The process ended while we looked.
		}
	}
	return undefined;
}

/**
 * CPU time of a process tree one level deep, in seconds: the process itself, the children it has
 * already waited for (cutime, cstime) and its live children. For a PostgreSQL postmaster, this is
 * every backend, including those whose connection has closed.
 */
export function treeCpuSeconds(pid: number): number {
	const own = statFields(pid);
	let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const fields = statFields(Number(entry));
			if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// The process ended while we looked.
		}
	}
	return ticks / CLOCK_TICKS;
}
