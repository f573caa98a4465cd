//! The Merkle tree over the ledger's events: exactly the tree of RFC 6962 section 2.1 and
//! RFC 9162 section 2.1, with SHA-256, so that any transparency-log verifier can check our roots
//! and proofs.
//!
//! The leaves are the events' canonical bytes, in `seq` order. With `H` = SHA-256 and
//! `D[n] = {d(0), ..., d(n-1)}` (RFC 9162 section 2.1.1):
//!
//! - the hash of the empty tree is `MTH({}) = H()`, SHA-256 of the empty string;
//! - a leaf hash is `MTH({d(0)}) = H(0x00 || d(0))` ([`leaf_hash`]);
//! - for `n > 1`, with `k` the largest power of two strictly less than `n`,
//!   `MTH(D[n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n]))` ([`node_hash`], [`root`]).
//!
//! Proofs:
//!
//! - an inclusion proof of leaf `m` in a tree of `n` leaves is `PATH(m, D[n])` (RFC 6962
//!   section 2.1.1, RFC 9162 section 2.1.3.1), checked by [`verify_inclusion`], which is the
//!   algorithm of RFC 9162 section 2.1.3.2 step by step;
//! - a consistency proof that the tree of `size1` leaves is a prefix of the tree of `size2` leaves
//!   is `PROOF(m, D[n])` built from `SUBPROOF` (RFC 6962 section 2.1.2, RFC 9162
//!   section 2.1.4.1), checked by [`verify_consistency`], which is the algorithm of RFC 9162
//!   section 2.1.4.2 step by step.
//!
//! # Proofs without every leaf in memory
//!
//! Every hash a proof contains is `MTH(D[start:start+size])` for some range of leaves. The
//! functions [`inclusion_ranges`] and [`consistency_ranges`] say which ranges, in proof order,
//! from the sizes alone; [`inclusion_proof_from`] and [`consistency_proof_from`] fill them in from
//! any [`Subtrees`] oracle. The ranges are always *aligned*: `start` is a multiple of the smallest
//! power of two `>= size`, so each is a chain of at most 64 *perfect* subtrees (complete binary
//! trees of `2^level` leaves starting at a multiple of `2^level`, named by [`NodeId`]). A store
//! that keeps the hash of every perfect subtree (about `2n` hashes for `n` leaves, written as
//! [`CompactRange::push`] completes them) answers any range with [`subtree_from_nodes`] in
//! `O(log n)` look-ups and hashes, and so a root or a proof at any size in `O(log^2 n)` at worst.
//!
//! [`CompactRange`] is the frontier of a log (the compact range `[0, n)` of transparency-dev's
//! `compact` package): the `O(log n)` roots of the perfect subtrees that make up the first `n`
//! leaves. It gives the current root in `O(log n)` hashes and takes each new leaf in amortised
//! `O(1)` hashes.
//!
//! Nothing here does I/O.

