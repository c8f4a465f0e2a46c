//! The candidate pass: one ASCII-mode regular expression, without capture
//! groups, that finds every span shaped like an identifier. Classification
//! happens afterwards on the span alone (see `classify`), which keeps the
//! hot loop a single DFA search.
//!
//! Branch order matters only where two branches can start at the same
//! byte: longer shapes come first so a span is never cut short.

use regex::bytes::{Regex, RegexBuilder};

/// The alternation, one shape per line (public so the throughput
/// benchmark can give ripgrep the same shapes).
pub const PATTERN: &str = r"(?x-u)
    [A-Za-z0-9._%+'\x80-\xFF-]+@[A-Za-z0-9.\x80-\xFF-]+\.[A-Za-z]{2,63}  # e-mail
  | [A-Z]{2}[0-9]{2}(?:\x20?[A-Z0-9]{4}){2,7}(?:\x20?[A-Z0-9]{1,3})?  # IBAN
  | NO\x20?[0-9]{3}\x20?[0-9]{3}\x20?[0-9]{3}\x20?MVA                 # NO VAT
  | (?:DK|FI)\x20?[0-9]{2}(?:\x20?[0-9]{2}){3}                        # DK/FI VAT
  | SE\x20?[0-9]{12}                                                 # SE VAT
  | (?:\+|00)[1-9][0-9]{0,2}(?:\x20?\(0\))?(?:[\x20-]?[0-9]){5,14}  # phone, +CC
  | [0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]                      # HETU
  | [0-9]{4}(?:[\x20-][0-9]{4}){2,3}(?:[\x20-][0-9]{1,3})?           # card, 4-4-4-4
  | [0-9]{4}[\x20-][0-9]{6}[\x20-][0-9]{5}                           # card, 4-6-5
  | [0-9]{13,19}                                                     # card, plain
  | (?:18|19|20)[0-9]{6}-?[0-9]{4}                                   # SE, 12 digits
  | [0-9]{6}[-+\x20]?[0-9]{4,5}                                      # NO/DK/SE/FI
  | [0-9]{7}-[0-9]                                                   # FI Y-tunnus
  | [0-9]{2}(?:\x20[0-9]{2}){3}                                      # phone NN NN NN NN
  | [0-9]{3}\x20[0-9]{2}\x20[0-9]{3}                                 # phone NNN NN NNN
  | [0-9]{4}\x20[0-9]{4}                                             # phone NNNN NNNN
  | 0[1-9][0-9]{0,2}(?:[\x20-]?[0-9]{2,4}){1,4}                      # phone, trunk 0
  | [0-9]{3}\x20?[0-9]{3}\x20?[0-9]{3}(?:\x20?MVA)?                   # NO orgnr
  | [0-9]{8}                                                         # phone, 8 digits
  | [0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}  # IPv6
  | [0-9]{1,3}(?:\.[0-9]{1,3}){3}                                    # IPv4
";

/// The longest span any branch can match; chunked readers overlap by at
/// least this much so no candidate is cut at a chunk boundary.
pub const MAX_CANDIDATE_LEN: usize = 320;

/// Compiles the candidate expression.
pub fn compile() -> Regex {
    RegexBuilder::new(PATTERN)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("candidate pattern is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<String> {
        compile()
            .find_iter(text.as_bytes())
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
            .collect()
    }

    #[test]
    fn each_shape_is_found_whole() {
        assert_eq!(spans("fnr 15108695088."), ["15108695088"]);
        assert_eq!(spans("cpr 211062-5629"), ["211062-5629"]);
        assert_eq!(spans("pnr 19811228-9841"), ["19811228-9841"]);
        assert_eq!(spans("hetu 131052-308T"), ["131052-308T"]);
        assert_eq!(spans("tlf +47 412 34 567"), ["+47 412 34 567"]);
        assert_eq!(spans("070-123 45 67"), ["070-123 45 67"]);
        assert_eq!(spans("kort 4111 1111 1111 1111"), ["4111 1111 1111 1111"]);
        assert_eq!(spans("DK50 0040 0440 1162 43"), ["DK50 0040 0440 1162 43"]);
        assert_eq!(spans("via ::ffff:192.0.2.128 ok"), ["::ffff:192.0.2.128"]);
        assert_eq!(spans("from 192.168.1.20"), ["192.168.1.20"]);
        assert_eq!(spans("mail ola.nordmann@example.no"), ["ola.nordmann@example.no"]);
        assert_eq!(spans("org.nr. 995 525 828"), ["995 525 828"]);
        assert_eq!(spans("NO 995 525 828 MVA"), ["NO 995 525 828 MVA"]);
        assert_eq!(spans("988077917MVA"), ["988077917MVA"]);
        assert_eq!(spans("Y-tunnus 0737546-2"), ["0737546-2"]);
        assert_eq!(spans("moms DK 13 74 81 36"), ["DK 13 74 81 36"]);
        assert_eq!(spans("VAT SE556036079301"), ["SE556036079301"]);
        assert_eq!(
            spans("SE45 5000 0000 0583 9825 7466"),
            ["SE45 5000 0000 0583 9825 7466"]
        );
        assert_eq!(spans("fnr 15108695088"), ["15108695088"]);
        assert_eq!(spans("puh 050 123 4567"), ["050 123 4567"]);
    }
}
