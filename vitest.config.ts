import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		// Vitest's default on this 2-core machine is one worker: every file would wait for the one
		// before. Three: the browser files (mostly waiting on Chromium and the dev server) run one at a
		// time beside the unit files, which run two at a time.
		maxWorkers: 3,
		projects: [
			{
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'supabase/tests/**/*.test.ts'],
					exclude: ['src/test/site/**'],
					environment: 'node',
					// Files share their workers' loaded modules (zod, PGlite's wasm, the handlers): each
					// test file builds its own databases, so nothing else carries over between files.
					isolate: false,
					maxWorkers: 2,
				},
			},
			{
				test: {
					name: 'site',
					include: ['src/test/site/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['src/test/site/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 240_000,
				},
			},
		],
	},
});
