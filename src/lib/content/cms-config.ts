import { dump, load } from 'js-yaml';
import source from './cms-config.yml?raw';

/** The part of Decap CMS's field options that this project uses (https://decapcms.org/docs/widgets/). */
export type CmsField = {
	name: string;
	label: string;
	widget: string;
	/** Decap's default is `true`. */
	required?: boolean;
	default?: unknown;
	hint?: string;
	/** `[regular expression, message]`; Decap tests it on non-empty values only. */
	pattern?: [string, string];
	fields?: CmsField[];
	field?: CmsField;
	options?: (string | { label: string; value: string })[];
	multiple?: boolean;
	min?: number;
	max?: number;
	value_type?: 'int' | 'float';
	collection?: string;
	value_field?: string;
	search_fields?: string[];
	display_fields?: string[];
	/** A relation offers only the entries whose `field` has one of `values`. */
	filters?: { field: string; values: (string | number | boolean)[] }[];
	format?: string;
	date_format?: string | boolean;
	time_format?: string | boolean;
	picker_utc?: boolean;
};

/** One file of a file collection (https://decapcms.org/docs/collection-file/). */
export type CmsFile = {
	name: string;
	label: string;
	file: string;
	format?: string;
	fields: CmsField[];
};

export type CmsCollection = {
	name: string;
	label: string;
	description?: string;
	/** A folder collection; a file collection has `files` instead. */
	folder?: string;
	files?: CmsFile[];
	extension?: string;
	format?: string;
	create?: boolean;
	hide?: boolean;
	slug?: string;
	/** Empty for a file collection: each of its `files` has its own. */
	fields?: CmsField[];
};

export type CmsConfig = {
	backend: { name: string; branch?: string };
	local_backend: { url: string };
	locale: string;
	media_folder: string;
	public_folder: string;
	collections: CmsCollection[];
};

/** The CMS configuration of `cms-config.yml`, with the local backend (decap-server) on `decapServerPort`. */
export function cmsConfig(decapServerPort: number): CmsConfig {
	const config = load(source) as CmsConfig;
	return { ...config, local_backend: { url: `http://127.0.0.1:${decapServerPort}/api/v1` } };
}

/** The same, as the `config.yml` that Decap fetches. */
export function cmsConfigYaml(decapServerPort: number): string {
	return dump(cmsConfig(decapServerPort), { lineWidth: -1, noRefs: true });
}
