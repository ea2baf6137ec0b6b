import { createRequire } from 'node:module';

let current: ReadonlySet<string> | undefined;

/**
 * Whether `code` is the INSEE code of a current commune (type "commune-actuelle" of
 * `@etalab/decoupage-administratif`). The 8 MB list is read on the first call only, so that the
 * schemas that do not need it stay cheap to import.
 */
export function isCurrentCommune(code: string): boolean {
	if (!current) {
		const require = createRequire(import.meta.url);
		const communes = require('@etalab/decoupage-administratif/data/communes.json') as { code: string; type: string }[];
		current = new Set(communes.filter((commune) => commune.type === 'commune-actuelle').map((commune) => commune.code));
	}
	return current.has(code);
}
