//! The text of a page's `<meta name="description">`: one line, at most about 160
//! characters (what search results show), cut at a word with an ellipsis.

/** Whitespace collapsed and the text cut at a word boundary to at most `max` characters. */
export function metaDescription(text: string | null | undefined, fallback: string, max = 160): string {
	const one = (text ?? '').replace(/\s+/g, ' ').trim();
	if (!one) return fallback;
	if (one.length <= max) return one;
	const cut = one.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}
