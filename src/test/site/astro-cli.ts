import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths';

const astroBin = join(ROOT, 'node_modules/astro/bin/astro.mjs');

export type CliResult = { status: number | null; output: string; seconds: number };

/** Runs the Astro CLI with the Node that runs the tests (Node 22), telemetry off. */
export function runAstro(args: string[], cwd: string): CliResult {
	const started = performance.now();
	const result = spawnSync(process.execPath, [astroBin, ...args], {
		cwd,
		encoding: 'utf8',
		env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
		timeout: 240_000,
	});
	return {
		status: result.status,
		output: `${result.stdout}\n${result.stderr}`,
		seconds: (performance.now() - started) / 1000,
	};
}
