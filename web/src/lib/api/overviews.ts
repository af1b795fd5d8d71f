//! Progress of several programmes in one request: the API has `projectOverview(slug)`
//! for one programme, so this assembles one document with an aliased field per
//! slug around a typed fragment (checked by gql.tada like every other document).
import { print } from '@0no-co/graphql.web';
import type { DocumentNode } from '@0no-co/graphql.web';
import { queryText, type RequestOptions } from './client';

/** Fetches `projectOverview` for each slug, spread with `fragment` (T = its `FragmentOf`); keyed by slug. */
export async function overviewsBySlug<T>(
	fragment: DocumentNode,
	fragmentName: string,
	slugs: readonly string[],
	lang: 'AZ' | 'EN',
	options: RequestOptions
): Promise<Map<string, T>> {
	if (slugs.length === 0) return new Map();
	const vars: Record<string, unknown> = { lang };
	const fields = slugs.map((slug, i) => {
		vars[`s${i}`] = slug;
		return `p${i}: projectOverview(slug: $s${i}, lang: $lang) { ...${fragmentName} }`;
	});
	const params = slugs.map((_, i) => `$s${i}: String!`).join(', ');
	const text = `query Overviews($lang: Lang!, ${params}) { ${fields.join(' ')} }\n${print(fragment)}`;
	const data = await queryText<Record<string, T | null>>(text, vars, options);
	const out = new Map<string, T>();
	slugs.forEach((slug, i) => {
		const v = data[`p${i}`];
		if (v) out.set(slug, v);
	});
	return out;
}
