"""The OpenAPI 3 document of ``/api/v1/`` (served at ``/api/v1/openapi.json``).

Tests validate every API response against it and fuzz the API from it (schemathesis).
"""

from consult.api.queries import PUBLIC_PHASES
from consult.comments.models import STANCES
from consult.drafts.models import DOCUMENT_TYPES, SECTION_KINDS

STR = {"type": "string"}
NSTR = {"type": "string", "nullable": True}
INT = {"type": "integer"}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": "string", "format": "date-time", "nullable": True}
URL = {"type": "string", "format": "uri"}


def _obj(properties, nullable=False, optional=()):
    schema = {"type": "object", "required": [p for p in properties if p not in optional],
              "properties": properties, "additionalProperties": False}
    if nullable:
        schema["nullable"] = True
    return schema


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item):
    return _obj({"data": {"type": "array", "items": _ref(item)},
                 "next": {"type": "string", "format": "uri", "nullable": True,
                          "description": "The next page (same filters), null on the last."},
                 "limit": INT})


CONSULTATION = {
    "id": INT, "slug": STR, "title": STR, "document_type": STR,
    "agency": {"$ref": "#/components/schemas/Agency"},
    "status": {"type": "string", "enum": list(PUBLIC_PHASES)},
    "summary": {"type": "string", "description": "Markdown"},
    "opens_at": TIME, "closes_at": TIME, "published_at": NTIME, "closed_at": NTIME,
    "updated_at": TIME, "url": URL, "api_url": URL,
}

