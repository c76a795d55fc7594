"""The query engine: a parsed Whoosh query evaluated over every segment with numpy.

Why not Whoosh's own matchers: they score one posting at a time in Python, which measured
~1.2 s for a four-word query over 100,000 comments, and computing facet counts walks every
match again. Here a query word becomes the union of the cached posting arrays of the words
that fold to it; AND / OR / NOT are array intersections, unions and differences; a phrase
intersects position keys shifted by one; BM25 (k1 = 1.2, b = 0.75) is computed for all
matches at once; filters and facets are column lookups. Only the page's documents are then
read from Whoosh (stored fields, snippets).

Scoring: for each query word, BM25 of the folded match plus ``EXACT_BOOST`` × BM25 of the
word as typed, so "bán" ranks documents containing "bán" above those with only "bạn".
"""

from dataclasses import astuple, dataclass, field
from fnmatch import fnmatchcase

import numpy as np
from whoosh import query as wq

from consult.search.arrays import (
    difference,
    distinct_sorted,
    find,
    intersect,
    merge,
)
from consult.search.schema import FACET_COLUMNS, fold, normalize
from consult.search.segments import (
    EMPTY_IDS,
    EMPTY_KEYS,
    ID,
    KEY,
    POSITION_MASK,
    POSITION_SHIFT,
    TF,
    read_positions,
    read_postings,
)

EXACT_BOOST = 2.0
K1, B = 1.2, 0.75
#: a prefix or wildcard expands to at most this many folded words
EXPANSION_LIMIT = 300
FACETS = ("consultation", "article", "kind", "stakeholder", "stance")
#: each segment keeps its best documents for a query by this many (pages 1–5: 100)
CANDIDATE_DEPTH = 100
EMPTY_COUNTS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


class UnsupportedQuery(Exception):
    """The parsed query holds a construct the engine does not evaluate."""


@dataclass
class Filters:
    consultation: int | None = None
    article: int | None = None
    kind: int | None = None
    stakeholder: int | None = None
    stance: int | None = None
    date_from: int | None = None   # seconds, inclusive
    date_to: int | None = None     # seconds, exclusive


@dataclass
class Matches:
    total: int = 0
    #: the requested page: (global document number, score, column values)
    page: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    #: every indexed word a query word matched, for highlighting
    words: set = field(default_factory=set)


@dataclass
class _Word:
    """One query word in one segment: the union of its variants' postings."""

    ids: np.ndarray
    tf: np.ndarray
    #: the frequency of the spelling as typed, aligned with ``ids``: ``tf`` itself when it is
    #: the only spelling, None when it is not in the segment (or for prefixes and wildcards)
    exact_tf: np.ndarray | None
    exact_df: int
    variants: list


def _slot(node):
    """The (kind, text) identity of a word-like node, or None."""
    if isinstance(node, wq.Term):
        return ("term", normalize(str(node.text)))
    if isinstance(node, wq.Prefix):
        return ("prefix", normalize(str(node.text)))
    if isinstance(node, wq.Wildcard):
        return ("wildcard", normalize(str(node.text)))
    return None


