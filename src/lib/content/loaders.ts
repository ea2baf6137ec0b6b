import type { DataStore, Loader, LoaderContext } from 'astro/loaders';
import {
	InconsistentMinutesError,
	type MeetingEntry,
	type MinutesEntry,
	type MinutesIssue,
	minutesIssues,
} from './minutes-rules.ts';

type Collection = 'meetings' | 'minutes';

/**
 * The loaders of `meetings` and `minutes`, wrapped so that the rules of `minutes-rules.ts` run over
 * both collections once they are loaded.
 *
 * Why loaders: a zod schema sees one entry, and Astro hands each loader its own collection's store
 * only, running all loaders at once. These two wrappers share the two stores, and the one that
 * finishes last checks, so the check sees both collections complete. A loader that throws fails the
 * content sync, which `astro sync`, `astro build` and the start of `astro dev` run first: each stops
 * with the French message, as for a wrong field.
 *
 * Under a running `astro dev`, the glob loader updates the store file by file and `load()` does not
 * run again: the store handed to it reports every change, after which the rules run again and any new
 * problem is logged in the terminal (an error there would stop nothing). The pages leave such minutes
 * out and say why (`getCheckedMinutes()` in collections.ts).
 */
export function withMinutesRules(loaders: Record<Collection, Loader>): Record<Collection, Loader> {
	const stores: Partial<Record<Collection, DataStore>> = {};
	const running = new Set<Promise<void>>();
	let failed = false;
	/** After a complete load, while `astro dev` watches the files. */
	let watching = false;
	let reported = new Set<string>();
	let logger: LoaderContext['logger'] | undefined;

	const check = (): MinutesIssue[] =>
		stores.meetings && stores.minutes
			? minutesIssues(
					// The store holds what the schemas returned: references as { id }, dates as Date.
					stores.minutes.values() as unknown as MinutesEntry[],
					stores.meetings.values() as unknown as MeetingEntry[],
					new Date(),
				)
			: [];

	const afterLiveChange = () => {
		if (!watching) return;
		const issues = check();
		for (const issue of issues) {
			if (!reported.has(issue.message)) logger?.error(`${issue.message} Ce compte rendu n’est pas affiché.`);
		}
		if (reported.size > 0 && issues.length === 0) logger?.info('Comptes rendus : tous correspondent à leur réunion.');
		reported = new Set(issues.map((issue) => issue.message));
	};

	/** The store, with `set` and `delete` followed by {@link afterLiveChange}. */
	const reporting = (store: DataStore): DataStore =>
		new Proxy(store, {
			get(target, property, receiver) {
				const value = Reflect.get(target, property, receiver);
				if (typeof value !== 'function') return value;
				if (property !== 'set' && property !== 'delete') return value.bind(target);
				return (...args: unknown[]) => {
					const result = value.apply(target, args);
					afterLiveChange();
					return result;
				};
			},
		});

	const checked = (collection: Collection, loader: Loader): Loader => ({
		...loader,
		load: async (context) => {
			if (running.size === 0) [failed, watching] = [false, false];
			stores[collection] = context.store;
			if (collection === 'minutes') logger = context.logger;
			const loading = loader.load({ ...context, store: reporting(context.store) });
			running.add(loading);
			try {
				await loading;
			} catch (error) {
				// The loader reports its own error (a wrong field): checking half a collection would add noise.
				failed = true;
				throw error;
			} finally {
				running.delete(loading);
			}
			if (running.size > 0 || failed) return;
			const issues = check();
			if (issues.length > 0) throw new InconsistentMinutesError(issues);
			[watching, reported] = [Boolean(context.watcher), new Set()];
		},
	});

	return { meetings: checked('meetings', loaders.meetings), minutes: checked('minutes', loaders.minutes) };
}
