//! The way messages reach the sink: in batches. A file carried forward
//! unread is two or three small messages, and a channel operation for
//! each (with the spinning, yielding and waking of threads around it) was
//! work the size of the sink's own for a rescan of 100,000 files. Each
//! worker gathers its messages in an [`Outbox`] and sends them together;
//! the order of one worker's messages, which the sink relies on (a file's
//! findings and records before its `Done`), is kept.

use super::Message;
use crossbeam_channel::Sender;

/// Messages a batch holds at most.
pub const BATCH_MESSAGES: usize = 64;

/// One worker's messages not sent yet.
pub struct Outbox {
    tx: Sender<Vec<Message>>,
    pending: Vec<Message>,
}

impl Outbox {
    /// An empty outbox sending on `tx`.
    pub fn new(tx: Sender<Vec<Message>>) -> Outbox {
        Outbox {
            tx,
            pending: Vec::new(),
        }
    }

    /// Adds `msg`. The batch goes when it is full, or at once after a
    /// message that can be large (findings, records, changes, a file's
    /// stored result) or should be stored now (a part of a result), so
    /// that the sink's queue holds no more than it did when every message
    /// was sent on its own.
    pub fn push(&mut self, msg: Message) {
        let large = matches!(
            msg,
            Message::Findings(_)
                | Message::Records { .. }
                | Message::Changes(_)
                | Message::Stored(_)
                | Message::Part(_)
        );
        self.pending.push(msg);
        if large || self.pending.len() >= BATCH_MESSAGES {
            self.flush();
        }
    }

    /// Sends what is pending (a sink that is gone has failed; the scan
    /// reports that failure).
    pub fn flush(&mut self) {
        if !self.pending.is_empty() {
            let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH_MESSAGES));
            let _ = self.tx.send(batch);
        }
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_messages_go_in_batches_large_ones_at_once_and_in_order() {
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut outbox = Outbox::new(tx);
        for _ in 0..BATCH_MESSAGES + 1 {
            outbox.push(Message::Excluded);
        }
        assert_eq!(rx.try_recv().unwrap().len(), BATCH_MESSAGES);
        assert!(rx.try_recv().is_err(), "one message is still pending");
        outbox.push(Message::Findings(Vec::new()));
        let batch = rx.try_recv().unwrap();
        assert!(matches!(batch[..], [Message::Excluded, Message::Findings(_)]));
        outbox.push(Message::Excluded);
        drop(outbox);
        assert_eq!(rx.try_recv().unwrap().len(), 1, "dropping sends the rest");
    }
}