class _SegmentRun:
    """Evaluating one query on one segment (memoises each word's arrays for the query).

    A word's folded union is cached per segment under its folded form, so "mạng" and "mang"
    share it; the postings of the spelling as typed are cached beside it only when other
    spellings fold like it. With a ``scope`` (a consultation id) each array is cut down to
    that consultation's documents for this query (not cached: the cuts of five
    consultations would take as much room as the unions themselves).
    """

    def __init__(self, cache, segment, reader, base, scope=None):
        self.cache, self.segment, self.reader, self.base = cache, segment, reader, base
        self.scope = scope
        self._words = {}

    def word(self, kind, text):
        key = (kind, text)
        if key not in self._words:
            word = self._load(kind, text)
            if self.scope is not None:
                word = self._in_scope(word)
            self._words[key] = word
        return self._words[key]

    def _scope_mask(self, docs):
        return self.segment.columns["consultation"][docs] == self.scope

    def _in_scope(self, word):
        keep = self._scope_mask(word.ids)
        ids, tf = word.ids[keep], word.tf[keep]
        if word.exact_tf is word.tf:
            return _Word(ids, tf, tf, ids.size, word.variants)
        if word.exact_tf is None:
            return _Word(ids, tf, None, 0, word.variants)
        exact_tf = word.exact_tf[keep]
        return _Word(ids, tf, exact_tf, int(np.count_nonzero(exact_tf)), word.variants)

    def _folded_forms(self, kind, text):
        """The folded forms a word-like query node stands for."""
        if kind == "term":
            return [fold(text)]
        if kind == "prefix":
            return self.segment.folded_with_prefix(fold(text), EXPANSION_LIMIT)
        pattern = fold(text)
        return [f for f in self.segment.folded if fnmatchcase(f, pattern)][:EXPANSION_LIMIT]

    def _union(self, folded_word):
        """(ids, tf) of every document holding a word that folds to ``folded_word``."""
        def load():
            variants = self.segment.words_folding_to(folded_word)
            return merge([read_postings(self.reader, v) for v in variants])
        return self.cache.derived(self.segment, ("union", folded_word), load)

    def _exact(self, text, ids, tf):
        """(frequencies of the spelling ``text`` aligned with the union ``ids``, its document
        count): a second array only when other spellings fold like it."""
        variants = self.segment.words_folding_to(fold(text))
        if text not in variants:
            return None, 0
        if len(variants) == 1:
            return tf, ids.size

        def load():
            exact_ids, exact_tf = read_postings(self.reader, text)
            aligned = np.zeros(ids.size, dtype=TF)
            aligned[np.searchsorted(ids, exact_ids)] = exact_tf
            return aligned
        aligned = self.cache.derived(self.segment, ("exact", text), load)
        return aligned, int(np.count_nonzero(aligned))

    def _load(self, kind, text):
        forms = self._folded_forms(kind, text)
        variants = [v for f in forms for v in self.segment.words_folding_to(f)]
        unions = [self._union(f) for f in forms]
        ids, tf = unions[0] if len(unions) == 1 else merge(unions)
        exact_tf, exact_df = self._exact(text, ids, tf) if kind == "term" else (None, 0)
        return _Word(ids, tf, exact_tf, exact_df, variants)

    def _word_positions(self, text):
        """Sorted keys ``document << 20 | position`` of every word folding like ``text``.

        Cached as 32-bit positions within the documents (half the room of the keys): the
        documents come back from the word's union, whose frequencies count its positions.
        Where they do not match (frequencies past float16's exact range), the keys are kept.
        """
        folded = fold(text)
        ids, tf = self._union(folded)
        counts = tf.astype(np.int64)

        def load():
            variants = self.segment.words_folding_to(folded)
            arrays = [read_positions(self.reader, v) for v in variants]
            if not arrays:
                return EMPTY_KEYS
            keys = arrays[0] if len(arrays) == 1 else np.sort(np.concatenate(arrays))
            if keys.size != counts.sum() or not np.array_equal(
                    keys >> POSITION_SHIFT, np.repeat(ids.astype(KEY), counts)):
                return keys
            return (keys & POSITION_MASK).astype(np.uint32)
        stored = self.cache.derived(self.segment, ("positions", folded), load)
        if stored.dtype == KEY:
            return stored if self.scope is None else stored[
                self._scope_mask(stored >> POSITION_SHIFT)]
        if self.scope is not None:
            keep = self._scope_mask(ids)
            stored = stored[np.repeat(keep, counts)]
            ids, counts = ids[keep], counts[keep]
        return (np.repeat(ids.astype(KEY), counts) << POSITION_SHIFT) | stored

    def phrase(self, words):
        """Documents where ``words`` stand next to each other, in order."""
        keys = None
        for text in words:
            here = self._word_positions(normalize(text))
            keys = here if keys is None else intersect(keys + 1, here)
            if keys.size == 0:
                return EMPTY_IDS
        return distinct_sorted(keys >> POSITION_SHIFT).astype(ID)

    def every(self):
        if self.scope is None:
            return np.arange(self.segment.count, dtype=ID)
        return self.cache.derived(self.segment, ("scope", self.scope), lambda: np.flatnonzero(
            self.segment.columns["consultation"] == self.scope).astype(ID))

    def deleted(self):
        """How many of the segment's documents are deleted (the count only grows: it names
        the set)."""
        return self.segment.count - self.reader.doc_count()

    def collection(self):
        """(live documents of the scope, their total length): BM25's collection statistics,
        cached until the segment's deletions change."""
        deleted = self.deleted()

        def load():
            docs = self.every()
            docs = docs[self.segment.live(self.reader)[docs]]
            return int(docs.size), float(self.segment.columns["length"][docs].sum())
        return self.cache.derived(self.segment, ("collection", self.scope, deleted), load)

    def score(self, local, slots, idf, idf_exact, average):
        """BM25 of the matched ``local`` documents: for each query word, the folded match
        plus ``EXACT_BOOST`` × the spelling as typed."""
        lengths = self.segment.columns["length"][local].astype(np.float64)
        score = np.zeros(local.size)
        for slot in slots:
            # the scope's arrays if this query cut them already, else the whole segment's:
            # the same frequencies for these documents, without cutting
            word = self._words[slot] if slot in self._words else self._load(*slot)
            tf = _lookup(word.ids, word.tf, local, self.segment.count)
            if word.exact_tf is word.tf:  # one spelling: the same frequencies
                score += (idf[slot] + EXACT_BOOST * idf_exact[slot]) * _bm25(tf, lengths, average)
                continue
            score += idf[slot] * _bm25(tf, lengths, average)
            if word.exact_df:
                exact_tf = _lookup(word.ids, word.exact_tf, local, self.segment.count)
                score += EXACT_BOOST * idf_exact[slot] * _bm25(exact_tf, lengths, average)
        return score

    def evaluate(self, node):
        """Sorted local document numbers matching ``node`` (deleted ones included)."""
        slot = _slot(node)
        if slot is not None:
            return self.word(*slot).ids
        if isinstance(node, wq.Phrase):
            words = [normalize(w) for w in node.words]
            return self.word("term", words[0]).ids if len(words) == 1 else self.phrase(words)
        if isinstance(node, wq.And):
            return self._and(node.subqueries)
        if isinstance(node, wq.Or | wq.DisjunctionMax):
            parts = [self.evaluate(q) for q in node.subqueries]
            return distinct_sorted(np.sort(np.concatenate(parts))) if parts else EMPTY_IDS
        if isinstance(node, wq.Not):
            return difference(self.every(), self.evaluate(node.query))
        if isinstance(node, wq.AndNot):
            return difference(self.evaluate(node.a), self.evaluate(node.b))
        if isinstance(node, wq.AndMaybe | wq.Otherwise):
            return self.evaluate(node.a)
        if isinstance(node, wq.Require):
            return self._and([node.a, node.b])
        if isinstance(node, wq.Every):
            return self.every()
        if node is wq.NullQuery:
            return EMPTY_IDS
        raise UnsupportedQuery(type(node).__name__)

    def _and(self, subqueries):
        wanted = [q for q in subqueries if not isinstance(q, wq.Not)]
        unwanted = [q.query for q in subqueries if isinstance(q, wq.Not)]
        result = None
        # the rarest first keeps every intersection small
        for ids in sorted((self.evaluate(q) for q in wanted), key=len):
            result = ids if result is None else intersect(result, ids)
            if result.size == 0:
                return result
        if result is None:
            result = self.every()
        for q in unwanted:
            result = difference(result, self.evaluate(q))
        return result


