import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The site works for any French territory from content alone: nothing under src/ names the two pilot
 * territories (their names, their communes' chief town, their departments). Only the tests may:
 * src/test/** (fixtures, helpers) and the *.test.ts files.
 */

const ROOT = join(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'src');
const PILOT_NAMES = /nontron|porcien|thierache|dordogne|ardennes/i;

/** Lower case without accents, so that « Thiérache », « THIERACHE » and a decomposed « é » all match. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{Mn}/gu, '');

/** `file:line: text` for every line of `text` that names a pilot. */
function pilotNameLines(file: string, text: string): string[] {
	return text.split(/\r?\n/).flatMap((line, index) => {
		const match = PILOT_NAMES.exec(fold(line));
		return match ? [`${file}:${index + 1}: ${line.trim().slice(0, 160)}`] : [];
	});
}

/** Every file under src/ except src/test/** and *.test.ts, skipping binary files (a NUL byte). */
function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return path === join(SRC, 'test') ? [] : sourceFiles(path);
		return entry.isFile() && !entry.name.endsWith('.test.ts') ? [path] : [];
	});
}

describe('no pilot names in src/', () => {
	it('finds a name whatever its case and accents', () => {
		expect(pilotNameLines('a.ts', 'ok\nla Thiérache\nTHIERACHE')).toStrictEqual([
			'a.ts:2: la Thiérache',
			'a.ts:3: THIERACHE',
		]);
		expect(pilotNameLines('b.ts', 'Thie\u0301rache · Nontronnais · Dordogne · ARDENNES · porcien')).toHaveLength(1);
		expect(pilotNameLines('c.ts', 'Pays de Santé de votre territoire — Tours = 37261')).toStrictEqual([]);
	});

	it('no file outside the tests names a pilot territory', () => {
		const files = sourceFiles(SRC);
		expect(files.length).toBeGreaterThan(100);
		const found = files.flatMap((file) => {
			const bytes = readFileSync(file);
			return bytes.includes(0) ? [] : pilotNameLines(relative(ROOT, file), bytes.toString('utf8'));
		});
		expect(
			found,
			'read the name from content/ (territories, meetings, site identity) or use a neutral example',
		).toStrictEqual([]);
	});
});
