//! E-mail addresses: a practical subset of RFC 5322 (spec §5.3).

/// Top-level "domains" that are really file extensions (`logo@2x.png`) or
/// never routable; a candidate ending in one is not an address.
const NOT_TLDS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "webp",
    "bmp",
    "ico",
    "css",
    "js",
    "ts",
    "json",
    "xml",
    "html",
    "htm",
    "txt",
    "pdf",
    "zip",
    "gz",
    "tar",
    "exe",
    "dll",
    "so",
    "md",
    "yml",
    "yaml",
    "toml",
    "lock",
    "git",
    "local",
    "localhost",
    "invalid",
    "test",
    "example_tld",
];

/// Validates an address already matched by the candidate pattern (which
/// admits UTF-8 letters, as in `søren@eksempel.dk`): local
/// part 1–64 characters without leading, trailing or doubled dots; domain
/// labels 1–63 characters of letters, digits and inner hyphens; an
/// alphabetic TLD of 2–63 letters that is not a file extension; 254
/// characters at most.
pub fn email(s: &[u8]) -> bool {
    if s.len() < 6 || s.len() > 254 {
        return false;
    }
    let Some(at) = memchr::memrchr(b'@', s) else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.is_empty() || local.len() > 64 || local.contains(&b'@') {
        return false;
    }
    if local[0] == b'.' || local[local.len() - 1] == b'.' || local.windows(2).any(|w| w == b"..") {
        return false;
    }
    let mut labels = domain.split(|&b| b == b'.').peekable();
    let mut count = 0;
    while let Some(label) = labels.next() {
        count += 1;
        if label.is_empty() || label.len() > 63 || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return false;
        }
        if !label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b >= 0x80)
        {
            return false;
        }
        if labels.peek().is_none() {
            let tld_ok = label.len() >= 2 && label.iter().all(u8::is_ascii_alphabetic);
            let ext = NOT_TLDS.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(label));
            return tld_ok && !ext && count >= 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_not_addresses() {
        assert!(!email(b"logo@2x.png"));
        assert!(!email(b"a@b.-x.no"));
        assert!(email(b"a@b.no"));
        assert!(email("søren@blåbær.dk".as_bytes()));
    }
}
