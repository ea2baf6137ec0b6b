import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'astro/zod';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { issueLines, markdownFiles, readFrontmatter, schemas as siteSchemas } from '../../test/frontmatter';
import {
	MEETING_STATUSES,
	PARTICIPANT_CATEGORIES,
	PRACTICE_KINDS,
	SERVICE_AUDIENCES,
	SERVICE_CATEGORIES,
} from '../domain/vocabulary';
import { type CmsCollection, type CmsField, cmsConfig, cmsConfigYaml } from './cms-config';
import { type MeetingEntry, type MinutesEntry, minutesIssues } from './minutes-rules';
import { createContentSchemas } from './schemas';

/**
 * The CMS configuration (cms-config.yml) against the content schemas: every field the coordinator can
 * fill in Decap must be one the schema reads, with the same required-ness, options, bounds, patterns,
 * relation targets and date formats, so that what the CMS writes builds and what the build needs the
 * CMS asks for.
 */

// Outside Astro, as in src/lib/server/db/content-mirror.ts; this stand-in also remembers each target.
const referenceTargets = new WeakMap<z.ZodType, string>();
const recordingReference = ((collection: string) => {
	const schema = z.string().transform((id) => ({ collection, id }));
	referenceTargets.set(schema, collection);
	return schema;
}) as unknown as Parameters<typeof createContentSchemas>[0];
const schemas = createContentSchemas(recordingReference);

const config = cmsConfig(8081);
const CHECKED: [string, z.ZodObject][] = [
	['meetings', schemas.meeting],
	['minutes', schemas.minutes],
	['services', schemas.service],
	['practices', schemas.practice],
];
const VOCABULARIES: Record<string, string>[] = [
	SERVICE_CATEGORIES,
	SERVICE_AUDIENCES,
	PARTICIPANT_CATEGORIES,
	PRACTICE_KINDS,
];
const collection = (name: string) => config.collections.find((c) => c.name === name);

/** A field's schema without `.optional()` / `.default()`, and whether the field may be left out. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; isOptional: boolean; defaultValue?: unknown } {
	if (schema instanceof z.ZodOptional) return { ...unwrap(schema.unwrap() as z.ZodType), isOptional: true };
	if (schema instanceof z.ZodDefault) {
		return { ...unwrap(schema.unwrap() as z.ZodType), isOptional: true, defaultValue: schema.def.defaultValue };
	}
	return { inner: schema, isOptional: false };
}

const minItems = (schema: z.ZodArray) =>
	schema.def.checks
		?.map((check) => check._zod.def as { check: string; minimum?: number })
		.find((def) => def.check === 'min_length')?.minimum;
const bound = (value: number | null) =>
	value === null || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;
const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

/** What Decap lets through for a non-empty value: its pattern, tested as Decap does (`RegExp(pattern).test`). */
const cmsAccepts = (field: CmsField, value: string) => !field.pattern || new RegExp(field.pattern[0]).test(value);

/** Decap's date tokens used here (dayjs), rendered for one instant, to see what the widget writes. */
function render(format: string, [year, month, day, hour, minute]: number[]): string {
	const pad = (n = 0) => String(n).padStart(2, '0');
	const tokens: Record<string, string> = {
		YYYY: String(year),
		MM: pad(month),
		DD: pad(day),
		HH: pad(hour),
		mm: pad(minute),
	};
	return format.replace(/YYYY|MM|DD|HH|mm|[A-Za-z]/g, (token) => tokens[token] ?? `<unknown token ${token}>`);
}
const SAMPLE = [2027, 5, 20, 18, 30];

