//! An installation's identity: its Ed25519 key pair, the fingerprint read
//! aloud or compared on paper (six groups of five digits, like a safety
//! number), and the identity card a peer imports. The card never holds the
//! secret key, and its fingerprint is recomputed on import, never trusted.

use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// What the fingerprint's hash starts with (a new version gets a new tag).
const FINGERPRINT_TAG: &[u8] = b"sogiaonhan-site-v1";
/// The card's `format`.
pub const CARD_FORMAT: &str = "sogiaonhan-site-card";
/// The card's `version` this build writes and reads.
pub const CARD_VERSION: u32 = 1;
/// A card is a few hundred bytes; anything much larger is not one.
pub const MAX_CARD_BYTES: u64 = 64 * 1024;

/// A fresh key pair from 32 random bytes.
pub(crate) fn new_signing_key() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    SigningKey::from_bytes(&seed)
}

/// The fingerprint of an installation: SHA-256 over the tag, its id and its
/// public key; six groups of five digits, each the big-endian 40-bit number
/// of five hash bytes modulo 100000, zero-padded: "12345 67890 …".
pub fn fingerprint(id: &str, public_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(FINGERPRINT_TAG);
    h.update(id.as_bytes());
    h.update(public_key);
    let hash = h.finalize();
    hash.chunks(5)
        .take(6)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            format!("{:05}", n % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Digits typed from paper, with spaces (and hyphens) ignored.
pub fn digits_only(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// Base64url without padding, as keys travel in cards and JSON.
pub fn key_text(key: &[u8; 32]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

/// The identity card file (`site export`): JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub unit: String,
    pub name: String,
    pub public_key: String,
    /// Informative only: the importer recomputes it.
    pub fingerprint: String,
}

/// A card read and checked: its public key decoded and a valid Ed25519
/// point, its fingerprint recomputed.
#[derive(Debug, Clone)]
pub struct ReadCard {
    pub id: String,
    pub unit: String,
    pub name: String,
    pub public_key: [u8; 32],
    pub fingerprint: String,
}

impl Card {
    pub fn new(id: &str, unit: &str, name: &str, public_key: &[u8; 32]) -> Card {
        Card {
            format: CARD_FORMAT.to_owned(),
            version: CARD_VERSION,
            id: id.to_owned(),
            unit: unit.to_owned(),
            name: name.to_owned(),
            public_key: key_text(public_key),
            fingerprint: fingerprint(id, public_key),
        }
    }

    /// Reads a card's bytes; `file` names it in the errors.
    pub fn read(bytes: &[u8], file: &str) -> Result<ReadCard> {
        let bad = |why: String| Error::invalid("file", format!("{file}: không phải thẻ nhận diện hợp lệ: {why}"));
        let card: Card = serde_json::from_slice(bytes).map_err(|e| bad(format!("{e}")))?;
        if card.format != CARD_FORMAT {
            return Err(bad(format!("định dạng «{}»", card.format)));
        }
        if card.version > CARD_VERSION {
            return Err(bad(format!(
                "thẻ phiên bản {} do phiên bản mới hơn của ứng dụng tạo ra; hãy cập nhật ứng dụng",
                card.version
            )));
        }
        if card.id.trim().is_empty() || card.unit.trim().is_empty() {
            return Err(bad("thiếu mã cài đặt hoặc mã đơn vị".to_owned()));
        }
        let public_key = decode_key(&card.public_key).ok_or_else(|| bad("khoá công khai hỏng".to_owned()))?;
        Ok(ReadCard {
            fingerprint: fingerprint(&card.id, &public_key),
            id: card.id,
            unit: card.unit,
            name: card.name,
            public_key,
        })
    }
}

/// A public key from its text, when it is 32 bytes and a valid point.
pub fn decode_key(text: &str) -> Option<[u8; 32]> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).ok()?;
    let key: [u8; 32] = bytes.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_six_groups_of_five_digits_from_the_hash() {
        let key = [7u8; 32];
        let f = fingerprint("0190aaaa-0000-7000-8000-000000000001", &key);
        let groups: Vec<&str> = f.split(' ').collect();
        assert_eq!(groups.len(), 6, "{f}");
        assert!(groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit())));
        // By hand: the first five hash bytes as a big-endian number, mod 100000.
        let mut h = Sha256::new();
        h.update(b"sogiaonhan-site-v1");
        h.update(b"0190aaaa-0000-7000-8000-000000000001");
        h.update(key);
        let hash = h.finalize();
        let first = hash[..5].iter().fold(0u64, |a, &b| a * 256 + u64::from(b)) % 100_000;
        assert_eq!(groups[0], format!("{first:05}"));
        // Another id or another key gives another fingerprint.
        assert_ne!(f, fingerprint("0190aaaa-0000-7000-8000-000000000002", &key));
        assert_ne!(f, fingerprint("0190aaaa-0000-7000-8000-000000000001", &[8u8; 32]));
        assert_eq!(digits_only(&f).len(), 30);
    }

    #[test]
    fn a_card_round_trips_and_its_fingerprint_is_recomputed() {
        let key = new_signing_key();
        let public = key.verifying_key().to_bytes();
        let mut card = Card::new("site-1", "HK", "Đảng ủy xã Hương Khê", &public);
        card.fingerprint = "00000 00000 00000 00000 00000 00000".into();
        let bytes = serde_json::to_vec(&card).expect("json");
        let read = Card::read(&bytes, "the.card").expect("read");
        assert_eq!(read.public_key, public);
        assert_eq!(read.fingerprint, fingerprint("site-1", &public));
        assert!(!String::from_utf8_lossy(&bytes).contains(&key_text(&key.to_bytes())));

        card.version = 2;
        let err = Card::read(&serde_json::to_vec(&card).expect("json"), "the.card").expect_err("newer");
        assert!(err.to_string().contains("the.card"), "{err}");
        assert!(Card::read(b"{}", "x").is_err());
    }
}
