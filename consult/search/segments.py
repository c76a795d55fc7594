"""What the query engine reads from each Whoosh segment, as numpy arrays, cached per process.

Whoosh segments never change once written (only their deletion lists do), so everything
read from one is cached under its segment id: the numeric columns, the lexicon grouped by
folded form, and — under a byte budget, least recently used first — the arrays the engine
derives from the postings and positions of the words queries asked for. A new searcher
(after an index commit) reuses the arrays of the segments it shares with the old one;
merged-away segments are dropped.

The arrays are kept small, because at a million comments the words of a few dozen queries
hold tens of millions of postings: document numbers as int32, term frequencies as float16
(whole counts, exact to 2,048), columns in the narrowest type that holds them.

Reading goes through Whoosh's reader API; two fast paths read a column's bytes and a
posting block's arrays directly and fall back to the public per-item API when a Whoosh
version lays them out differently (tests check both paths give the same arrays).
"""

import bisect
import threading
from collections import OrderedDict

import numpy as np
from whoosh.columns import EmptyColumnReader
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from consult.search.schema import FACET_COLUMNS, fold

FIELD = "words"
NUMERIC_COLUMNS = ("date", "length", *FACET_COLUMNS)
POSITION_SHIFT = 20  # a document's words are numbered below 2**20
POSITION_MASK = (1 << POSITION_SHIFT) - 1
_BIG_ENDIAN = {"q": ">i8", "Q": ">u8", "i": ">i4", "I": ">u4", "H": ">u2", "h": ">i2",
               "B": "u1", "b": "i1"}
ID, TF, KEY = np.int32, np.float16, np.int64
EMPTY_IDS = np.zeros(0, dtype=ID)
EMPTY_TF = np.zeros(0, dtype=TF)
EMPTY_KEYS = np.zeros(0, dtype=KEY)
#: the type each column is kept in (the rest: int32)
COLUMN_TYPES = {"date": np.int64, "kind": np.int8, "stakeholder": np.int8, "stance": np.int8}


def column_array(reader, name):
    """The values of numeric column ``name`` for every document of a segment."""
    count = reader.doc_count_all()
    kept_as = COLUMN_TYPES.get(name, np.int32)
    column = reader.column_reader(name, translate=False)
    if isinstance(column, EmptyColumnReader):
        return np.zeros(count, dtype=kept_as)
    try:
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        stored = np.frombuffer(raw, dtype=_BIG_ENDIAN[column._typecode])
        values = np.full(count, column._default, dtype=kept_as)
        values[: len(stored)] = stored
        return values
    except (AttributeError, KeyError):
        return column_array_slow(column, count, kept_as)


def column_array_slow(column, count, kept_as=np.int64):
    return np.fromiter((column[i] for i in range(count)), dtype=kept_as, count=count)


def _raw_matcher(reader, term):
    """The term's postings with deleted documents included (the live mask removes them, so
    the cached arrays stay valid when only the segment's deletions change)."""
    try:
        matcher = reader.postings(FIELD, term)
    except TermNotFound:
        return None
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def read_postings(reader, term):
    """(document ids, term frequencies) of ``term`` in one segment."""
    matcher = _raw_matcher(reader, term)
    if matcher is None:
        return EMPTY_IDS, EMPTY_TF
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        try:
            return _read_blocks(matcher)
        except AttributeError:
            matcher = _raw_matcher(reader, term)
    return read_postings_slow(matcher)


def _read_blocks(matcher):
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=ID))
        weights.append(np.asarray(matcher._weights, dtype=TF))
        matcher._next_block()
    if not ids:
        return EMPTY_IDS, EMPTY_TF
    return np.concatenate(ids), np.concatenate(weights)


def read_postings_slow(matcher):
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=ID), np.asarray(weights, dtype=TF)


def read_positions(reader, term):
    """Sorted keys ``document << 20 | position`` of every occurrence of ``term``."""
    matcher = _raw_matcher(reader, term)
    if matcher is None:
        return EMPTY_KEYS
    if hasattr(matcher, "_read_values") and hasattr(matcher, "_next_block"):
        try:
            return _read_position_blocks(matcher)
        except AttributeError:
            matcher = _raw_matcher(reader, term)
    return read_positions_slow(matcher)


def _read_position_blocks(matcher):
    """A block's values are (count, positions…) runs of uint32 (consult.search.schema
    .WordPositions; the count big-endian); the block's weights are those counts."""
    keys = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        counts = np.asarray(matcher._weights, dtype=np.int64)
        words = np.frombuffer(b"".join(matcher._values), dtype="<u4").astype(np.int64)
        is_count = np.zeros(words.size, dtype=bool)
        is_count[np.cumsum(np.r_[0, counts[:-1] + 1])] = True
        docs = np.repeat(np.asarray(matcher._ids, dtype=np.int64), counts)
        keys.append((docs << POSITION_SHIFT) + words[~is_count])
        matcher._next_block()
    return np.concatenate(keys) if keys else EMPTY_KEYS


