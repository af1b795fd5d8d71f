//! The compiled Paraglide messages (`m.key()`), re-exported so components import
//! one stable path. The locale comes from the URL (`/az/…`, `/en/…`): Paraglide's
//! `url` strategy reads it from the request while prerendering (hooks.server.ts)
//! and from `location` in the browser.
export { m } from './paraglide/messages.js';
export { getLocale } from './paraglide/runtime.js';