use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// Why a proof, or a request for one, was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof does not have the number of hashes the sizes call for.
    #[error(
        "the proof has {given} hashes, but a proof for these tree sizes has exactly {expected}"
    )]
    WrongProofLength {
        /// How many hashes the sizes call for.
        expected: usize,
        /// How many the proof has.
        given: usize,
    },
    /// A leaf index at or past the end of the tree.
    #[error(
        "leaf {index} is not in a tree of {size} leaves: leaves are numbered from 0, so each is less than {size}"
    )]
    IndexBeyondSize {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// An inclusion proof in the empty tree.
    #[error("the tree is empty, so no leaf can be in it")]
    EmptyTree,
    /// A consistency proof from the empty tree. RFC 9162 defines consistency proofs only for
    /// `0 < size1`: every tree extends the empty one, so there is nothing to prove.
    #[error(
        "there is no consistency proof from an empty tree: every tree extends it, so there is nothing to prove"
    )]
    ConsistencyFromEmpty,
    /// The earlier tree is larger than the later one.
    #[error(
        "the earlier tree has {size1} leaves, more than the {size2} of the later tree: a log only grows"
    )]
    SizesReversed {
        /// The earlier size.
        size1: u64,
        /// The later size.
        size2: u64,
    },
    /// A proof was asked of a tree larger than the leaves at hand.
    #[error("a tree of {requested} leaves was asked for, but only {available} leaves are known")]
    TreeTooSmall {
        /// The tree size asked for.
        requested: u64,
        /// The number of leaves known.
        available: u64,
    },
    /// The proof leads to a different root from the one expected.
    #[error(
        "the proof leads to root {computed} for the tree of {tree_size} leaves, but the expected root is {expected}"
    )]
    RootMismatch {
        /// The size of the tree whose root differs.
        tree_size: u64,
        /// The root the proof leads to.
        computed: Digest,
        /// The root it should have led to.
        expected: Digest,
    },
    /// Two roots given for the same tree size differ.
    #[error(
        "two different roots were given for the same tree of {size} leaves: {root1} and {root2}"
    )]
    DifferentRootsForSameSize {
        /// The tree size.
        size: u64,
        /// The first root.
        root1: Digest,
        /// The second root.
        root2: Digest,
    },
    /// A saved frontier whose number of hashes does not match its size.
    #[error(
        "a frontier of {size} leaves has {expected} hashes (one for each 1 bit of the size), but {given} were given"
    )]
    BadFrontier {
        /// The size it claims.
        size: u64,
        /// How many hashes that size needs.
        expected: usize,
        /// How many there were.
        given: usize,
    },
}

/// `SHA-256()`, the root of the empty tree (RFC 9162 section 2.1.1).
pub fn empty_root() -> Digest {
    Digest(Sha256::digest([]).into())
}

/// `SHA-256(0x00 || bytes)`: the hash of a leaf whose data is `bytes` (for the ledger, an event's
/// canonical bytes).
pub fn leaf_hash(bytes: &[u8]) -> Digest {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(bytes);
    Digest(hasher.finalize().into())
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.as_bytes());
    hasher.update(right.as_bytes());
    Digest(hasher.finalize().into())
}

/// The largest power of two strictly less than `n`; `n` must be at least 2.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[n])`, the root of the tree whose leaf hashes are `leaves` (RFC 9162 section 2.1.1),
/// computed by the recursive definition: `O(n)` hashes.
pub fn root(leaves: &[Digest]) -> Digest {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let k = split_point(leaves.len() as u64) as usize;
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Something that can give the hash of any range of leaves of a tree: `MTH(D[start:start+size])`.
///
/// The functions of this module only ask for aligned ranges (see the module documentation) that
/// lie within `[0, size())`.
pub trait Subtrees {
    /// How many leaves there are.
    fn size(&self) -> u64;

    /// `MTH(D[start:start+size])`, the root of the tree over leaves `start .. start + size`. The
    /// caller keeps `start + size <= self.size()`.
    fn subtree(&self, start: u64, size: u64) -> Digest;
}

/// Leaf hashes in memory, hashed on demand by the recursive definition.
impl Subtrees for [Digest] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn subtree(&self, start: u64, size: u64) -> Digest {
        root(&self[start as usize..(start + size) as usize])
    }
}

/// The range of leaves `start .. start + size`, whose root `MTH(D[start:start+size])` is one hash
/// of a proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeafRange {
    /// The first leaf.
    pub start: u64,
    /// How many leaves.
    pub size: u64,
}

/// The ranges whose roots make up `PATH(index, D[tree_size])`, in proof order (from the leaf up).
///
/// RFC 6962 section 2.1.1: `PATH(0, {d(0)}) = {}`, and for `n > 1` with `k` the largest power of
/// two below `n`, `PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])` if `m < k`, else
/// `PATH(m - k, D[k:n]) : MTH(D[0:k])`. Walked from the top down here, then reversed.
pub fn inclusion_ranges(index: u64, tree_size: u64) -> Result<Vec<LeafRange>, ProofError> {
    if tree_size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if index >= tree_size {
        return Err(ProofError::IndexBeyondSize {
            index,
            size: tree_size,
        });
    }
    let mut ranges = Vec::new();
    let (mut start, mut n, mut m) = (0, tree_size, index);
    while n > 1 {
        let k = split_point(n);
        if m < k {
            ranges.push(LeafRange {
                start: start + k,
                size: n - k,
            });
            n = k;
        } else {
            ranges.push(LeafRange { start, size: k });
            start += k;
            n -= k;
            m -= k;
        }
    }
    ranges.reverse();
    Ok(ranges)
}

