import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'astro/zod';
import { load } from 'js-yaml';
import { createContentSchemas } from '../lib/content/schemas';

/** Reads a Markdown file's YAML frontmatter with the parser Astro itself uses (js-yaml). */
export function readFrontmatter(path: string): unknown {
	const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(path, 'utf8'));
	if (!match) throw new Error(`${path} has no frontmatter`);
	return load(match[1] ?? '');
}

export function markdownFiles(folder: string): string[] {
	return readdirSync(folder)
		.filter((name) => name.endsWith('.md'))
		.map((name) => join(folder, name));
}

/** Stand-in for Astro's `reference()`: same input (an id) and output shape, no store lookup. */
const fakeReference = ((collection: string) =>
	z.string().transform((id) => ({ collection, id }))) as unknown as Parameters<typeof createContentSchemas>[0];

export const schemas = createContentSchemas(fakeReference);

/** The issues of a failed parse as `path: message` lines, the way Astro prints them. */
export function issueLines(error: z.ZodError): string[] {
	return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
