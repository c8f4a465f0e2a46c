//! Problems found in a profile, each pointing at the line and column of
//! the key or value at fault. Checking goes on after a problem, so
//! `datakart profile check` can list every problem of a file in one run.

use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One step of a key path: a table key or a list position.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// A key of a table.
    Key(&'a str),
    /// A position in an array (0-based).
    Index(usize),
}

/// One problem, located where the profile text allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column (in characters) of the key or value at fault.
    pub at: Option<(usize, usize)>,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, column)) => write!(f, "line {line}, column {column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Collects problems against the parsed document.
pub struct Problems<'t> {
    text: &'t str,
    root: &'t DeTable<'t>,
    list: Vec<(usize, Problem)>,
}

impl<'t> Problems<'t> {
    /// Starts collecting for `text`, parsed as `root`.
    pub fn new(text: &'t str, root: &'t DeTable<'t>) -> Problems<'t> {
        Problems {
            text,
            root,
            list: Vec::new(),
        }
    }

    /// The 1-based line and column of byte `offset`.
    pub fn position(text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let before = &text[..text.floor_char_boundary(offset)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    /// The span of the value at `path`, or of the deepest part of it that
    /// exists (a missing key is reported at its table).
    pub fn span(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        let mut span = None;
        let mut table = Some(self.root);
        let mut array: Option<&toml::de::DeArray<'_>> = None;
        for seg in path {
            let next = match (*seg, table, array) {
                (Seg::Key(k), Some(t), _) => t.get(k),
                (Seg::Index(i), _, Some(a)) => a.get(i),
                _ => None,
            };
            let Some(value) = next else { break };
            span = Some(value.span());
            table = None;
            array = None;
            match value.get_ref() {
                DeValue::Table(t) => table = Some(t),
                DeValue::Array(a) => array = Some(a),
                _ => {}
            }
        }
        span
    }

    /// Records a problem at the value at `path`.
    pub fn at(&mut self, path: &[Seg<'_>], message: impl Into<String>) {
        let span = self.span(path);
        self.at_span(span, message);
    }

    /// Records a problem at a byte span (None: unlocated).
    pub fn at_span(&mut self, span: Option<Range<usize>>, message: impl Into<String>) {
        let offset = span.as_ref().map_or(usize::MAX, |s| s.start);
        let at = span.map(|s| Problems::position(self.text, s.start));
        self.list.push((
            offset,
            Problem {
                at,
                message: message.into(),
            },
        ));
    }

    /// Records a deserialisation error (it carries its own span).
    pub fn toml(&mut self, e: &toml::de::Error) {
        self.at_span(e.span(), e.message().trim_end().to_string());
    }

    /// Whether any problem was recorded.
    pub fn any(&self) -> bool {
        !self.list.is_empty()
    }

    /// The problems in the order they occur in the text.
    pub fn into_sorted(mut self) -> Vec<Problem> {
        self.list.sort_by_key(|(offset, _)| *offset);
        self.list.into_iter().map(|(_, p)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nnavn = \"Ørjan\"\n";
        assert_eq!(Problems::position(text, 0), (1, 1));
        assert_eq!(Problems::position(text, 6), (2, 1));
        let o = text.find("Ørjan").unwrap() + "Ø".len();
        assert_eq!(Problems::position(text, o), (2, 10));
    }

    #[test]
    fn spans_follow_key_paths_into_arrays_of_tables() {
        let text = "[scan]\ninclude = []\n\n[[category]]\nname = \"a\"\n\n[[category]]\nname = \"b\"\npaths = [\"x\", \"y[\"]\n";
        let root = DeTable::parse(text).unwrap();
        let mut p = Problems::new(text, root.get_ref());
        p.at(
            &[
                Seg::Key("category"),
                Seg::Index(1),
                Seg::Key("paths"),
                Seg::Index(1),
            ],
            "bad glob",
        );
        p.at(
            &[Seg::Key("category"), Seg::Index(0), Seg::Key("missing")],
            "at its table",
        );
        let got: Vec<String> = p.into_sorted().iter().map(ToString::to_string).collect();
        assert_eq!(got[0], "line 4, column 1: at its table");
        assert_eq!(got[1], "line 9, column 15: bad glob");
    }
}
