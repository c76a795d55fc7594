"""Searching: the Python API other modules use (the search page, the open-data API)."""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.qparser.plugins import FuzzyTermPlugin
from whoosh.query import And, DateRange, NullQuery, Term

from consult.search.index import searcher

MAX_QUERY_CHARS = 500
FACETS = ("consultation", "kind", "stakeholder", "stance")
#: the exact-diacritics field counts twice: "bán" ranks above "bạn" for the query "bán"
FIELD_BOOSTS = {"text": 2.0, "folded": 1.0}


@dataclass
class Hit:
    doc_id: str
    kind: str
    consultation_id: int
    article_id: int | None
    title: str
    author: str
    stance: str
    stakeholder: str
    date: datetime | None
    snippet: str
    score: float

    @property
    def object_id(self):
        return int(self.doc_id.split(":", 1)[1])


@dataclass
class SearchResult:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    facets: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))


def clean_query(text):
    """NFC, trimmed, length-limited, unbalanced quotes closed."""
    text = unicodedata.normalize("NFC", text or "").strip()[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return text


def _parser(schema):
    parser = MultifieldParser(list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS,
                              group=AndGroup)
    parser.remove_plugin_class(FuzzyTermPlugin)
    return parser


def _filters(consultation_id, article_id, kind, stakeholder, stance, date_from, date_to):
    terms = []
    for name, value in (("consultation", consultation_id), ("article", article_id),
                        ("kind", kind), ("stakeholder", stakeholder), ("stance", stance)):
        if value not in (None, ""):
            terms.append(Term(name, str(value)))
    if date_from or date_to:
        terms.append(DateRange("date", date_from, date_to))
    return And(terms) if terms else None


def search(q, consultation_id=None, article_id=None, kind=None, stakeholder=None, stance=None,
           date_from=None, date_to=None, sort="relevance", page=1, per_page=20,
           with_facets=True, any_word=False):
    """Search published comments and draft articles; never raises on a bad query."""
    text = clean_query(q)
    result = SearchResult(query=text, page=max(1, page), per_page=per_page)
    if not text:
        return result
    s = searcher()
    parser = _parser(s.schema)
    if any_word:
        parser.group = OrGroup
    try:
        query = parser.parse(text)
    except Exception:  # whoosh raises many kinds on odd syntax; never an error page
        result.error = "syntax"
        return result
    if query is NullQuery:
        result.error = "empty"
        return result
    filter_query = _filters(consultation_id, article_id, kind, stakeholder, stance,
                            date_from, date_to)
    options = {"filter": filter_query, "terms": False}
    if sort == "date":
        options["sortedby"] = sorting.FieldFacet("date", reverse=True)
    if with_facets:
        options["groupedby"] = {name: sorting.FieldFacet(name) for name in FACETS}
    results = s.search_page(query, result.page, pagelen=per_page, **options)
    results.results.fragmenter = ContextFragmenter(maxchars=240, surround=60)
    results.results.formatter = HtmlFormatter(tagname="mark", between=" … ")
    result.total = results.total
    for hit in results:
        # the folded field's analyzer keeps each token's place in the stored text, so
        # "du lieu" marks "dữ liệu" in the original wording
        snippet = (hit.highlights("text", top=2)
                   or hit.highlights("folded", text=hit["text"], top=2)
                   or _escape(hit["text"][:240]))
        article = hit.get("article") or ""
        result.hits.append(Hit(
            doc_id=hit["doc_id"], kind=hit["kind"], consultation_id=int(hit["consultation"]),
            article_id=int(article) if article else None, title=hit.get("title", ""),
            author=hit.get("author", ""), stance=hit.get("stance", ""),
            stakeholder=hit.get("stakeholder", ""), date=hit.get("date"), snippet=snippet,
            score=hit.score or 0.0))
    if with_facets:
        result.facets = {name: {key: len(ids) for key, ids in results.results.groups(name).items()
                                if key}
                         for name in FACETS}
    return result


def _escape(text):
    from markupsafe import escape

    return str(escape(text))
