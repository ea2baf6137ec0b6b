import { execFile, spawnSync } from 'node:child_process';
import {
	accessSync,
	chownSync,
	constants,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/port-open.ts';

export type PostgresServer = { url: string; port: number; stop: () => Promise<void> };

const SKIP_REASON =
	'No PostgreSQL binaries found (initdb/pg_ctl): the real-server suite is skipped. Install postgresql or set PG_BIN.';
const START_ATTEMPTS = 3;
// Throw-away cluster: enough connections for concurrency tests, durability traded for speed.
const SETTINGS =
	'-c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off';

function hasBinaries(dir: string): boolean {
	try {
		for (const name of ['initdb', 'pg_ctl', 'postgres']) accessSync(join(dir, name), constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** Where the PostgreSQL binaries are, or undefined when none is installed. */
export function findPostgresBinaries(): string | undefined {
	const fromEnv = process.env.PG_BIN;
	if (fromEnv) return hasBinaries(fromEnv) ? fromEnv : undefined;
	const candidates = ['/usr/local/bin'];
	const debianRoot = '/usr/lib/postgresql';
	if (existsSync(debianRoot)) {
		const versions = readdirSync(debianRoot).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
		candidates.push(...versions.map((version) => join(debianRoot, version, 'bin')));
	}
	return candidates.find(hasBinaries);
}

/**
 * For test files: whether the real-server suite must run. Returns { run: true } when binaries exist;
 * when they do not: under CI=true throws (the suite is mandatory in CI), otherwise returns { run: false, reason }.
 */
export function realPostgresAvailability(): { run: true } | { run: false; reason: string } {
	if (findPostgresBinaries()) return { run: true };
	const ci = (process.env.CI ?? '').toLowerCase();
	if (ci !== '' && ci !== '0' && ci !== 'false') throw new Error(`${SKIP_REASON} It is mandatory in CI.`);
	return { run: false, reason: SKIP_REASON };
}

type Owner = { uid: number; gid: number } | undefined;

// The `postgres` user to run as when we are root (initdb refuses root), or undefined when not root.
function clusterOwner(): Owner {
	if (process.getuid?.() !== 0) return undefined;
	const ids = ['-u', '-g'].map((flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
	if (ids.some((id) => id.status !== 0)) {
		throw new Error(
			"Running as root, but there is no 'postgres' user to run initdb/pg_ctl as (initdb refuses root): " +
				'create that user or run the tests as a non-root user.',
		);
	}
	const [uid, gid] = ids.map((id) => Number(id.stdout.trim()));
	return { uid: uid!, gid: gid! };
}

function command(owner: Owner, bin: string, args: string[]): [string, string[]] {
	return owner ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function run(owner: Owner, cwd: string, bin: string, args: string[]): Promise<void> {
	const [file, fileArgs] = command(owner, bin, args);
	return new Promise((resolve, reject) => {
		execFile(file, fileArgs, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
			if (!error) return resolve();
			const why = error.killed ? 'timed out' : `exit code ${error.code}`;
			const output = `${stdout}${stderr}`.trim();
			reject(new Error(`${[file, ...fileArgs].join(' ')} failed (${why})${output ? `:\n${output}` : ''}`));
		});
	});
}

function readLog(path: string): string {
	try {
		return readFileSync(path, 'utf8').trim().split('\n').slice(-20).join('\n');
	} catch {
		return '';
	}
}

/**
 * Starts a throw-away cluster in a temporary folder on a free port; `url` is
 * `postgres://postgres@127.0.0.1:<port>/postgres`. Rejects with a clear message when it cannot start.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
	const bin = findPostgresBinaries();
	if (!bin) throw new Error(SKIP_REASON.replace(': the real-server suite is skipped', ''));
	const owner = clusterOwner();
	const pgCtl = join(bin, 'pg_ctl');
	const root = mkdtempSync(join(tmpdir(), 'pg-test-'));
	const data = join(root, 'data');
	const socket = join(root, 'socket');
	const log = join(root, 'server.log');
	mkdirSync(socket);
	if (owner) for (const dir of [root, socket]) chownSync(dir, owner.uid, owner.gid);

	let running = false;
	const stopSync = () => {
		if (running)
			spawnSync(...command(owner, pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']), { cwd: root, timeout: 30_000 });
		running = false;
		rmSync(root, { recursive: true, force: true });
	};
	// Best effort when the process exits without calling stop() (crash, forgotten afterAll).
	process.on('exit', stopSync);
	const cleanUp = () => {
		process.off('exit', stopSync);
		stopSync();
	};

	try {
		const initdbArgs = ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '-D', data];
		await run(owner, root, join(bin, 'initdb'), initdbArgs);
		let port = 0;
		for (let attempt = 1; !running; attempt++) {
			port = await freePort();
			// pg_ctl hands -o to a shell: quote the socket folder.
			const options = `-p ${port} -k '${socket}' ${SETTINGS}`;
			try {
				await run(owner, root, pgCtl, ['-D', data, '-l', log, '-w', '-t', '30', '-o', options, 'start']);
				running = true;
			} catch (error) {
				// The port may have been taken between freePort() and the start: try another one.
				await run(owner, root, pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
				if (attempt >= START_ATTEMPTS) throw error;
			}
		}
		let stopped: Promise<void> | undefined;
		const stop = () => {
			stopped ??= (async () => {
				process.off('exit', stopSync);
				try {
					await run(owner, root, pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
					running = false;
				} finally {
					stopSync();
				}
			})();
			return stopped;
		};
		return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop };
	} catch (error) {
		const details = readLog(log);
		cleanUp();
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(`Could not start a throw-away PostgreSQL server: ${message}${details ? `\n${details}` : ''}`);
	}
}
