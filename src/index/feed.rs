//! The hand-over of a scan's documents from the workers to tantivy.
//!
//! tantivy's indexing thread also writes each full segment out, and takes
//! no documents while it does. Its own queue holds 10,000 documents, which
//! the workers of a dense tree filled within the write, so both workers
//! waited and a core stood idle for 0.15–0.2 s at every segment (three
//! times in a scan of a million findings, seen by sampling each thread's
//! CPU time). The workers now hand documents to a queue of [`QUEUED`]
//! more, which a thread of its own empties into tantivy, and go on
//! reading and detecting while a segment is written.

use crate::handoff::Handoff;
use tantivy::{IndexWriter, TantivyDocument};

/// Documents the feed holds beyond tantivy's own queue (a document is a
/// record's stored value and terms, under 1 KB). On the million-finding
/// tree, the two cores' idle time in a scan (twice the wall time less the
/// CPU time, medians of six) was 0.80 s without the feed, 0.69 s with
/// 4,096, 0.50 s with 16,384 and 0.36 s with 32,768; each 4,096 cost
/// about 4 MB of peak memory, and a 1 GB tree's peak is close to the
/// 300 MB bound (272–282 MB with 16,384).
pub const QUEUED: usize = 16 * 1024;

/// A queue of documents and the thread adding them to the writer it owns
/// until [`Feed::close`] hands it back. Dropping the feed unclosed waits
/// for the thread and drops the writer with what it was given.
pub struct Feed {
    /// The thread's result: the writer, and the first error tantivy gave.
    stage: Handoff<TantivyDocument, (IndexWriter, Result<(), String>)>,
}

impl Feed {
    /// Starts the thread adding documents to `writer`.
    pub fn start(writer: IndexWriter) -> std::io::Result<Feed> {
        let stage = Handoff::spawn("datakart-index-feed", QUEUED, move |documents| {
            let mut failure = Ok(());
            for doc in documents {
                if let Err(e) = writer.add_document(doc) {
                    failure = failure.and(Err(e.to_string()));
                }
            }
            (writer, failure)
        })?;
        Ok(Feed { stage })
    }

    /// Queues `doc`, waiting while the queue is full. Fails only when the
    /// feed was closed or its thread ended.
    pub fn add(&self, doc: TantivyDocument) -> Result<(), String> {
        self.stage
            .send(doc)
            .map_err(|_| "the index feed is closed or its thread ended".to_string())
    }

    /// Adds every queued document, ends the thread and hands back the
    /// writer, which then holds every document added. Fails with the
    /// first error tantivy gave, when the thread panicked (the writer went
    /// with it), or when the feed was closed before.
    pub fn close(&mut self) -> Result<IndexWriter, String> {
        match self.stage.finish() {
            Some(Ok((writer, Ok(())))) => Ok(writer),
            Some(Ok((_, Err(e)))) => Err(e),
            Some(Err(_)) => Err("the index feed's thread panicked".to_string()),
            None => Err("the index feed was closed before".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, STRING, Schema};
    use tantivy::{Index, Term, doc};

    fn writer() -> (Index, tantivy::schema::Field, IndexWriter) {
        let mut b = Schema::builder();
        let field = b.add_text_field("v", STRING | STORED);
        let index = Index::create_in_ram(b.build());
        let writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        (index, field, writer)
    }

    #[test]
    fn every_document_added_is_in_the_writer_the_closed_feed_hands_back() {
        let (index, field, writer) = writer();
        let mut feed = Feed::start(writer).unwrap();
        // More than the queue holds, so adding waits for the thread.
        let n = QUEUED + 1000;
        for i in 0..n {
            feed.add(doc!(field => format!("v{i}"))).unwrap();
        }
        let mut writer = feed.close().expect("the writer comes back");
        assert!(
            feed.add(doc!(field => "late")).is_err(),
            "a closed feed takes nothing"
        );
        assert!(feed.close().is_err(), "the writer comes back once");
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), n as u64);
        let last = Term::from_field_text(field, &format!("v{}", n - 1));
        assert_eq!(searcher.doc_freq(&last).unwrap(), 1);
    }
}
