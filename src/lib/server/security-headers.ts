import { createHash } from 'node:crypto';
import { unexpectedErrorResponse } from './http.ts';

/**
 * Security headers, in one place for the three ways a response leaves the site: static pages
 * (`dist/_headers`, written after the build), pages rendered on request (`src/middleware.ts`) and
 * functions (`withSecurityHeaders`). No `unsafe-eval` and no inline script without its hash.
 */
export const BASE_HEADERS: Record<string, string> = {
	'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	'Cross-Origin-Opener-Policy': 'same-origin',
};

/** API answers are data, never documents: nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** SHA-256 sources for the inline scripts of an HTML page (Astro's island bootstrap). */
export function inlineScriptHashes(html: string): string[] {
	const hashes = new Set<string>();
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
		const [, attributes = '', body = ''] = match;
		if (/\bsrc\s*=/.test(attributes) || /type\s*=\s*["']?application\/(ld\+)?json/i.test(attributes)) continue;
		hashes.add(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
	}
	return [...hashes].sort();
}

/**
 * The policy of a page: its own scripts and the hashes of its inline ones; the stylesheet is
 * inlined by the build (and Leaflet positions its panes with style attributes), so styles allow
 * inline. The access map may draw OpenStreetMap tiles when the user asks for them.
 */
export function pageCsp(html: string): string {
	const scripts = ["'self'", ...inlineScriptHashes(html)].join(' ');
	return [
		"default-src 'self'",
		`script-src ${scripts}`,
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: https://tile.openstreetmap.org",
		"connect-src 'self'",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		'upgrade-insecure-requests',
	].join('; ');
}

/**
 * Decap CMS (only on /admin/cms/) compiles its configuration schema at run time and injects
 * styles: it needs `unsafe-eval` and inline styles, plus Netlify Identity. Nothing else gets this.
 */
export const CMS_CSP = [
	"default-src 'self'",
	"script-src 'self' 'unsafe-eval' 'unsafe-inline' https://identity.netlify.com",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob: https:",
	"connect-src 'self' http://localhost:* http://127.0.0.1:* https://api.netlify.com https://*.netlify.app https://*.netlify.com",
	"frame-src 'self' https://identity.netlify.com",
	"object-src 'none'",
	"base-uri 'self'",
	"frame-ancestors 'none'",
].join('; ');

type Handler<C> = (request: Request, context: C) => Promise<Response> | Response;

/**
 * Every function's outer layer: any error its handler did not plan for becomes the contract's
 * French 500 with a reference (never a stack trace); every answer gets the base headers, and the
 * API policy, or for the few HTML pages functions answer (form errors without JavaScript) the
 * policy of a page, so that their inline stylesheet applies.
 */
export function withSecurityHeaders<C>(handler: Handler<C>): (request: Request, context: C) => Promise<Response> {
	return async (request, context) => {
		let response: Response;
		try {
			response = await handler(request, context);
		} catch (error) {
			response = unexpectedErrorResponse(error, 'api');
		}
		return secureResponse(response);
	};
}

/** The base headers and the right policy on a response that has not been through a page or function. */
export async function secureResponse(response: Response): Promise<Response> {
	const headers = new Headers(response.headers);
	for (const [name, value] of Object.entries(BASE_HEADERS)) headers.set(name, value);
	if ((headers.get('content-type') ?? '').startsWith('text/html')) {
		const html = await response.text();
		headers.set('Content-Security-Policy', pageCsp(html));
		return new Response(html, { status: response.status, statusText: response.statusText, headers });
	}
	if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', API_CSP);
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Netlify's `_headers` format: a path pattern, then indented `Name: value` lines. */
export function formatHeadersFile(rules: { path: string; headers: Record<string, string> }[]): string {
	return `${rules
		.map(({ path, headers }) =>
			[path, ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)].join('\n'),
		)
		.join('\n\n')}\n`;
}

export function parseHeadersFile(text: string): { path: string; headers: Record<string, string> }[] {
	const rules: { path: string; headers: Record<string, string> }[] = [];
	for (const line of text.split('\n')) {
		if (!line.trim() || line.trim().startsWith('#')) continue;
		if (!/^\s/.test(line)) rules.push({ path: line.trim(), headers: {} });
		else {
			const index = line.indexOf(':');
			const rule = rules[rules.length - 1];
			if (rule && index > 0) rule.headers[line.slice(0, index).trim()] = line.slice(index + 1).trim();
		}
	}
	return rules;
}

/** Whether a `_headers` path pattern (with `*` for the rest of a path) matches a request path. */
export function headersRuleMatches(pattern: string, path: string): boolean {
	const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
	return regex.test(path);
}
