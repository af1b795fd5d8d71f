//! `programme_update_files`: a photo or document of a programme update, as
//! stored after checking (type by its first bytes, size) and, for photos,
//! resizing and re-encoding (which drops EXIF, GPS included). Kept in the
//! database so both engines, replicas and `api backup` carry it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "programme_update_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub update_id: i32,
    /// Order within the update, from 0.
    pub position: i32,
    /// `photo` or `document`.
    pub kind: String,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub media_type: String,
    /// A safe file name (letters, digits, `-`, `_`, one extension).
    pub file_name: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub byte_size: i32,
    /// SHA-256 of the stored bytes, hex.
    pub sha256: String,
    /// The stored bytes (never serialised into audit rows).
    #[sea_orm(column_type = "Blob")]
    #[serde(skip)]
    pub content: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
