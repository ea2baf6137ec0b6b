import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, readFrontmatter, schemas } from '../../test/frontmatter';
import type { MeetingStatus } from '../domain/vocabulary';
import {
	InconsistentMinutesError,
	type MeetingEntry,
	type MinutesEntry,
	minutesIssues,
	minutesIssuesReport,
} from './minutes-rules';

const ref = (id: string) => ({ id });
const NOW = new Date('2026-11-23T12:00:00Z');

const meeting = (id: string, startsAt: string, status: MeetingStatus = 'passé', territory = 'a'): MeetingEntry => ({
	id,
	filePath: `content/meetings/${id}.md`,
	data: { startsAt: new Date(startsAt), status, territory: ref(territory) },
});
const minutes = (id: string, meetingId: string, date: string, territory = 'a'): MinutesEntry => ({
	id,
	filePath: `content/minutes/${id}.md`,
	data: { meeting: ref(meetingId), date: new Date(date), territory: ref(territory) },
});

const MEETINGS = [
	meeting('2026-10-a', '2026-10-10T08:00:00Z'), // 10:00 in Paris
	meeting('2026-06-a', '2026-06-11T16:30:00Z'),
	meeting('2027-01-a', '2027-01-21T17:30:00Z', 'à venir'),
	meeting('2026-09-a', '2026-09-03T16:30:00Z', 'annulé'),
];
const messages = (entries: MinutesEntry[], meetings = MEETINGS, now = NOW) =>
	minutesIssues(entries, meetings, now).map((issue) => issue.message);

describe('minutesIssues', () => {
	it('accepts minutes with their meeting’s day and territory, for meetings that took place', () => {
		expect(
			messages([minutes('2026-10-a', '2026-10-a', '2026-10-10'), minutes('2026-06-a', '2026-06-a', '2026-06-11')]),
		).toStrictEqual([]);
	});

	it('refuses a second set of minutes for a meeting, naming both files; the one named after the meeting stays', () => {
		const issues = minutesIssues(
			[minutes('2026-10-a-bis', '2026-10-a', '2026-10-10'), minutes('2026-10-a', '2026-10-a', '2026-10-10')],
			MEETINGS,
			NOW,
		);
		expect(issues).toStrictEqual([
			{
				id: '2026-10-a-bis',
				file: 'content/minutes/2026-10-a-bis.md',
				message:
					'content/minutes/2026-10-a-bis.md : la réunion 2026-10-a a déjà un compte rendu (content/minutes/2026-10-a.md). Un seul compte rendu par réunion : complétez celui-ci.',
			},
		]);
	});

	it('keeps the first by name when no file is named after the meeting', () => {
		expect(
			messages([minutes('cr-2', '2026-10-a', '2026-10-10'), minutes('cr-1', '2026-10-a', '2026-10-10')]),
		).toStrictEqual([
			'content/minutes/cr-2.md : la réunion 2026-10-a a déjà un compte rendu (content/minutes/cr-1.md). Un seul compte rendu par réunion : complétez celui-ci.',
		]);
	});

	it('refuses a date that is not the meeting’s day in Paris', () => {
		expect(messages([minutes('2026-10-a', '2026-10-a', '2026-10-11')])).toStrictEqual([
			'content/minutes/2026-10-a.md : la date du compte rendu (2026-10-11) n’est pas celle de sa réunion 2026-10-a (2026-10-10, dans content/meetings/2026-10-a.md). Mettez la date de la réunion, 2026-10-10, ou choisissez la bonne réunion.',
		]);
	});

	it('reads the meeting’s day in Paris: 00:30 on 1 October in Paris is still 30 September in UTC', () => {
		const lateMeeting = meeting('2026-10-late', '2026-09-30T22:30:00Z');
		expect(messages([minutes('2026-10-late', '2026-10-late', '2026-10-01')], [lateMeeting])).toStrictEqual([]);
		expect(messages([minutes('2026-10-late', '2026-10-late', '2026-09-30')], [lateMeeting])).toHaveLength(1);
	});

	it('refuses minutes for a meeting that has not taken place yet, saying when it will', () => {
		expect(messages([minutes('2027-01-a', '2027-01-a', '2027-01-21')])).toStrictEqual([
			'content/minutes/2027-01-a.md : la réunion 2027-01-a n’a pas encore eu lieu (prévue le jeudi 21 janvier 2027 à 18 h 30). Un compte rendu se publie après la réunion : retirez-le d’ici là, ou choisissez la bonne réunion.',
		]);
		// Once its start has gone by, the same file is accepted.
		expect(
			messages([minutes('2027-01-a', '2027-01-a', '2027-01-21')], MEETINGS, new Date('2027-01-21T17:30:00Z')),
		).toStrictEqual([]);
	});

	it('refuses minutes for a cancelled meeting, a meeting that does not exist, or another territory', () => {
		expect(
			messages([
				minutes('2026-09-a', '2026-09-a', '2026-09-03'),
				minutes('2026-08-a', '2026-08-a', '2026-08-20'),
				minutes('2026-06-a', '2026-06-a', '2026-06-11', 'b'),
			]),
		).toStrictEqual([
			'content/minutes/2026-06-a.md : le territoire du compte rendu (b) n’est pas celui de sa réunion 2026-06-a (a). Mettez le territoire de la réunion, ou choisissez la bonne réunion.',
			'content/minutes/2026-08-a.md : la réunion 2026-08-a n’existe pas (aucun fichier content/meetings/2026-08-a.md). Choisissez dans « Réunion » une réunion existante.',
			'content/minutes/2026-09-a.md : la réunion 2026-09-a est annulée (content/meetings/2026-09-a.md) : elle n’a pas de compte rendu. Retirez ce compte rendu, ou choisissez la bonne réunion.',
		]);
	});

	it('reports every problem of a file, and files without their path by id', () => {
		const { filePath: _, ...withoutPath } = minutes('x', '2027-01-a', '2027-01-20', 'b');
		expect(messages([withoutPath])).toStrictEqual([
			expect.stringMatching(/^content\/minutes\/x\.md : la date du compte rendu \(2027-01-20\)/),
			expect.stringMatching(/^content\/minutes\/x\.md : le territoire du compte rendu \(b\)/),
			expect.stringMatching(/^content\/minutes\/x\.md : la réunion 2027-01-a n’a pas encore eu lieu/),
		]);
	});

	it('reports them as one French text: a title line, then one line per problem', () => {
		const issues = minutesIssues(
			[minutes('2026-10-a-bis', '2026-10-a', '2026-10-11'), minutes('2026-10-a', '2026-10-a', '2026-10-10')],
			MEETINGS,
			NOW,
		);
		const error = new InconsistentMinutesError(issues);
		expect(error.message).toBe(minutesIssuesReport(issues));
		expect(error.message.split('\n')).toStrictEqual([
			'Comptes rendus incohérents avec leur réunion (2 problèmes) :',
			`- ${issues[0]?.message}`,
			`- ${issues[1]?.message}`,
		]);
		expect(error.hint).toMatch(/^Un compte rendu par réunion, à la date de sa réunion/);
	});
});

