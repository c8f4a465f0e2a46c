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
use std::sync::Arc;
use tantivy::{IndexWriter, TantivyDocument};

/// Documents the feed holds beyond tantivy's own queue (a document is a
/// record's stored value and terms, under 1 KB). On the million-finding
/// tree, the two cores' idle time in a scan (twice the wall time less the
/// CPU time, medians of six) was 0.80 s without the feed, 0.69 s with
/// 4,096, 0.50 s with 16,384 and 0.36 s with 32,768; each 4,096 cost
/// about 4 MB of peak memory, and a 1 GB tree's peak is close to the
/// 300 MB bound (272–282 MB with 16,384).
pub const QUEUED: usize = 16 * 1024;

/// A queue of documents and the thread adding them to a shared writer.
/// Dropping it (or [`Feed::close`]) adds what is queued and ends the
/// thread.
pub struct Feed {
    /// The thread's result: the first error tantivy gave, if any.
    stage: Handoff<TantivyDocument, Result<(), String>>,
}

impl Feed {
    /// Starts the thread adding documents to `writer`.
    pub fn start(writer: Arc<IndexWriter>) -> std::io::Result<Feed> {
        let stage = Handoff::spawn("datakart-index-feed", QUEUED, move |documents| {
            let mut failure = Ok(());
            for doc in documents {
                if let Err(e) = writer.add_document(doc) {
                    failure = failure.and(Err(e.to_string()));
                }
            }
            failure
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

    /// Adds every queued document and ends the thread: afterwards the
    /// writer holds every document added, and is shared with nobody. The
    /// first error tantivy gave, if any (a panic in tantivy shows as
    /// documents missing, as it did when workers added them directly).
    pub fn close(&mut self) -> Result<(), String> {
        match self.stage.finish() {
            Some(Ok(result)) => result,
            Some(Err(_)) | None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, STRING, Schema};
    use tantivy::{Index, Term, doc};

    fn writer() -> (Index, tantivy::schema::Field, Arc<IndexWriter>) {
        let mut b = Schema::builder();
        let field = b.add_text_field("v", STRING | STORED);
        let index = Index::create_in_ram(b.build());
        let writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        (index, field, Arc::new(writer))
    }

    #[test]
    fn every_document_added_is_in_the_writer_once_the_feed_is_closed() {
        let (index, field, mut writer) = writer();
        let mut feed = Feed::start(Arc::clone(&writer)).unwrap();
        // More than the queue holds, so adding waits for the thread.
        let n = QUEUED + 1000;
        for i in 0..n {
            feed.add(doc!(field => format!("v{i}"))).unwrap();
        }
        assert_eq!(feed.close(), Ok(()));
        assert!(
            feed.add(doc!(field => "late")).is_err(),
            "a closed feed takes nothing"
        );
        let writer = Arc::get_mut(&mut writer).expect("the thread let go of the writer");
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), n as u64);
        let last = Term::from_field_text(field, &format!("v{}", n - 1));
        assert_eq!(searcher.doc_freq(&last).unwrap(), 1);
    }

    #[test]
    fn a_feed_dropped_unclosed_still_adds_what_it_queued() {
        let (index, field, mut writer) = writer();
        {
            let feed = Feed::start(Arc::clone(&writer)).unwrap();
            feed.add(doc!(field => "a")).unwrap();
            feed.add(doc!(field => "b")).unwrap();
        }
        let writer = Arc::get_mut(&mut writer).expect("the thread let go of the writer");
        writer.commit().unwrap();
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 2);
    }
}
