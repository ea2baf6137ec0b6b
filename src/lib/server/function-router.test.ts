import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERNALS } from '../../test/http/hostile.ts';
import { compilePath, routesOf, serveFunction } from './function-router.ts';
import { pageBoundary } from './page-boundary.ts';
import { withSecurityHeaders } from './security-headers.ts';

afterEach(() => {
	vi.restoreAllMocks();
});

const failing = async (): Promise<Response> => {
	throw new Error('boom at /work/main/src/lib/server/secret.ts:12:3');
};

/** Serves the routes over real HTTP through the shared router, as `npm run serve` and `npm run dev` do. */
async function serve(routes: ReturnType<typeof routesOf> | (() => Promise<ReturnType<typeof routesOf>>)) {
	let origin = '';
	const server = createServer(async (req, res) => {
		if (!(await serveFunction(routes, req, res, origin))) {
			res.writeHead(404);
			res.end('pages');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the function router', () => {
	it('matches Netlify paths and methods, and leaves the rest to the pages', async () => {
		const routes = routesOf([
			{
				default: async (_request, context) => Response.json({ id: context.params.meetingId, ip: context.ip }),
				config: { path: '/api/meetings/:meetingId', method: 'GET' },
			},
			{ default: failing, config: {} },
		]);
		const site = await serve(routes);
		try {
			const found = await fetch(`${site.origin}/api/meetings/r%C3%A9union`, {
				headers: { 'x-nf-client-connection-ip': '192.0.2.7' },
			});
			expect(await found.json()).toStrictEqual({ id: 'réunion', ip: '192.0.2.7' });
			const wrongMethod = await fetch(`${site.origin}/api/meetings/a`, { method: 'POST' });
			expect([wrongMethod.status, await wrongMethod.text()]).toStrictEqual([404, 'pages']);
		} finally {
			await site.close();
		}
	});

	it('a malformed escape in a path parameter is kept raw instead of throwing', () => {
		expect(compilePath('/api/proposals/:proposalId')('/api/proposals/%E0%A4%A')).toStrictEqual({
			proposalId: '%E0%A4%A',
		});
	});

	it('a handler that throws, or modules that fail to load, answer a French 500 with a reference and no internals', async () => {
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		const throwing = await serve(routesOf([{ default: failing, config: { path: '/api/x' } }]));
		const unloadable = await serve(async () => {
			throw new Error('Cannot find module /work/main/node_modules/zod/v4/core/core.js');
		});
		try {
			for (const origin of [throwing.origin, unloadable.origin]) {
				const response = await fetch(`${origin}/api/x`);
				const text = await response.text();
				expect(response.status).toBe(500);
				expect(text).not.toMatch(INTERNALS);
				const { error } = JSON.parse(text) as { error: { code: string; message: string; reference: string } };
				expect(error.code).toBe('internal_error');
				expect(error.reference).toMatch(/^[0-9A-F]{8}$/);
				expect(error.message).toContain(`référence ${error.reference}`);
				expect(logged.mock.calls.some(([first]) => String(first).includes(error.reference))).toBe(true);
			}
		} finally {
			await throwing.close();
			await unloadable.close();
		}
	});

	it('a function wrapped for Netlify answers the same French 500 with the API headers', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const response = await withSecurityHeaders(failing)(new Request('http://localhost/api/x'), {});
		expect(response.status).toBe(500);
		expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(await response.text()).not.toMatch(INTERNALS);
	});
});

describe('the page boundary (src/middleware.ts)', () => {
	it('a page failing on request becomes a French page with a reference, the security headers and a policy', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const response = await pageBoundary({ isPrerendered: false }, failing);
		const html = await response.text();
		expect(response.status).toBe(500);
		expect(response.headers.get('content-type')).toMatch(/^text\/html/);
		expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
		expect(response.headers.get('strict-transport-security')).toBeTruthy();
		expect(html).toMatch(/<html lang="fr">[\s\S]*Une erreur s’est produite[\s\S]*référence [0-9A-F]{8}/);
		expect(html).not.toMatch(INTERNALS);
	});

	it('a page failing while it streams is caught too', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const stream = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode('<!doctype html><p>début'));
				controller.error(new Error('render failed in /src/pages/x.astro'));
			},
		});
		const response = await pageBoundary(
			{ isPrerendered: false },
			async () => new Response(stream, { headers: { 'content-type': 'text/html' } }),
		);
		expect(response.status).toBe(500);
		expect(await response.text()).not.toMatch(INTERNALS);
	});

	it('under npm run dev a static page is caught as well, but at build time it fails the build', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		expect((await pageBoundary({ isPrerendered: true }, failing, { building: false })).status).toBe(500);
		await expect(pageBoundary({ isPrerendered: true }, failing, { building: true })).rejects.toThrow('boom');
	});
});