/**
 * The fixtures of src/test/fixtures/content/minutes-rules/: each folder adds files to a copy of
 * content/ (same layout), the way src/test/site/invalid-frontmatter.test.ts runs them through
 * `astro sync`. Here the rules run on the files as the schemas read them.
 */
describe('the minutes rules on content/ and the fixtures', () => {
	const content = join(import.meta.dirname, '../../../content');
	const fixtures = join(import.meta.dirname, '../../test/fixtures/content/minutes-rules');

	function entries<T>(folders: string[], collection: 'meetings' | 'minutes'): T[] {
		const schema = collection === 'meetings' ? schemas.meeting : schemas.minutes;
		return folders
			.map((folder) => join(folder, collection))
			.filter((folder) => existsSync(folder))
			.flatMap(markdownFiles)
			.map((file) => ({
				id: basename(file, '.md'),
				filePath: `content/${collection}/${basename(file)}`,
				data: schema.parse(readFrontmatter(file)),
			})) as T[];
	}
	const issuesWith = (fixture?: string) => {
		const folders = fixture ? [content, join(fixtures, fixture)] : [content];
		return minutesIssues(entries(folders, 'minutes'), entries(folders, 'meetings'), new Date()).map(
			(issue) => issue.message,
		);
	};

	it('finds nothing wrong in content/, nor with minutes that match their new meeting', () => {
		expect(issuesWith()).toStrictEqual([]);
		expect(issuesWith('consistent')).toStrictEqual([]);
	});

	it.each([
		[
			'second-minutes',
			'content/minutes/2026-10-nontronnais-bis.md : la réunion 2026-10-nontronnais a déjà un compte rendu (content/minutes/2026-10-nontronnais.md). Un seul compte rendu par réunion : complétez celui-ci.',
		],
		[
			'wrong-date',
			'content/minutes/2026-09-porcien-thierache.md : la date du compte rendu (2026-09-18) n’est pas celle de sa réunion 2026-09-porcien-thierache (2026-09-17, dans content/meetings/2026-09-porcien-thierache.md). Mettez la date de la réunion, 2026-09-17, ou choisissez la bonne réunion.',
		],
		[
			'future-meeting',
			'content/minutes/2099-03-nontronnais.md : la réunion 2099-03-nontronnais n’a pas encore eu lieu (prévue le jeudi 12 mars 2099 à 18 h 30). Un compte rendu se publie après la réunion : retirez-le d’ici là, ou choisissez la bonne réunion.',
		],
	])('%s: exactly one problem, naming the file', (fixture, message) => {
		expect(issuesWith(fixture)).toStrictEqual([message]);
	});
});
