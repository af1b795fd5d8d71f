//! The demo dataset: every fact of the five seed texts (`shared/seeds/`), kept
//! in the data files under `seed/data/` (one for the shared reference rows,
//! one per programme) with the original Azerbaijani names and English beside
//! them. The files are embedded in the binary, resolved without a database,
//! then written by the [`Seeder`].

use sea_orm::{ConnectionTrait, TransactionTrait};

use super::Seeder;
use super::check::DataError;
use super::resolve::{Dataset, resolve};

/// Slug of the project whose presence marks the demo dataset as loaded.
pub(crate) const ANCHOR_SLUG: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

/// The shared rows: source documents, areas, organisations.
pub(super) const REFERENCE: (&str, &str) = ("reference.toml", include_str!("data/reference.toml"));

/// The programmes as (file, progress label, text), in load order.
pub(super) const PROGRAMMES: [(&str, &str, &str); 5] = [
    (
        "red_crescent.toml",
        "Red Crescent regional network",
        include_str!("data/red_crescent.toml"),
    ),
    (
        "undp.toml",
        "UNDP early recovery project",
        include_str!("data/undp.toml"),
    ),
    (
        "trafficking.toml",
        "trafficking victim assistance",
        include_str!("data/trafficking.toml"),
    ),
    (
        "coordination.toml",
        "unified coordination centres",
        include_str!("data/coordination.toml"),
    ),
    (
        "child_hotline.toml",
        "child hotline",
        include_str!("data/child_hotline.toml"),
    ),
];

/// The embedded dataset, parsed and resolved.
pub(super) fn dataset() -> Result<Dataset, DataError> {
    resolve(REFERENCE, &PROGRAMMES)
}

pub(super) async fn load<C: ConnectionTrait + TransactionTrait>(
    sd: &mut Seeder<'_, C>,
    progress: &(dyn Fn(usize, usize, &str) + Send + Sync),
) -> anyhow::Result<()> {
    // Resolve everything before the first write: a broken file changes nothing.
    let data = dataset()?;
    super::write::write(sd, &data, progress).await
}
