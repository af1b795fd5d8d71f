//! The compiled Paraglide messages (`m.key()`), re-exported so components import
//! one stable path. Re-exported as a namespace of the per-message modules so the
//! bundler keeps only the messages a page uses (a page ships its own strings,
//! not the whole site's). The locale comes from the path (`/az/…`, `/en/…`,
//! `/embed/az/…`), read by $lib/locale-strategy while prerendering and in the browser.
export * as m from './paraglide/messages/_index.js';
export { getLocale } from './paraglide/runtime.js';