/// The ranges whose roots make up `PROOF(size1, D[size2])`, in proof order.
///
/// RFC 6962 section 2.1.2: `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`, where
/// `SUBPROOF(m, D[m], true) = {}`, `SUBPROOF(m, D[m], false) = {MTH(D[m])}`, and for `m < n` with
/// `k` the largest power of two below `n`, `SUBPROOF(m, D[n], b)` is
/// `SUBPROOF(m, D[0:k], b) : MTH(D[k:n])` if `m <= k`, else
/// `SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])`. Walked from the top down, then reversed.
///
/// `size1 == size2` gives the empty proof; `size1 == 0` is refused, as RFC 9162 defines no proof
/// from the empty tree.
pub fn consistency_ranges(size1: u64, size2: u64) -> Result<Vec<LeafRange>, ProofError> {
    if size1 > size2 {
        return Err(ProofError::SizesReversed { size1, size2 });
    }
    if size1 == 0 {
        return Err(ProofError::ConsistencyFromEmpty);
    }
    let mut ranges = Vec::new();
    let (mut start, mut n, mut m, mut whole) = (0, size2, size1, true);
    while m != n {
        let k = split_point(n);
        if m <= k {
            ranges.push(LeafRange {
                start: start + k,
                size: n - k,
            });
            n = k;
        } else {
            ranges.push(LeafRange { start, size: k });
            start += k;
            n -= k;
            m -= k;
            whole = false;
        }
    }
    if !whole {
        ranges.push(LeafRange { start, size: n });
    }
    ranges.reverse();
    Ok(ranges)
}

fn check_available<S: Subtrees + ?Sized>(tree: &S, requested: u64) -> Result<(), ProofError> {
    let available = tree.size();
    if requested > available {
        return Err(ProofError::TreeTooSmall {
            requested,
            available,
        });
    }
    Ok(())
}

/// The root of the first `size` leaves of `tree`.
pub fn root_from<S: Subtrees + ?Sized>(tree: &S, size: u64) -> Result<Digest, ProofError> {
    check_available(tree, size)?;
    Ok(if size == 0 {
        empty_root()
    } else {
        tree.subtree(0, size)
    })
}

/// `PATH(index, D[tree_size])` with its hashes from `tree`: the inclusion proof of leaf `index`
/// in the tree of the first `tree_size` leaves.
pub fn inclusion_proof_from<S: Subtrees + ?Sized>(
    tree: &S,
    index: u64,
    tree_size: u64,
) -> Result<Vec<Digest>, ProofError> {
    let ranges = inclusion_ranges(index, tree_size)?;
    check_available(tree, tree_size)?;
    Ok(ranges
        .iter()
        .map(|range| tree.subtree(range.start, range.size))
        .collect())
}

/// `PROOF(size1, D[size2])` with its hashes from `tree`: the consistency proof that the first
/// `size1` leaves are a prefix of the first `size2`.
pub fn consistency_proof_from<S: Subtrees + ?Sized>(
    tree: &S,
    size1: u64,
    size2: u64,
) -> Result<Vec<Digest>, ProofError> {
    let ranges = consistency_ranges(size1, size2)?;
    check_available(tree, size2)?;
    Ok(ranges
        .iter()
        .map(|range| tree.subtree(range.start, range.size))
        .collect())
}

/// `PATH(index, D[n])` over all of `leaves` (leaf hashes): the inclusion proof of leaf `index` in
/// the tree of `n = leaves.len()` leaves (RFC 6962 section 2.1.1).
pub fn inclusion_proof(leaves: &[Digest], index: u64) -> Result<Vec<Digest>, ProofError> {
    inclusion_proof_from(leaves, index, leaves.len() as u64)
}

/// `PROOF(size1, D[n])` over all of `leaves` (leaf hashes): the consistency proof that the tree of
/// the first `size1` leaves is a prefix of the tree of all `n = leaves.len()` (RFC 6962
/// section 2.1.2).
pub fn consistency_proof(leaves: &[Digest], size1: u64) -> Result<Vec<Digest>, ProofError> {
    consistency_proof_from(leaves, size1, leaves.len() as u64)
}

