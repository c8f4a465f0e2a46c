//! Plain text: the whole file, decoded, in overlapping chunks with line
//! numbers. Also the fallback for structured files that fail to parse.

use super::chunk::Chunker;
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, UnitSink};

/// Extracts a text file from its current position; `first_line` is the
/// line number of the reader's next byte.
pub fn extract_from(
    mut reader: DecodedReader,
    first_line: u64,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut chunker = Chunker::new(first_line);
    let origin = |line| Origin::Text { first_line: line };
    // A long text goes over in batches of chunks the sink may search in
    // parallel, so one big file is not read by one thread alone.
    let batch = sink.batch();
    reader
        .for_each_buf(|buf| match batch {
            0 | 1 => chunker.push_units(buf, sink, origin),
            n => chunker.push_pieces(buf, n, sink, &origin),
        })
        .map_err(|e| ExtractError::read(&e))?;
    chunker.finish_units(sink, origin);
    Ok(Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    })
}

/// Extracts a whole text file.
pub fn extract(reader: DecodedReader, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    extract_from(reader, 1, sink)
}

/// Hands the rest of a structured file to the text extractor after a parse
/// failure at decoded byte `offset` (line `line`), recording why.
pub fn fallback(
    reader: DecodedReader,
    offset: u64,
    line: u64,
    reason: String,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let reader = reader
        .restart_at(offset)
        .map_err(|e| ExtractError::Failed(format!("cannot re-read after {reason}: {e}")))?;
    let mut out = extract_from(reader, line, sink)?;
    out.notes
        .push(format!("{reason}; read as plain text from line {line}"));
    Ok(out)
}

/// Ends a structured parse: on success reports the bytes read; on a parse
/// failure (`ParseFail`) hands the rest of the file, from `resume`, to the
/// text reader, naming the format in the reason.
pub fn conclude(
    result: Result<(), super::bytes::ParseFail>,
    cur: super::bytes::Cursor,
    resume: (u64, u64),
    format: &str,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    match result {
        Ok(()) => Ok(Extracted {
            bytes_read: cur.bytes_read(),
            ..Extracted::default()
        }),
        Err((msg, _, line)) => {
            let reason = format!("{format} parse error at line {line}: {msg}");
            fallback(cur.into_reader(), resume.0, resume.1, reason, sink)
        }
    }
}
