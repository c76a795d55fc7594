"""Index schema and Vietnamese text analysis.

One text field, ``words``, holds each word as typed (NFC, lower-case) with its positions.
Folding (diacritics removed, đ→d) happens at query time: a query word expands to every
indexed word that folds to the same letters, so "dien tu", "điện tử" and "ĐIỆN TỬ" meet,
and the word typed exactly scores higher than its folded cousins (bán above bạn).
Indexing one field instead of an exact and a folded copy halves the postings Whoosh writes.

Filters, facets, dates and lengths are numeric columns (one value per document, read into
arrays by ``consult.search.segments``), not indexed terms: they cost no postings.
"""

import re
import secrets
import unicodedata
from array import array

from whoosh import columns
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.support.charset import accent_map
from whoosh.system import _INT_SIZE, pack_uint
from whoosh.util import IDCHARS

WORD = re.compile(r"\w+")
_FOLD_TABLE = dict(accent_map)  # accent_map keeps "đ"→"d" and the other Vietnamese letters

KIND_CODES = {"comment": 1, "section": 2}
STAKEHOLDER_CODES = {"citizen": 1, "business": 2}
STANCE_CODES = {"agree": 1, "disagree": 2, "amend": 3, "other": 4}
#: column name → its code table (None: the value is a number already)
FACET_COLUMNS = {"consultation": None, "article": None, "kind": KIND_CODES,
                 "stakeholder": STAKEHOLDER_CODES, "stance": STANCE_CODES}


def normalize(text):
    """NFC and lower-case: NFD input ("quye" + "̂" + "n") becomes "quyền"."""
    return unicodedata.normalize("NFC", text or "").lower()


def fold(word):
    """The word without diacritics, đ→d ("Điện" → "dien")."""
    return word.lower().translate(_FOLD_TABLE)


def words_of(text):
    """The words of ``text`` as the index holds them."""
    return WORD.findall(normalize(text))


def word_analyzer():
    """Words as typed (NFC, lower-case); keeps 1-character tokens and has no stop words."""
    return RegexTokenizer(r"\w+") | LowercaseFilter()


class WordPositions(Positions):
    """Positions as a raw array of unsigned ints instead of a pickled list of deltas: the
    same information, several times cheaper to write and to read back."""

    def word_values(self, value, analyzer, **kwargs):
        places = {}
        for place, word in enumerate(words_of(value)):
            places.setdefault(word, []).append(place)
        for word, found in places.items():
            yield word, len(found), float(len(found)), self.encode(found)

    def encode(self, poslist):
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return array("I", valuestring[_INT_SIZE:]).tolist()


class WordsField(TEXT):
    """The text field. Not "scorable": scoring uses the ``length`` column instead
    (consult.search.engine), so Whoosh keeps no length statistics for it."""

    def __init__(self):
        super().__init__(analyzer=word_analyzer(), phrase=True)
        self.format = WordPositions()
        self.scorable = False


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics: they serve only Whoosh's own
    scorers, and gathering them costs a file-system check for every posting written.

    New segments are named from the system's randomness. Whoosh names them with the
    ``random`` module, which any code in the process may seed: a process seeded as an
    earlier one was names its segments as that one did, and writing a segment whose name a
    committed segment already has truncates that segment's files (its documents lost, the
    index unreadable until the next full rebuild).
    """

    length_stats = False

    def new_segment(self, storage, indexname):
        name = "".join(secrets.choice(IDCHARS) for _ in range(16))
        return W3Segment(self, indexname, segid=name)


def _number_column(typecode):
    return COLUMN(columns.NumericColumn(typecode))


def make_schema():
    return Schema(
        doc_id=ID(unique=True, stored=True),      # "c:12" comment, "s:34" section
        group=ID(),                               # "section:<consultation>" for bulk delete
        words=WordsField(),
        text=STORED(),                            # the original text, for snippets
        title=STORED(),                           # article label and title, for results
        author=STORED(),
        date=_number_column("q"),                 # seconds since 1970 (UTC)
        length=_number_column("H"),               # number of words, for BM25
        consultation=_number_column("i"),
        article=_number_column("i"),              # section id of the article; 0: general
        kind=_number_column("B"),
        stakeholder=_number_column("B"),
        stance=_number_column("B"),
    )
