/** Search engines and link previews cut a description after about 160 characters. */
export const MAX_DESCRIPTION_LENGTH = 160;

/**
 * A page's description: the entry's own `description` when it has one, else its summary, shortened
 * at a word to 160 characters at most with an ellipsis (a summary may run to several sentences).
 */
export function pageDescription(entry: { description?: string | undefined; summary: string }): string {
	if (entry.description) return entry.description;
	return shorten(entry.summary);
}

/** The text itself when short enough, else its first sentences, or words, that fit, then « … ». */
export function shorten(text: string, max = MAX_DESCRIPTION_LENGTH): string {
	const clean = text.replace(/\s+/g, ' ').trim();
	if (clean.length <= max) return clean;
	const sentences = clean.match(/[^.!?]+[.!?]+(\s|$)/g) ?? [];
	let kept = '';
	for (const sentence of sentences) {
		if ((kept + sentence).trim().length > max) break;
		kept += sentence;
	}
	if (kept.trim().length >= max / 2) return kept.trim();
	const cut = clean.slice(0, max - 1);
	const lastSpace = cut.lastIndexOf(' ');
	return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:–—-]+$/, '')}…`;
}
