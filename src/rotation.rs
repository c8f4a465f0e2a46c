//! Keys met again and again in the same order, such as the columns of
//! consecutive records: each key gets a slot (its place in the order first
//! met), and finding one is a single comparison with the key after the
//! last one found before it is a hash lookup.

use std::borrow::Borrow;
use std::hash::Hash;

/// Keys in the order first met, with the one expected next.
pub struct Rotation<K> {
    keys: Vec<K>,
    slots: foldhash::HashMap<K, usize>,
    next: usize,
}

impl<K> Default for Rotation<K> {
    fn default() -> Self {
        Rotation {
            keys: Vec::new(),
            slots: foldhash::HashMap::default(),
            next: 0,
        }
    }
}

impl<K: Hash + Eq + Clone> Rotation<K> {
    /// The slot of `key`, if it was met; the key after it is expected next.
    pub fn find<Q>(&mut self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let slot = match self.keys.get(self.next) {
            Some(k) if k.borrow() == key => self.next,
            _ => *self.slots.get(key)?,
        };
        self.next = (slot + 1) % self.keys.len();
        Some(slot)
    }

    /// Gives `key` (not met before) the next slot and returns it; the first
    /// key is expected next, as after the last of a record.
    pub fn insert(&mut self, key: K) -> usize {
        let slot = self.keys.len();
        self.slots.insert(key.clone(), slot);
        self.keys.push(key);
        self.next = 0;
        slot
    }

    /// How many keys were met.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys in slot order; the rotation is empty again.
    pub fn take(&mut self) -> Vec<K> {
        self.slots.clear();
        self.next = 0;
        std::mem::take(&mut self.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_slots_in_any_order_of_finding() {
        let mut r: Rotation<String> = Rotation::default();
        assert_eq!(r.find("a"), None);
        for k in ["a", "b", "c"] {
            r.insert(k.to_string());
        }
        // In order, out of order, repeated, and after a miss.
        let found: Vec<Option<usize>> = ["a", "b", "c", "a", "c", "c", "x", "b"]
            .iter()
            .map(|k| r.find(*k))
            .collect();
        assert_eq!(
            found,
            [
                Some(0),
                Some(1),
                Some(2),
                Some(0),
                Some(2),
                Some(2),
                None,
                Some(1)
            ]
        );
        assert_eq!(r.insert("d".to_string()), 3);
        assert_eq!(r.take(), ["a", "b", "c", "d"]);
        assert!(r.is_empty());
        assert_eq!(r.find("a"), None);
    }
}
