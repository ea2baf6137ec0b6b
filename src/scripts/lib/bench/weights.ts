import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Gzipped size at level 9, as the build-output test measures. */
export const gzipSize = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;
export const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

export type Size = { raw: number; gzip: number };
export type PageWeight = {
	/** The whole document: with its inlined stylesheet and inline scripts. */
	html: Size;
	/** The bytes inside `<style>` elements (the stylesheet is inlined). */
	css: Size;
	/** Inline scripts plus every `/_astro/*.js` file the page references and everything those import. */
	js: Size & { files: string[]; inlineScripts: number };
};

/** The text inside every element `tag` (without attributes), for `<style>` and inline `<script>`. */
function elementContents(html: string, tag: 'style' | 'script'): string[] {
	const contents: string[] = [];
	for (const [, attributes, body] of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'gi'))) {
		if (tag === 'script' && /\bsrc=/i.test(attributes ?? '')) continue;
		// Data blocks (JSON-LD, JSON) are not code.
		if (tag === 'script' && /\btype=["']?application\/(ld\+)?json/i.test(attributes ?? '')) continue;
		if (body?.trim()) contents.push(body);
	}
	return contents;
}

/** A chunk of `dist/_astro` and every chunk it imports, statically or lazily (the build-output test's rule). */
export function chunkClosure(astroDir: string, entry: string, seen = new Set<string>()): Set<string> {
	if (seen.has(entry) || !existsSync(join(astroDir, entry))) return seen;
	seen.add(entry);
	const code = readFileSync(join(astroDir, entry), 'utf8');
	for (const [, name] of code.matchAll(/["'(](?:\.\/|_astro\/)([\w.-]+\.js)["')]/g)) {
		if (name) chunkClosure(astroDir, name, seen);
	}
	return seen;
}

/** HTML, inlined CSS and JavaScript of one page, raw and gzipped; `astroDir` is `dist/_astro`. */
export function pageWeight(html: string, astroDir: string): PageWeight {
	const styles = elementContents(html, 'style').join('\n');
	const inline = elementContents(html, 'script');
	const files = new Set<string>();
	for (const [, name] of html.matchAll(/\/_astro\/([\w.-]+\.js)\b/g)) if (name) chunkClosure(astroDir, name, files);
	const external = [...files].sort().map((name) => readFileSync(join(astroDir, name)));
	const inlineJs = inline.join('\n');
	return {
		html: { raw: byteLength(html), gzip: gzipSize(html) },
		css: { raw: byteLength(styles), gzip: styles ? gzipSize(styles) : 0 },
		js: {
			raw: external.reduce((sum, file) => sum + file.length, 0) + byteLength(inlineJs),
			gzip: external.reduce((sum, file) => sum + gzipSize(file), 0) + (inlineJs ? gzipSize(inlineJs) : 0),
			files: [...files].sort(),
			inlineScripts: inline.length,
		},
	};
}

/** The first page folder (alphabetically) under `dist/<section>/`, skipping the listed sub-sections. */
export function firstPageUnder(dist: string, section: string, skip: string[] = []): string | undefined {
	const dir = join(dist, section);
	if (!existsSync(dir)) return undefined;
	return readdirSync(dir)
		.filter((name) => !skip.includes(name) && statSync(join(dir, name)).isDirectory())
		.filter((name) => existsSync(join(dir, name, 'index.html')))
		.sort()[0];
}
