import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';

/**
 * Decap CMS's browser bundle, served from node_modules at build time and under `astro dev` rather than
 * committed: `decap-cms.js`, the chunks it loads next to itself (code-editor modes) and its licence.
 */
export const prerender = true;

const DECAP_DIST = join(dirname(createRequire(import.meta.url).resolve('decap-cms/package.json')), 'dist');
const ASSET = /^((\d+\.)?decap-cms\.js|decap-cms\.js\.LICENSE\.txt|[0-9a-f]{20}\.wasm)$/;
const CONTENT_TYPES: Record<string, string> = {
	'.js': 'text/javascript; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.wasm': 'application/wasm',
};

export const getStaticPaths = (() =>
	readdirSync(DECAP_DIST)
		.filter((name) => ASSET.test(name))
		.map((asset) => ({ params: { asset } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
	new Response(readFileSync(join(DECAP_DIST, params.asset ?? '')), {
		headers: { 'Content-Type': CONTENT_TYPES[extname(params.asset ?? '')] ?? 'application/octet-stream' },
	});
