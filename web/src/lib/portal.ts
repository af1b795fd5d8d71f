//! Donor portals: the same site built for one organisation (scripts/portal-config.mjs).
//! A portal shows only the programmes in which that organisation takes part in
//! one of the configured roles, and only the figures of those programmes. The
//! organisation is named in the configuration by acronym, global ID or exact name.
import config from 'virtual:site-config';
import type { Lang } from './i18n';
import { organisationMatches } from '../../scripts/portal-match.mjs';

export const portal = config.portal;

export interface ParticipationLike {
	role: string;
	organisation: {
		id: string;
		acronym?: string | null;
		acronymAz?: string | null;
		acronymEn?: string | null;
		name: string;
		nameAz?: string | null;
		nameEn?: string | null;
	};
}

/** Whether an organisation is the portal's (acronyms and names compared in both languages). */
export function isPortalOrganisation(org: ParticipationLike['organisation']): boolean {
	return portal != null && organisationMatches(org, portal.organisation);
}

/** Whether a programme belongs in this build: always on the main site; on a portal, by participation. */
export function inPortal(participants: readonly ParticipationLike[]): boolean {
	if (!portal) return true;
	return participants.some((p) => (portal.roles as string[]).includes(p.role) && isPortalOrganisation(p.organisation));
}

/** The portal's display name in a language, falling back to the other language, then to the configured key. */
export function portalName(lang: Lang): string | null {
	if (!portal) return null;
	return (lang === 'az' ? (portal.nameAz ?? portal.nameEn) : (portal.nameEn ?? portal.nameAz)) ?? portal.organisation;
}