/// How many hashes `PATH(index, D[size])` has, for `index < size`: `inner`, the levels below the
/// point where the paths to `index` and to `size - 1` part, plus `border`, one for each 1 bit of
/// `index` above that point (as transparency-dev/merkle's `decompInclProof`).
fn inclusion_proof_length(index: u64, size: u64) -> (u32, u32) {
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// How many hashes `PROOF(size1, D[size2])` has, for `0 < size1 < size2`: the inclusion path of
/// leaf `size1 - 1` from the level of the largest perfect subtree that ends at `size1`, plus that
/// subtree's own root unless it is the whole of the first tree.
fn consistency_proof_length(size1: u64, size2: u64) -> usize {
    let (inner, border) = inclusion_proof_length(size1 - 1, size2);
    let shift = size1.trailing_zeros();
    let seed = usize::from(!size1.is_power_of_two());
    seed + (inner - shift) as usize + border as usize
}

fn check_length(expected: usize, given: usize) -> Result<(), ProofError> {
    if expected != given {
        return Err(ProofError::WrongProofLength { expected, given });
    }
    Ok(())
}

/// Checks that `proof` proves that the leaf whose hash is `leaf_hash` is leaf number `index` of
/// the tree of `tree_size` leaves whose root is `root`.
///
/// This is the algorithm of RFC 9162 section 2.1.3.2, step by step. The proof's length is checked
/// first against the length the sizes call for (the RFC algorithm would also fail a proof of the
/// wrong length, in step 4a or step 5, but could not say why).
pub fn verify_inclusion(
    leaf_hash: &Digest,
    index: u64,
    tree_size: u64,
    proof: &[Digest],
    root: &Digest,
) -> Result<(), ProofError> {
    // Step 1: leaf_index must be below tree_size.
    if tree_size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if index >= tree_size {
        return Err(ProofError::IndexBeyondSize {
            index,
            size: tree_size,
        });
    }
    let (inner, border) = inclusion_proof_length(index, tree_size);
    let expected = (inner + border) as usize;
    check_length(expected, proof.len())?;
    // Step 2: fn = leaf_index, sn = tree_size - 1. Step 3: r = hash.
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf_hash;
    // Step 4: for each p in inclusion_path:
    for p in proof {
        // 4a: if sn is 0, stop and fail.
        if sn == 0 {
            return Err(ProofError::WrongProofLength {
                expected,
                given: proof.len(),
            });
        }
        // 4b: if LSB(fn) is set, or fn equals sn:
        if fn_ & 1 == 1 || fn_ == sn {
            // i. r = HASH(0x01 || p || r)
            r = node_hash(p, &r);
            // ii. if LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            // set or fn is 0.
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            // Otherwise: r = HASH(0x01 || r || p)
            r = node_hash(&r, p);
        }
        // 4c: right-shift fn and sn once.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5: sn must be 0 and r must equal root_hash.
    if sn != 0 {
        return Err(ProofError::WrongProofLength {
            expected,
            given: proof.len(),
        });
    }
    if r != *root {
        return Err(ProofError::RootMismatch {
            tree_size,
            computed: r,
            expected: *root,
        });
    }
    Ok(())
}

/// Checks that `proof` proves that the tree of `size1` leaves with root `root1` is a prefix of the
/// tree of `size2` leaves with root `root2`.
///
/// For `0 < size1 < size2` this is the algorithm of RFC 9162 section 2.1.4.2, step by step, after
/// a check of the proof's length against the length the sizes call for. Around it:
///
/// - `size1 > size2` is refused ([`ProofError::SizesReversed`]);
/// - `size1 == 0` is refused ([`ProofError::ConsistencyFromEmpty`]): RFC 9162 defines no proof from
///   the empty tree. A caller holding a checkpoint of size 0 should check that its root is
///   [`empty_root`] and then needs no proof;
/// - `size1 == size2` (as RFC 6962's `PROOF(m, D[m])`) needs the empty proof and `root1 == root2`.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Digest],
    root1: &Digest,
    root2: &Digest,
) -> Result<(), ProofError> {
    if size1 > size2 {
        return Err(ProofError::SizesReversed { size1, size2 });
    }
    if size1 == 0 {
        return Err(ProofError::ConsistencyFromEmpty);
    }
    if size1 == size2 {
        check_length(0, proof.len())?;
        if root1 != root2 {
            return Err(ProofError::DifferentRootsForSameSize {
                size: size1,
                root1: *root1,
                root2: *root2,
            });
        }
        return Ok(());
    }
    let expected = consistency_proof_length(size1, size2);
    check_length(expected, proof.len())?;
    let wrong_length = || ProofError::WrongProofLength {
        expected,
        given: proof.len(),
    };
    // Step 1: an empty consistency_path fails (unreachable after the length check: a proof
    // between different sizes is never empty).
    if proof.is_empty() {
        return Err(wrong_length());
    }
    // Step 2: if first is an exact power of 2, prepend first_hash to the consistency_path.
    let prepended = size1.is_power_of_two().then_some(root1);
    let mut path = prepended.into_iter().chain(proof);
    // Step 3: fn = first - 1, sn = second - 1.
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    // Step 4: if LSB(fn) is set, right-shift fn and sn equally until LSB(fn) is not set.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5: fr = sr = the first value of the consistency_path.
    let Some(first) = path.next() else {
        return Err(wrong_length());
    };
    let (mut fr, mut sr) = (*first, *first);
    // Step 6: for each subsequent value c of the consistency_path:
    for c in path {
        // 6a: if sn is 0, stop and fail.
        if sn == 0 {
            return Err(wrong_length());
        }
        // 6b: if LSB(fn) is set, or fn equals sn:
        if fn_ & 1 == 1 || fn_ == sn {
            // i. fr = HASH(0x01 || c || fr), sr = HASH(0x01 || c || sr)
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            // ii. if LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            // set or fn is 0.
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            // Otherwise: sr = HASH(0x01 || sr || c)
            sr = node_hash(&sr, c);
        }
        // 6c: right-shift fn and sn once.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7: sn must be 0, fr must equal first_hash and sr must equal second_hash.
    if sn != 0 {
        return Err(wrong_length());
    }
    if fr != *root1 {
        return Err(ProofError::RootMismatch {
            tree_size: size1,
            computed: fr,
            expected: *root1,
        });
    }
    if sr != *root2 {
        return Err(ProofError::RootMismatch {
            tree_size: size2,
            computed: sr,
            expected: *root2,
        });
    }
    Ok(())
}

/// A perfect subtree: the complete binary tree over the `2^level` leaves starting at leaf
/// `index * 2^level`. Level 0 nodes are the leaves themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// The height: the subtree has `2^level` leaves.
    pub level: u32,
    /// Its position among the subtrees of that level, from 0.
    pub index: u64,
}

impl NodeId {
    /// The range of leaves it covers.
    pub fn leaves(&self) -> LeafRange {
        LeafRange {
            start: self.index << self.level,
            size: 1 << self.level,
        }
    }
}

/// `MTH(D[start:start+size])` from the hashes of perfect subtrees, which `node` looks up (a store
/// keeps them as `(level, index) -> hash`).
///
/// By the definition of `MTH`, a range whose size is a power of two and whose start is a multiple
/// of it is one perfect subtree; any other range is split at the largest power of two below its
/// size. For the aligned ranges that proofs use (start a multiple of the smallest power of two
/// `>= size`) the left part is always perfect, so this costs at most one look-up per 1 bit of
/// `size` and one fewer hash: `O(log n)`. Other ranges are answered correctly too, at up to
/// `O(size)` look-ups. The empty range gives [`empty_root`]. `start + size` must not overflow.
pub fn subtree_from_nodes<E>(
    start: u64,
    size: u64,
    mut node: impl FnMut(NodeId) -> Result<Digest, E>,
) -> Result<Digest, E> {
    fn walk<E>(
        start: u64,
        size: u64,
        node: &mut impl FnMut(NodeId) -> Result<Digest, E>,
    ) -> Result<Digest, E> {
        if size == 0 {
            return Ok(empty_root());
        }
        if size.is_power_of_two() && start.is_multiple_of(size) {
            let level = size.trailing_zeros();
            return node(NodeId {
                level,
                index: start >> level,
            });
        }
        let k = split_point(size);
        let left = walk(start, k, node)?;
        let right = walk(start + k, size - k, node)?;
        Ok(node_hash(&left, &right))
    }
    walk(start, size, &mut node)
}

/// The frontier of a log: the roots of the perfect subtrees that make up its first `size` leaves,
/// one for each 1 bit of `size`, largest (leftmost) first. This is the compact range `[0, size)`
/// of transparency-dev/merkle.
///
/// It is all a log needs to keep to append a leaf and give the new root: [`push`](Self::push)
/// costs one hash per trailing 1 bit of the size (amortised `O(1)`), and [`root`](Self::root) at
/// most one hash per 1 bit (`O(log n)`). A store persists [`size`](Self::size) and
/// [`hashes`](Self::hashes) and restores them with [`from_parts`](Self::from_parts), or rebuilds
/// the frontier from its perfect subtrees with [`from_nodes`](Self::from_nodes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    hashes: Vec<Digest>,
}

