//! Overlapping chunks of one long text, so a 10 GB single-line file is
//! searched in bounded memory and a value that straddles two chunks is
//! found exactly once.
//!
//! Each emitted chunk carries `CONTEXT` bytes before the part it owns (for
//! keywords that precede a value) and `LOOKAHEAD` bytes after it (for
//! values and keywords that run past its end). Spans starting in the owned
//! part belong to the chunk; the detector's resume point tells the next
//! chunk where to start so a straddling span is not found twice.

use super::{Origin, Unit, UnitSink};

/// Bytes owned by one chunk.
pub const CHUNK: usize = 1 << 20;
/// Bytes kept before the owned part for keyword context.
pub const CONTEXT: usize = 16 * 1024;
/// Bytes after the owned part, at least the longest candidate plus the
/// largest keyword window a profile may set.
pub const LOOKAHEAD: usize = 16 * 1024;

/// Receives chunks: text, search start, owned end and the line number of
/// the text's first byte; returns the resume offset.
pub type Emit<'e> = dyn FnMut(&str, usize, usize, u64) -> usize + 'e;

/// One chunk of a batch handed over at once (see [`Chunker::push_batched`]),
/// so that a sink can search the chunks of one big file in parallel.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'t> {
    /// The text, with context before `from` and lookahead after `until`.
    pub text: &'t str,
    /// Where searching starts if the chunk before resumed at its `until`.
    pub from: usize,
    /// Spans starting at or after this belong to the next chunk.
    pub until: usize,
    /// Line number of the text's first byte.
    pub first_line: u64,
    /// Where the text starts in the chunker's buffer.
    start: usize,
}

impl Piece<'_> {
    /// Where searching this chunk starts when the chunk before it
    /// (`prev`) resumed at `prev_resume` (in `prev`'s text): past a span
    /// that straddled their seam, so it is not found twice.
    pub fn from_after(&self, prev: &Piece<'_>, prev_resume: usize) -> usize {
        (prev.start + prev_resume)
            .saturating_sub(self.start)
            .clamp(self.from, self.until)
    }
}

/// Takes a batch of chunks in order: `take` gets each chunk with where its
/// search must start (its `from`, moved by [`Piece::from_after`] past a
/// span the chunk before found across their seam) and returns that chunk's
/// resume offset. Returns the last chunk's.
pub fn in_order<'p, 't>(
    pieces: &'p [Piece<'t>],
    mut take: impl FnMut(&'p Piece<'t>, usize) -> usize,
) -> usize {
    let mut prev: Option<(&Piece<'_>, usize)> = None;
    for p in pieces {
        let from = prev.map_or(p.from, |(q, resume)| p.from_after(q, resume));
        prev = Some((p, take(p, from).max(p.until)));
    }
    prev.map_or(0, |(_, resume)| resume)
}

/// Receives a batch of consecutive chunks; returns the last one's resume
/// offset.
pub type BatchEmit<'e> = dyn FnMut(&[Piece<'_>]) -> usize + 'e;

/// Splits a stream of UTF-8 bytes into overlapping chunks.
pub struct Chunker {
    buf: Vec<u8>,
    search_from: usize,
    first_line: u64,
    chunk: usize,
}

