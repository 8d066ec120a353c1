//! A fast, deterministic hasher for the maps the scheduler looks up on every job of every
//! pass (job ids, job shapes, user names).
//!
//! The standard `RandomState` (SipHash-1-3) resists hash flooding, which these maps do not
//! need: their keys come from the host embedding the library, not from an adversary on a
//! network, and lookups, not iteration, are all the hash decides (iteration order of an
//! `IndexMap` is insertion order, whatever the hasher). The function is the one rustc uses
//! for its own tables (a rotate, xor and multiply per word).

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher: one multiply per 8 bytes of key.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

/// An odd constant with well-mixed bits (rustc's `FxHasher` seed).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word.get_mut(..rest.len())
                .unwrap_or_default()
                .copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FastHasher`]s, for `IndexMap<K, V, FastBuild>` and `HashMap<K, V, FastBuild>`.
pub(crate) type FastBuild = BuildHasherDefault<FastHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn equal_keys_hash_equal_and_neighbours_differ() {
        let b = FastBuild::default();
        assert_eq!(b.hash_one("node01"), b.hash_one(String::from("node01")));
        assert_ne!(b.hash_one("node01"), b.hash_one("node02"));
        assert_ne!(b.hash_one(1u32), b.hash_one(2u32));
        // Bytes after the last full word count too.
        assert_ne!(b.hash_one("abcdefgh1"), b.hash_one("abcdefgh2"));
        assert_ne!(
            b.hash_one((1u8, 2u16, 3u64, 4usize)),
            b.hash_one((1u8, 2u16, 3u64, 5usize))
        );
    }
}
