import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERNALS } from '../../test/http/hostile.ts';
import { answerClientError, compilePath, routesOf, serveFunction } from './function-router.ts';
import type { Problem } from './http.ts';
import { NOT_FOUND_PATH, pageBoundary } from './page-boundary.ts';
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
			const unknown = await fetch(`${site.origin}/api/inconnue`);
			expect([unknown.status, await unknown.text()]).toStrictEqual([404, 'pages']);
			const wrongMethod = await fetch(`${site.origin}/api/meetings/a`, { method: 'POST', body: 'x' });
			expect(wrongMethod.status).toBe(405);
			expect(wrongMethod.headers.get('allow')).toBe('GET');
			expect(wrongMethod.headers.get('content-security-policy')).toContain("default-src 'none'");
			expect(((await wrongMethod.json()) as Problem).error.message).toMatch(/n’est pas possible/);
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

	it('a request Node cannot read (an address too long) gets a French page with the headers, not an empty 431', async () => {
		const server = createServer((_req, res) => res.end('ok'));
		server.on('clientError', (error, socket) => {
			void answerClientError(error, socket);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${'a'.repeat(20_000)}`);
			expect(response.status).toBe(431);
			expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(await response.text()).toMatch(/<html lang="fr">[\s\S]*Adresse trop longue/);
		} finally {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
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

	it('an empty 404 of a page rendered on request becomes the not-found route, with the headers', async () => {
		const rewrites: string[] = [];
		const response = await pageBoundary(
			{
				isPrerendered: false,
				request: new Request('http://localhost/propositions/abc/'),
				rewrite: async (path) => {
					rewrites.push(path);
					return new Response('<!doctype html><h1>Page introuvable</h1>', {
						status: 404,
						headers: { 'content-type': 'text/html' },
					});
				},
			},
			async () => new Response(null, { status: 404 }),
		);
		expect(rewrites).toStrictEqual([NOT_FOUND_PATH]);
		expect(response.status).toBe(404);
		expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
		expect(await response.text()).toContain('Page introuvable');
	});

	it('keeps a stricter header a page sets, and gives a non-HTML answer the API policy', async () => {
		const response = await pageBoundary({ isPrerendered: false }, async () =>
			Response.json(
				{ error: { code: 'not_found', message: 'Introuvable.' } },
				{
					status: 404,
					headers: { 'Referrer-Policy': 'no-referrer' },
				},
			),
		);
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
		expect(response.headers.get('content-security-policy')).toBe(
			"default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
		);
		expect(response.headers.get('strict-transport-security')).toBeTruthy();
	});

	it('under npm run dev, a prebuilt page refuses a form post (405) as a static host does, and its errors get a policy', async () => {
		const page = async () => new Response('<!doctype html><p>page', { headers: { 'content-type': 'text/html' } });
		const post = { isPrerendered: true, request: new Request('http://localhost/services/', { method: 'POST' }) };
		const refused = await pageBoundary(post, page, { building: false });
		expect([refused.status, refused.headers.get('allow')]).toStrictEqual([405, 'GET, HEAD']);
		expect(refused.headers.get('content-security-policy')).toContain("default-src 'self'");
		expect(await refused.text()).toContain('Cette page se consulte seulement');
		const missing = async () =>
			new Response('<!doctype html><p>introuvable', { status: 404, headers: { 'content-type': 'text/html' } });
		const notFound = await pageBoundary({ isPrerendered: true }, missing, { building: false });
		expect(notFound.headers.get('content-security-policy')).toContain("default-src 'self'");
		const built = await pageBoundary({ isPrerendered: true }, page, { building: true });
		expect(built.headers.get('content-security-policy')).toBeNull();
	});

	it('refuses a form posted to a page from another site in French, with the headers', async () => {
		let rendered = false;
		const page = async () => {
			rendered = true;
			return new Response('<!doctype html><p>page', { headers: { 'content-type': 'text/html' } });
		};
		const request = new Request('http://localhost/admin/saisie/', {
			method: 'POST',
			headers: { origin: 'https://ailleurs.example', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'a=1',
		});
		const response = await pageBoundary({ isPrerendered: false, request }, page);
		expect(rendered).toBe(false);
		expect(response.status).toBe(403);
		expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
		expect(await response.text()).toContain('Envoi refusé');
		const sameSite = new Request('http://localhost/admin/saisie/', {
			method: 'POST',
			headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
			body: 'a=1',
		});
		expect((await pageBoundary({ isPrerendered: false, request: sameSite }, page)).status).toBe(200);
	});
});
