"""A consultation's comments read once, in batches, into compact arrays.

Only what the analysis needs stays in memory: per comment a few small integers, per distinct
text its number of copies, its hashed words and word pairs (a sparse matrix of small counts)
and its MinHash signature. The texts themselves are dropped after each batch; the few that
the dossier quotes are read again by id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.comments.models import STANCES, STATUS_PUBLISHED, Comment
from consult.core.memory import release_free_memory
from consult.dossier.campaigns import minhash_signatures
from consult.extensions import db

if TYPE_CHECKING:
    from scipy import sparse

N_FEATURES = 2 ** 20
BATCH = 5000
TRIM_EVERY = 20  # batches between returning freed memory to the system
KINDS = ("citizen", "business")
STANCE_CODES = tuple(STANCES)
_WORD = re.compile(r"\w+")


def normalise(text):
    """Lower-case words only, single spaces: what two copies of a form letter share."""
    return " ".join(_WORD.findall((text or "").lower()))


def _words_and_pairs(normalised):
    words = normalised.split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@cache
def vectorizer():
    """Hashed words and word pairs. scikit-learn and SciPy are imported on the first
    analysis, not by every web process (~100 MB and a second of start-up each)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(n_features=N_FEATURES, analyzer=_words_and_pairs,
                             alternate_sign=False, norm=None, dtype=np.float32)


def comments_query(consultation_id):
    """The comments a dossier covers: published, top-level, not the agency's own."""
    return (select(Comment.id, Comment.section_id, Comment.author_id, Comment.author_kind,
                   Comment.stance, Comment.created_at, Comment.body, Comment.proposed_wording,
                   User.province)
            .outerjoin(User, User.id == Comment.author_id)
            .where(*covered(consultation_id))
            .order_by(Comment.id))


def covered(consultation_id):
    """Conditions on Comment for the comments a dossier covers."""
    return (Comment.consultation_id == consultation_id, Comment.parent_id.is_(None),
            Comment.status == STATUS_PUBLISHED, Comment.is_official.is_(False))


def count_covered(consultation_id):
    return db.session.scalar(select(func.count(Comment.id)).where(*covered(consultation_id)))


@dataclass
class Corpus:
    """Per comment (index i): ids and codes. Per distinct text (index u): copies, features."""

    comment_ids: np.ndarray
    unique_of: np.ndarray
    section_of: np.ndarray      # index into section_ids (0 = general comments)
    kind_of: np.ndarray         # index into KINDS
    stance_of: np.ndarray       # index into STANCE_CODES, -1 when none
    province_of: np.ndarray     # index into provinces, -1 when unknown
    day_of: np.ndarray          # local day number (days since 1970-01-01)
    author_of: np.ndarray       # user id, 0 for a deleted account
    section_ids: list
    provinces: list
    copies: np.ndarray          # comments per distinct text
    first_of: np.ndarray        # comment index of each distinct text's first copy
    features: sparse.csr_matrix
    signatures: np.ndarray
    wordings: dict = field(default_factory=dict)  # (section idx, key) -> [count, text, id]

    @property
    def size(self):
        return len(self.comment_ids)


