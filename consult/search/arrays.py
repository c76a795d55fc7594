"""Sorted-array operations the query engine is made of: merging postings, set lookups,
intersections and differences of sorted document numbers (numpy, no Python loops)."""

import numpy as np

from consult.search.segments import EMPTY_IDS, EMPTY_TF, TF


def merge(postings):
    """One (ids, tf) from several sorted ones; a document in several adds its frequencies
    ("bán" and "bạn" in one comment)."""
    postings = [p for p in postings if p[0].size]  # variants whose documents were deleted
    if not postings:
        return EMPTY_IDS, EMPTY_TF
    if len(postings) == 1:
        return postings[0]
    all_ids = np.concatenate([p[0] for p in postings])
    order = np.argsort(all_ids, kind="stable")
    all_ids = all_ids[order]
    starts = np.flatnonzero(np.r_[True, all_ids[1:] != all_ids[:-1]])
    tf = np.add.reduceat(np.concatenate([p[1] for p in postings])[order].astype(np.float32),
                         starts)
    return all_ids[starts], tf.astype(TF)


def find(sorted_values, probes):
    """(where each of ``probes`` would stand in non-empty ``sorted_values``, whether it is
    there): binary search, no sorting."""
    where = np.minimum(np.searchsorted(sorted_values, probes), sorted_values.size - 1)
    return where, sorted_values[where] == probes


def contains(sorted_values, probes):
    """For each of ``probes``: is it in ``sorted_values``?"""
    if sorted_values.size == 0:
        return np.zeros(probes.size, dtype=bool)
    return find(sorted_values, probes)[1]


def intersect(a, b):
    """Values in both sorted distinct arrays: the smaller one looked up in the larger
    (``np.intersect1d`` sorts both together again: 5–10× slower at 100,000s of values)."""
    small, large = (a, b) if a.size <= b.size else (b, a)
    return small[contains(large, small)]


def difference(a, b):
    """Values of sorted distinct ``a`` not in sorted ``b``."""
    return a[~contains(b, a)]


def distinct_sorted(values):
    """``np.unique`` for an already sorted array, without sorting it again."""
    if values.size == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]
