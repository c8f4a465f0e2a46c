//! A later stage on a thread of its own, fed through a bounded queue: the
//! Parquet writer of each big table (`sink::table`) and the feed of the
//! subject index (`index::feed`). The stage ends when its queue is closed
//! ([`Handoff::finish`], or dropping the handoff), after taking what was
//! queued; its thread's result is handed back.

use crossbeam_channel::{Receiver, Sender, bounded};
use std::thread::JoinHandle;

/// The queue into a stage and the thread running it.
pub struct Handoff<T, R> {
    queue: Option<Sender<T>>,
    thread: Option<JoinHandle<R>>,
}

impl<T: Send + 'static, R: Send + 'static> Handoff<T, R> {
    /// Starts a thread named `name` running `stage` on a queue holding up
    /// to `capacity` items (0: each hand-over waits for the stage to take
    /// the item).
    pub fn spawn(
        name: &str,
        capacity: usize,
        stage: impl FnOnce(Receiver<T>) -> R + Send + 'static,
    ) -> std::io::Result<Handoff<T, R>> {
        let (queue, items) = bounded(capacity);
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || stage(items))?;
        Ok(Handoff {
            queue: Some(queue),
            thread: Some(thread),
        })
    }
}

impl<T, R> Handoff<T, R> {
    /// Queues `item`, waiting while the queue is full. Hands it back when
    /// the stage is finished or its thread has ended.
    pub fn send(&self, item: T) -> Result<(), T> {
        match &self.queue {
            Some(queue) => queue.send(item).map_err(|e| e.into_inner()),
            None => Err(item),
        }
    }

    /// Closes the queue and waits for the thread: its result, or its panic
    /// (`None` once finished before).
    pub fn finish(&mut self) -> Option<std::thread::Result<R>> {
        drop(self.queue.take());
        self.thread.take().map(JoinHandle::join)
    }
}

impl<T, R> Drop for Handoff<T, R> {
    /// Closes the queue and waits for the thread; its result is dropped.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_takes_everything_queued_and_hands_back_its_result() {
        let mut stage =
            Handoff::spawn("test-stage", 2, |items: Receiver<u64>| items.iter().sum::<u64>()).unwrap();
        for i in 1..=100 {
            stage.send(i).unwrap();
        }
        assert_eq!(stage.finish().map(|r| r.unwrap()), Some(5050));
        assert_eq!(stage.send(1), Err(1), "a finished stage takes nothing");
        assert!(stage.finish().is_none());
    }

    #[test]
    fn a_stage_whose_thread_ended_hands_items_back() {
        let mut stage = Handoff::spawn("test-stage", 0, |items: Receiver<u8>| items.recv().ok()).unwrap();
        stage.send(7).unwrap();
        // The thread returns after the first item: the next comes back.
        assert_eq!(stage.send(8), Err(8));
        assert_eq!(stage.finish().map(|r| r.unwrap()), Some(Some(7)));
    }

    #[test]
    fn dropping_a_stage_waits_for_it_to_take_what_was_queued() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        let total = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&total);
        let stage = Handoff::spawn("test-stage", 16, move |items: Receiver<u64>| {
            for i in items {
                std::thread::sleep(std::time::Duration::from_millis(1));
                seen.fetch_add(i, Ordering::Relaxed);
            }
        })
        .unwrap();
        for i in 1..=10 {
            stage.send(i).unwrap();
        }
        drop(stage);
        assert_eq!(total.load(Ordering::Relaxed), 55);
    }
}
