"""What goes into the index for a comment and for a draft's articles."""

import unicodedata
from datetime import UTC, datetime

from consult.comments.models import STATUS_PUBLISHED
from consult.search.schema import KIND_CODES, STAKEHOLDER_CODES, STANCE_CODES, words_of


def comment_is_searchable(comment):
    return comment.status == STATUS_PUBLISHED and comment.consultation.is_public


def _seconds(moment):
    """Seconds since 1970 for a naive UTC datetime (how the database stores times)."""
    return int(moment.replace(tzinfo=UTC).timestamp()) if moment else 0


def date_of(seconds):
    """The naive UTC datetime back from ``_seconds``."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None) if seconds else None


def _document(doc_id, group, kind, consultation_id, article_id, text, title, author, date,
              stakeholder="", stance=""):
    text = unicodedata.normalize("NFC", text)
    return {
        "doc_id": doc_id, "group": group, "words": text, "text": text, "title": title,
        "author": author, "date": _seconds(date), "length": min(len(words_of(text)), 65535),
        "consultation": consultation_id, "article": article_id or 0, "kind": KIND_CODES[kind],
        "stakeholder": STAKEHOLDER_CODES.get(stakeholder, 0),
        "stance": STANCE_CODES.get(stance or "", 0),
    }


def comment_document(comment):
    text = comment.body
    if comment.proposed_wording:
        text = f"{text}\n{comment.proposed_wording}"
    section = comment.section
    return _document(
        f"c:{comment.id}", f"comment:{comment.consultation_id}", "comment",
        comment.consultation_id, section.id if section else 0, text,
        f"{section.label}. {section.title}" if section else "",
        comment.author.public_name if comment.author else "", comment.created_at,
        comment.author_kind or "", comment.stance or "")


def section_group(consultation_id):
    return f"section:{consultation_id}"


def section_documents(consultation):
    """One document per article of the current version of a public consultation."""
    version = consultation.current_version
    if version is None or not consultation.is_public:
        return []
    return [
        _document(f"s:{section.id}", section_group(consultation.id), "section", consultation.id,
                  section.id, f"{section.label}. {section.title}\n{section.body}",
                  f"{section.label}. {section.title}", consultation.agency.name,
                  consultation.published_at or consultation.created_at)
        for section in version.sections if section.is_article
    ]
