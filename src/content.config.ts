import { defineCollection, reference } from 'astro:content';
import { glob } from 'astro/loaders';
import { withMinutesRules } from './lib/content/loaders';
import { createContentSchemas } from './lib/content/schemas';

const schemas = createContentSchemas(reference);

/** Every collection is a folder of Markdown files under `content/`; an entry's id is its file name. */
const markdownIn = (folder: string) => glob({ base: `./content/${folder}`, pattern: '**/*.md' });

/** Minutes must match their meeting (one per meeting, same date, meeting held): checked across both folders. */
/** The site's identity: one YAML file, `content/site/identite.yml` (read with `getSiteIdentity()`). */
const siteData = glob({ base: './content/site', pattern: '*.yml' });

const checked = withMinutesRules({ meetings: markdownIn('meetings'), minutes: markdownIn('minutes') });

export const collections = {
	territories: defineCollection({ loader: markdownIn('territories'), schema: schemas.territory }),
	services: defineCollection({ loader: markdownIn('services'), schema: schemas.service }),
	council: defineCollection({ loader: markdownIn('council'), schema: schemas.council }),
	meetings: defineCollection({ loader: checked.meetings, schema: schemas.meeting }),
	minutes: defineCollection({ loader: checked.minutes, schema: schemas.minutes }),
	pages: defineCollection({ loader: markdownIn('pages'), schema: schemas.page }),
	site: defineCollection({ loader: siteData, schema: schemas.siteIdentity }),
	practices: defineCollection({ loader: markdownIn('practices'), schema: schemas.practice }),
};