def read_positions_slow(matcher):
    keys = []
    while matcher.is_active():
        base = matcher.id() << POSITION_SHIFT
        keys.extend(base + p for p in matcher.value_as("positions"))
        matcher.next()
    return np.asarray(keys, dtype=KEY)


class Segment:
    """The cached view of one segment."""

    def __init__(self, reader):
        self.key = reader.segment().segment_id()
        self.count = reader.doc_count_all()
        self.columns = {name: column_array(reader, name) for name in NUMERIC_COLUMNS}
        self.variants = {}  # folded form → the indexed words that fold to it
        for btext in reader.lexicon(FIELD):
            word = btext.decode("utf-8")
            self.variants.setdefault(fold(word), []).append(word)
        self.folded = sorted(self.variants)
        self._live = (None, None)

    def live(self, reader):
        """Boolean mask of the documents not deleted (cached until deletions change)."""
        deleted_count = self.count - reader.doc_count()
        if self._live[0] != deleted_count:
            mask = np.ones(self.count, dtype=bool)
            if deleted_count:
                deleted = getattr(reader, "deleted_docs_set", None)
                if deleted is None:
                    deleted = [d for d in range(self.count) if reader.is_deleted(d)]
                mask[np.fromiter(deleted, dtype=np.int64)] = False
            self._live = (deleted_count, mask)
        return self._live[1]

    def words_folding_to(self, folded_word):
        return self.variants.get(folded_word, ())

    def folded_with_prefix(self, folded_prefix, limit):
        """The first ``limit`` folded forms starting with ``folded_prefix``."""
        start = bisect.bisect_left(self.folded, folded_prefix)
        found = []
        for folded_word in self.folded[start:start + limit]:
            if not folded_word.startswith(folded_prefix):
                break
            found.append(folded_word)
        return found


class SegmentCache:
    """Segments by id, and an LRU of derived arrays within ``budget_bytes``; with ``shared``
    (consult.search.shared.SharedArrays) the arrays of large segments are mapped from files
    every process shares."""

    def __init__(self, budget_bytes, shared=None):
        self.budget = budget_bytes
        self.shared = shared
        self.used = 0
        self._segments = {}
        self._arrays = OrderedDict()
        self._lock = threading.RLock()

    def segment(self, reader):
        key = reader.segment().segment_id()
        with self._lock:
            found = self._segments.get(key)
            if found is None:
                found = self._segments[key] = Segment(reader)
            return found

    def keep_only(self, keys):
        """Forget segments that are no longer in the index (merged or cleared)."""
        with self._lock:
            for key in set(self._segments) - set(keys):
                del self._segments[key]
                for array_key in [k for k in self._arrays if k[0] == key]:
                    self._drop(array_key)

    def derived(self, segment, name, load):
        """Arrays computed from a segment's postings (a word's folded union, …), kept under
        ``name`` until the budget needs the room."""
        value = self.peek(segment, name)
        if value is None:
            value = self.store(segment, name, self._derive(segment, name, load))
        return value

    def _derive(self, segment, name, load):
        if self.shared is None or not self.shared.applies(segment, name):
            return load()
        value = self.shared.load(segment, name)
        return value if value is not None else self.shared.save(segment, name, load())

    def peek(self, segment, name):
        """What is kept under ``name`` for ``segment``, or None."""
        key = (segment.key, name)
        with self._lock:
            if key in self._arrays:
                self._arrays.move_to_end(key)
                return self._arrays[key][0]
        return None

    def store(self, segment, name, value):
        """Keep ``value`` under ``name`` (unless another thread did meanwhile: theirs is
        returned); the least recently used go when the budget needs the room."""
        key = (segment.key, name)
        size = _nbytes(value)
        with self._lock:
            if key in self._arrays:
                return self._arrays[key][0]
            self._arrays[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self._arrays) > 1:
                self._drop(next(iter(self._arrays)))
        return value

    def _drop(self, key):
        _value, size = self._arrays.pop(key)
        self.used -= size

    def __contains__(self, key):
        return key in self._arrays


def _nbytes(value):
    """Bytes held by the arrays of ``value`` (an array, an object that says its ``nbytes``,
    a tuple or an object with arrays), each once."""
    if hasattr(value, "nbytes"):
        return value.nbytes
    arrays = value if isinstance(value, tuple) else vars(value).values()
    distinct = {id(a): a for a in arrays if isinstance(a, np.ndarray)}
    return sum(a.nbytes for a in distinct.values())