impl CompactRange {
    /// The frontier of the empty log.
    pub fn new() -> CompactRange {
        CompactRange::default()
    }

    /// A frontier from what [`size`](Self::size) and [`hashes`](Self::hashes) returned. Refused
    /// unless there is one hash for each 1 bit of `size`.
    pub fn from_parts(size: u64, hashes: Vec<Digest>) -> Result<CompactRange, ProofError> {
        let expected = size.count_ones() as usize;
        if hashes.len() != expected {
            return Err(ProofError::BadFrontier {
                size,
                expected,
                given: hashes.len(),
            });
        }
        Ok(CompactRange { size, hashes })
    }

    /// The frontier of the first `size` leaves, from the perfect subtrees that `node` looks up:
    /// one look-up for each 1 bit of `size`.
    pub fn from_nodes<E>(
        size: u64,
        mut node: impl FnMut(NodeId) -> Result<Digest, E>,
    ) -> Result<CompactRange, E> {
        let mut hashes = Vec::with_capacity(size.count_ones() as usize);
        let mut start = 0u64;
        for level in (0..64).rev() {
            let width = 1u64 << level;
            if size & width != 0 {
                hashes.push(node(NodeId {
                    level,
                    index: start >> level,
                })?);
                start += width;
            }
        }
        Ok(CompactRange { size, hashes })
    }