function compareString(field: CmsField, schema: z.ZodString | z.ZodStringFormat, path: string): string[] {
	const issues: string[] = [];
	if (!['string', 'text', 'markdown'].includes(field.widget))
		return [`${path}: text in the schema, "${field.widget}" widget in the CMS`];
	const regexes = (schema.def.checks ?? [])
		.map((check) => check._zod.def as { check: string; format?: string; pattern?: RegExp })
		.filter((def) => def.check === 'string_format' && def.format === 'regex')
		.map((def) => def.pattern?.source);
	const format = (schema.def as { format?: string }).format;
	if (regexes.length > 0) {
		if (field.pattern?.[0] !== regexes[0])
			issues.push(`${path}: pattern ${field.pattern?.[0]} in the CMS, ${regexes[0]} in the schema`);
		return issues;
	}
	const probes: string[] = [];
	if (format === 'email') probes.push('contact@pays-de-sante.example', 'pas une adresse', 'contact@');
	else if (format === 'url') probes.push('https://www.pays-de-sante.example/page', 'pas une adresse', 'www.example.fr');
	if (schema.maxLength !== null) probes.push('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1));
	if (schema.minLength !== null) probes.push('x', '   ', '\n');
	if (probes.length > 0 && !field.pattern)
		issues.push(`${path}: the schema constrains this text, the CMS has no pattern`);
	for (const probe of probes) {
		const [cms, site] = [cmsAccepts(field, probe), accepts(schema, probe)];
		if (cms !== site)
			issues.push(
				`${path}: "${probe.slice(0, 12)}…" (${probe.length} characters) is ${cms ? 'accepted' : 'refused'} by the CMS, ${site ? 'accepted' : 'refused'} by the schema`,
			);
	}
	return issues;
}

function compareSelect(field: CmsField, values: readonly string[], path: string): string[] {
	const options = (field.options ?? []).map((option) =>
		typeof option === 'string' ? { label: option, value: option } : option,
	);
	const issues: string[] = [];
	if (field.widget !== 'select') issues.push(`${path}: a choice in the schema, "${field.widget}" widget in the CMS`);
	const cmsValues = options.map((option) => option.value);
	if (JSON.stringify([...cmsValues].sort()) !== JSON.stringify([...values].sort())) {
		issues.push(`${path}: options ${cmsValues.join(', ')} in the CMS, ${values.join(', ')} in the schema`);
	}
	const vocabulary = VOCABULARIES.find((record) => values.every((value) => value in record));
	for (const option of options) {
		if (vocabulary && vocabulary[option.value] !== option.label) {
			issues.push(
				`${path}: label "${option.label}" for ${option.value}, the vocabulary says "${vocabulary[option.value]}"`,
			);
		}
	}
	return issues;
}

function compareRelation(field: CmsField, target: string, path: string): string[] {
	const issues: string[] = [];
	if (field.widget !== 'relation' || field.collection !== target) {
		issues.push(
			`${path}: a reference to ${target} in the schema, ${field.widget} ${field.collection ?? ''} in the CMS`,
		);
	}
	// Content ids are file names, which is what Decap calls the slug.
	if (field.value_field !== '{{slug}}') issues.push(`${path}: the relation must store the file name ({{slug}})`);
	if (collection(target)?.folder !== `content/${target}`)
		issues.push(`${path}: no CMS collection on content/${target}`);
	return issues;
}

function compareField(field: CmsField, schema: z.ZodType, path: string, inOptionalObject: boolean): string[] {
	const { inner, isOptional, defaultValue } = unwrap(schema);
	const issues: string[] = [];
	// Decap checks the fields of an optional object even when it is left empty: they cannot be required there.
	const shouldBeRequired = !isOptional && !inOptionalObject;
	if ((field.required !== false) !== shouldBeRequired) {
		issues.push(`${path}: ${shouldBeRequired ? 'required' : 'optional'} in the schema, not in the CMS`);
	}
	if (defaultValue !== undefined && !(Array.isArray(defaultValue) && defaultValue.length === 0)) {
		if (field.default !== defaultValue)
			issues.push(`${path}: default ${field.default} in the CMS, ${defaultValue} in the schema`);
	}
	if (field.default !== undefined && !accepts(inner, field.default))
		issues.push(`${path}: the CMS default is refused by the schema`);

	const target = referenceTargets.get(inner);
	if (target)
		return [
			...issues,
			...compareRelation(field, target, path),
			...(field.multiple ? [`${path}: one reference, several in the CMS`] : []),
		];
	if (inner instanceof z.ZodPipe) {
		// A text the schema turns into something else: here, a Paris wall-clock date and time.
		if (field.widget !== 'datetime')
			return [...issues, `${path}: a date and time in the schema, "${field.widget}" widget in the CMS`];
		if (field.picker_utc) issues.push(`${path}: the picker must write the wall-clock time it shows, not UTC`);
		const written = render(field.format ?? '<no format>', SAMPLE);
		if (!accepts(inner, written)) issues.push(`${path}: the CMS writes "${written}", which the schema refuses`);
		return issues;
	}
	if (inner instanceof z.ZodDate) {
		const format = field.format ?? field.date_format;
		if (field.widget !== 'datetime' || field.time_format !== false || typeof format !== 'string') {
			return [...issues, `${path}: a calendar day in the schema; the CMS needs a datetime widget without time`];
		}
		const written = render(format, SAMPLE);
		const parsed = inner.safeParse(written);
		if (written !== '2027-05-20' || parsed.data?.toISOString() !== '2027-05-20T00:00:00.000Z') {
			issues.push(`${path}: the CMS writes "${written}", the schema expects YYYY-MM-DD`);
		}
		return issues;
	}
	if (inner instanceof z.ZodString || inner instanceof z.ZodStringFormat) {
		return [...issues, ...compareString(field, inner, path)];
	}
	if (inner instanceof z.ZodNumber) {
		if (field.widget !== 'number')
			return [...issues, `${path}: a number in the schema, "${field.widget}" widget in the CMS`];
		if ((field.value_type === 'int') !== inner.isInt) issues.push(`${path}: value_type ${field.value_type} in the CMS`);
		if (field.min !== bound(inner.minValue))
			issues.push(`${path}: min ${field.min} in the CMS, ${bound(inner.minValue)} in the schema`);
		if (field.max !== bound(inner.maxValue))
			issues.push(`${path}: max ${field.max} in the CMS, ${bound(inner.maxValue)} in the schema`);
		return issues;
	}
	if (inner instanceof z.ZodBoolean)
		return field.widget === 'boolean' ? issues : [...issues, `${path}: a yes/no in the schema`];
	if (inner instanceof z.ZodEnum) {
		return [
			...issues,
			...compareSelect(field, inner.options as string[], path),
			...(field.multiple ? [`${path}: one choice, several in the CMS`] : []),
		];
	}
	if (inner instanceof z.ZodUnion) {
		// Decap has no "number or text" widget: the member that matches the widget decides.
		const member = (inner.options as z.ZodType[]).find((option) =>
			field.widget === 'number'
				? option instanceof z.ZodNumber
				: option instanceof z.ZodString || option instanceof z.ZodStringFormat,
		);
		if (!member) return [...issues, `${path}: no member of the schema's union matches the "${field.widget}" widget`];
		return [...issues, ...compareField({ ...field, required: true }, member, path, false)];
	}
	if (inner instanceof z.ZodObject) {
		if (field.widget !== 'object' || !field.fields)
			return [...issues, `${path}: an object in the schema, "${field.widget}" widget in the CMS`];
		return [...issues, ...compareFields(field.fields, inner, path, isOptional)];
	}
	if (inner instanceof z.ZodArray) {
		const element = inner.element as z.ZodType;
		const min = minItems(inner);
		if (field.min !== min) issues.push(`${path}: at least ${field.min} in the CMS, ${min} in the schema`);
		const elementTarget = referenceTargets.get(element);
		if (elementTarget) {
			if (!field.multiple) issues.push(`${path}: several references in the schema, one in the CMS`);
			return [...issues, ...compareRelation(field, elementTarget, path)];
		}
		if (element instanceof z.ZodEnum) {
			if (!field.multiple) issues.push(`${path}: several choices in the schema, one in the CMS`);
			return [...issues, ...compareSelect(field, element.options as string[], path)];
		}
		if (field.widget !== 'list')
			return [...issues, `${path}: a list in the schema, "${field.widget}" widget in the CMS`];
		if (element instanceof z.ZodObject) {
			return field.fields
				? [...issues, ...compareFields(field.fields, element, `${path}[]`, false)]
				: [...issues, `${path}: a list of objects in the schema, the CMS list has no "fields"`];
		}
		return field.field
			? [...issues, ...compareField(field.field, element, `${path}[]`, false)]
			: [...issues, `${path}: a list of values in the schema, the CMS list has no "field"`];
	}
	return [...issues, `${path}: this test does not know the schema type "${inner.def.type}"`];
}

function compareFields(fields: CmsField[], schema: z.ZodObject, path: string, inOptionalObject: boolean): string[] {
	const shape = schema.shape as Record<string, z.ZodType>;
	const names = new Set([...fields.map((field) => field.name), ...Object.keys(shape)]);
	return [...names].flatMap((name) => {
		const field = fields.find((candidate) => candidate.name === name);
		const fieldSchema = shape[name];
		const fieldPath = path ? `${path}.${name}` : name;
		if (!path && name === 'body')
			return field?.widget === 'markdown' ? [] : ['body: the text below the front matter needs a markdown widget'];
		if (!field) return [`${fieldPath}: in the schema, missing from the CMS`];
		if (!fieldSchema) return [`${fieldPath}: in the CMS, unknown to the schema`];
		return compareField(field, fieldSchema, fieldPath, inOptionalObject);
	});
}

describe('the CMS configuration agrees with the content schemas', () => {
	it.each(CHECKED)(
		'%s: same fields, required-ness, options, bounds, patterns, relations and date formats',
		(name, schema) => {
			const cms = collection(name);
			expect(cms, name).toBeDefined();
			expect(compareFields((cms as CmsCollection).fields ?? [], schema, '', false)).toStrictEqual([]);
		},
	);

	it.each(CHECKED)('%s: a folder collection under content/ whose file names are the content ids', (name) => {
		const cms = collection(name) as CmsCollection;
		expect({ folder: cms.folder, extension: cms.extension, format: cms.format, create: cms.create }).toStrictEqual({
			folder: `content/${name}`,
			extension: 'md',
			format: 'frontmatter',
			create: true,
		});
		const fieldNames = (cms.fields ?? []).map((field) => field.name);
		for (const [, used] of (cms.slug ?? '').matchAll(/\{\{\s*fields\.(\w+)/g)) expect(fieldNames).toContain(used);
	});

	it('speaks French, edits this repository on Netlify (Git Gateway) and through decap-server locally', () => {
		expect(config.locale).toBe('fr');
		expect(config.backend).toMatchObject({ name: 'git-gateway', branch: 'main' });
		expect({ media: config.media_folder, public: config.public_folder }).toStrictEqual({
			media: 'public/images/uploads',
			public: '/images/uploads',
		});
		expect(collection('territories')).toMatchObject({ folder: 'content/territories', create: false, hide: true });
	});

	it('site: one file, content/site/identite.yml, whose fields agree with the site identity schema', () => {
		const site = collection('site') as CmsCollection;
		expect(site, 'an « Identité du site » collection').toBeDefined();
		expect({ folder: site.folder, fields: site.fields, create: site.create }).toStrictEqual({
			folder: undefined,
			fields: undefined,
			create: undefined,
		});
		expect(site.files?.map((file) => ({ name: file.name, file: file.file, format: file.format }))).toStrictEqual([
			{ name: 'identite', file: 'content/site/identite.yml', format: 'yml' },
		]);
		const [identity] = site.files ?? [];
		expect(compareFields(identity?.fields ?? [], schemas.siteIdentity, '', false)).toStrictEqual([]);
		// The content config reads that file (the entry id is its name), and the entry is valid.
		expect(existsSync(join(import.meta.dirname, '../../..', identity?.file ?? ''))).toBe(true);
	});

	it('points the local backend at the configured decap-server port', () => {
		const served = load(cmsConfigYaml(9123));
		expect(served).toStrictEqual(cmsConfig(9123));
		expect(cmsConfig(9123).local_backend).toStrictEqual({ url: 'http://127.0.0.1:9123/api/v1' });
	});

	// Decap cannot compare two files: minutes-rules.ts does, and stops the build. The CMS does what it can.
	it('minutes: named after their meeting, no cancelled meeting offered, the rules said where they are filled in', () => {
		const minutes = collection('minutes') as CmsCollection;
		const field = (name: string) => minutes.fields?.find((candidate) => candidate.name === name) as CmsField;
		// When a meeting has two, the rules keep the file named after it and refuse the other.
		expect(minutes.slug).toBe('{{fields.meeting}}');
		const meeting = field('meeting');
		expect(collection('meetings')?.fields?.map((candidate) => candidate.name)).toContain('status');
		expect(meeting.filters).toStrictEqual([
			{ field: 'status', values: MEETING_STATUSES.filter((status) => status !== 'annulé') },
		]);
		expect(meeting.display_fields?.[0]).toBe('startsAt');
		expect(meeting.hint).toMatch(/Un seul compte rendu par réunion : si elle en a déjà un, complétez-le/);
		expect(meeting.hint).toMatch(/Une réunion à venir n’a pas encore de compte rendu/);
		expect(field('date').hint).toMatch(/^Le jour de la réunion choisie ci-dessus/);
		expect(field('territory').hint).toBe('Celui de la réunion.');
		expect(minutes.description).toMatch(
			/Un seul compte rendu par réunion, une fois la réunion passée, à la date et sur le territoire de la réunion/,
		);
	});
});

describe('an entry as Decap writes it', () => {
	// The shape of Decap 3.16's output (captured in src/test/site/cms.browser.test.ts): YAML without quotes
	// except where YAML would change the type, dates from the datetime widgets, relations as file names.
	const meeting = `---
title: Conseil Pays de Santé du Nontronnais — mai 2027
territory: nontronnais
startsAt: 2027-05-20 18:30
place:
  name: Salle des fêtes de Nontron
  address: Salle des fêtes
  postalCode: "24300"
  city: Nontron
capacity: 30
agenda:
  - Accueil et tour de table
  - "Propositions des habitants : examen"
status: à venir
---

Ordre du jour détaillé.
`;
	const minutes = `---
title: Compte rendu du Conseil Pays de Santé du Nontronnais, mai 2027
meeting: 2027-05-nontronnais
date: 2027-05-20
territory: nontronnais
isExample: false
attendance:
  habitants: 10
  professionnels: 6
  elus: 4
  partenaires: 0
apologies: 2
summary: Le Conseil a fait le point sur les services et a examiné les
  propositions reçues. Prochaine réunion en septembre.
agenda:
  - title: Nouvelles des services
    summary: "La conseillère présente l'avancement des services : trois ateliers
      ont eu lieu."
decisions:
  - text: Afficher le calendrier des ateliers dans les mairies.
    owner: Conseillère Pays de Santé
    deadline: 2027-06-30
  - text: Étudier le transport vers les consultations.
    owner: Communauté de communes
nextMeeting:
  date: 2027-09-16
---

## Qui était là ?

20 personnes, comptées par catégorie.
`;
	const copy = mkdtempSync(join(tmpdir(), 'pays-de-sante-cms-'));
	cpSync(join(import.meta.dirname, '../../../content'), join(copy, 'content'), { recursive: true });
	writeFileSync(join(copy, 'content/meetings/2027-05-nontronnais.md'), meeting);
	writeFileSync(join(copy, 'content/minutes/2027-05-nontronnais.md'), minutes);
	afterAll(() => rmSync(copy, { recursive: true, force: true }));

	const exists = (folder: string, id: string) => existsSync(join(copy, 'content', folder, `${id}.md`));

	it('passes the meeting schema, the start read as Paris wall-clock time (summer, UTC+2)', () => {
		const result = siteSchemas.meeting.safeParse(
			readFrontmatter(join(copy, 'content/meetings/2027-05-nontronnais.md')),
		);
		expect(result.error ? issueLines(result.error) : []).toStrictEqual([]);
		expect(result.data?.startsAt.toISOString()).toBe('2027-05-20T16:30:00.000Z');
		expect(result.data?.durationMinutes).toBe(120);
		expect(exists('territories', result.data?.territory.id ?? '')).toBe(true);
	});

	it('passes the minutes schema, and every minutes file of the copy still does, references included', () => {
		for (const file of markdownFiles(join(copy, 'content/minutes'))) {
			const result = siteSchemas.minutes.safeParse(readFrontmatter(file));
			expect(result.error ? issueLines(result.error) : [], file).toStrictEqual([]);
			const data = result.data!;
			expect(exists('meetings', data.meeting.id), `${file} → meeting ${data.meeting.id}`).toBe(true);
			expect(exists('territories', data.territory.id), file).toBe(true);
			if (data.nextMeeting?.meeting) expect(exists('meetings', data.nextMeeting.meeting.id), file).toBe(true);
		}
		const written = siteSchemas.minutes.parse(readFrontmatter(join(copy, 'content/minutes/2027-05-nontronnais.md')));
		expect(written.decisions[0]?.deadline?.toISOString()).toBe('2027-06-30T00:00:00.000Z');
		expect(written.nextMeeting?.date?.toISOString()).toBe('2027-09-16T00:00:00.000Z');
		expect(written.proposals).toStrictEqual([]);
	});

	it('matches its meeting (one minutes, same day, same territory) once the meeting has taken place', () => {
		const entries = <T>(folder: 'meetings' | 'minutes', schema: z.ZodType) =>
			markdownFiles(join(copy, 'content', folder)).map((file) => ({
				id: basename(file, '.md'),
				filePath: `content/${folder}/${basename(file)}`,
				data: schema.parse(readFrontmatter(file)),
			})) as T[];
		const issuesAt = (now: string) =>
			minutesIssues(
				entries<MinutesEntry>('minutes', siteSchemas.minutes),
				entries<MeetingEntry>('meetings', siteSchemas.meeting),
				new Date(now),
			).map((issue) => issue.message);
		expect(issuesAt('2027-05-21T08:00:00Z')).toStrictEqual([]);
		expect(issuesAt('2027-05-19T08:00:00Z')).toStrictEqual([
			expect.stringMatching(
				/^content\/minutes\/2027-05-nontronnais\.md : la réunion 2027-05-nontronnais n’a pas encore eu lieu/,
			),
		]);
	});

	it('would be refused with an emptied optional field, which the CMS page removes before saving', () => {
		const withEmptyDeadline = minutes.replace('deadline: 2027-06-30', 'deadline: ""');
		writeFileSync(join(copy, 'content/minutes/2027-05-nontronnais.md'), withEmptyDeadline);
		const result = siteSchemas.minutes.safeParse(readFrontmatter(join(copy, 'content/minutes/2027-05-nontronnais.md')));
		expect(result.error?.issues.map((issue) => issue.path.join('.'))).toStrictEqual(['decisions.0.deadline']);
		writeFileSync(join(copy, 'content/minutes/2027-05-nontronnais.md'), minutes);
	});
});
