"""JSON shapes of the API. Only public fields, by construction: each serializer names the
fields it emits (no e-mail, IP, tax code, report, moderation status or reason ever)."""

from flask import url_for

from consult.accounts.models import User
from consult.drafts.models import Section


def iso(value):
    """Stored naive UTC → RFC 3339 with Z (None stays None)."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def site_url(endpoint, **values):
    return url_for(endpoint, **values, _external=True)


def agency(a):
    return {"slug": a.slug, "name": a.name}


def consultation_summary(c, now=None):
    return {
        "id": c.id,
        "slug": c.slug,
        "title": c.title,
        "document_type": c.doc_type,
        "agency": agency(c.agency),
        "status": c.phase(now),
        "summary": c.summary,
        "opens_at": iso(c.opens_at),
        "closes_at": iso(c.closes_at),
        "published_at": iso(c.published_at),
        "closed_at": iso(c.closed_at),
        "updated_at": iso(c.updated_at),
        "url": site_url("comments.consultation_page", slug=c.slug),
        "api_url": site_url("api.consultation_detail", slug=c.slug),
    }


def section_brief(s):
    return {"id": s.id, "kind": s.kind, "number": s.number, "label": s.label,
            "title": s.title, "anchor": s.anchor}


def section_full(s, consultation, comment_count=None):
    data = section_brief(s)
    data.update({
        "parent_id": s.parent_id,
        "position": s.position,
        "depth": s.depth,
        "body": s.body,
        "consultation": consultation.slug,
        "url": (site_url("comments.article_page", slug=consultation.slug, anchor=s.anchor)
                if s.is_article else None),
    })
    if comment_count is not None:
        data["comment_count"] = comment_count
    return data


def section_tree(sections):
    """The draft's headings as nested nodes (document order), without article bodies."""
    nodes, roots = {}, []
    for s in sections:
        node = section_brief(s)
        node["children"] = []
        nodes[s.id] = node
        parent = nodes.get(s.parent_id)
        (parent["children"] if parent else roots).append(node)
    return roots


def consultation_detail(c, version, comment_count, now=None):
    data = consultation_summary(c, now)
    data.update({
        "preamble": version.preamble if version else "",
        "closing": version.closing if version else "",
        "comment_count": comment_count,
        "sections": section_tree(version.sections if version else []),
        "links": {
            "sections": site_url("api.consultation_sections", slug=c.slug),
            "comments": site_url("api.consultation_comments", slug=c.slug),
            "comment_counts": site_url("api.comment_counts", slug=c.slug),
            "comments_csv": site_url("api.comments_csv", slug=c.slug),
        },
    })
    return data


def author(comment):
    user = comment.author
    name = user.public_name if user is not None else None
    province = user.province if user is not None and user.deleted_at is None else None
    return {"name": name, "kind": comment.author_kind, "province": province}


def comment(c):
    section = c.section
    return {
        "id": c.id,
        "consultation": c.consultation.slug,
        "article": ({"id": section.id, "number": section.number, "label": section.label}
                    if section is not None else None),
        "reply_to": c.parent_id,
        "stance": c.stance,
        "body": c.body,
        "body_html": c.body_html,
        "proposed_wording": c.proposed_wording,
        "clause": c.clause_ref,
        "author": author(c),
        "official": bool(c.is_official),
        "created_at": iso(c.created_at),
        "url": site_url("comments.permalink", comment_id=c.id),
    }


CSV_COLUMNS = ("id", "created_at", "article", "clause", "reply_to", "stance", "author",
               "author_kind", "province", "official", "body", "proposed_wording", "url")


def csv_row(row, url_prefix):
    """One CSV row from the plain columns of ``consult.api.export.export_rows``."""
    name = User.format_public_name(row.display_name, row.user_kind, row.organisation_name,
                                   row.deleted_at) if row.display_name is not None else ""
    article = f"{Section.KIND_LABELS[row.section_kind]} {row.number}" if row.number else ""
    return (row.id, iso(row.created_at), article,
            row.clause_ref or "", row.parent_id or "", row.stance or "", name, row.author_kind,
            (row.province or "") if row.deleted_at is None else "", int(bool(row.is_official)),
            row.body, row.proposed_wording or "", f"{url_prefix}{row.id}")
