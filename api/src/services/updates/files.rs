//! What a programme update may carry, checked and made safe before it is
//! stored: the type is read from the file's first bytes (never its name),
//! its size is capped, and a photo is decoded (with pixel and memory
//! limits against decompression bombs), turned upright by its EXIF
//! orientation, shrunk to at most [`MAX_EDGE`] pixels a side and encoded
//! again. The new file carries pixels only: EXIF (GPS position, camera,
//! time), XMP and comments of the original do not survive. A PDF is kept
//! as sent, under a safe name, and served only as a download.
//!
//! Pure functions: no database, no async (the resolver runs them on a
//! blocking thread, before the write transaction).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// Largest file accepted, in bytes, before processing.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Most files on one update.
pub const MAX_FILES: usize = 4;
/// Longest side of a stored photo, in pixels.
pub const MAX_EDGE: u32 = 1600;
/// Largest photo decoded, in pixels a side (a decompression bomb stops here).
pub const MAX_DECODE_EDGE: u32 = 12_000;
/// Memory a decode may take, in bytes.
pub const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
/// Quality of the stored JPEG (1–100).
pub const JPEG_QUALITY: u8 = 82;

/// What a file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// `FF D8 FF`.
    Jpeg,
    /// `89 50 4E 47 0D 0A 1A 0A`.
    Png,
    /// `RIFF....WEBP`.
    Webp,
    /// `%PDF-`.
    Pdf,
}

/// Reads a file's type from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Sniffed::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Sniffed::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Sniffed::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Sniffed::Pdf)
    } else {
        None
    }
}

/// A file ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// `photo` or `document`.
    pub kind: &'static str,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub media_type: &'static str,
    /// A safe name with the extension of what is stored.
    pub file_name: String,
    /// Pixel size of a photo.
    pub width: Option<u32>,
    /// See `width`.
    pub height: Option<u32>,
    /// The bytes to store.
    pub bytes: Vec<u8>,
    /// SHA-256 of `bytes`, hex.
    pub sha256: String,
}

/// Why a file is refused (the message a user reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Larger than [`MAX_FILE_BYTES`] or empty.
    Size(String),
    /// Not a JPEG, PNG, WebP or PDF, or not decodable.
    Type(String),
}

impl Refusal {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Size(m) | Refusal::Type(m) => m,
        }
    }
}

