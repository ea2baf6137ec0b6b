import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
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
