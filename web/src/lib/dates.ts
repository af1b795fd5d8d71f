//! Small date helpers for "as of" dates: the latest of several ISO dates.

/** The latest of the given ISO dates (YYYY-MM-DD…), ignoring missing ones; null when none. */
export function latest(dates: Iterable<string | null | undefined>): string | null {
	let best: string | null = null;
	for (const d of dates) if (d && (best === null || d.slice(0, 10) > best)) best = d.slice(0, 10);
	return best;
}