/// Checks a file and makes it safe to store (see the module docs).
pub fn prepare(name: &str, bytes: &[u8]) -> Result<Prepared, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Size("the file is empty".into()));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::Size(format!(
            "a file is at most {} MB; this one is {:.1} MB",
            MAX_FILE_BYTES / (1024 * 1024),
            bytes.len() as f64 / (1024.0 * 1024.0)
        )));
    }
    let kind = sniff(bytes).ok_or_else(|| {
        Refusal::Type(
            "send a photo (JPEG, PNG or WebP) or a PDF document; the file's content is none of these"
                .into(),
        )
    })?;
    if kind == Sniffed::Pdf {
        return Ok(Prepared {
            kind: "document",
            media_type: "application/pdf",
            file_name: safe_name(name, "document", "pdf"),
            width: None,
            height: None,
            sha256: hex_sha256(bytes),
            bytes: bytes.to_vec(),
        });
    }
    let format = match kind {
        Sniffed::Jpeg => ImageFormat::Jpeg,
        Sniffed::Png => ImageFormat::Png,
        _ => ImageFormat::WebP,
    };
    let unreadable = |e: image::ImageError| Refusal::Type(format!("the photo cannot be read: {e}"));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_EDGE);
    limits.max_image_height = Some(MAX_DECODE_EDGE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    if img.width() > MAX_EDGE || img.height() > MAX_EDGE {
        img = img.resize(MAX_EDGE, MAX_EDGE, image::imageops::FilterType::Triangle);
    }
    let (width, height) = (img.width(), img.height());
    let mut out = Vec::new();
    let (media_type, ext) = if img.color().has_alpha() {
        img.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
            .map_err(unreadable)?;
        ("image/png", "png")
    } else {
        let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
        rgb.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out,
            JPEG_QUALITY,
        ))
        .map_err(unreadable)?;
        ("image/jpeg", "jpg")
    };
    Ok(Prepared {
        kind: "photo",
        media_type,
        file_name: safe_name(name, "photo", ext),
        width: Some(width),
        height: Some(height),
        sha256: hex_sha256(&out),
        bytes: out,
    })
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A name safe in a URL path and a `Content-Disposition` header: the stem
/// of `name` folded to ASCII letters, digits, `-` and `_` (at most 60),
/// else `fallback`, with the extension of what is stored.
pub fn safe_name(name: &str, fallback: &str, ext: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut out = String::new();
    for c in crate::search::fold(stem).chars() {
        if out.len() >= 60 {
            break;
        }
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let stem = out.trim_matches('-');
    let stem = if stem.is_empty() { fallback } else { stem };
    format!("{stem}.{ext}")
}

/// Sample files for the tests of this crate, the integration tests and the
/// site's end-to-end fixture: a phone photo with its GPS position in EXIF.
pub mod samples {
    use image::DynamicImage;

    /// A JPEG of `w`×`h` with an APP1 EXIF segment holding a GPS position
    /// (40° 22′ N, 49° 50′ E) and the camera maker "TestCam", as a phone writes it.
    pub fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        }));
        let mut plain = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 90,
        ))
        .unwrap();
        let exif = exif_with_gps();
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&exif);
        out.extend_from_slice(&plain[2..]);
        out
    }

    /// `Exif\0\0` + a big-endian TIFF: IFD0 with Make and a GPS IFD pointer;
    /// the GPS IFD with latitude/longitude references and rationals.
    fn exif_with_gps() -> Vec<u8> {
        let mut t: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        let entry = |t: &mut Vec<u8>, tag: u16, ty: u16, count: u32, value: u32| {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&ty.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value.to_be_bytes());
        };
        // IFD0 at 8: 2 entries (12 bytes each) + next-IFD offset = 2 + 24 + 4 = 30 → ends at 38.
        let make_at = 38u32; // "TestCam\0" (8 bytes) → 46
        let gps_at = 46u32;
        t.extend_from_slice(&2u16.to_be_bytes());
        entry(&mut t, 0x010F, 2, 8, make_at); // Make, ASCII
        entry(&mut t, 0x8825, 4, 1, gps_at); // GPSInfo, LONG
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(b"TestCam\0");
        // GPS IFD at 46: 4 entries → 2 + 48 + 4 = 54 → rationals at 100.
        let lat_at = gps_at + 54;
        let lon_at = lat_at + 24;
        t.extend_from_slice(&4u16.to_be_bytes());
        entry(&mut t, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
        entry(&mut t, 0x0002, 5, 3, lat_at);
        entry(&mut t, 0x0003, 2, 2, u32::from_be_bytes(*b"E\0\0\0"));
        entry(&mut t, 0x0004, 5, 3, lon_at);
        t.extend_from_slice(&0u32.to_be_bytes());
        for (d, m) in [(40u32, 22u32), (49, 50)] {
            for (n, den) in [(d, 1u32), (m, 1), (0, 1)] {
                t.extend_from_slice(&n.to_be_bytes());
                t.extend_from_slice(&den.to_be_bytes());
            }
        }
        let mut out = b"Exif\0\0".to_vec();
        out.extend_from_slice(&t);
        out
    }

    /// Whether a JPEG has an APP1 (EXIF/XMP) segment before its image data.
    pub fn has_app1(jpeg: &[u8]) -> bool {
        let mut i = 2;
        while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
            let marker = jpeg[i + 1];
            if marker == 0xE1 {
                return true;
            }
            if marker == 0xDA {
                return false;
            }
            let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
            i += 2 + len;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{has_app1, jpeg_with_gps};
    use super::*;

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_photo_with_gps_exif_is_stored_without_it_and_shrunk() {
        let original = jpeg_with_gps(2000, 1000);
        assert!(has_app1(&original), "the test photo carries EXIF");
        assert!(contains(&original, b"TestCam"));
        let stored = prepare("IMG_2041 Füzuli.JPG", &original).unwrap();
        assert_eq!(stored.media_type, "image/jpeg");
        assert_eq!((stored.width, stored.height), (Some(1600), Some(800)));
        assert!(!has_app1(&stored.bytes), "no EXIF segment survives");
        assert!(!contains(&stored.bytes, b"Exif\0\0"));
        assert!(!contains(&stored.bytes, b"TestCam"));
        assert_eq!(sniff(&stored.bytes), Some(Sniffed::Jpeg));
        assert_eq!(stored.file_name, "img-2041-fuzuli.jpg");
    }

    #[test]
    fn the_type_comes_from_the_content_not_the_name() {
        let refused = prepare("photo.jpg", b"<svg onload=alert(1)></svg>").unwrap_err();
        assert!(matches!(refused, Refusal::Type(_)));
        let pdf = prepare("report.jpg", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n").unwrap();
        assert_eq!(pdf.media_type, "application/pdf");
        assert_eq!(pdf.file_name, "report.pdf");
        // A JPEG header followed by garbage is not a photo.
        let broken = prepare("x.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3]).unwrap_err();
        assert!(matches!(broken, Refusal::Type(_)));
    }

    #[test]
    fn sizes_at_the_edge() {
        assert!(matches!(prepare("a.pdf", b""), Err(Refusal::Size(_))));
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_FILE_BYTES, b' ');
        assert!(prepare("a.pdf", &big).is_ok());
        big.push(b' ');
        assert!(matches!(prepare("a.pdf", &big), Err(Refusal::Size(_))));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // A PNG header declaring 60,000 × 60,000 pixels.
        let img = DynamicImage::ImageRgb8(image::RgbImage::new(1, 1));
        let mut png = Vec::new();
        img.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(matches!(prepare("bomb.png", &png), Err(Refusal::Type(_))));
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd", "photo", "jpg"), "passwd.jpg");
        assert_eq!(safe_name("\"><script>.png", "photo", "png"), "script.png");
        assert_eq!(safe_name("", "document", "pdf"), "document.pdf");
        assert_eq!(
            safe_name("Ağcabədi təlim.jpeg", "photo", "jpg"),
            "agcabadi-talim.jpg"
        );
    }
}