def scoring_slots(node, out=None):
    """Word slots that add to the score (not those under NOT)."""
    out = [] if out is None else out
    slot = _slot(node)
    if slot is not None:
        out.append(slot)
    elif isinstance(node, wq.Phrase):
        out.extend(("term", normalize(w)) for w in node.words)
    elif isinstance(node, wq.AndNot | wq.AndMaybe | wq.Require | wq.Otherwise):
        scoring_slots(node.a, out)
        if not isinstance(node, wq.AndNot):
            scoring_slots(node.b, out)
    elif isinstance(node, wq.CompoundQuery):
        for q in node.subqueries:
            if not isinstance(q, wq.Not):
                scoring_slots(q, out)
    return list(dict.fromkeys(out))


def _apply_filters(run, matched, filters):
    columns = run.segment.columns
    keep = run.segment.live(run.reader)[matched]
    for name in FACET_COLUMNS:
        value = getattr(filters, name)
        if value is not None:
            keep &= columns[name][matched] == value
    if filters.date_from is not None:
        keep &= columns["date"][matched] >= filters.date_from
    if filters.date_to is not None:
        keep &= columns["date"][matched] < filters.date_to
    return matched[keep]


def _lookup(ids, values, docs, size):
    """``values`` of ``docs`` in the sorted ``ids`` (0 where a doc is absent); ``size``: the
    segment's document count."""
    if ids.size == 0:
        return np.zeros(docs.size)
    if docs.size * 16 > size:  # many documents: scatter once, then read directly
        dense = np.zeros(size, dtype=np.float32)
        dense[ids] = values
        return dense[docs].astype(np.float64)
    where, found = find(ids, docs)
    return np.where(found, values[where].astype(np.float64), 0.0)


