//! Checks shared by the resolving pass: the error that names the file and
//! the key at fault, lookups of rows by any of their names, and the rules
//! every row follows (bilingual pairs, unique natural keys).

use std::collections::HashSet;

/// What is wrong with a data file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DataError {
    /// The file is not valid TOML or does not have the expected shape.
    #[error("seed data {file}: {message}")]
    Parse { file: String, message: String },
    /// A reference names no row.
    #[error("seed data {file}, {at}: unknown {kind} `{key}`")]
    Unknown {
        file: String,
        at: String,
        kind: &'static str,
        key: String,
    },
    /// A row breaks a rule of the dataset (ambiguous reference, half of a
    /// bilingual pair, a breakdown that does not add up, a duplicate key…).
    #[error("seed data {file}, {at}: {message}")]
    Invalid {
        file: String,
        at: String,
        message: String,
    },
}

/// Rows that can be referred to by any of a few names.
pub(super) struct Names<'a> {
    kind: &'static str,
    rows: Vec<Vec<&'a str>>,
}

impl<'a> Names<'a> {
    pub(super) fn new<T>(
        kind: &'static str,
        rows: &'a [T],
        names: impl Fn(&'a T) -> Vec<&'a str>,
    ) -> Self {
        Self {
            kind,
            rows: rows.iter().map(names).collect(),
        }
    }

    /// The one row that `key` names.
    pub(super) fn find(&self, cx: &Cx<'_>, at: &str, key: &str) -> Result<usize, DataError> {
        let hits: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.rows[i].contains(&key))
            .collect();
        match hits[..] {
            [one] => Ok(one),
            [] => Err(DataError::Unknown {
                file: cx.file.into(),
                at: at.into(),
                kind: self.kind,
                key: key.into(),
            }),
            _ => Err(cx.invalid(
                at,
                format!(
                    "{} `{key}` is ambiguous: it names {} rows",
                    self.kind,
                    hits.len()
                ),
            )),
        }
    }

    pub(super) fn find_opt(
        &self,
        cx: &Cx<'_>,
        at: &str,
        key: Option<&str>,
    ) -> Result<Option<usize>, DataError> {
        key.map(|k| self.find(cx, at, k)).transpose()
    }

    pub(super) fn find_all(
        &self,
        cx: &Cx<'_>,
        at: &str,
        keys: &[String],
    ) -> Result<Vec<usize>, DataError> {
        keys.iter().map(|k| self.find(cx, at, k)).collect()
    }
}

/// The file being resolved, for error messages.
pub(super) struct Cx<'a> {
    pub file: &'a str,
}

impl Cx<'_> {
    pub(super) fn invalid(&self, at: &str, message: impl Into<String>) -> DataError {
        DataError::Invalid {
            file: self.file.into(),
            at: at.into(),
            message: message.into(),
        }
    }

    /// A count is within 0 and its bound (`services::bounds`): the seed
    /// refuses what the API would refuse, so no file stores a value the
    /// public figures cannot carry.
    pub(super) fn bounded(
        &self,
        at: &str,
        field: &str,
        value: Option<i64>,
        bound: crate::services::bounds::Bound,
    ) -> Result<(), DataError> {
        match value {
            Some(v) if v < 0 => Err(self.invalid(at, format!("{field} {v} is negative"))),
            Some(v) if !bound.accepts(v) => Err(self.invalid(
                at,
                format!("{field} {v}: VALUE_OUT_OF_RANGE, {}", bound.message()),
            )),
            _ => Ok(()),
        }
    }

    /// A bilingual text is given in both languages or not at all.
    pub(super) fn pair(
        &self,
        at: &str,
        field: &str,
        az: &Option<String>,
        en: &Option<String>,
    ) -> Result<(), DataError> {
        match (az, en) {
            (Some(_), None) | (None, Some(_)) => Err(self.invalid(
                at,
                format!("{field}_az and {field}_en must be given together"),
            )),
            _ => Ok(()),
        }
    }

    /// Each natural key appears once.
    pub(super) fn unique(
        &self,
        kind: &str,
        keys: impl IntoIterator<Item = String>,
    ) -> Result<(), DataError> {
        let mut seen = HashSet::new();
        for key in keys {
            if !seen.insert(key.clone()) {
                return Err(self.invalid(&format!("{kind} {key}"), "given twice"));
            }
        }
        Ok(())
    }
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError::Parse {
        file: file.into(),
        message: e.to_string(),
    })
}