SCHEMAS = {
    "Error": _obj({"error": {
        "type": "object", "required": ["code", "status", "message"],
        "properties": {"code": STR, "status": INT, "message": STR,
                       "parameter": {"type": "string",
                                     "description": "The query parameter at fault (400)."}},
        "additionalProperties": False}}),
    "Agency": _obj({"slug": STR, "name": STR}),
    # The dossier's inner parts are documented in docs/dossier.md; the top level is fixed.
    "Dossier": {
        "type": "object", "additionalProperties": False,
        "required": ["format", "consultation", "introduction", "table"],
        "properties": {
            "format": STR, "consultation": {"type": "object"},
            "analysed_at": NSTR, "stale": {"type": "boolean"},
            "introduction": {"type": "array", "items": STR},
            "statistics": {"type": "object", "nullable": True},
            "answers": {"type": "object", "nullable": True},
            "campaigns": {"type": "array", "items": {"type": "object"}},
            "themes": {"type": "array", "items": {"type": "object"}},
            "overall_themes": {"type": "array", "items": {"type": "object"}},
            "wordings": {"type": "object"},
            "table": {"type": "array", "items": {"type": "object"}}}},
    "Consultation": _obj(CONSULTATION),
    "SectionNode": _obj({
        "id": INT, "kind": {"type": "string", "enum": list(SECTION_KINDS)}, "number": STR,
        "label": STR, "title": STR, "anchor": STR,
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/SectionNode"}}}),
    "Section": _obj({
        "id": INT, "kind": {"type": "string", "enum": list(SECTION_KINDS)}, "number": STR,
        "label": STR, "title": STR, "anchor": STR, "parent_id": {**INT, "nullable": True},
        "position": INT, "depth": INT, "body": STR, "consultation": STR,
        "url": {**URL, "nullable": True},
        "comment_count": {**INT, "description": "Published top-level comments (articles)"}},
        optional=("comment_count",)),
    "ConsultationDetail": _obj({
        **CONSULTATION, "preamble": STR, "closing": STR, "comment_count": INT,
        "sections": {"type": "array", "items": _ref("SectionNode")},
        "links": _obj({"sections": URL, "comments": URL, "comment_counts": URL,
                       "comments_csv": URL})}),
    "Author": _obj({"name": {**NSTR, "description": "Public display name (organisation for "
                             "businesses); never an e-mail address"},
                    "kind": {"type": "string", "enum": ["citizen", "business"]},
                    "province": NSTR}),
    "ArticleRef": _obj({"id": INT, "number": STR, "label": STR}, nullable=True),
    "Comment": _obj({
        "id": INT, "consultation": STR, "article": _ref("ArticleRef"),
        "reply_to": {**INT, "nullable": True},
        "stance": {"type": "string", "enum": [*STANCES, None], "nullable": True},
        "body": {"type": "string", "description": "Markdown as written"},
        "body_html": {"type": "string", "description": "Sanitised HTML"},
        "proposed_wording": NSTR, "clause": NSTR, "author": _ref("Author"),
        "official": {"type": "boolean"}, "created_at": TIME, "url": URL}),
    "CommentCount": _obj({
        "article": _obj({"id": INT, "number": STR, "label": STR, "title": STR}, nullable=True),
        "comments": INT, "replies": INT,
        "stances": {"type": "object", "additionalProperties": INT}}),
    "ConsultationPage": _page("Consultation"),
    "CommentPage": _page("Comment"),
}


MOMENT = {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}


def _param(name, description, schema=None, where="query", required=False):
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def _error(description):
    return {"description": description,
            "content": {"application/json": {"schema": _ref("Error")}}}


VALIDATORS = {
    "ETag": {"schema": STR, "description": "Strong validator of the body"},
    "Last-Modified": {"schema": STR, "description": "Latest change of the data shown"},
}


def _ok(schema_name, description, paged=False):
    headers = dict(VALIDATORS)
    if paged:
        headers["Link"] = {"schema": STR, "description": 'rel="next" when there is more'}
    return {
        "200": {"description": description, "headers": headers,
                "content": {"application/json": {"schema": _ref(schema_name)}}},
        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)"},
        "400": _error("A parameter is wrong; `error.parameter` names it"),
        "404": _error("Not found (or not public)"),
        "413": _error("A request body was sent (the API takes none)"),
        "429": _error("Too many requests from this IP address; see Retry-After"),
    }


CURSOR = _param("cursor", "Opaque cursor from a previous page's `next`.",
                {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,200}$"})
LIMIT = _param("limit", "Page size (default 50).", {"type": "integer", "minimum": 1,
                                                    "maximum": 200})
DATE_HELP = ("A date (YYYY-MM-DD, a day in Vietnam time) or an RFC 3339 date-time "
             "(UTC if no offset).")
COMMENT_FILTERS = [
    _param("stance", "Stance of the comment.", {"type": "string", "enum": list(STANCES)}),
    _param("stakeholder", "Kind of author.", {"type": "string",
                                              "enum": ["citizen", "business"]}),
    _param("date_from", "Comments written on or after. " + DATE_HELP, MOMENT),
    _param("date_to", "Comments written before (a date: up to the end of that day). "
           + DATE_HELP, MOMENT),
    _param("q", "Full-text search (diacritics optional: `du lieu` finds `dữ liệu`). "
           "Results are then ordered by relevance.", {"type": "string", "maxLength": 500}),
    CURSOR, LIMIT,
]
SLUG = _param("slug", "The consultation's slug.", where="path", required=True)
SECTION_ID = _param("section_id", "A section id.", {"type": "integer", "minimum": 1},
                    where="path", required=True)


def _get(operation_id, summary, responses, parameters=(), tag="consultations"):
    return {"get": {"operationId": operation_id, "summary": summary, "tags": [tag],
                    "parameters": list(parameters), "responses": responses}}


PATHS = {
    "/": _get("getIndex", "What the API offers", {
        "200": {"description": "Links", "headers": VALIDATORS, "content": {
            "application/json": {"schema": _obj({
                "name": STR, "version": STR, "documentation": URL, "openapi": URL,
                "consultations": URL})}}},
        "304": {"description": "Not modified"}, "400": _error("Unknown parameter"),
        "429": _error("Too many requests")}, tag="about"),
    "/openapi.json": _get("getOpenApi", "This document", {
        "200": {"description": "OpenAPI 3", "headers": VALIDATORS, "content": {
            "application/json": {"schema": {"type": "object"}}}},
        "304": {"description": "Not modified"}, "400": _error("Unknown parameter"),
        "429": _error("Too many requests")}, tag="about"),
    "/docs": _get("getDocs", "This API documented for people (HTML)", {
        "200": {"description": "The documentation page",
                "content": {"text/html": {"schema": {"type": "string"}}}},
        "429": _error("Too many requests")}, tag="about"),
    "/consultations": _get(
        "listConsultations", "Public consultations, oldest first",
        _ok("ConsultationPage", "A page of consultations", paged=True), [
            _param("status", "Phase now.", {"type": "string", "enum": list(PUBLIC_PHASES)}),
            _param("agency", "Agency slug.", {"type": "string", "pattern": "^[a-z0-9-]{1,100}$"}),
            _param("document_type", "Document type.",
                   {"type": "string", "enum": list(DOCUMENT_TYPES)}),
            _param("opens_after", "Opening on or after. " + DATE_HELP, MOMENT),
            _param("opens_before", "Opening before. " + DATE_HELP, MOMENT),
            _param("closes_after", "Closing on or after. " + DATE_HELP, MOMENT),
            _param("closes_before", "Closing before. " + DATE_HELP, MOMENT),
            CURSOR, LIMIT]),
    "/consultations/{slug}": _get(
        "getConsultation", "One consultation with its section tree",
        _ok("ConsultationDetail", "The consultation"), [SLUG]),
    "/consultations/{slug}/sections": _get(
        "listSections", "Every section in document order, with the article texts", {
            **_ok("Section", "The sections"),
            "200": {"description": "The sections", "headers": VALIDATORS, "content": {
                "application/json": {"schema": _obj({"data": {
                    "type": "array", "items": _ref("Section")}})}}}}, [SLUG], "sections"),
    "/sections/{section_id}": _get(
        "getSection", "One section", _ok("Section", "The section"), [SECTION_ID], "sections"),
    "/consultations/{slug}/comments": _get(
        "listConsultationComments", "Published comments of a consultation",
        _ok("CommentPage", "A page of comments", paged=True),
        [SLUG, _param("article", "Only comments on this article (a section id).",
                      {"type": "integer", "minimum": 1}), *COMMENT_FILTERS], "comments"),
    "/sections/{section_id}/comments": _get(
        "listArticleComments", "Published comments of one article",
        _ok("CommentPage", "A page of comments", paged=True),
        [SECTION_ID, *COMMENT_FILTERS], "comments"),
    "/comments/{comment_id}": _get(
        "getComment", "One published comment", _ok("Comment", "The comment"),
        [_param("comment_id", "A comment id.", {"type": "integer", "minimum": 1},
                where="path", required=True)], "comments"),
    "/consultations/{slug}/comment-counts": _get(
        "getCommentCounts", "Published comments per article (first row: general comments)", {
            **_ok("CommentCount", "Counts"),
            "200": {"description": "Counts", "headers": VALIDATORS, "content": {
                "application/json": {"schema": _obj({
                    "consultation": STR,
                    "data": {"type": "array", "items": _ref("CommentCount")}})}}}},
        [SLUG], "comments"),
    "/consultations/{slug}/comments.csv": _get(
        "downloadComments", "Every published comment as CSV (UTF-8 with BOM), streamed", {
            "200": {"description": "CSV; cells that would start a spreadsheet formula "
                    "(= + - @) are prefixed with '", "content": {
                        "text/csv": {"schema": {"type": "string", "format": "binary"}}}},
            "304": {"description": "Not modified"},
            "400": _error("A parameter is wrong"), "404": _error("Not found"),
            "413": _error("A request body was sent"), "429": _error("Too many requests")},
        [SLUG], "comments"),
    "/consultations/{slug}/dossier": _get(
        "getDossier", "The dossier (bản tổng hợp, tiếp thu, giải trình ý kiến) of a concluded "
        "consultation: statistics, campaigns, themes and the official table with the agency's "
        "answers (format: docs/dossier.md); 404 until the agency publishes it",
        _ok("Dossier", "The dossier"), [SLUG], "dossier"),
}


def openapi_document(server_url):
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "consult open data API",
            "version": "1.0.0",
            "description": (
                "Read-only public data of the consultation platform: consultations, their "
                "drafts section by section, and published comments. No personal data beyond "
                "an author's public name, kind and province. Every list is keyset-paginated "
                "(follow `next`); responses carry ETag and Last-Modified and answer 304 to "
                "conditional requests; CORS is open for GET; requests are rate limited per "
                "IP address (429 with Retry-After)."),
            "license": {"name": "Public data"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": n} for n in ("about", "consultations", "sections", "comments",
                                       "dossier")],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
