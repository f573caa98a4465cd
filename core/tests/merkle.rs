//! Tests of the RFC 6962 / RFC 9162 Merkle tree in `wsoa_core::merkle`.
//!
//! - Known answers: the eight standard leaf inputs of Certificate Transparency's
//!   `merkle_tree_test.cc`, with the roots of every size 0..=8, the hashes of every perfect
//!   subtree, the compact ranges, and the published inclusion and consistency proofs, as published
//!   by transparency-dev/merkle (Apache-2.0) in `testonly/constants.go`, `proof/verify_test.go` and
//!   `testonly/reference_test.go`.
//! - A reference implementation written straight from the recursive definitions of RFC 6962
//!   section 2.1 (`MTH`, `PATH`, `PROOF`/`SUBPROOF`), hashing with `sha2` directly, and checks that
//!   the real code agrees with it for every tree size up to 300 (inclusion) and every pair of sizes
//!   up to 130 (consistency), and that every proof verifies.
//! - Negative vectors for every rejection, in the manner of transparency-dev's
//!   `corruptInclusionProof` and `corruptConsistencyProof`.
//! - Property tests: arbitrary proofs, sizes and indices are rejected cleanly, never a panic.
//! - The compact range and the perfect-subtree oracle against the in-memory tree.

use std::cell::RefCell;
use std::collections::HashMap;

use proptest::prelude::*;
use sha2::{Digest as _, Sha256};
use wsoa_core::Digest;
use wsoa_core::merkle::{
    CompactRange, LeafRange, NodeId, ProofError, Subtrees, consistency_proof,
    consistency_proof_from, consistency_ranges, empty_root, inclusion_proof, inclusion_proof_from,
    inclusion_ranges, leaf_hash, node_hash, root, root_from, subtree_from_nodes,
    verify_consistency, verify_inclusion,
};

// ---------------------------------------------------------------------------------------------
// Known-answer vectors.
// ---------------------------------------------------------------------------------------------

fn h(hex: &str) -> Digest {
    hex.parse().expect("a 64-digit hex digest")
}

fn hs(hexes: &[&str]) -> Vec<Digest> {
    hexes.iter().map(|x| h(x)).collect()
}

/// The eight leaf inputs of CT's merkle_tree_test.cc (transparency-dev `testonly.LeafInputs`).
fn standard_inputs() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|x| hex::decode(x).expect("hex"))
    .collect()
}

/// The roots of the trees of the first 0..=8 standard inputs (transparency-dev
/// `testonly.RootHashes`).
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// The hash of every perfect subtree of the 8-leaf tree, by level then index (transparency-dev
/// `testonly.NodeHashes`).
const NODE_HASHES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// The compact range of each size 0..=8, as (level, index) into `NODE_HASHES` (transparency-dev
/// `testonly.CompactTrees`).
const COMPACT_TREES: [&[(usize, usize)]; 9] = [
    &[],
    &[(0, 0)],
    &[(1, 0)],
    &[(1, 0), (0, 2)],
    &[(2, 0)],
    &[(2, 0), (0, 4)],
    &[(2, 0), (1, 2)],
    &[(2, 0), (1, 2), (0, 6)],
    &[(3, 0)],
];

/// Published inclusion proofs: (leaf index from 0, tree size, proof). From transparency-dev
/// `proof/verify_test.go` (whose leaf numbers start at 1) and `testonly/reference_test.go`.
const INCLUSION_VECTORS: &[(u64, u64, &[&str])] = &[
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        0,
        2,
        &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"],
    ),
    (
        1,
        2,
        &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"],
    ),
];

