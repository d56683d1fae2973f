//! `JavaHashMap`: a `java.util.HashMap<String, String>` that iterates in Java's order, so a
//! properties string rebuilt from it has the bytes Java's broker writes
//! (`MessageDecoder.messageProperties2String` iterates a `HashMap`).
//!
//! Java's order: by bucket, `spread(String.hashCode()) & (capacity - 1)` with
//! `spread(h) = h ^ (h >>> 16)`, then by insertion within a bucket. The capacity starts at
//! the constructor's (rounded up to a power of two, 16 by default) and doubles whenever an
//! insertion makes the size exceed 0.75 of it; a resize splits every bucket in two keeping
//! the relative order, so the final order is the insertion order stably sorted by bucket at
//! the final capacity. Replacing a value keeps the entry's place; removing and re-inserting
//! a key moves it to the end of its bucket.
//!
//! Not modelled: a bucket that reaches nine colliding keys, which Java turns into a red-black
//! tree with another order. Ordinary property names never collide that much.

use crate::java_hash::string_hash_code;
use std::collections::HashMap;

/// Java `HashMap.DEFAULT_INITIAL_CAPACITY`.
const DEFAULT_INITIAL_CAPACITY: usize = 16;
/// Java `HashMap.MAXIMUM_CAPACITY`.
const MAXIMUM_CAPACITY: usize = 1 << 30;

#[derive(Debug, Clone)]
struct Entry {
    key: String,
    value: String,
    hash: u32,
}

/// A string map with Java `HashMap` iteration order.
#[derive(Debug, Clone)]
pub struct JavaHashMap {
    /// Entries in insertion order (a replaced value keeps its place).
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    /// Table size once allocated; before the first insertion, the size it will take.
    capacity: usize,
}

/// Java `HashMap.hash`: the key's hash code with its high half folded into the low half.
fn spread(key: &str) -> u32 {
    let h = string_hash_code(key) as u32;
    h ^ (h >> 16)
}

/// Java `HashMap.tableSizeFor`: the smallest power of two >= `cap` (at least 1).
fn table_size_for(cap: usize) -> usize {
    cap.max(1).next_power_of_two().min(MAXIMUM_CAPACITY)
}

impl Default for JavaHashMap {
    fn default() -> Self {
        Self::new()
    }
}

impl JavaHashMap {
    /// Java `new HashMap<>()`.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_INITIAL_CAPACITY)
    }

    /// Java `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(initial_capacity: usize) -> Self {
        JavaHashMap {
            entries: Vec::new(),
            index: HashMap::new(),
            capacity: table_size_for(initial_capacity),
        }
    }

    /// Returns the number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns true without entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Returns the value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let i = *self.index.get(key)?;
        self.entries.get(i).map(|e| e.value.as_str())
    }

    /// Returns true when `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// Java `put`: replaces the value in place, or appends and grows the table as Java does.
    /// Returns the previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let key = key.into();
        let value = value.into();
        if let Some(&i) = self.index.get(&key) {
            return self
                .entries
                .get_mut(i)
                .map(|e| std::mem::replace(&mut e.value, value));
        }
        let hash = spread(&key);
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push(Entry { key, value, hash });
        // `if (++size > threshold) resize()`, threshold = 0.75 * capacity.
        while self.entries.len() > (self.capacity as f32 * 0.75) as usize
            && self.capacity < MAXIMUM_CAPACITY
        {
            self.capacity *= 2;
        }
        None
    }

    /// Java `remove`: returns the removed value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let i = self.index.remove(key)?;
        let e = self.entries.remove(i);
        for (j, later) in self.entries.iter().enumerate().skip(i) {
            self.index.insert(later.key.clone(), j);
        }
        Some(e.value)
    }

    /// Iterates in Java's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mask = self.capacity as u32 - 1;
        let mut order: Vec<&Entry> = self.entries.iter().collect();
        // Stable: entries of one bucket stay in insertion order.
        order.sort_by_key(|e| e.hash & mask);
        order
            .into_iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
    }

    /// Copies into a std map (order lost).
    pub fn to_hash_map(&self) -> HashMap<String, String> {
        self.entries
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(m: &JavaHashMap) -> Vec<&str> {
        m.iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn iterates_by_bucket_then_insertion() {
        // Java: new HashMap<>() with a, b, c, ... iterates a b c (hash codes 97, 98, 99).
        let mut m = JavaHashMap::new();
        for k in ["c", "a", "b"] {
            m.insert(k, "v");
        }
        assert_eq!(keys(&m), ["a", "b", "c"]);
        // "Aa" and "BB" share hash code 2112: insertion order within the bucket.
        let mut m = JavaHashMap::new();
        m.insert("BB", "1");
        m.insert("Aa", "2");
        assert_eq!(keys(&m), ["BB", "Aa"]);
        // Replacing keeps the place; removing and re-inserting moves to the bucket's end.
        m.insert("BB", "3");
        assert_eq!(keys(&m), ["BB", "Aa"]);
        assert_eq!(m.remove("BB").as_deref(), Some("3"));
        m.insert("BB", "4");
        assert_eq!(keys(&m), ["Aa", "BB"]);
        assert_eq!(m.get("BB"), Some("4"));
        assert!(m.contains_key("Aa") && !m.contains_key("Cc"));
    }

    #[test]
    fn grows_like_java() {
        // 16 buckets hold 12 entries; the 13th doubles the table to 32: "q" (113) and "a"
        // (97) share bucket 1 of 16, but "q" goes to bucket 17 of 32.
        let mut m = JavaHashMap::new();
        m.insert("q", "");
        m.insert("a", "");
        assert_eq!(keys(&m), ["q", "a"]);
        for i in 0..10 {
            m.insert(format!("k{i}"), "");
        }
        assert_eq!(m.capacity, 16);
        m.insert("k10", "");
        assert_eq!(m.capacity, 32);
        let order = keys(&m);
        let pos = |k| order.iter().position(|x| *x == k).unwrap();
        assert!(pos("a") < pos("q"), "{order:?}");
        assert_eq!(JavaHashMap::with_capacity(128).capacity, 128);
        assert_eq!(JavaHashMap::with_capacity(100).capacity, 128);
    }
}
