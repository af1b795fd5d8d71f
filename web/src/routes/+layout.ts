// Every page is prerendered unless it opts out (e.g. /manage screens that need a
// log-in); paths end in `/` so any static host finds `<path>/index.html`.
export const prerender = true;
export const trailingSlash = 'always';
