//! Folding of Azerbaijani (and English) names into a search key, so "Fuzuli"
//! finds "Füzuli", "Tartar" finds "Tərtər" and "Aghjabadi" finds "Ağcabədi".
//!
//! Every searchable row stores `search_key`: each of its names folded three
//! times: letter for letter (ə→a, ğ→g, ş→s …), letter for letter with ə typed
//! as e (as on a Turkish keyboard: "Agcabedi", "Mingecevir"), and by the usual
//! English transliteration (ğ→gh, c→j, ş→sh, x→kh …). A query is folded letter
//! for letter only and matched with `LIKE`, so a query in any spelling hits.

/// Folds a text letter for letter: lower case, Azerbaijani and other Latin
/// diacritics removed, punctuation turned into single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let mapped: &str = match ch {
            'ə' | 'Ə' | 'ä' | 'Ä' | 'á' | 'à' | 'â' | 'Á' | 'À' | 'Â' => "a",
            'ı' | 'I' | 'İ' | 'i' | 'í' | 'ì' | 'î' | 'Í' => "i",
            'ğ' | 'Ğ' => "g",
            'ö' | 'Ö' | 'ó' | 'ò' | 'ô' => "o",
            'ü' | 'Ü' | 'ú' | 'ù' | 'û' => "u",
            'ç' | 'Ç' => "c",
            'ş' | 'Ş' => "s",
            'é' | 'è' | 'ê' | 'ë' | 'É' => "e",
            '\u{307}' => "", // combining dot left by lower-casing İ elsewhere
            c if c.is_alphanumeric() => {
                for lower in c.to_lowercase() {
                    out.push(lower);
                }
                continue;
            }
            _ => " ",
        };
        if mapped == " " {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push_str(mapped);
        }
    }
    out.trim_end().to_string()
}

/// Folds a text by English transliteration of Azerbaijani letters
/// (ğ→gh, c→j, ç→ch, ş→sh, x→kh, ə→a, ı→i, ö→o, ü→u, q→g).
pub fn transliterate(text: &str) -> String {
    let mut buf = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            'ğ' | 'Ğ' => buf.push_str("gh"),
            'c' | 'C' => buf.push('j'),
            'ç' | 'Ç' => buf.push_str("ch"),
            'ş' | 'Ş' => buf.push_str("sh"),
            'x' | 'X' => buf.push_str("kh"),
            'q' | 'Q' => buf.push('g'),
            other => buf.push(other),
        }
    }
    fold(&buf)
}

/// The name with ə written as e.
fn schwa_as_e(text: &str) -> String {
    text.replace('ə', "e").replace('Ə', "E")
}

/// Adds the "ə typed as e" spelling to the stored keys of rows written before
/// it existed (names with ə only; aliases already in a key are kept). Cheap
/// when there is nothing to do: one indexed-free scan of the rows whose name
/// holds ə, run at start.
pub async fn add_schwa_spellings(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::{Statement, Value};
    const TABLES: [(&str, &str); 6] = [
        ("areas", "name_az"),
        ("organisations", "name_az"),
        ("projects", "title_az"),
        ("centres", "name_az"),
        ("events", "title_az"),
        ("infrastructure_works", "title_az"),
    ];
    let backend = db.get_database_backend();
    let param = |n: usize| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    };
    let mut updated = 0;
    for (table, column) in TABLES {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT id, {column}, search_key FROM {table} \
                     WHERE {column} LIKE '%ə%' OR {column} LIKE '%Ə%'"
                ),
            ))
            .await?;
        for row in rows {
            let id: i32 = row.try_get_by_index(0)?;
            let name: String = row.try_get_by_index(1)?;
            let key: String = row.try_get_by_index(2)?;
            let variant = fold(&schwa_as_e(&name));
            if variant.is_empty() || key.contains(&format!("|{variant}|")) {
                continue;
            }
            let new_key = format!("{key}{variant}|");
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE {table} SET search_key = {} WHERE id = {}",
                    param(1),
                    param(2)
                ),
                [Value::from(new_key), Value::from(id)],
            ))
            .await?;
            updated += 1;
        }
    }
    Ok(updated)
}

/// Builds the stored search key of a row from all its names.
pub fn search_key<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for name in names {
        for variant in [fold(name), fold(&schwa_as_e(name)), transliterate(name)] {
            if !variant.is_empty() && !parts.contains(&variant) {
                parts.push(variant);
            }
        }
    }
    // Leading and trailing separators let a query match whole words at edges.
    format!("|{}|", parts.join("|"))
}

/// Turns a user's query into a `LIKE` pattern over `search_key`. Folding keeps
/// only letters, digits and single spaces, so the query cannot carry `LIKE`
/// wildcards of its own (`%`, `_`, `\\` become spaces).
pub fn like_pattern(query: &str) -> Option<String> {
    let folded = fold(query);
    (!folded.is_empty()).then(|| format!("%{folded}%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(name: &str, query: &str) -> bool {
        let key = search_key([name]);
        let q = fold(query);
        key.contains(&q)
    }

    #[test]
    fn latin_spellings_find_azerbaijani_names() {
        assert!(finds("Füzuli", "Fuzuli"));
        assert!(finds("Tərtər", "Tartar"));
        assert!(finds("Ağcabədi", "Agcabadi"));
        assert!(finds("Ağcabədi", "Aghjabadi"));
        assert!(finds("Mingəçevir", "Mingachevir"));
        assert!(finds("Gəncə", "Ganja"));
        assert!(finds("Qazaxlılar", "Gazakhlilar"));
        assert!(finds("İcma Resurs Mərkəzi", "icma resurs"));
        assert!(finds("Füzuli", "FÜZULİ"));
    }

    #[test]
    fn unrelated_names_do_not_match() {
        assert!(!finds("Füzuli", "Tartar"));
        assert!(!finds("Bərdə", "Baku"));
    }

    #[test]
    fn like_pattern_cannot_carry_wildcards() {
        assert_eq!(like_pattern("50%_x").as_deref(), Some("%50 x%"));
        assert_eq!(like_pattern("a\\b").as_deref(), Some("%a b%"));
        assert_eq!(like_pattern("  ").as_deref(), None);
        assert_eq!(like_pattern("Füzuli").as_deref(), Some("%fuzuli%"));
    }
}
