"""What goes into the index for a comment and for a draft's sections."""

from consult.comments.models import STATUS_PUBLISHED


def comment_is_searchable(comment):
    return comment.status == STATUS_PUBLISHED and comment.consultation.is_public


def comment_document(comment):
    text = comment.body
    if comment.proposed_wording:
        text = f"{text}\n{comment.proposed_wording}"
    section = comment.section
    return {
        "doc_id": f"c:{comment.id}",
        "kind": "comment",
        "consultation": str(comment.consultation_id),
        "article": str(section.id) if section else "",
        "stakeholder": comment.author_kind or "",
        "stance": comment.stance or "",
        "date": comment.created_at,
        "author": comment.author.public_name if comment.author else "",
        "title": f"{section.label}. {section.title}" if section else "",
        "text": text,
        "folded": text,
    }


def section_documents(consultation):
    """One document per article of the current version of a public consultation."""
    version = consultation.current_version
    if version is None or not consultation.is_public:
        return []
    documents = []
    for section in version.sections:
        if not section.is_article:
            continue
        text = f"{section.label}. {section.title}\n{section.body}"
        documents.append({
            "doc_id": f"s:{section.id}",
            "kind": "section",
            "consultation": str(consultation.id),
            "article": str(section.id),
            "stakeholder": "",
            "stance": "",
            "date": consultation.published_at or consultation.created_at,
            "author": consultation.agency.name,
            "title": f"{section.label}. {section.title}",
            "text": text,
            "folded": text,
        })
    return documents
