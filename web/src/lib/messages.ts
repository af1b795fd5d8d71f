//! The compiled Paraglide messages (`m.key()`), re-exported so components import
//! one stable path. The locale comes from the path (`/az/…`, `/en/…`,
//! `/embed/az/…`), read by $lib/locale-strategy while prerendering and in the browser.
export { m } from './paraglide/messages.js';
export { getLocale } from './paraglide/runtime.js';
