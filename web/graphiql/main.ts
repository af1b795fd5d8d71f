//! GraphiQL for the site's data page, built with Vite into <build>/graphiql/
//! (scripts/build.mjs): no CDN, the editor's workers bundled, queries sent to the
//! API the site is built for (same origin unless PUBLIC_API_URL is set).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { buildSchema } from 'graphql';
// The committed schema, bundled: GraphiQL needs no introspection round-trip (and the
// API's depth limit refuses the standard introspection query).
import sdl from '../../api/schema.graphql?raw';

const api = (import.meta.env.VITE_API_URL as string | undefined) ?? '';
const fetcher = createGraphiQLFetcher({ url: `${api}/graphql` });

const defaultQuery = `# Public programmes with their progress. Anonymous reads see withheld
# small counts as { value: null, suppressed: true }.
{
  projects(first: 10) {
    totalCount
    edges { node { slug title(lang: EN) status } }
  }
  serviceStats(groupBy: [SUPPORT_TYPE]) {
    rows { dimensions { code name } value suppressed unit }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
	createElement(GraphiQL, { fetcher, defaultQuery, schema: buildSchema(sdl), defaultEditorToolsVisibility: false })
);
