import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		// Vitest's default on this 2-core machine is one worker: every file would wait for the one
		// before. Both projects share one pool of two (same isolate and maxWorkers settings): measured,
		// a third worker only adds contention (the dev server and PGlite are single-threaded).
		maxWorkers: 2,
		projects: [
			{
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'supabase/tests/**/*.test.ts'],
					// The generated-input suites run in `npm test` (project fuzz), not in the inner loop.
					exclude: ['src/test/site/**', 'src/**/*.fuzz.test.ts'],
					environment: 'node',
					// Files share their workers' loaded modules (zod, PGlite's wasm, the handlers): each
					// test file builds its own databases, so nothing else carries over between files.
					isolate: false,
				},
			},
			{
				test: {
					// 10,000 generated requests against the endpoints (fast-check): every answer in the contract.
					name: 'fuzz',
					include: ['src/**/*.fuzz.test.ts'],
					environment: 'node',
					isolate: false,
				},
			},
			{
				test: {
					name: 'site',
					include: ['src/test/site/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['src/test/site/global-setup.ts'],
					// Browser files run side by side against the one shared dev server: each works on its
					// own meetings and proposals, and pages do not live-reload under the tests (DEV_LIVE_RELOAD).
					// Not isolated, as the unit project, so that both projects' files share the workers.
					isolate: false,
					testTimeout: 60_000,
					hookTimeout: 240_000,
				},
			},
		],
	},
});