class _Builder:
    def __init__(self, timezone):
        self.tz = ZoneInfo(timezone)
        self.columns = {name: [] for name in ("ids", "unique", "section", "kind", "stance",
                                               "province", "day", "author")}
        self.keys = {}
        self.copies = []
        self.first = []
        self.feature_blocks = []
        self.signature_blocks = []
        self.section_index = {None: 0}
        self.province_index = {}
        self.wordings = {}
        self.count = 0

    def _days(self, times):
        stamps = np.array(times, dtype="datetime64[s]")
        first = times[0].replace(tzinfo=UTC).astimezone(self.tz).utcoffset()
        last = times[-1].replace(tzinfo=UTC).astimezone(self.tz).utcoffset()
        if first == last:
            local = stamps + np.timedelta64(int(first.total_seconds()), "s")
        else:
            local = np.array([t.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)
                              for t in times], dtype="datetime64[s]")
        return local.astype("datetime64[D]").astype(np.int32)

    def add(self, rows):
        new_texts = []
        unique, sections, kinds, stances, provinces = [], [], [], [], []
        for row in rows:
            text = normalise(row.body)
            key = hashlib.blake2b(text.encode(), digest_size=8).digest()
            index = self.keys.get(key)
            if index is None:
                index = self.keys[key] = len(self.copies)
                self.copies.append(0)
                self.first.append(self.count + len(unique))
                new_texts.append(text)
            self.copies[index] += 1
            unique.append(index)
            section = self.section_index.setdefault(row.section_id, len(self.section_index))
            sections.append(section)
            kinds.append(1 if row.author_kind == "business" else 0)
            stances.append(STANCE_CODES.index(row.stance) if row.stance in STANCES else -1)
            provinces.append(self.province_index.setdefault(row.province, len(
                self.province_index)) if row.province else -1)
            if row.proposed_wording:
                self._add_wording(section, row)
        self.count += len(rows)
        columns = self.columns
        columns["ids"].append(np.fromiter((r.id for r in rows), np.int64, len(rows)))
        columns["author"].append(np.fromiter((r.author_id or 0 for r in rows), np.int64,
                                             len(rows)))
        columns["unique"].append(np.array(unique, np.int32))
        columns["section"].append(np.array(sections, np.int32))
        columns["kind"].append(np.array(kinds, np.int8))
        columns["stance"].append(np.array(stances, np.int8))
        columns["province"].append(np.array(provinces, np.int16))
        columns["day"].append(self._days([r.created_at for r in rows]))
        if new_texts:
            block = vectorizer().transform(new_texts)
            self.signature_blocks.append(minhash_signatures(block))
            block.data = np.minimum(block.data, 255).astype(np.uint8)
            self.feature_blocks.append(block)

    def _add_wording(self, section, row):
        key = (section, normalise(row.proposed_wording))
        entry = self.wordings.get(key)
        if entry is None:
            self.wordings[key] = [1, row.proposed_wording, row.id]
        else:
            entry[0] += 1

    def build(self):
        from scipy import sparse

        def joined(name, dtype):
            parts = self.columns[name]
            return np.concatenate(parts) if parts else np.zeros(0, dtype)

        if self.feature_blocks:
            features = sparse.vstack(self.feature_blocks, format="csr", dtype=np.uint8)
            signatures = np.concatenate(self.signature_blocks)
        else:
            features = sparse.csr_matrix((0, N_FEATURES), dtype=np.uint8)
            signatures = np.zeros((0, 64), np.uint32)
        self.feature_blocks = self.signature_blocks = None
        return Corpus(
            comment_ids=joined("ids", np.int64), unique_of=joined("unique", np.int32),
            section_of=joined("section", np.int32), kind_of=joined("kind", np.int8),
            stance_of=joined("stance", np.int8), province_of=joined("province", np.int16),
            day_of=joined("day", np.int32), author_of=joined("author", np.int64),
            section_ids=list(self.section_index), provinces=list(self.province_index),
            copies=np.array(self.copies, np.int32), first_of=np.array(self.first, np.int64),
            features=features, signatures=signatures, wordings=self.wordings)


def collect(consultation_id, timezone, progress=None, total=None):
    """Read every covered comment of a consultation into a Corpus.

    ``progress(done, total)`` is called after each batch.
    """
    builder = _Builder(timezone)
    total = count_covered(consultation_id) if total is None else total
    result = db.session.execute(comments_query(consultation_id),
                                execution_options={"yield_per": BATCH})
    for batch, rows in enumerate(result.partitions(), 1):
        builder.add(rows)
        if progress:
            progress(builder.count, total)
        if batch % TRIM_EVERY == 0:
            release_free_memory()
    data = builder.build()
    release_free_memory()
    return data


def texts_by_id(comment_ids, chunk=500):
    """{comment id: body} for a few comments (the quoted ones)."""
    ids = sorted({int(i) for i in comment_ids})
    texts = {}
    for start in range(0, len(ids), chunk):
        texts.update(db.session.execute(
            select(Comment.id, Comment.body).where(Comment.id.in_(ids[start:start + chunk]))
        ).all())
    return texts
