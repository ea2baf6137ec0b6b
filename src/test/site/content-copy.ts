import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

/**
 * A copy of the project's content layer (content config, src/lib, content/) in a temporary folder,
 * for `astro sync` runs on content the tests break on purpose. The copy has its own Astro and Vite
 * cache folders: with the defaults, behind the node_modules symlink, its sync would rewrite the data
 * store and the optimised dependencies of the project, which the shared dev server is using.
 */
export function contentLayerCopy(): { dir: string; remove: () => void } {
	const dir = mkdtempSync(join(tmpdir(), 'pays-de-sante-content-'));
	for (const path of ['src/content.config.ts', 'src/lib', 'content', 'tsconfig.json', 'package.json']) {
		cpSync(join(ROOT, path), join(dir, path), { recursive: true });
	}
	symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
	writeFileSync(
		join(dir, 'astro.config.mjs'),
		"export default { cacheDir: './.astro-cache', vite: { cacheDir: './.vite-cache' } };\n",
	);
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
