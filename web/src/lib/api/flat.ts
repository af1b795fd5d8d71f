//! Nested connections (`project.events`, `project.centres`, …) read as plain
//! lists: a page's components take arrays, the API answers a page of rows
//! (`{ totalCount, nodes }`). `flat` swaps each such field for its rows and
//! keeps the connection's total beside it (`eventsTotal`), so a screen can
//! say "showing 100 of 240".

type Conn<T> = { totalCount: number; nodes: readonly T[] };

/** The object with every nested connection field replaced by its rows. */
export type Flat<P> = {
	[K in keyof P]: P[K] extends Conn<infer T> ? T[] : P[K];
};

/** Swaps each `{ totalCount, nodes }` field of `p` for its `nodes` (a shallow copy). */
export function flat<P extends object>(p: P): Flat<P> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(p)) {
		out[key] = isConn(value) ? [...value.nodes] : value;
	}
	return out as Flat<P>;
}

/** How many rows a nested connection holds in all, beside the page read. */
export function totalOf(p: object, key: string): number | null {
	const value = (p as Record<string, unknown>)[key];
	return isConn(value) ? value.totalCount : null;
}

function isConn(value: unknown): value is Conn<unknown> {
	return (
		typeof value === 'object' &&
		value !== null &&
		'nodes' in value &&
		Array.isArray((value as { nodes: unknown }).nodes) &&
		'totalCount' in value
	);
}
