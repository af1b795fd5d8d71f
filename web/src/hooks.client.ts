//! Browser hooks: the locale comes from the page's path (see $lib/locale-strategy).
import { registerClientStrategy } from '$lib/locale-strategy';

registerClientStrategy();
