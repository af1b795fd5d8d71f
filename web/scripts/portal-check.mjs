//! A donor portal must not come out empty. Before a portal build, ask the API
//! (the one the build prerenders from) which organisation the configuration
//! names and which public programmes it takes part in, in the configured roles;
//! fail with a message that says what to fix when the organisation does not
//! resolve or selects no programme.
import { organisationMatches } from './portal-match.mjs';

const QUERY = `query PortalCheck {
	organisations(first: 100) {
		edges {
			node {
				id
				nameAz: name(lang: AZ)
				nameEn: name(lang: EN)
				acronymAz: acronym(lang: AZ)
				acronymEn: acronym(lang: EN)
				participations { role project { slug } }
			}
		}
	}
}`;

export class PortalConfigError extends Error {}

/**
 * Resolves the portal's organisation and the programmes it selects.
 * @param {{ organisation: string; roles: string[] }} portal
 * @param {string} apiUrl
 * @returns {Promise<{ organisation: string; programmes: string[] }>}
 */
export async function checkPortal(portal, apiUrl, fetchImpl = fetch) {
	if (!apiUrl) throw new PortalConfigError('a portal build needs the API (PRERENDER_API_URL or PUBLIC_API_URL) to check which programmes its organisation selects');
	let body;
	try {
		const r = await fetchImpl(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
		body = await r.json();
	} catch (e) {
		throw new PortalConfigError(`could not ask the API at ${apiUrl} which programmes the portal selects: ${e instanceof Error ? e.message : e}`);
	}
	if (!body?.data) throw new PortalConfigError(`the API at ${apiUrl} did not list organisations: ${JSON.stringify(body?.errors ?? body)}`);
	const orgs = body.data.organisations.edges.map((e) => e.node);
	const matches = orgs.filter((o) => organisationMatches(o, portal.organisation));
	if (matches.length === 0) {
		const known = orgs.map((o) => o.acronymEn ?? o.nameEn).sort().join('; ');
		throw new PortalConfigError(`portal organisation "${portal.organisation}" does not resolve: use an acronym, global ID or exact name in az or en. Known: ${known}`);
	}
	const programmes = new Set();
	for (const o of matches) for (const p of o.participations) if (p.project && portal.roles.includes(p.role)) programmes.add(p.project.slug);
	if (programmes.size === 0) {
		const roles = [...new Set(matches.flatMap((o) => o.participations.filter((p) => p.project).map((p) => p.role)))];
		throw new PortalConfigError(
			`portal organisation "${portal.organisation}" (${matches.map((o) => o.nameEn).join('; ')}) selects no programme in roles ${portal.roles.join(', ')}` +
				(roles.length ? ` (it takes part as ${roles.join(', ')})` : ' (it takes part in no public programme)') +
				': the portal would be empty'
		);
	}
	return { organisation: matches.map((o) => o.nameEn).join('; '), programmes: [...programmes].sort() };
}
