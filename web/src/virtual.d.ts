// Ambient declaration of the build-time configuration module (scripts/portal-config.mjs).
declare module 'virtual:site-config' {
	/** Build-time configuration, from scripts/portal-config.mjs. */
	const config: {
		/** Origin of the API ('' = same origin as the site). */
		apiUrl: string;
		/** The API the build itself reads to prerender pages ('' = no prerendered data). */
		prerenderApiUrl: string;
		/** Set when the site is built as one organisation's donor portal. */
		portal: null | {
			organisation: string;
			roles: Array<'FUNDING' | 'ACCOUNTABLE' | 'EXTENDING' | 'IMPLEMENTING'>;
			nameAz: string | null;
			nameEn: string | null;
			logo: string | null;
			colours: { primary: string; secondary: string };
		};
	};
	export default config;
}