fn char_floor(buf: &[u8], mut i: usize) -> usize {
    while i > 0 && i < buf.len() && (buf[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn as_text(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

impl Default for Chunker {
    fn default() -> Self {
        Chunker::new(1)
    }
}

impl Chunker {
    /// A chunker whose first byte is on `first_line`.
    pub fn new(first_line: u64) -> Chunker {
        Chunker::with_chunk_size(first_line, CHUNK)
    }

    /// A chunker with a custom owned size (tests use small chunks).
    pub fn with_chunk_size(first_line: u64, chunk: usize) -> Chunker {
        Chunker {
            buf: Vec::new(),
            search_from: 0,
            first_line,
            chunk: chunk.max(1),
        }
    }

    /// Empties the chunker for reuse, keeping its buffer's capacity.
    pub fn reset(&mut self, first_line: u64) {
        self.buf.clear();
        self.search_from = 0;
        self.first_line = first_line;
    }

    /// True when nothing is buffered.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Appends bytes, emitting every chunk that is complete.
    pub fn push(&mut self, bytes: &[u8], emit: &mut Emit<'_>) {
        self.buf.extend_from_slice(bytes);
        while self.buf.len() >= self.search_from + self.chunk + LOOKAHEAD {
            let until = char_floor(&self.buf, self.search_from + self.chunk);
            let end = char_floor(&self.buf, until + LOOKAHEAD);
            let text = as_text(&self.buf[..end]);
            let resume = emit(text, self.search_from, until, self.first_line).max(until);
            let keep_from = char_floor(&self.buf, until.saturating_sub(CONTEXT));
            self.first_line += memchr::memchr_iter(b'\n', &self.buf[..keep_from]).count() as u64;
            self.buf.drain(..keep_from);
            self.search_from = resume - keep_from;
        }
    }

    /// Like [`Self::push`], but hands `batch` consecutive chunks over at
    /// once. Each chunk is cut as if the one before resumed at its
    /// `until`; the receiver corrects a chunk's start with
    /// [`Piece::from_after`] when the one before resumed later, so the
    /// spans found are exactly those of [`Self::push`].
    pub fn push_batched(&mut self, bytes: &[u8], batch: usize, emit: &mut BatchEmit<'_>) {
        self.buf.extend_from_slice(bytes);
        let batch = batch.max(1);
        while self.buf.len() >= self.search_from + batch * self.chunk + LOOKAHEAD {
            let mut pieces = Vec::with_capacity(batch);
            let (mut start, mut from, mut line) = (0, self.search_from, self.first_line);
            for _ in 0..batch {
                let until = char_floor(&self.buf, start + from + self.chunk);
                let end = char_floor(&self.buf, until + LOOKAHEAD);
                pieces.push(Piece {
                    text: as_text(&self.buf[start..end]),
                    from,
                    until: until - start,
                    first_line: line,
                    start,
                });
                let next = char_floor(&self.buf, until.saturating_sub(CONTEXT)).max(start);
                line += memchr::memchr_iter(b'\n', &self.buf[start..next]).count() as u64;
                from = until - next;
                start = next;
            }
            let last = pieces[batch - 1];
            let resume = last.start + emit(&pieces).max(last.until);
            self.first_line = line;
            self.buf.drain(..start);
            self.search_from = resume - start;
        }
    }

    /// [`Self::push_batched`] straight into a [`UnitSink`] (see
    /// [`UnitSink::pieces`]).
    pub fn push_pieces<'o>(
        &mut self,
        bytes: &[u8],
        batch: usize,
        sink: &mut dyn UnitSink,
        origin: &dyn Fn(u64) -> Origin<'o>,
    ) {
        self.push_batched(bytes, batch, &mut |pieces| sink.pieces(pieces, origin));
    }

    /// [`Self::push`] straight into a [`UnitSink`], each chunk's origin built
    /// by `origin` from the line number of its first byte.
    pub fn push_units<'o>(
        &mut self,
        bytes: &[u8],
        sink: &mut dyn UnitSink,
        origin: impl Fn(u64) -> Origin<'o>,
    ) {
        self.push(bytes, &mut |text, from, until, line| {
            sink.unit(Unit {
                text,
                from,
                until,
                origin: origin(line),
            })
        });
    }

    /// [`Self::finish`] straight into a [`UnitSink`].
    pub fn finish_units<'o>(&mut self, sink: &mut dyn UnitSink, origin: impl Fn(u64) -> Origin<'o>) {
        self.finish(&mut |text, from, until, line| {
            sink.unit(Unit {
                text,
                from,
                until,
                origin: origin(line),
            })
        });
    }

    /// Emits whatever is left as the final chunk.
    pub fn finish(&mut self, emit: &mut Emit<'_>) {
        if self.buf.len() > self.search_from {
            let text = as_text(&self.buf);
            emit(text, self.search_from, text.len(), self.first_line);
        }
        self.reset(self.first_line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finds every run of non-space characters starting in [from,
    /// until), as a regex search would: started inside a word it finds the
    /// word's tail, so a chunk must start where the one before resumed.
    /// Returns the resume offset (past the last word found).
    fn words(t: &str, from: usize, until: usize, found: &mut Vec<String>) -> usize {
        let b = t.as_bytes();
        let (mut resume, mut i) = (until, from);
        loop {
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i >= until || i >= b.len() {
                break;
            }
            let e = t[i..].find(' ').map_or(t.len(), |k| i + k);
            resume = resume.max(e);
            found.push(t[i..e].to_string());
            i = e;
        }
        resume
    }

    /// Feeds `text` through a chunker in 7-byte pieces and returns the
    /// [`words`] found, in order.
    fn tokens(text: &str, chunk: usize) -> Vec<String> {
        let mut found = Vec::new();
        let mut c = Chunker::with_chunk_size(1, chunk);
        let mut emit = |t: &str, from: usize, until: usize, _line: u64| words(t, from, until, &mut found);
        for piece in text.as_bytes().chunks(7) {
            c.push(piece, &mut emit);
        }
        c.finish(&mut emit);
        found
    }

    /// Like [`tokens`], through [`Chunker::push_batched`]: each batch is
    /// searched as a parallel searcher would (every chunk from its own
    /// `from`, without knowing where the one before resumed), then taken
    /// [`in_order`], searching a chunk again when the one before moved its
    /// start.
    fn tokens_batched(text: &str, chunk: usize, batch: usize) -> Vec<String> {
        let mut found = Vec::new();
        let mut c = Chunker::with_chunk_size(1, chunk);
        let mut emit = |pieces: &[Piece<'_>]| -> usize {
            let speculative: Vec<(Vec<String>, usize)> = pieces
                .iter()
                .map(|p| {
                    let mut f = Vec::new();
                    let r = words(p.text, p.from, p.until, &mut f);
                    (f, r)
                })
                .collect();
            let mut speculative = speculative.into_iter();
            in_order(pieces, |p, from| {
                let (f, r) = speculative.next().expect("one result a piece");
                if from == p.from {
                    found.extend(f);
                    r
                } else {
                    words(p.text, from, p.until, &mut found)
                }
            })
        };
        for piece in text.as_bytes().chunks(7) {
            c.push_batched(piece, batch, &mut emit);
        }
        c.finish(&mut |t: &str, from: usize, until: usize, _line: u64| words(t, from, until, &mut found));
        found
    }

    #[test]
    fn batches_find_what_single_chunks_find() {
        // Tokens of many lengths, so some straddle every kind of seam.
        let text: String = (0..20000)
            .map(|i| format!("w{i} @t{}{i} ", "x".repeat(i % 37)))
            .collect();
        let expected: Vec<String> = text
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        for batch in [1, 2, 3, 8] {
            assert_eq!(tokens_batched(&text, 64, batch), expected, "batch {batch}");
        }
    }

    #[test]
    fn straddling_tokens_are_found_once() {
        let text: String = (0..30000).map(|i| format!("w{i} @tok{i} ")).collect();
        let found = tokens(&text, 64);
        let expected: Vec<String> = (0..30000)
            .flat_map(|i| [format!("w{i}"), format!("@tok{i}")])
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn line_numbers_follow_the_chunks() {
        let text = "a\n".repeat(100_000);
        let mut c = Chunker::with_chunk_size(1, 1000);
        let mut lines = Vec::new();
        let mut emit = |t: &str, from: usize, _until: usize, line: u64| -> usize {
            lines.push(line + t[..from].matches('\n').count() as u64);
            _until
        };
        c.push(text.as_bytes(), &mut emit);
        c.finish(&mut emit);
        assert!(lines.len() > 10);
        // The first owned byte of each chunk is at an even offset ("a\n").
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }
}