def _bm25(tf, lengths, average):
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths / average))


def _idf(df, total):
    return np.log(1 + (total - df + 0.5) / (df + 0.5))


@dataclass
class _Part:
    """One segment's share of a query's result: how many documents matched, their facet
    counts, each query word's document counts (for idf), the indexed words matched (for
    highlighting) and the segment's best ``depth`` documents (``candidates``, local
    numbers). Cached per segment, deletions, query, filters, order and depth: after an
    index commit only the new segments are searched."""

    total: int = 0
    #: {facet: (values, counts)} as arrays: a few kilobytes, where dicts took ten times more
    facets: dict = field(default_factory=dict)
    df: dict = field(default_factory=dict)
    exact_df: dict = field(default_factory=dict)
    words: set = field(default_factory=set)
    candidates: np.ndarray = field(default_factory=lambda: EMPTY_IDS)

    @property
    def nbytes(self):
        """What the cache counts against its budget."""
        arrays = [self.candidates, *(a for pair in self.facets.values() for a in pair)]
        return sum(a.nbytes for a in arrays) + 200 * (len(self.df) + len(self.words))


def run_query(searcher, parsed, cache, filters, sort="relevance", offset=0, limit=20,
              with_facets=True):
    """Evaluate ``parsed`` on every segment of ``searcher``; the page, total and facets.

    Each segment's share (``_Part``) is reused while the segment and its deletions are
    unchanged; the candidates it keeps are ranked again with the statistics of the moment
    (a new small segment moves idf and the average length by a fraction of a percent, so a
    segment's best documents stay its best).
    """
    leaves = [(reader, base) for reader, base in searcher.reader().leaf_readers()
              if reader.segment() is not None]  # an empty index has no segment
    cache.keep_only([reader.segment().segment_id() for reader, _base in leaves])
    runs = [_SegmentRun(cache, cache.segment(reader), reader, base, filters.consultation)
            for reader, base in leaves]
    slots = scoring_slots(parsed)
    depth = -(-(offset + limit) // CANDIDATE_DEPTH) * CANDIDATE_DEPTH
    name = ("part", repr(parsed), astuple(filters), sort, depth)
    names = [(*name, run.deleted()) for run in runs]
    parts = [cache.peek(run.segment, key) for run, key in zip(runs, names, strict=True)]
    matched = {i: _apply_filters(run, run.evaluate(parsed), filters)
               for i, (run, part) in enumerate(zip(runs, parts, strict=True)) if part is None}
    for i in matched:
        parts[i] = _Part(df={slot: runs[i].word(*slot).ids.size for slot in slots},
                         exact_df={slot: runs[i].word(*slot).exact_df for slot in slots},
                         words={v for slot in slots for v in runs[i].word(*slot).variants})
    result = Matches(total=0, words=set().union(*(part.words for part in parts)))
    collections = [run.collection() for run in runs]
    docs = sum(count for count, _length in collections) or 1
    average = max(sum(length for _count, length in collections) / docs, 1.0)
    idf = {slot: _idf(sum(part.df[slot] for part in parts), docs) for slot in slots}
    idf_exact = {slot: _idf(sum(part.exact_df[slot] for part in parts), docs)
                 for slot in slots}
    for i, local in matched.items():
        _complete(runs[i], parts[i], local, sort, depth, (slots, idf, idf_exact, average))
        cache.store(runs[i].segment, names[i], parts[i])
    result.total = sum(part.total for part in parts)
    if result.total == 0:
        return result
    if with_facets:
        for facet in FACETS:
            result.facets[facet] = _added([part.facets[facet] for part in parts if part.total])
    arrays = _gather(runs, [part.candidates for part in parts], (slots, idf, idf_exact, average))
    order = _order(arrays, sort, offset + limit)[offset:offset + limit]
    result.page = [(int(arrays["doc"][i]), float(arrays["score"][i]),
                    {name: int(arrays[name][i]) for name in ("date", *FACET_COLUMNS)})
                   for i in order]
    return result


def _complete(run, part, local, sort, depth, scoring):
    """Fill ``part`` from the ``local`` documents the segment matched: total, facets and
    its best ``depth`` candidates."""
    part.total = int(local.size)
    part.facets = {facet: _value_counts(run.segment.columns[facet][local]) for facet in FACETS}
    if local.size:
        arrays = _gather([run], [local], scoring)
        part.candidates = local[_order(arrays, sort, depth)]


def _gather(runs, locals_, scoring):
    """Document numbers, scores and columns of each run's ``locals_``, concatenated."""
    gathered = {"doc": [], "score": [], **{name: [] for name in ("date", *FACET_COLUMNS)}}
    for run, local in zip(runs, locals_, strict=True):
        if local.size == 0:
            continue
        gathered["doc"].append(local + run.base)
        gathered["score"].append(run.score(local, *scoring))
        for name in ("date", *FACET_COLUMNS):
            gathered[name].append(run.segment.columns[name][local])
    return {name: np.concatenate(parts) for name, parts in gathered.items()}


def _value_counts(values):
    """(values, how many times each) of the non-zero ``values``, as arrays (ids and codes:
    small non-negative integers, counted in one pass; ``np.unique`` sorts)."""
    if values.size == 0:
        return EMPTY_COUNTS
    if values.min() < 0 or values.max() > 50 * values.size + 10_000:
        found, counts = np.unique(values, return_counts=True)
    else:
        counts = np.bincount(values)
        found = np.flatnonzero(counts)
        counts = counts[found]
    keep = found != 0
    return found[keep].astype(np.int64), counts[keep].astype(np.int64)


def _added(counted):
    """{value: total} of several (values, counts) pairs, by value."""
    values = np.concatenate([pair[0] for pair in counted])
    counts = np.concatenate([pair[1] for pair in counted])
    if values.size == 0:
        return {}
    found, where = np.unique(values, return_inverse=True)
    totals = np.bincount(where, weights=counts).astype(np.int64)
    return {int(v): int(n) for v, n in zip(found, totals, strict=True)}


def _order(arrays, sort, needed):
    """Indexes of the first ``needed`` results: best score (or newest) first, ties by date
    then document number, so pages never shuffle between requests."""
    primary = arrays["date"] if sort == "date" else arrays["score"]
    candidates = np.arange(primary.size)
    if primary.size > needed * 4:
        threshold = np.partition(primary, primary.size - needed)[primary.size - needed]
        candidates = np.flatnonzero(primary >= threshold)
    keys = (-arrays["doc"][candidates], -arrays["date"][candidates], -primary[candidates])
    return candidates[np.lexsort(keys)][:needed]
