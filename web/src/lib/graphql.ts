//! The `graphql()` tag for typed documents: gql.tada reads the committed schema
//! (../api/schema.graphql, introspected into graphql-env.d.ts by
//! `npm run gql:generate`), so a document that asks for a field the API lacks, or
//! passes a wrongly typed variable, fails `npm run check`.
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env';

export const graphql = initGraphQLTada<{
	introspection: introspection;
	scalars: {
		/** `2021-08-10` */
		NaiveDate: string;
		/** RFC 3339 */
		DateTime: string;
		JSON: unknown;
	};
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
