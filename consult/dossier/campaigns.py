"""Campaign detection: exact and near-duplicate comments grouped into one position.

Exact copies are grouped first (by the hash of the normalised text, in ``corpus``); only one
text per exact group goes on. Near-duplicates are found with MinHash over each text's set of
hashed words and word pairs and locality-sensitive hashing (bands of the signature): texts
sharing a band become candidates, a candidate pair is kept only when its estimated Jaccard
similarity (or containment, for a form letter with a sentence dropped) reaches the
threshold, and kept pairs are merged with connected components (union-find).

Everything is vectorised with numpy over all texts at once: datasketch's per-document
objects cost ~26 µs a text plus the LSH inserts, a third of the 1,000,000-comment budget.
"""

import numpy as np

NUM_PERM = 64
BANDS = 16
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _permutations(num_perm, seed=36):
    """Random odd multipliers and offsets: h(x) = mix(a·x + b mod 2³²)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def _mix32(h, scratch):
    """MurmurHash3's 32-bit finaliser, in place (scratch: an array of the same shape)."""
    for shift, multiplier in ((16, 0x85EBCA6B), (13, 0xC2B2AE35), (16, None)):
        np.right_shift(h, shift, out=scratch)
        h ^= scratch
        if multiplier:
            h *= np.uint32(multiplier)


def minhash_signatures(features, num_perm=NUM_PERM):
    """MinHash signatures (rows × ``num_perm``, uint32) of the rows of a CSR matrix whose
    column indices are feature hashes. Rows without features get zeros (and are never
    paired, see ``similar_pairs``)."""
    n = features.shape[0]
    signatures = np.zeros((n, num_perm), dtype=np.uint32)
    empty = np.diff(features.indptr) == 0
    if features.nnz:
        x = features.indices.astype(np.uint32)
        # start offsets of the non-empty rows only: each range then ends where the row ends
        starts = features.indptr[:-1][~empty]
        a, b = _permutations(num_perm)
        hashed = np.empty_like(x)
        shifted = np.empty_like(x)
        for k in range(num_perm):
            np.multiply(x, a[k], out=hashed)
            hashed += b[k]
            _mix32(hashed, shifted)
            signatures[~empty, k] = np.minimum.reduceat(hashed, starts)
    return signatures


def candidate_pairs(signatures, bands=BANDS):
    """Pairs of rows sharing at least one band of their signatures (neighbours in the
    order of each band's hash, so a bucket of n rows gives n - 1 pairs)."""
    n, num_perm = signatures.shape
    rows = num_perm // bands
    left, right = [], []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows:(band + 1) * rows])
        words = block.view(np.uint64)
        key = words[:, 0].copy()
        for column in range(1, words.shape[1]):
            key = key * _MIX ^ words[:, column]
        order = np.argsort(key, kind="stable")
        same = key[order][1:] == key[order][:-1]
        left.append(order[:-1][same])
        right.append(order[1:][same])
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


def similar_pairs(signatures, sizes, threshold, chunk=200_000):
    """Candidate pairs whose estimated Jaccard similarity — or containment of the smaller
    text in the larger — reaches ``threshold``. ``sizes``: number of features per row."""
    left, right = candidate_pairs(signatures)
    keep = np.zeros(len(left), dtype=bool)
    for start in range(0, len(left), chunk):
        i, j = left[start:start + chunk], right[start:start + chunk]
        jaccard = (signatures[i] == signatures[j]).mean(axis=1)
        a, b = sizes[i].astype(np.float64), sizes[j].astype(np.float64)
        smaller = np.maximum(np.minimum(a, b), 1.0)
        containment = jaccard * (a + b) / ((1.0 + jaccard) * smaller)
        contained = (containment >= 0.9) & (jaccard >= threshold - 0.15) & (smaller >= 8)
        keep[start:start + chunk] = ((jaccard >= threshold) | contained) & (np.minimum(a, b) > 0)
    return left[keep], right[keep]


def near_duplicate_labels(signatures, sizes, threshold):
    """A group label for every row: rows joined by similar pairs share a label."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = signatures.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    left, right = similar_pairs(signatures, sizes, threshold)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    return labels


def campaign_numbers(labels, copies, min_size):
    """Number the groups holding at least ``min_size`` comments 1, 2, … by size (largest
    first); 0 for texts in no campaign. ``copies``: comments per row (exact copies)."""
    if len(labels) == 0:
        return np.zeros(0, dtype=np.int32)
    totals = np.bincount(labels, weights=copies)
    big = np.nonzero(totals >= min_size)[0]
    order = big[np.lexsort((big, -totals[big]))]
    numbering = np.zeros(len(totals), dtype=np.int32)
    numbering[order] = np.arange(1, len(order) + 1, dtype=np.int32)
    return numbering[labels]
