import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAstro } from './astro-cli';
import { ROOT } from './paths';

/**
 * A copy of the project's content layer (config, schemas, content) in a temporary folder, with one
 * broken file added: the build must stop and say which file, which field and what was expected.
 */
describe('an invalid frontmatter', () => {
	let dir = '';

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'pays-de-sante-content-'));
		for (const path of ['src/content.config.ts', 'src/lib', 'content', 'tsconfig.json', 'package.json']) {
			cpSync(join(ROOT, path), join(dir, path), { recursive: true });
		}
		symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
		writeFileSync(join(dir, 'astro.config.mjs'), 'export default {};\n');
		writeFileSync(
			join(dir, 'content/meetings/reunion-mal-saisie.md'),
			[
				'---',
				'title: Réunion mal saisie',
				'territory: nontronnais',
				"startsAt: '2027-01-21 18:30'",
				'place: { name: Salle, address: Mairie, postalCode: "24300", city: Nontron }',
				'capacity: trente',
				'agenda: [Accueil]',
				'status: à venir',
				'---',
				'',
			].join('\n'),
		);
	});

	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('fails the build naming the file, the field and what was expected', () => {
		const result = runAstro(['sync'], dir);
		expect(result.status).not.toBe(0);
		expect(result.output).toContain('meetings → reunion-mal-saisie');
		expect(result.output).toContain('content/meetings/reunion-mal-saisie.md');
		expect(result.output).toMatch(/capacity\*{0,2}: nombre de places attendu \(nombre entier, ex\. 30\)/);
	});
});
