//! Build-time site configuration: the API URL and, for a donor portal, the
//! organisation it is built for. Read once when Vite starts, from a JSON file
//! (`PORTAL_CONFIG=path/to/portal.json`) and/or environment variables (which win),
//! validated here so a typo fails the build instead of producing an empty portal,
//! and exposed to the site as the virtual module `virtual:site-config`.
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname, extname } from 'node:path';

const VIRTUAL_ID = 'virtual:site-config';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
const ROLES = ['FUNDING', 'ACCOUNTABLE', 'EXTENDING', 'IMPLEMENTING', 'PARTNER'];
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const LOGO_TYPES = { '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };
// Logos are inlined as data: URLs (the CSP allows img-src data:) so a portal build
// needs no extra asset pipeline; a limit keeps them from bloating every page.
const LOGO_MAX_BYTES = 64 * 1024;

/** Reads and validates the configuration from `env` (defaults to process.env). */
export function readSiteConfig(env = process.env) {
	let file = {};
	let base = process.cwd();
	if (env.PORTAL_CONFIG) {
		const path = resolve(env.PORTAL_CONFIG);
		if (!existsSync(path)) throw new Error(`PORTAL_CONFIG: no file at ${path}`);
		file = JSON.parse(readFileSync(path, 'utf8'));
		base = dirname(path);
	}
	const pick = (envName, key) => (env[envName] !== undefined && env[envName] !== '' ? env[envName] : file[key]);

	const apiUrl = String(pick('PUBLIC_API_URL', 'apiUrl') ?? '').replace(/\/+$/, '');
	if (apiUrl && !/^https?:\/\//.test(apiUrl)) throw new Error(`PUBLIC_API_URL must start with http:// or https:// (got ${apiUrl})`);
	// Where the site itself is published, for embed codes; empty = the browser's origin.
	const siteUrl = String(pick('PUBLIC_SITE_URL', 'siteUrl') ?? '').replace(/\/+$/, '');
	if (siteUrl && !/^https?:\/\//.test(siteUrl)) throw new Error(`PUBLIC_SITE_URL must start with http:// or https:// (got ${siteUrl})`);
	const prerenderApiUrl = String(env.PRERENDER_API_URL ?? apiUrl ?? '').replace(/\/+$/, '');

	const org = pick('PORTAL_ORG', 'organisation');
	let portal = null;
	if (org) {
		const rolesRaw = pick('PORTAL_ROLES', 'roles') ?? ['FUNDING'];
		const roles = (Array.isArray(rolesRaw) ? rolesRaw : String(rolesRaw).split(','))
			.map((r) => String(r).trim().toUpperCase())
			.filter(Boolean);
		for (const r of roles) if (!ROLES.includes(r)) throw new Error(`PORTAL_ROLES: unknown role ${r} (use ${ROLES.join(', ')})`);
		if (roles.length === 0) throw new Error('PORTAL_ROLES: at least one role');
		const colours = {
			primary: pick('PORTAL_COLOR_PRIMARY', 'colorPrimary') ?? '#1f4e79',
			secondary: pick('PORTAL_COLOR_SECONDARY', 'colorSecondary') ?? '#c8102e'
		};
		for (const [k, v] of Object.entries(colours)) if (!COLOUR.test(v)) throw new Error(`portal colour ${k} must be #rrggbb (got ${v})`);
		const nameAz = pick('PORTAL_NAME_AZ', 'nameAz');
		const nameEn = pick('PORTAL_NAME_EN', 'nameEn');
		let logo = null;
		const logoPath = pick('PORTAL_LOGO', 'logo');
		if (logoPath) {
			const p = resolve(env.PORTAL_LOGO ? process.cwd() : base, logoPath);
			const type = LOGO_TYPES[extname(p).toLowerCase()];
			if (!type) throw new Error(`PORTAL_LOGO: use .svg, .png, .jpg or .webp (got ${p})`);
			const bytes = readFileSync(p);
			if (bytes.length > LOGO_MAX_BYTES) throw new Error(`PORTAL_LOGO: ${p} is ${bytes.length} bytes; at most ${LOGO_MAX_BYTES}`);
			logo = `data:${type};base64,${bytes.toString('base64')}`;
		}
		// The organisation: its acronym (e.g. UNICEF), its global ID, or its exact
		// name in either language (for organisations without an acronym).
		portal = { organisation: String(org), roles, nameAz: nameAz ?? null, nameEn: nameEn ?? null, logo, colours };
	}
	// The API's small-cell thresholds (SUPPRESS_ORDINARY / SUPPRESS_SENSITIVE, same
	// names and defaults), used to word a withheld figure as "fewer than N".
	const suppress = {
		ordinary: positiveInt(env.SUPPRESS_ORDINARY, 5, 'SUPPRESS_ORDINARY'),
		sensitive: positiveInt(env.SUPPRESS_SENSITIVE, 10, 'SUPPRESS_SENSITIVE')
	};
	return { apiUrl, siteUrl, prerenderApiUrl, portal, suppress };
}

function positiveInt(raw, fallback, name) {
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${raw})`);
	return n;
}

/** The Vite plugin that serves `virtual:site-config`. */
export function portalPlugin() {
	const config = readSiteConfig();
	return {
		name: 'progress-hub-site-config',
		resolveId(id) {
			return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
		},
		load(id) {
			return id === RESOLVED_ID ? `export default ${JSON.stringify(config)};` : undefined;
		}
	};
}
