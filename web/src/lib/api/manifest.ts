//! The persisted-query manifest of the site: every GraphQL operation the site can
//! send, as the exact text the client sends it (`documentText`) with its SHA-256,
//! in Apollo's format. The build writes it to `<build>/persisted-queries.json`
//! (src/routes/persisted-queries.json); the API loads it with
//! API_PERSISTED_QUERIES_FILE, and in `allowlist` mode runs nothing else.
//!
//! The operations are collected from the modules that define them: the pages'
//! and layouts' load modules (`+page.ts`, `+layout.ts`, which export their
//! documents with a `_` prefix) and `$lib/**/documents.ts`. A document defined
//! anywhere else is not registered, and the unit test (manifest.test.ts) fails.
import type { DocumentNode } from '@0no-co/graphql.web';
import { documentText, operationOf, sha256Hex, type OperationType } from './persisted';

export interface ManifestOperation {
	/** SHA-256 (hex) of `body`. */
	id: string;
	name: string;
	type: OperationType;
	/** The document exactly as the client sends it. */
	body: string;
}

export interface Manifest {
	format: 'apollo-persisted-query-manifest';
	version: 1;
	operations: ManifestOperation[];
}

const modules = import.meta.glob<Record<string, unknown>>(
	['/src/routes/**/+page.ts', '/src/routes/**/+layout.ts', '/src/lib/**/documents.ts'],
	{ eager: true }
);

function isDocument(value: unknown): value is DocumentNode {
	return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Document' && Array.isArray((value as DocumentNode).definitions);
}

/** Every operation document the modules above export (fragments alone are not sent). */
export function siteDocuments(): DocumentNode[] {
	const found: DocumentNode[] = [];
	for (const exports of Object.values(modules)) {
		for (const value of Object.values(exports)) {
			if (isDocument(value) && operationOf(value) && !found.includes(value)) found.push(value);
		}
	}
	return found;
}

/** The manifest of the site's documents, sorted by name (one entry per distinct text). */
export async function persistedManifest(): Promise<Manifest> {
	const byId = new Map<string, ManifestOperation>();
	for (const doc of siteDocuments()) {
		const body = documentText(doc);
		const id = await sha256Hex(body);
		if (!id) throw new Error('no Web Crypto to hash the documents with');
		const op = operationOf(doc)!;
		byId.set(id, { id, name: op.name, type: op.type, body });
	}
	const operations = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}
