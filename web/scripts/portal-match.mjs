//! Which organisation a portal configuration names, shared by the site
//! (src/lib/portal.ts) and the build's check (scripts/portal-check.mjs): its
//! acronym, its global ID or its exact name, in either language, case-insensitively.

/** @param {string | null | undefined} s */
const fold = (s) => (s ?? '').trim().toLocaleLowerCase('en');

/**
 * Whether `org` is the organisation the configuration key names.
 * @param {{ id: string; acronym?: string | null; acronymAz?: string | null; acronymEn?: string | null; name?: string | null; nameAz?: string | null; nameEn?: string | null }} org
 * @param {string} key
 * @returns {boolean}
 */
export function organisationMatches(org, key) {
	const want = fold(key);
	if (!want) return false;
	return [org.id, org.acronym, org.acronymAz, org.acronymEn, org.name, org.nameAz, org.nameEn].some((v) => v != null && fold(v) === want);
}
