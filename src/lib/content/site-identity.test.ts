import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { issueLines, markdownFiles, readFrontmatter, schemas } from '../../test/frontmatter';

/**
 * The site identity (content/site/identite.yml) and the contacts of content/: valid, complete, and
 * free of the placeholders a visitor must never see (`.example` addresses, « à compléter »…).
 */

const ROOT = join(import.meta.dirname, '../../..');
const CONTENT = join(ROOT, 'content');
const IDENTITY = join(CONTENT, 'site/identite.yml');

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? walk(path) : [path];
	});
}

/** What a reader gets from a content file: YAML comments (notes to the coordinator) left out. */
function readable(path: string): string {
	const text = readFileSync(path, 'utf8');
	const withoutComments = (yaml: string) =>
		yaml
			.split('\n')
			.filter((line) => !/^\s*#/.test(line))
			.join('\n');
	if (path.endsWith('.yml')) return withoutComments(text);
	const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
	return match ? `${withoutComments(match[1] ?? '')}\n${text.slice(match[0].length)}` : text;
}

const PLACEHOLDERS: [RegExp, string][] = [
	[/[\w.-]+\.example\b/i, 'a reserved .example domain'],
	[/à compl[ée]ter|a completer/i, '« à compléter »'],
	[/lorem ipsum/i, 'lorem ipsum'],
	[/\b(TODO|FIXME|TBD)\b/, 'a TODO marker'],
	[/\b(xx ?){2,}\b/i, 'digits written as xx'],
	[/\b0\d( 00){4}\b/, 'a phone number of zeros'],
];

describe('the site identity', () => {
	const identity = load(readFileSync(IDENTITY, 'utf8'));

	it('content/site/identite.yml passes its schema', () => {
		const result = schemas.siteIdentity.safeParse(identity);
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		const data = result.data!;
		expect(data.description.length).toBeLessThanOrEqual(160);
		expect(data.contact.email.split('@')[1]).toBe('pays-de-sante.fr');
	});

	it('names every missing or wrong field, in French', () => {
		const broken = {
			name: 'Pays de Santé',
			tagline: '  ',
			description: 'x'.repeat(161),
			contact: { role: 'Conseillère', phone: '12 34', email: 'pas une adresse', postalAddress: 'BP 10' },
			publisher: { organisation: 'Association', postalAddress: 'BP 10' },
		};
		const result = schemas.siteIdentity.safeParse(broken);
		expect(issueLines(result.error!).sort()).toStrictEqual(
			[
				'tagline: sous-titre : ne peut pas être vide',
				'description: description : 160 caractères au plus',
				'contact.phone: numéro de téléphone français attendu (ex. 05 53 00 00 00)',
				'contact.email: adresse électronique attendue (ex. contact@exemple.fr)',
				'contact.hours: horaires : texte attendu',
				'publisher.director: direction de la publication : texte attendu',
			].sort(),
		);
	});
});

describe('contacts in content/', () => {
	it.each(markdownFiles(join(CONTENT, 'territories')).map((file) => [relative(ROOT, file), file]))(
		'%s: the coordinator has a phone, an email, a postal address and hours',
		(_, file) => {
			const territory = schemas.territory.parse(readFrontmatter(file));
			const { phone, email, postalAddress, hours } = territory.coordinatorContact;
			expect({ phone, email, postalAddress, hours }).toStrictEqual({
				phone: expect.stringMatching(/^0\d( \d{2}){4}$/),
				email: expect.stringMatching(/@pays-de-sante\.fr$/),
				postalAddress: expect.stringMatching(/\b\d{5} \S/),
				hours: expect.stringMatching(/\d+ h/),
			});
		},
	);

	it('no content file shows a placeholder: .example addresses, « à compléter », xx for digits…', () => {
		const found = walk(CONTENT)
			.filter((file) => /\.(md|ya?ml)$/.test(file))
			.flatMap((file) => {
				const text = readable(file);
				return PLACEHOLDERS.filter(([pattern]) => pattern.test(text)).map(
					([pattern, what]) => `${relative(ROOT, file)}: ${what} (${text.match(pattern)?.[0]})`,
				);
			});
		expect(found).toStrictEqual([]);
	});

	it('the placeholder check sees what it looks for', () => {
		const samples = [
			'contact@pays-de-sante.example',
			'Direction de la publication : à compléter',
			'Téléphone : 05 53 xx xx xx',
			'05 00 00 00 00',
		];
		expect(samples.map((sample) => PLACEHOLDERS.some(([pattern]) => pattern.test(sample)))).toStrictEqual([
			true,
			true,
			true,
			true,
		]);
	});
});

describe('the layout and identity code', () => {
	// The pilot territories' names come from content/, never from the code that frames every page.
	it.each([
		'src/layouts/BaseLayout.astro',
		'src/lib/site.ts',
		'src/pages/contact.astro',
		'src/components/ContactBlock.astro',
		'src/components/LegalPublisher.astro',
	])('%s names no territory', (file) => {
		expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/nontron|porcien|thi[ée]rache|dordogne|ardennes/i);
	});
});
