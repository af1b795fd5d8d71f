// Ambient declaration of the build-time configuration module (scripts/portal-config.mjs).
declare module 'virtual:site-config' {
	/** Build-time configuration, from scripts/portal-config.mjs. */
	const config: {
		/** Origin of the API ('' = same origin as the site). */
		apiUrl: string;
		/** Public origin of the site, for embed codes ('' = the browser's). */
		siteUrl: string;
		/** The API the build itself reads to prerender pages ('' = no prerendered data). */
		prerenderApiUrl: string;
		/** Set when the site is built as one organisation's donor portal. */
		portal: null | {
			organisation: string;
			roles: Array<'FUNDING' | 'ACCOUNTABLE' | 'EXTENDING' | 'IMPLEMENTING' | 'PARTNER'>;
			nameAz: string | null;
			nameEn: string | null;
			logo: string | null;
			colours: { primary: string; secondary: string };
		};
		/** Small-cell thresholds of the API (for "fewer than N"). */
		suppress: { ordinary: number; sensitive: number };
	};
	export default config;
}

declare module 'virtual:map-outline' {
	/** Azerbaijan and neighbours, projected at build time (scripts/map-outline.mjs). */
	const outline: {
		width: number;
		height: number;
		azerbaijan: string;
		neighbours: Array<{ id: string; name: string; d: string }>;
		scale: number;
		translate: [number, number];
	};
	export default outline;
}

