import { defineCollection, reference } from 'astro:content';
import { glob } from 'astro/loaders';
import { createContentSchemas } from './lib/content/schemas';

const schemas = createContentSchemas(reference);

/** Every collection is a folder of Markdown files under `content/`; an entry's id is its file name. */
const markdownIn = (folder: string) => glob({ base: `./content/${folder}`, pattern: '**/*.md' });

export const collections = {
	territories: defineCollection({ loader: markdownIn('territories'), schema: schemas.territory }),
	services: defineCollection({ loader: markdownIn('services'), schema: schemas.service }),
	council: defineCollection({ loader: markdownIn('council'), schema: schemas.council }),
	meetings: defineCollection({ loader: markdownIn('meetings'), schema: schemas.meeting }),
	minutes: defineCollection({ loader: markdownIn('minutes'), schema: schemas.minutes }),
	pages: defineCollection({ loader: markdownIn('pages'), schema: schemas.page }),
};
