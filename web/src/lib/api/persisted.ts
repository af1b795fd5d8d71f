//! Persisted queries, the site's side: the exact text a document is sent as
//! (`print` of the typed document, the same in the browser, while prerendering
//! and in the build's manifest) and its SHA-256, the id the API knows it by
//! (Apollo's protocol: `extensions.persistedQuery.sha256Hash`). The API runs the
//! site's documents by hash alone (public reads as cacheable `GET` requests), and
//! in allow-list mode runs nothing else (see $lib/api/manifest and README
//! "Caching public reads behind a CDN").
import { print, type DocumentNode } from '@0no-co/graphql.web';

const texts = new WeakMap<DocumentNode, string>();

/** The text `document` is sent as. */
export function documentText(document: DocumentNode): string {
	let text = texts.get(document);
	if (text === undefined) {
		text = print(document);
		texts.set(document, text);
	}
	return text;
}

export type OperationType = 'query' | 'mutation' | 'subscription';

/** The name and type of the document's (first) operation; null for a document of fragments only. */
export function operationOf(document: DocumentNode): { name: string; type: OperationType } | null {
	for (const d of document.definitions) {
		if (d.kind === 'OperationDefinition') return { name: d.name?.value ?? '', type: d.operation as OperationType };
	}
	return null;
}

const hashes = new Map<string, Promise<string | undefined>>();

/**
 * The lower-case hex SHA-256 of `text` (UTF-8), or undefined where the browser
 * offers no Web Crypto (a page served over plain HTTP from another host than
 * localhost is no secure context): the caller then sends the whole document.
 */
export function sha256Hex(text: string): Promise<string | undefined> {
	let hash = hashes.get(text);
	if (!hash) {
		const subtle = globalThis.crypto?.subtle;
		hash = subtle
			? subtle.digest('SHA-256', new TextEncoder().encode(text)).then((buf) =>
					Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')
				)
			: Promise.resolve(undefined);
		hashes.set(text, hash);
	}
	return hash;
}