/// Published consistency proofs: (size1, size2, proof). From transparency-dev
/// `proof/verify_test.go` and `testonly/reference_test.go`.
const CONSISTENCY_VECTORS: &[(u64, u64, &[&str])] = &[
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// transparency-dev's `sha256SomeHash`, a digest of nothing in particular.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

fn standard_leaves() -> Vec<Digest> {
    standard_inputs().iter().map(|d| leaf_hash(d)).collect()
}

#[test]
fn hashes_are_the_rfc_ones() {
    assert_eq!(empty_root(), h(ROOTS[0]));
    assert_eq!(root(&[]), h(ROOTS[0]));
    // The empty leaf: SHA-256(0x00).
    assert_eq!(
        leaf_hash(b""),
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );
    // The first two leaves and their parent.
    let leaves = standard_leaves();
    assert_eq!(node_hash(&leaves[0], &leaves[1]), h(NODE_HASHES[1][0]));
    // Leaf and node hashes are domain-separated: a node is not the leaf of its 64 bytes.
    let mut concatenated = leaves[0].0.to_vec();
    concatenated.extend_from_slice(&leaves[1].0);
    assert_ne!(leaf_hash(&concatenated), node_hash(&leaves[0], &leaves[1]));
}

#[test]
fn roots_of_every_size_up_to_8_are_the_published_ones() {
    let leaves = standard_leaves();
    let mut compact = CompactRange::new();
    assert_eq!(compact.root(), h(ROOTS[0]));
    for (size, want) in ROOTS.iter().enumerate() {
        assert_eq!(root(&leaves[..size]), h(want), "root of size {size}");
        assert_eq!(
            root_from(leaves.as_slice(), size as u64).expect("in range"),
            h(want)
        );
        if size > 0 {
            compact.push(leaves[size - 1]);
        }
        assert_eq!(compact.size(), size as u64);
        assert_eq!(compact.root(), h(want), "compact root of size {size}");
    }
}

#[test]
fn perfect_subtrees_and_compact_ranges_are_the_published_ones() {
    let leaves = standard_leaves();
    let mut compact = CompactRange::new();
    let mut completed = HashMap::new();
    for (size, want) in COMPACT_TREES.iter().enumerate() {
        if size > 0 {
            for (id, hash) in compact.push(leaves[size - 1]) {
                assert!(
                    completed.insert(id, hash).is_none(),
                    "{id:?} completed twice"
                );
            }
        }
        let want: Vec<Digest> = want
            .iter()
            .map(|&(level, index)| h(NODE_HASHES[level][index]))
            .collect();
        assert_eq!(
            compact.hashes(),
            want.as_slice(),
            "compact range of size {size}"
        );
    }
    // Pushing the 8 leaves completed exactly the 15 perfect subtrees, with the published hashes.
    let mut want = HashMap::new();
    for (level, hashes) in NODE_HASHES.iter().enumerate() {
        for (index, hash) in hashes.iter().enumerate() {
            let id = NodeId {
                level: level as u32,
                index: index as u64,
            };
            want.insert(id, h(hash));
            let range = id.leaves();
            assert_eq!(leaves.as_slice().subtree(range.start, range.size), h(hash));
        }
    }
    assert_eq!(completed, want);
}

#[test]
fn published_inclusion_proofs_are_produced_and_verify() {
    let leaves = standard_leaves();
    for &(index, size, want) in INCLUSION_VECTORS {
        let want = hs(want);
        let got = inclusion_proof(&leaves[..size as usize], index).expect("a proof");
        assert_eq!(got, want, "inclusion proof of {index} in {size}");
        let root = h(ROOTS[size as usize]);
        verify_inclusion(&leaves[index as usize], index, size, &want, &root)
            .expect("the published proof verifies");
        check_inclusion_probes(index, size, &leaves[index as usize], &want, &root);
    }
}

#[test]
fn published_consistency_proofs_are_produced_and_verify() {
    let leaves = standard_leaves();
    for &(size1, size2, want) in CONSISTENCY_VECTORS {
        let want = hs(want);
        let got = consistency_proof(&leaves[..size2 as usize], size1).expect("a proof");
        assert_eq!(got, want, "consistency proof of {size1} in {size2}");
        let (root1, root2) = (h(ROOTS[size1 as usize]), h(ROOTS[size2 as usize]));
        verify_consistency(size1, size2, &want, &root1, &root2)
            .expect("the published proof verifies");
        if !want.is_empty() {
            check_consistency_probes(size1, size2, &want, &root1, &root2);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reference implementation, straight from RFC 6962 section 2.1.
// ---------------------------------------------------------------------------------------------

/// `D`, the list of data entries, with `MTH` memoised by range (the definitions are unchanged;
/// the memo only keeps the cross-checks of thousands of proofs fast in a debug build).
struct Reference {
    data: Vec<Vec<u8>>,
    memo: RefCell<HashMap<(usize, usize), [u8; 32]>>,
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// "the largest power of two smaller than n", found by doubling.
fn ref_split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

impl Reference {
    fn new(data: Vec<Vec<u8>>) -> Reference {
        Reference {
            data,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// `MTH(D[start:start+n])`.
    fn mth(&self, start: usize, n: usize) -> [u8; 32] {
        if let Some(hash) = self.memo.borrow().get(&(start, n)) {
            return *hash;
        }
        let hash = match n {
            // MTH({}) = SHA-256().
            0 => sha256(&[]),
            // MTH({d(0)}) = SHA-256(0x00 || d(0)).
            1 => sha256(&[&[0x00], &self.data[start]]),
            // MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
            _ => {
                let k = ref_split(n);
                sha256(&[&[0x01], &self.mth(start, k), &self.mth(start + k, n - k)])
            }
        };
        self.memo.borrow_mut().insert((start, n), hash);
        hash
    }

    /// `PATH(m, D[start:start+n])`.
    fn path(&self, m: usize, start: usize, n: usize) -> Vec<[u8; 32]> {
        // PATH(0, {d(0)}) = {}.
        if n == 1 {
            return Vec::new();
        }
        let k = ref_split(n);
        if m < k {
            // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k.
            let mut path = self.path(m, start, k);
            path.push(self.mth(start + k, n - k));
            path
        } else {
            // PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k.
            let mut path = self.path(m - k, start + k, n - k);
            path.push(self.mth(start, k));
            path
        }
    }

    /// `SUBPROOF(m, D[start:start+n], b)`.
    fn subproof(&self, m: usize, start: usize, n: usize, b: bool) -> Vec<[u8; 32]> {
        if m == n {
            // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}.
            return if b {
                Vec::new()
            } else {
                vec![self.mth(start, n)]
            };
        }
        let k = ref_split(n);
        if m <= k {
            // SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) for m <= k.
            let mut proof = self.subproof(m, start, k, b);
            proof.push(self.mth(start + k, n - k));
            proof
        } else {
            // SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) for m > k.
            let mut proof = self.subproof(m - k, start + k, n - k, false);
            proof.push(self.mth(start, k));
            proof
        }
    }

    /// `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`.
    fn proof(&self, m: usize, n: usize) -> Vec<[u8; 32]> {
        self.subproof(m, 0, n, true)
    }
}

fn raw(digests: &[Digest]) -> Vec<[u8; 32]> {
    digests.iter().map(|d| d.0).collect()
}

/// The standard eight inputs, then made-up entries of varying lengths.
fn test_data(n: usize) -> Vec<Vec<u8>> {
    let mut data = standard_inputs();
    let mut i = data.len();
    while data.len() < n {
        data.push(format!("event {i}: {}", "x".repeat(i % 37)).into_bytes());
        i += 1;
    }
    data.truncate(n);
    data
}

/// The perfect subtrees of a tree, kept in a map as a store keeps them, and read through
/// `subtree_from_nodes`.
struct NodeStore {
    nodes: HashMap<NodeId, Digest>,
}

impl NodeStore {
    fn new(leaves: &[Digest]) -> NodeStore {
        let mut compact = CompactRange::new();
        let mut nodes = HashMap::new();
        for leaf in leaves {
            nodes.extend(compact.push(*leaf));
        }
        NodeStore { nodes }
    }

    fn view(&self, size: u64) -> NodeView<'_> {
        NodeView {
            nodes: &self.nodes,
            size,
            lookups: RefCell::new(0),
        }
    }
}

/// The first `size` leaves of a `NodeStore`, as a `Subtrees` oracle that refuses to look at
/// anything past `size` and counts its look-ups.
struct NodeView<'a> {
    nodes: &'a HashMap<NodeId, Digest>,
    size: u64,
    lookups: RefCell<u32>,
}

impl Subtrees for NodeView<'_> {
    fn size(&self) -> u64 {
        self.size
    }

    fn subtree(&self, start: u64, size: u64) -> Digest {
        assert!(
            start + size <= self.size,
            "asked for [{start}, +{size}) past {}",
            self.size
        );
        let before = *self.lookups.borrow();
        let hash = subtree_from_nodes(start, size, |id: NodeId| {
            *self.lookups.borrow_mut() += 1;
            let range = id.leaves();
            assert!(
                range.start + range.size <= start + size,
                "{id:?} is outside the range"
            );
            self.nodes.get(&id).copied().ok_or(id)
        })
        .expect("every perfect subtree is stored");
        let lookups = *self.lookups.borrow() - before;
        // An aligned range is one perfect subtree per 1 bit of its size.
        assert!(
            start.is_multiple_of(size.next_power_of_two()),
            "[{start}, +{size}) is not aligned"
        );
        assert_eq!(
            lookups,
            size.count_ones(),
            "look-ups for [{start}, +{size})"
        );
        hash
    }
}

const MAX_INCLUSION: usize = 300;
const MAX_CONSISTENCY: usize = 130;

#[test]
fn roots_agree_with_the_reference_and_the_compact_range_up_to_300() {
    let reference = Reference::new(test_data(MAX_INCLUSION));
    let leaves: Vec<Digest> = reference.data.iter().map(|d| leaf_hash(d)).collect();
    let store = NodeStore::new(&leaves);
    let mut compact = CompactRange::new();
    for size in 0..=MAX_INCLUSION {
        if size > 0 {
            compact.push(leaves[size - 1]);
        }
        let want = Digest(reference.mth(0, size));
        assert_eq!(root(&leaves[..size]), want, "root of {size}");
        assert_eq!(compact.root(), want, "compact root of {size}");
        assert_eq!(
            root_from(&store.view(size as u64), size as u64).expect("in range"),
            want
        );
        // A saved frontier comes back, from its parts or from the stored perfect subtrees.
        let restored =
            CompactRange::from_parts(compact.size(), compact.hashes().to_vec()).expect("valid");
        assert_eq!(restored, compact);
        let rebuilt =
            CompactRange::from_nodes(size as u64, |id| store.nodes.get(&id).copied().ok_or(id))
                .expect("stored");
        assert_eq!(rebuilt, compact);
    }
    assert_eq!(
        store.nodes.len(),
        2 * MAX_INCLUSION - MAX_INCLUSION.count_ones() as usize
    );
}

fn inclusion_sizes(sizes: std::ops::RangeInclusive<usize>) {
    let reference = Reference::new(test_data(MAX_INCLUSION));
    let leaves: Vec<Digest> = reference.data.iter().map(|d| leaf_hash(d)).collect();
    let store = NodeStore::new(&leaves);
    for size in sizes {
        let root = Digest(reference.mth(0, size));
        let view = store.view(size as u64);
        for (index, leaf) in leaves[..size].iter().enumerate() {
            let want = reference.path(index, 0, size);
            let ranges = inclusion_ranges(index as u64, size as u64).expect("valid");
            assert_eq!(ranges.len(), want.len());
            let proof = inclusion_proof_from(&view, index as u64, size as u64).expect("valid");
            assert_eq!(raw(&proof), want, "inclusion of {index} in {size}");
            verify_inclusion(leaf, index as u64, size as u64, &proof, &root)
                .unwrap_or_else(|e| panic!("inclusion of {index} in {size}: {e}"));
        }
        // The leaf-slice oracle hashes O(size) per proof, so it is checked on the last leaf
        // here (the longest right border), and on every index of the smaller trees below.
        let proof = inclusion_proof(&leaves[..size], size as u64 - 1).expect("valid");
        assert_eq!(raw(&proof), reference.path(size - 1, 0, size));
    }
}

#[test]
fn inclusion_agrees_with_the_reference_sizes_1_to_200() {
    inclusion_sizes(1..=200);
}

#[test]
fn inclusion_agrees_with_the_reference_sizes_201_to_300() {
    inclusion_sizes(201..=MAX_INCLUSION);
}

#[test]
fn inclusion_from_the_leaf_slice_agrees_for_every_index_up_to_40() {
    let reference = Reference::new(test_data(40));
    let leaves: Vec<Digest> = reference.data.iter().map(|d| leaf_hash(d)).collect();
    for size in 1..=40 {
        for index in 0..size {
            let proof = inclusion_proof(&leaves[..size], index as u64).expect("valid");
            assert_eq!(raw(&proof), reference.path(index, 0, size));
        }
    }
}

#[test]
fn consistency_agrees_with_the_reference_up_to_130() {
    let reference = Reference::new(test_data(MAX_CONSISTENCY));
    let leaves: Vec<Digest> = reference.data.iter().map(|d| leaf_hash(d)).collect();
    let store = NodeStore::new(&leaves);
    for size2 in 1..=MAX_CONSISTENCY {
        let root2 = Digest(reference.mth(0, size2));
        let view = store.view(size2 as u64);
        for size1 in 1..=size2 {
            let root1 = Digest(reference.mth(0, size1));
            let want = reference.proof(size1, size2);
            let ranges = consistency_ranges(size1 as u64, size2 as u64).expect("valid");
            assert_eq!(ranges.len(), want.len());
            let proof = consistency_proof_from(&view, size1 as u64, size2 as u64).expect("valid");
            assert_eq!(raw(&proof), want, "consistency of {size1} in {size2}");
            verify_consistency(size1 as u64, size2 as u64, &proof, &root1, &root2)
                .unwrap_or_else(|e| panic!("consistency of {size1} in {size2}: {e}"));
            if size2 <= 40 {
                let slice = consistency_proof(&leaves[..size2], size1 as u64).expect("valid");
                assert_eq!(slice, proof);
            }
        }
    }
}

#[test]
fn the_leaf_slice_and_the_stored_subtrees_answer_every_aligned_range_alike() {
    let leaves: Vec<Digest> = test_data(100).iter().map(|d| leaf_hash(d)).collect();
    let store = NodeStore::new(&leaves);
    let view = store.view(100);
    for size in 1..=100u64 {
        let step = size.next_power_of_two();
        for start in (0..=100 - size).step_by(step as usize) {
            assert_eq!(
                view.subtree(start, size),
                leaves.as_slice().subtree(start, size),
                "[{start}, +{size})"
            );
        }
    }
    // Unaligned ranges are answered correctly too, just not in O(log n).
    for (start, size) in [(1, 2), (3, 5), (5, 11), (7, 1), (13, 50)] {
        let got = subtree_from_nodes(start, size, |id| store.nodes.get(&id).copied().ok_or(id))
            .expect("stored");
        assert_eq!(got, leaves.as_slice().subtree(start, size));
    }
    assert_eq!(
        subtree_from_nodes::<()>(5, 0, |_| Err(())).expect("no look-up"),
        empty_root()
    );
}

// ---------------------------------------------------------------------------------------------
// Negative vectors.
// ---------------------------------------------------------------------------------------------

fn flipped(digest: &Digest, byte: usize, mask: u8) -> Digest {
    let mut bytes = digest.0;
    bytes[byte] ^= mask;
    Digest(bytes)
}

fn with(proof: &[Digest], front: Option<Digest>, back: Option<Digest>) -> Vec<Digest> {
    front
        .into_iter()
        .chain(proof.iter().copied())
        .chain(back)
        .collect()
}

/// The arguments of one call to `verify_inclusion`.
#[derive(Clone)]
struct InclusionProbe {
    desc: String,
    index: u64,
    size: u64,
    leaf: Digest,
    proof: Vec<Digest>,
    root: Digest,
}

/// Every corruption of a valid inclusion proof must be refused, each for the right reason.
fn check_inclusion_probes(index: u64, size: u64, leaf: &Digest, proof: &[Digest], root: &Digest) {
    let some = h(SOME_HASH);
    let good = InclusionProbe {
        desc: String::new(),
        index,
        size,
        leaf: *leaf,
        proof: proof.to_vec(),
        root: *root,
    };
    let probe = |desc: &str, change: &dyn Fn(&mut InclusionProbe)| {
        let mut probe = good.clone();
        probe.desc = desc.to_owned();
        change(&mut probe);
        probe
    };
    let mut probes = vec![
        probe("index - 1", &|p| p.index = index.wrapping_sub(1)),
        probe("index + 1", &|p| p.index = index + 1),
        probe("index ^ 2", &|p| p.index = index ^ 2),
        probe("index = size", &|p| p.index = size),
        probe("index = u64::MAX", &|p| p.index = u64::MAX),
        probe("size * 2", &|p| p.size = size * 2),
        probe("size / 2", &|p| p.size = size / 2),
        probe("size 0", &|p| p.size = 0),
        probe("wrong leaf", &|p| p.leaf = leaf_hash(b"WrongLeaf")),
        probe("empty root", &|p| p.root = empty_root()),
        probe("random root", &|p| p.root = some),
        probe("trailing zero", &|p| {
            p.proof = with(proof, None, Some(Digest::ZERO))
        }),
        probe("trailing root", &|p| {
            p.proof = with(proof, None, Some(*root))
        }),
        probe("preceding zero", &|p| {
            p.proof = with(proof, Some(Digest::ZERO), None)
        }),
        probe("preceding root", &|p| {
            p.proof = with(proof, Some(*root), None)
        }),
    ];
    for (byte, mask) in [(0, 0x08), (31, 0x80), (17, 0x01)] {
        let bit = format!("byte {byte} ^ {mask:#x}");
        probes.push(probe(&format!("leaf {bit}"), &|p| {
            p.leaf = flipped(leaf, byte, mask)
        }));
        probes.push(probe(&format!("root {bit}"), &|p| {
            p.root = flipped(root, byte, mask)
        }));
        for (i, element) in proof.iter().enumerate() {
            probes.push(probe(&format!("proof[{i}] {bit}"), &|p| {
                p.proof[i] = flipped(element, byte, mask)
            }));
        }
    }
    if size > 1 {
        // The root of a one-leaf tree is its leaf, so this is only wrong in bigger trees.
        probes.push(probe("root as leaf", &|p| p.leaf = *root));
    }
    if !proof.is_empty() {
        probes.push(probe("removed last", &|p| {
            p.proof = proof[..proof.len() - 1].to_vec()
        }));
        probes.push(probe("removed first", &|p| p.proof = proof[1..].to_vec()));
    }
    if proof.len() > 1 {
        probes.push(probe("inserted", &|p| p.proof.insert(1, some)));
        probes.push(probe("swapped first two", &|p| p.proof.swap(0, 1)));
    }
    for p in probes {
        let context = format!("{} on the proof of {index} in {size}", p.desc);
        let Err(error) = verify_inclusion(&p.leaf, p.index, p.size, &p.proof, &p.root) else {
            panic!("accepted: {context}");
        };
        if p.size == 0 {
            assert_eq!(error, ProofError::EmptyTree, "{context}");
        } else if p.index >= p.size {
            let want = ProofError::IndexBeyondSize {
                index: p.index,
                size: p.size,
            };
            assert_eq!(error, want, "{context}");
        } else if p.size == size && p.proof.len() != proof.len() {
            let is_length = matches!(error, ProofError::WrongProofLength { .. });
            assert!(is_length, "{context}: {error}");
        } else if p.size == size && p.index == index {
            let is_mismatch =
                matches!(error, ProofError::RootMismatch { tree_size, .. } if tree_size == size);
            assert!(is_mismatch, "{context}: {error}");
        }
    }
}

/// The arguments of one call to `verify_consistency`.
#[derive(Clone)]
struct ConsistencyProbe {
    desc: String,
    size1: u64,
    size2: u64,
    proof: Vec<Digest>,
    root1: Digest,
    root2: Digest,
}

/// Every corruption of a valid consistency proof (between different sizes) must be refused.
///
/// Not among them: `size2 + 1`. The proof of 2 in 5 (`MTH(D[2:4])`, `MTH(D[4:5])`) is also a
/// well-formed proof of 2 in 6 whose last hash stands for `MTH(D[4:6])`, and the hashes cannot
/// tell the two apart. A proof binds roots, not sizes: the sizes come from signed checkpoints.
fn check_consistency_probes(
    size1: u64,
    size2: u64,
    proof: &[Digest],
    root1: &Digest,
    root2: &Digest,
) {
    let some = h(SOME_HASH);
    let good = ConsistencyProbe {
        desc: String::new(),
        size1,
        size2,
        proof: proof.to_vec(),
        root1: *root1,
        root2: *root2,
    };
    let probe = |desc: &str, change: &dyn Fn(&mut ConsistencyProbe)| {
        let mut probe = good.clone();
        probe.desc = desc.to_owned();
        change(&mut probe);
        probe
    };
    let mut probes = vec![
        probe("size1 - 1", &|p| p.size1 = size1 - 1),
        probe("size1 + 1", &|p| p.size1 = size1 + 1),
        probe("size1 ^ 2", &|p| p.size1 = size1 ^ 2),
        probe("size1 0", &|p| p.size1 = 0),
        probe("size2 * 2", &|p| p.size2 = size2 * 2),
        probe("size2 / 2", &|p| p.size2 = size2 / 2),
        probe("sizes swapped", &|p| (p.size1, p.size2) = (size2, size1)),
        probe("wrong root1", &|p| p.root1 = some),
        probe("wrong root2", &|p| p.root2 = some),
        probe("swapped roots", &|p| (p.root1, p.root2) = (*root2, *root1)),
        probe("empty proof", &|p| p.proof.clear()),
        probe("trailing zero", &|p| {
            p.proof = with(proof, None, Some(Digest::ZERO))
        }),
        probe("trailing root1", &|p| {
            p.proof = with(proof, None, Some(*root1))
        }),
        probe("trailing root2", &|p| {
            p.proof = with(proof, None, Some(*root2))
        }),
        probe("preceding zero", &|p| {
            p.proof = with(proof, Some(Digest::ZERO), None)
        }),
        probe("preceding root1", &|p| {
            p.proof = with(proof, Some(*root1), None)
        }),
        probe("preceding root2", &|p| {
            p.proof = with(proof, Some(*root2), None)
        }),
        probe("preceding proof[0]", &|p| {
            p.proof = with(proof, Some(proof[0]), None)
        }),
        probe("truncated", &|p| {
            p.proof = proof[..proof.len() - 1].to_vec()
        }),
        probe("first removed", &|p| p.proof = proof[1..].to_vec()),
    ];
    for (byte, mask) in [(0, 0x10), (31, 0x01)] {
        let bit = format!("byte {byte} ^ {mask:#x}");
        probes.push(probe(&format!("root1 {bit}"), &|p| {
            p.root1 = flipped(root1, byte, mask)
        }));
        probes.push(probe(&format!("root2 {bit}"), &|p| {
            p.root2 = flipped(root2, byte, mask)
        }));
        for (i, element) in proof.iter().enumerate() {
            probes.push(probe(&format!("proof[{i}] {bit}"), &|p| {
                p.proof[i] = flipped(element, byte, mask)
            }));
        }
    }
    for p in probes {
        let context = format!("{} on the proof of {size1} in {size2}", p.desc);
        let result = verify_consistency(p.size1, p.size2, &p.proof, &p.root1, &p.root2);
        let Err(error) = result else {
            panic!("accepted: {context}");
        };
        if p.size1 > p.size2 {
            let want = ProofError::SizesReversed {
                size1: p.size1,
                size2: p.size2,
            };
            assert_eq!(error, want, "{context}");
        } else if p.size1 == 0 {
            assert_eq!(error, ProofError::ConsistencyFromEmpty, "{context}");
        } else if (p.size1, p.size2) == (size1, size2) && p.proof.len() != proof.len() {
            let is_length = matches!(error, ProofError::WrongProofLength { .. });
            assert!(is_length, "{context}: {error}");
        } else if (p.size1, p.size2) == (size1, size2) {
            let is_mismatch = matches!(error, ProofError::RootMismatch { .. });
            assert!(is_mismatch, "{context}: {error}");
        }
    }
}

#[test]
fn corrupted_inclusion_proofs_are_rejected_for_every_index_up_to_32() {
    let leaves: Vec<Digest> = test_data(32).iter().map(|d| leaf_hash(d)).collect();
    for size in 1..=32 {
        let root = root(&leaves[..size]);
        for index in 0..size {
            let proof = inclusion_proof(&leaves[..size], index as u64).expect("valid");
            check_inclusion_probes(index as u64, size as u64, &leaves[index], &proof, &root);
        }
    }
}

#[test]
fn corrupted_consistency_proofs_are_rejected_for_every_pair_up_to_24() {
    let leaves: Vec<Digest> = test_data(24).iter().map(|d| leaf_hash(d)).collect();
    let roots: Vec<Digest> = (0..=24).map(|n| root(&leaves[..n])).collect();
    for size2 in 2..=24 {
        for size1 in 1..size2 {
            let proof = consistency_proof(&leaves[..size2], size1 as u64).expect("valid");
            check_consistency_probes(
                size1 as u64,
                size2 as u64,
                &proof,
                &roots[size1],
                &roots[size2],
            );
        }
    }
}

#[test]
fn degenerate_inclusion_cases() {
    let some = h(SOME_HASH);
    let leaf = leaf_hash(b"data");
    // A one-leaf tree: its root is its leaf hash and the proof is empty.
    assert_eq!(root(&[leaf]), leaf);
    verify_inclusion(&leaf, 0, 1, &[], &leaf).expect("one leaf");
    assert!(matches!(
        verify_inclusion(&leaf, 0, 1, &[], &some),
        Err(ProofError::RootMismatch { tree_size: 1, .. })
    ));
    assert_eq!(
        verify_inclusion(&leaf, 0, 1, &[leaf], &leaf),
        Err(ProofError::WrongProofLength {
            expected: 0,
            given: 1
        })
    );
    // transparency-dev's TestVerifyInclusion probes.
    for (index, size) in [(0, 0), (0, 1), (1, 0), (2, 1)] {
        for (leaf, root) in [(some, empty_root()), (empty_root(), some), (some, some)] {
            if (index, size) == (0, 1) && leaf == root {
                continue; // A leaf hash equal to the root of its one-leaf tree is valid.
            }
            assert!(verify_inclusion(&leaf, index, size, &[], &root).is_err());
        }
    }
    assert_eq!(
        verify_inclusion(&leaf, 0, 0, &[], &leaf),
        Err(ProofError::EmptyTree)
    );
    assert_eq!(
        verify_inclusion(&leaf, 3, 3, &[], &leaf),
        Err(ProofError::IndexBeyondSize { index: 3, size: 3 })
    );
    // Producing proofs.
    let leaves = standard_leaves();
    assert_eq!(inclusion_proof(&[], 0), Err(ProofError::EmptyTree));
    assert_eq!(
        inclusion_proof(&leaves, 8),
        Err(ProofError::IndexBeyondSize { index: 8, size: 8 })
    );
    assert_eq!(
        inclusion_proof_from(leaves.as_slice(), 2, 9),
        Err(ProofError::TreeTooSmall {
            requested: 9,
            available: 8
        })
    );
    assert_eq!(
        root_from(leaves.as_slice(), 9),
        Err(ProofError::TreeTooSmall {
            requested: 9,
            available: 8
        })
    );
}

#[test]
fn degenerate_consistency_cases() {
    let leaves = standard_leaves();
    let (root1, root2) = (h(ROOTS[1]), h(ROOTS[2]));
    let some = h(SOME_HASH);
    // Equal sizes: the empty proof, and the same root.
    verify_consistency(1, 1, &[], &root1, &root1).expect("same tree");
    verify_consistency(8, 8, &[], &h(ROOTS[8]), &h(ROOTS[8])).expect("same tree");
    assert_eq!(
        verify_consistency(1, 1, &[], &root1, &root2),
        Err(ProofError::DifferentRootsForSameSize {
            size: 1,
            root1,
            root2
        })
    );
    assert_eq!(
        verify_consistency(1, 1, &[empty_root()], &empty_root(), &empty_root()),
        Err(ProofError::WrongProofLength {
            expected: 0,
            given: 1
        })
    );
    // From the empty tree: no proof exists (RFC 9162), whatever is given.
    for (size2, proof) in [
        (0, vec![]),
        (1, vec![]),
        (1, vec![empty_root()]),
        (8, vec![some]),
    ] {
        assert_eq!(
            verify_consistency(0, size2, &proof, &empty_root(), &h(ROOTS[size2 as usize])),
            Err(ProofError::ConsistencyFromEmpty)
        );
    }
    assert_eq!(
        consistency_proof(&leaves, 0),
        Err(ProofError::ConsistencyFromEmpty)
    );
    // Time travel.
    assert_eq!(
        verify_consistency(2, 1, &[], &root2, &root1),
        Err(ProofError::SizesReversed { size1: 2, size2: 1 })
    );
    assert_eq!(
        consistency_proof(&leaves, 9),
        Err(ProofError::SizesReversed { size1: 9, size2: 8 })
    );
    assert_eq!(
        consistency_proof_from(&leaves[..4], 2, 5),
        Err(ProofError::TreeTooSmall {
            requested: 5,
            available: 4
        })
    );
    // An empty proof between different sizes.
    assert!(matches!(
        verify_consistency(1, 2, &[], &root1, &root2),
        Err(ProofError::WrongProofLength {
            expected: 1,
            given: 0
        })
    ));
    assert_eq!(consistency_proof(&leaves, 8), Ok(Vec::new()));
}

#[test]
fn the_ranges_of_a_proof_follow_the_rfc_examples() {
    // RFC 9162 section 2.1.5's tree of 7 leaves: the path of d0 is b, h, l = [1], [2,4), [4,7).
    let range = |start, size| LeafRange { start, size };
    assert_eq!(
        inclusion_ranges(0, 7),
        Ok(vec![range(1, 1), range(2, 2), range(4, 3)])
    );
    // d3: c, g, l.
    assert_eq!(
        inclusion_ranges(3, 7),
        Ok(vec![range(2, 1), range(0, 2), range(4, 3)])
    );
    // d4: f, j, k.
    assert_eq!(
        inclusion_ranges(4, 7),
        Ok(vec![range(5, 1), range(6, 1), range(0, 4)])
    );
    // Consistency of 3 with 7: c, d, g, l. Of 4 with 7: l. Of 6 with 7: i, j, k.
    assert_eq!(
        consistency_ranges(3, 7),
        Ok(vec![range(2, 1), range(3, 1), range(0, 2), range(4, 3)])
    );
    assert_eq!(consistency_ranges(4, 7), Ok(vec![range(4, 3)]));
    assert_eq!(
        consistency_ranges(6, 7),
        Ok(vec![range(4, 2), range(6, 1), range(0, 4)])
    );
    assert_eq!(consistency_ranges(5, 5), Ok(Vec::new()));
}

#[test]
fn frontiers_of_the_wrong_shape_are_refused() {
    assert_eq!(
        CompactRange::from_parts(3, vec![Digest::ZERO]),
        Err(ProofError::BadFrontier {
            size: 3,
            expected: 2,
            given: 1
        })
    );
    assert!(CompactRange::from_parts(0, vec![Digest::ZERO]).is_err());
    assert_eq!(
        CompactRange::from_parts(0, Vec::new()),
        Ok(CompactRange::new())
    );
    let missing = CompactRange::from_nodes(5, |id| {
        if id.level == 0 {
            Err(id)
        } else {
            Ok(Digest::ZERO)
        }
    });
    assert_eq!(missing, Err(NodeId { level: 0, index: 4 }));
}

#[test]
fn errors_read_as_plain_english() {
    let cases = [
        (
            ProofError::WrongProofLength {
                expected: 3,
                given: 4,
            },
            "the proof has 4 hashes, but a proof for these tree sizes has exactly 3",
        ),
        (
            ProofError::IndexBeyondSize { index: 9, size: 8 },
            "leaf 9 is not in a tree of 8 leaves",
        ),
        (ProofError::EmptyTree, "the tree is empty"),
        (
            ProofError::SizesReversed { size1: 9, size2: 8 },
            "the earlier tree has 9 leaves, more than the 8 of the later tree",
        ),
        (
            ProofError::RootMismatch {
                tree_size: 5,
                computed: Digest([0xaa; 32]),
                expected: Digest([0xbb; 32]),
            },
            "the proof leads to root aaaa",
        ),
    ];
    for (error, text) in cases {
        assert!(error.to_string().contains(text), "{error}");
    }
    let mismatch = ProofError::RootMismatch {
        tree_size: 5,
        computed: Digest([0xaa; 32]),
        expected: Digest([0xbb; 32]),
    }
    .to_string();
    assert!(mismatch.contains(&"bb".repeat(32)), "{mismatch}");
    assert!(mismatch.contains("tree of 5 leaves"), "{mismatch}");
}

// ---------------------------------------------------------------------------------------------
// Property tests: never a panic, and nothing made up is accepted.
// ---------------------------------------------------------------------------------------------

fn digest() -> impl Strategy<Value = Digest> {
    any::<[u8; 32]>().prop_map(Digest)
}

/// Sizes and indices: small ones, where proofs of the right length are likely, and any at all.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..300,
        any::<u64>(),
        (0u32..64).prop_map(|b| 1u64 << b),
        Just(u64::MAX)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_inclusion_proofs_are_rejected_cleanly(
        leaf in digest(),
        index in number(),
        size in number(),
        proof in prop::collection::vec(digest(), 0..70),
        root in digest(),
    ) {
        // A random leaf is only "included" in its own one-leaf tree.
        let trivial = index == 0 && size == 1 && proof.is_empty() && leaf == root;
        prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root).is_ok(), trivial);
        // The same hashes cut to the length the sizes call for get through to the RFC algorithm.
        let wanted = inclusion_ranges(index, size).map_or(0, |ranges| ranges.len());
        let fitted: Vec<Digest> = proof.iter().chain([&leaf]).cycle().take(wanted).copied().collect();
        let trivial = index == 0 && size == 1 && leaf == root;
        prop_assert_eq!(verify_inclusion(&leaf, index, size, &fitted, &root).is_ok(), trivial);
    }

    #[test]
    fn arbitrary_consistency_proofs_are_rejected_cleanly(
        size1 in number(),
        size2 in number(),
        proof in prop::collection::vec(digest(), 0..130),
        root1 in digest(),
        root2 in digest(),
    ) {
        let trivial = size1 == size2 && size1 > 0 && proof.is_empty() && root1 == root2;
        prop_assert_eq!(
            verify_consistency(size1, size2, &proof, &root1, &root2).is_ok(),
            trivial
        );
        // The same hashes cut to the length the sizes call for get through to the RFC algorithm.
        let wanted = consistency_ranges(size1, size2).map_or(0, |ranges| ranges.len());
        let fitted: Vec<Digest> =
            proof.iter().chain([&root1]).cycle().take(wanted).copied().collect();
        let trivial = size1 == size2 && size1 > 0 && root1 == root2;
        prop_assert_eq!(
            verify_consistency(size1, size2, &fitted, &root1, &root2).is_ok(),
            trivial
        );
    }

    #[test]
    fn proof_shapes_match_what_the_verifier_expects_at_any_size(
        a in number(),
        b in number(),
        filler in digest(),
    ) {
        // The ranges of a proof between any sizes have the length the verifier demands, so a
        // proof of that length fails only on its hashes.
        let (index, size) = (a.min(b), a.max(b));
        match inclusion_ranges(index, size) {
            Ok(ranges) => {
                prop_assert!(ranges.len() <= 64);
                let proof = vec![filler; ranges.len()];
                let result = verify_inclusion(&filler, index, size, &proof, &filler);
                let is_mismatch = matches!(result, Err(ProofError::RootMismatch { .. }));
                prop_assert!(is_mismatch || (size == 1 && result.is_ok()), "{:?}", result);
                for range in &ranges {
                    prop_assert!(range.start.checked_add(range.size).is_some_and(|end| end <= size));
                    prop_assert!(range.start.is_multiple_of(range.size.next_power_of_two()));
                }
            }
            Err(error) => prop_assert!(index >= size, "{}", error),
        }
        let (size1, size2) = (a.min(b), a.max(b));
        match consistency_ranges(size1, size2) {
            Ok(ranges) => {
                prop_assert!(ranges.len() <= 128);
                let proof = vec![filler; ranges.len()];
                let result = verify_consistency(size1, size2, &proof, &filler, &empty_root());
                let is_mismatch = matches!(
                    result,
                    Err(ProofError::RootMismatch { .. } | ProofError::DifferentRootsForSameSize { .. })
                );
                prop_assert!(is_mismatch, "{:?}", result);
                for range in &ranges {
                    prop_assert!(range.start.checked_add(range.size).is_some_and(|end| end <= size2));
                    prop_assert!(range.start.is_multiple_of(range.size.next_power_of_two()));
                }
            }
            Err(error) => prop_assert_eq!(size1, 0, "{}", error),
        }
    }

    #[test]
    fn mutated_valid_proofs_are_rejected(
        size in 1usize..=64,
        index_seed in any::<u64>(),
        size1_seed in any::<u64>(),
        element_seed in any::<usize>(),
        byte in 0usize..32,
        bit in 0u32..8,
    ) {
        let leaves: Vec<Digest> = test_data(size).iter().map(|d| leaf_hash(d)).collect();
        let tree_root = root(&leaves);
        let index = index_seed % size as u64;
        let proof = inclusion_proof(&leaves, index).expect("valid");
        prop_assert!(verify_inclusion(&leaves[index as usize], index, size as u64, &proof, &tree_root).is_ok());
        if !proof.is_empty() {
            let mut wrong = proof.clone();
            let i = element_seed % wrong.len();
            wrong[i] = flipped(&wrong[i], byte, 1 << bit);
            prop_assert!(verify_inclusion(&leaves[index as usize], index, size as u64, &wrong, &tree_root).is_err());
        }
        let size1 = 1 + size1_seed % size as u64;
        let proof = consistency_proof(&leaves, size1).expect("valid");
        let root1 = root(&leaves[..size1 as usize]);
        prop_assert!(verify_consistency(size1, size as u64, &proof, &root1, &tree_root).is_ok());
        if !proof.is_empty() {
            let mut wrong = proof.clone();
            let i = element_seed % wrong.len();
            wrong[i] = flipped(&wrong[i], byte, 1 << bit);
            prop_assert!(verify_consistency(size1, size as u64, &wrong, &root1, &tree_root).is_err());
        }
    }
}
