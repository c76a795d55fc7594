"""The dossier as CSV (one row per comment, UTF-8 with BOM for Excel) and as JSON (the
summary, the statistics, the campaigns, the themes and the table; format in docs/dossier.md).
"""

import csv
import io
import json

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core.db_setup import utcnow
from consult.core.templating import local_datetime
from consult.dossier.corpus import covered
from consult.dossier.models import DISPOSITIONS, Answer, Assignment
from consult.dossier.table import introduction, load_dossier
from consult.drafts.models import Section
from consult.extensions import db

CSV_COLUMNS = ("comment_id", "url", "article", "clause", "author", "author_kind", "stance",
               "created_at", "body", "proposed_wording", "campaign", "theme", "disposition",
               "disposition_label", "explanation", "answered_at", "answer_version")
JSON_FORMAT = "consult-dossier/1"


def csv_rows(consultation):
    """The CSV as an iterator of text chunks (BOM and header first), streamed from the
    database in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    query = (select(Comment.id, Section.number, Comment.clause_ref,
                    User.display_name, User.organisation_name, User.kind, User.deleted_at,
                    Comment.author_kind, Comment.stance, Comment.created_at, Comment.body,
                    Comment.proposed_wording, Assignment.campaign, Assignment.theme,
                    Answer.disposition, Answer.explanation, Answer.answered_at, Answer.version)
             .outerjoin(Section, Section.id == Comment.section_id)
             .outerjoin(User, User.id == Comment.author_id)
             .outerjoin(Assignment, Assignment.comment_id == Comment.id)
             .outerjoin(Answer, Answer.comment_id == Comment.id)
             .where(*covered(consultation.id)).order_by(Comment.id))
    result = db.session.execute(query, execution_options={"yield_per": 2000})
    # the permalink's path, built without a request (the CLI writes CSV too)
    base = current_app.url_map.bind("").build("comments.permalink",
                                              {"comment_id": 0}).removesuffix("0")
    for rows in result.partitions():
        for row in rows:
            writer.writerow([
                row.id, base + str(row.id),
                f"Điều {row.number}" if row.number else "", row.clause_ref or "",
                "" if row.display_name is None else User.format_public_name(
                    row.display_name, row.kind, row.organisation_name, row.deleted_at),
                row.author_kind, row.stance or "",
                local_datetime(row.created_at, "yyyy-MM-dd HH:mm"), row.body,
                row.proposed_wording or "", row.campaign or "", row.theme or "",
                row.disposition or "", str(DISPOSITIONS.get(row.disposition, "")),
                row.explanation or "",
                local_datetime(row.answered_at, "yyyy-MM-dd HH:mm") if row.answered_at else "",
                row.version or ""])
        yield flush()


def write_csv(consultation, target):
    with force_locale("vi"):
        chunks = csv_rows(consultation)
        if hasattr(target, "write"):
            for chunk in chunks:
                target.write(chunk.encode("utf-8"))
        else:
            with open(target, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)


def dossier_data(consultation):
    """The dossier as one JSON-ready dict."""
    dossier = load_dossier(consultation, with_ids=True)
    result = dossier.result or {}
    return {
        "format": JSON_FORMAT,
        "generated_at": utcnow().isoformat() + "Z",
        "consultation": {
            "id": consultation.id, "slug": consultation.slug, "title": consultation.title,
            "doc_type": consultation.doc_type, "agency": consultation.agency.name,
            "status": consultation.phase(),
            "opens_at": consultation.opens_at.isoformat() + "Z",
            "closes_at": consultation.closes_at.isoformat() + "Z"},
        "analysed_at": result.get("generated_at"),
        "stale": bool(dossier.analysis and dossier.analysis.is_stale),
        "introduction": introduction(dossier),
        "statistics": result.get("statistics"),
        "answers": dossier.summary and {"answered": dossier.summary["answered"],
                                        "by_disposition": dossier.summary["totals"]},
        "campaigns": [{key: value for key, value in c.items() if key != "business_ids"}
                      for c in result.get("campaigns", [])],
        "themes": [{key: value for key, value in t.items() if key != "business_ids"}
                   for t in result.get("themes", [])],
        "overall_themes": result.get("overall_themes", []),
        "wordings": result.get("wordings", {}),
        "table": [{
            "stt": row.number, "section_id": row.section_id, "section": row.section_label,
            "section_title": row.section_title, "kind": row.kind, "group": row.group_number,
            "subjects": row.subjects, "heading": row.heading, "key_phrases": row.key_phrases,
            "quotes": [{"comment_id": i, "text": text} for i, text in row.quotes],
            "comments": row.count, "comment_ids": row.comment_ids,
            "answers": [{"disposition": d, "explanation": e, "comments": n}
                        for d, e, n in row.answers],
            "unanswered": row.unanswered} for row in dossier.rows],
    }


def write_json(consultation, target):
    with force_locale("vi"):
        text = json.dumps(dossier_data(consultation), ensure_ascii=False, indent=1)
    if hasattr(target, "write"):
        target.write(text.encode("utf-8"))
    else:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
