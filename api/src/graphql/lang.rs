//! The language names are returned in: the `lang` argument, else the
//! request's `Accept-Language`, else English.

use async_graphql::{Context, Enum};

/// Language of names and titles.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize)]
pub enum Lang {
    /// Azerbaijani (the original names, with ə, ğ, ı, ö, ü, ç, ş).
    Az,
    /// English.
    #[default]
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header value: the
    /// highest-weighted tag that is Azerbaijani or English.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.trim().parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                "az" => Lang::Az,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// Chooses between the Azerbaijani and English form of a text.
    pub fn pick<'a, T: ?Sized>(self, az: &'a T, en: &'a T) -> &'a T {
        match self {
            Lang::Az => az,
            Lang::En => en,
        }
    }
}

/// The request's default language, set from `Accept-Language`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLang(pub Lang);

/// The language for a field: its own `lang` argument, else the request's.
pub fn resolve(ctx: &Context<'_>, lang: Option<Lang>) -> Lang {
    lang.or_else(|| ctx.data_opt::<RequestLang>().map(|l| l.0))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_weight() {
        assert_eq!(
            Lang::from_accept_language("az-Latn-AZ,en;q=0.5"),
            Some(Lang::Az)
        );
        assert_eq!(
            Lang::from_accept_language("ru, en;q=0.9, az;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en-GB;q=0.3, az;q=0.7"),
            Some(Lang::Az)
        );
        assert_eq!(Lang::from_accept_language("ru, tr"), None);
        assert_eq!(Lang::from_accept_language("az;q=0"), None);
    }
}
