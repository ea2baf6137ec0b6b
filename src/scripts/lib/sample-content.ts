import { type ContentMirror, readContentMirror } from '../../lib/server/db/content-mirror.ts';

/**
 * What the scripts (bench, fault test) exercise, read from content/ so that they work for any
 * territory: the configured territories, the first of them (by id), and its first upcoming meeting.
 */
export type SampleContent = {
	territories: ContentMirror['territories'];
	territory: ContentMirror['territories'][number];
	/** Its first meeting not cancelled and not yet started, if any. */
	meeting: ContentMirror['meetings'][number] | undefined;
};

export function sampleContent(now = new Date(), mirror: ContentMirror = readContentMirror()): SampleContent {
	const territory = mirror.territories[0];
	if (!territory) throw new Error('content/territories holds no territory');
	const meeting = mirror.meetings
		.filter((m) => m.territoryId === territory.id && m.status === 'scheduled' && new Date(m.startsAt) > now)
		.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))[0];
	return { territories: mirror.territories, territory, meeting };
}
