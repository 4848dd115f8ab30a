//! A fixed-size set of document ids of one segment, one bit per document.
//!
//! Facet counts are intersections of such sets (`popcount(a & b)`), which costs the same
//! however many documents match: at a million documents one intersection reads 15,625 words.

/// A set of document ids below a fixed bound.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitSet {
    words: Vec<u64>,
    len: u32,
}

impl BitSet {
    /// The empty set for ids below `len`.
    pub fn empty(len: u32) -> BitSet {
        BitSet { words: vec![0; (len as usize).div_ceil(64)], len }
    }

    /// The set of all ids below `len`.
    pub fn full(len: u32) -> BitSet {
        let mut set = BitSet { words: vec![u64::MAX; (len as usize).div_ceil(64)], len };
        set.clear_tail();
        set
    }

    fn clear_tail(&mut self) {
        let rest = self.len % 64;
        if rest != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << rest) - 1;
        }
    }

    /// Makes room for ids below `len`; the new ids are not in the set.
    pub fn grow(&mut self, len: u32) {
        if len > self.len {
            self.words.resize((len as usize).div_ceil(64), 0);
            self.len = len;
        }
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    #[inline]
    pub fn insert(&mut self, doc: u32) {
        self.words[(doc / 64) as usize] |= 1 << (doc % 64);
    }

    #[inline]
    pub fn remove(&mut self, doc: u32) {
        self.words[(doc / 64) as usize] &= !(1 << (doc % 64));
    }

    #[inline]
    pub fn contains(&self, doc: u32) -> bool {
        doc < self.len && self.words[(doc / 64) as usize] & (1 << (doc % 64)) != 0
    }

    /// The number of ids in the set.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// `|self ∩ other|` without building the intersection.
    pub fn intersection_count(&self, other: &BitSet) -> u64 {
        self.words.iter().zip(&other.words).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    /// `self ← self ∩ other`.
    pub fn intersect_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// `self ← self ∪ other`.
    pub fn union_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// `self ← self \ other`.
    pub fn difference_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// The ids of `self ∩ other` in ascending order, without building the intersection.
    pub fn intersection<'a>(&'a self, other: &'a BitSet) -> impl Iterator<Item = u32> + 'a {
        bits(self.words.iter().zip(&other.words).map(|(a, b)| a & b))
    }

    /// The ids of `self \ other` in ascending order, without building the difference.
    pub fn difference<'a>(&'a self, other: &'a BitSet) -> impl Iterator<Item = u32> + 'a {
        bits(self.words.iter().zip(&other.words).map(|(a, b)| a & !b))
    }

    /// The ids in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        bits(self.words.iter().copied())
    }
}

/// The positions of the set bits of consecutive 64-bit words.
fn bits(words: impl Iterator<Item = u64>) -> impl Iterator<Item = u32> {
    words.enumerate().flat_map(|(i, w)| {
        let base = (i as u32) * 64;
        let mut rest = w;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros();
            rest &= rest - 1;
            Some(base + bit)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::BitSet;

    #[test]
    fn set_operations() {
        let mut a = BitSet::empty(130);
        for d in [0, 5, 64, 129] {
            a.insert(d);
        }
        let mut b = BitSet::full(130);
        b.remove(5);
        assert_eq!(a.count(), 4);
        assert_eq!(b.count(), 129);
        assert_eq!(a.intersection_count(&b), 3);
        let mut c = a.clone();
        c.intersect_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), [0, 64, 129]);
        c.union_with(&a);
        assert_eq!(c, a);
        assert_eq!(a.difference(&b).collect::<Vec<_>>(), [5]);
        assert_eq!(a.intersection(&b).collect::<Vec<_>>(), [0, 64, 129]);
        c.difference_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), [5]);
        assert!(!a.contains(200));
        assert!(BitSet::empty(10).is_empty());
        let mut d = BitSet::full(10);
        d.grow(100);
        assert_eq!(d.count(), 10);
        d.insert(99);
        assert!(d.contains(99));
    }
}
