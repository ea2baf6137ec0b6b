import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { BASE_HEADERS, CMS_CSP, formatHeadersFile, pageCsp } from '../security-headers.ts';

function htmlFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? htmlFiles(path) : name.endsWith('.html') ? [path] : [];
	});
}

/** `foo/index.html` → `/foo/`; `404.html` → `/404.html`. */
const urlPath = (file: string) => {
	const path = `/${file.split(sep).join('/')}`;
	return path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path;
};

/**
 * After the build, writes `dist/_headers` for Netlify: the base security headers for every path,
 * and for each static page a Content-Security-Policy with the hashes of its own inline scripts
 * (none of the reading pages has one; the form pages have Astro's island bootstrap).
 */
export function securityHeaders(): AstroIntegration {
	return {
		name: 'pays-de-sante:security-headers',
		hooks: {
			'astro:build:done': ({ dir, logger }) => {
				const root = fileURLToPath(dir);
				const pages = htmlFiles(root).map((file) => {
					const path = urlPath(relative(root, file));
					const csp = path.startsWith('/admin/cms/') ? CMS_CSP : pageCsp(readFileSync(file, 'utf8'));
					return { path, headers: { 'Content-Security-Policy': csp } };
				});
				writeFileSync(join(root, '_headers'), formatHeadersFile([{ path: '/*', headers: BASE_HEADERS }, ...pages]));
				logger.info(`_headers written: base headers and a policy for each of ${pages.length} pages`);
			},
		},
	};
}