    /// How many leaves it covers.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The roots of its perfect subtrees, largest first: for each 1 bit of the size from the
    /// highest, the subtree of that many leaves that follows the ones before it.
    pub fn hashes(&self) -> &[Digest] {
        &self.hashes
    }

    /// Appends a leaf (its leaf hash), and returns every perfect subtree that this completes,
    /// lowest first: the leaf itself at level 0, then each subtree it closes. A store that keeps
    /// these has every perfect subtree of the log, for [`subtree_from_nodes`].
    pub fn push(&mut self, leaf: Digest) -> Vec<(NodeId, Digest)> {
        let mut id = NodeId {
            level: 0,
            index: self.size,
        };
        let mut hash = leaf;
        let mut completed = vec![(id, hash)];
        // Each trailing 1 bit of the old size is a perfect subtree just left of the new one, of
        // the same height: merge them, as binary addition carries.
        while id.index & 1 == 1 {
            let Some(left) = self.hashes.pop() else {
                break;
            };
            hash = node_hash(&left, &hash);
            id = NodeId {
                level: id.level + 1,
                index: id.index >> 1,
            };
            completed.push((id, hash));
        }
        self.hashes.push(hash);
        self.size += 1;
        completed
    }

    /// `MTH` of the leaves so far: the perfect subtrees folded from the right,
    /// `H(0x01 || P1 || H(0x01 || P2 || ... ))`, which is the RFC's split at the largest power of
    /// two, applied again to the remainder.
    pub fn root(&self) -> Digest {
        let mut from_right = self.hashes.iter().rev();
        match from_right.next() {
            None => empty_root(),
            Some(last) => from_right.fold(*last, |acc, left| node_hash(left, &acc)),
        }
    }
}
