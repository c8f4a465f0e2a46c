//! The keyed hash that stands in for a personal value in every output.
//!
//! Values are hashed with HMAC-SHA256 under a secret key, so the same
//! value gives the same hash in every scan (subjects can be matched later)
//! while nobody without the key can test guesses against the outputs.
//! The key comes from `DATAKART_KEY` (64 hex digits), else a key file;
//! when neither exists a random key is created with mode 0600.

use crate::{Error, Result};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// Environment variable holding the key as hex.
pub const KEY_ENV: &str = "DATAKART_KEY";
/// Environment variable naming a key file (overrides the default place).
pub const KEY_FILE_ENV: &str = "DATAKART_KEY_FILE";

/// Where the key came from, for the scan summary (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The `DATAKART_KEY` environment variable.
    Environment,
    /// An existing key file.
    File(PathBuf),
    /// A key file created by this run.
    Created(PathBuf),
}

/// A loaded key, ready to hash values.
#[derive(Clone)]
pub struct Hasher {
    mac: Hmac<Sha256>,
}

impl Hasher {
    /// Builds a hasher from raw key bytes.
    pub fn new(key: &[u8]) -> Hasher {
        Hasher {
            mac: <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length"),
        }
    }

    /// HMAC-SHA256 of a normalised value, as lower-case hex.
    pub fn hash(&self, normalized: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(normalized.as_bytes());
        crate::wire::hex_string(&mac.finalize().into_bytes())
    }

    /// The keyed hash of one token of a normalised person name. Tokens
    /// are hashed in their own domain, so a token's hash never equals the
    /// hash of a whole value.
    pub fn name_token(&self, token: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(b"name-token\0");
        mac.update(token.as_bytes());
        crate::wire::hex_string(&mac.finalize().into_bytes())
    }

    /// A fingerprint of the key (the hash of a fixed text), stored with
    /// the subject index so a search with another key is refused instead
    /// of silently finding nothing.
    pub fn fingerprint(&self) -> String {
        self.hash("datakart key fingerprint")[..16].to_string()
    }
}

/// The default key file: `<config dir>/datakart/key`.
pub fn default_key_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("datakart").join("key"))
}

fn parse_hex_key(text: &str, origin: &str) -> Result<Vec<u8>> {
    let key = hex::decode(text.trim()).map_err(|e| Error::Key(format!("{origin} is not hex: {e}")))?;
    if key.len() < 16 {
        return Err(Error::Key(format!(
            "{origin} holds {} bytes; at least 16 (32 hex digits) are needed",
            key.len()
        )));
    }
    Ok(key)
}

/// Loads the key: `DATAKART_KEY`, else `explicit_file`, else
/// `DATAKART_KEY_FILE`, else the default key file, which is created with a
/// fresh random 32-byte key (mode 0600) when missing.
pub fn load(explicit_file: Option<&Path>) -> Result<(Hasher, KeySource)> {
    if let Ok(hex_key) = std::env::var(KEY_ENV) {
        let key = parse_hex_key(&hex_key, KEY_ENV)?;
        return Ok((Hasher::new(&key), KeySource::Environment));
    }
    let path = explicit_file
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(KEY_FILE_ENV).map(PathBuf::from))
        .or_else(default_key_path)
        .ok_or_else(|| Error::Key("no config directory; set DATAKART_KEY or DATAKART_KEY_FILE".into()))?;
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = parse_hex_key(&text, &path.display().to_string())?;
            Ok((Hasher::new(&key), KeySource::File(path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit_file.is_none() => {
            let key = create_key_file(&path)?;
            Ok((Hasher::new(&key), KeySource::Created(path)))
        }
        Err(e) => Err(Error::Key(format!("cannot read {}: {e}", path.display()))),
    }
}

fn create_key_file(path: &Path) -> Result<Vec<u8>> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| Error::Key(format!("no randomness available: {e}")))?;
    let fail = |e: std::io::Error| Error::Key(format!("cannot create {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut f = options.open(path).map_err(fail)?;
    f.write_all(hex::encode(key).as_bytes()).map_err(fail)?;
    f.write_all(b"\n").map_err(fail)?;
    f.sync_all().map_err(fail)?;
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_hash_other_key_other_hash() {
        let a = Hasher::new(&[7; 32]);
        let b = Hasher::new(&[8; 32]);
        assert_eq!(a.hash("15108695088"), a.hash("15108695088"));
        assert_ne!(a.hash("15108695088"), b.hash("15108695088"));
        assert_eq!(a.hash("x").len(), 64);
    }

    #[test]
    fn created_key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("key");
        let key = create_key_file(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(parse_hex_key(&text, "t").unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(parse_hex_key("abcd", "t").is_err());
    }
}
