"""Index schema and the Vietnamese analyzers."""

import unicodedata

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.support.charset import accent_map


class NfcFilter(Filter):
    """Unicode NFC on every token: NFD input ("quye" + "̂" + "n") becomes "quyền"."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = unicodedata.normalize("NFC", token.text)
            yield token


def exact_analyzer():
    """Words as typed (NFC, lower-case); keeps 1-character tokens and has no stop words."""
    return RegexTokenizer(r"\w+") | NfcFilter() | LowercaseFilter()


def folded_analyzer():
    """Words without diacritics, đ→d: "ĐIỆN TỬ", "điện tử" and "dien tu" meet here."""
    return exact_analyzer() | CharsetFilter(accent_map)


def make_schema():
    return Schema(
        doc_id=ID(unique=True, stored=True),          # "c:12" comment, "s:34" section
        kind=ID(stored=True),                         # comment | section
        consultation=ID(stored=True),                 # consultation id
        article=ID(stored=True),                      # section id of the article ("" general)
        stakeholder=ID(stored=True),                  # citizen | business | ""
        stance=ID(stored=True),
        date=DATETIME(stored=True, sortable=True),
        author=STORED(),
        title=STORED(),                               # article label and title, for results
        text=TEXT(analyzer=exact_analyzer(), stored=True, phrase=True),
        folded=TEXT(analyzer=folded_analyzer(), phrase=True),
    )
