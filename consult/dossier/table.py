"""The dossier as data: counts and the official table, shared by the page and every export.

Table: STT | Điều, khoản (nhóm vấn đề) | Chủ thể góp ý | Nội dung góp ý | Nội dung tiếp thu,
giải trình. Per article (general comments first): one row per campaign, then one row per
comment when the article has few comments outside campaigns (DOSSIER_DETAIL_MAX), else one
row per theme. A row of a group lists its distinct answers with their counts.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core import pagecache
from consult.core.db_setup import utcnow
from consult.dossier.analysis import get_analysis, load_result
from consult.dossier.corpus import covered
from consult.dossier.models import DISPOSITIONS, Answer, Assignment
from consult.dossier.stats import section_key
from consult.extensions import db

QUOTE_CHARS = 1000  # longer texts are cut in the table (the CSV has them whole)
_EPOCH = date(1970, 1, 1)


@dataclass
class Row:
    number: int
    section_id: int | None
    section_label: str
    section_title: str
    section_anchor: str | None
    kind: str                    # "comment", "campaign" or "theme"
    group_number: int | None
    subjects: str
    heading: str                 # what the group is ("Nhóm 9.667 ý kiến giống nhau"), or ""
    quotes: list                 # [(comment id, text)]
    count: int
    answers: list                # [(disposition, explanation, count)]
    unanswered: int
    key_phrases: list = field(default_factory=list)
    comment_ids: list = field(default_factory=list)

    @property
    def answer_lines(self):
        return [(DISPOSITIONS.get(d, d), e, n) for d, e, n in self.answers]


def shorten(text, limit=QUOTE_CHARS):
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def day_label(day_number):
    return (_EPOCH + timedelta(days=int(day_number))).strftime("%d/%m/%Y")


def number(value):
    """12345 → "12.345" (Vietnamese thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


# ---- answers per group, cached until an answer changes ------------------------------------

def answers_summary(consultation, analysis):
    """{"totals": {disposition: n}, "answered": n, "groups": {"c3"|"t12": [[d, e, n]]}}.

    Rebuilt when an answer changed after the cached summary (or the analysis is newer).
    """
    fresh = analysis.answers_summary is not None and analysis.answers_summary_at is not None \
        and (analysis.answers_changed_at is None
             or analysis.answers_summary_at > analysis.answers_changed_at)
    if fresh:
        return json.loads(analysis.answers_summary)
    now = utcnow()
    totals = dict(db.session.execute(
        select(Answer.disposition, func.count(Answer.id))
        .join(Comment, Comment.id == Answer.comment_id).where(*covered(consultation.id))
        .group_by(Answer.disposition)).all())
    groups = {}
    rows = db.session.execute(
        select(Assignment.campaign, Assignment.theme, Answer.disposition, Answer.explanation,
               func.count(Answer.id))
        .join(Answer, Answer.comment_id == Assignment.comment_id)
        .join(Comment, Comment.id == Assignment.comment_id)
        .where(Assignment.consultation_id == consultation.id, *covered(consultation.id))
        .group_by(Assignment.campaign, Assignment.theme, Answer.disposition,
                  Answer.explanation))
    for campaign, theme, disposition, explanation, n in rows:
        key = f"c{campaign}" if campaign else f"t{theme}"
        groups.setdefault(key, []).append([disposition, explanation, n])
    for entries in groups.values():
        entries.sort(key=lambda e: -e[2])
    summary = {"totals": totals, "answered": sum(totals.values()), "groups": groups}
    analysis.answers_summary = json.dumps(summary, ensure_ascii=False)
    analysis.answers_summary_at = now
    return summary


# ---- the rows -------------------------------------------------------------------------------

def _section_labels(consultation):
    """{section id: (label, title, order, anchor)} for the articles of every version (those of
    an earlier version are marked with it), general comments (None) first."""
    labels = {None: (_("Ý kiến chung"), _("Ý kiến chung về dự thảo"), 0, None)}
    current = consultation.current_version
    for version in consultation.versions:
        for section in version.articles():
            label = section.label
            if version is not current:
                label += " " + _("(phiên bản %(n)d)", n=version.number)
            labels[section.id] = (label, section.title,
                                  section.position + 100_000 * (version is not current),
                                  section.anchor if version is current else None)
    return labels


def _business_names(result):
    ids = {i for group in result["campaigns"] + result["themes"] for i in group["business_ids"]}
    if not ids:
        return {}
    return {u.id: u.public_name for u in db.session.scalars(select(User).where(
        User.id.in_(ids)))}


def _group_subjects(group, names):
    kinds = group["kinds"]
    parts = []
    if kinds.get("citizen"):
        parts.append(_("%(n)s công dân", n=number(kinds["citizen"])))
    if kinds.get("business"):
        listed = [names[i] for i in group["business_ids"] if i in names]
        text = _("%(n)s doanh nghiệp, tổ chức", n=number(kinds["business"]))
        if listed:
            more = "…" if kinds["business"] > len(listed) else ""
            text += " (" + "; ".join(listed) + more + ")"
        parts.append(text)
    return "; ".join(parts)


def _comment_subject(comment):
    if comment.author is None:
        return _("Người dùng đã xoá tài khoản")
    kind = _("Doanh nghiệp, tổ chức") if comment.author_kind == "business" else _("Công dân")
    return f"{comment.author.public_name} ({kind})"


def _answers_of(summary, key, count):
    answers = [tuple(entry) for entry in summary["groups"].get(key, [])]
    return answers, count - sum(n for _d, _e, n in answers)


def _detail_comments(consultation, section_ids):
    """Comments outside campaigns of the listed articles, with their answers."""
    if not section_ids:
        return {}
    general = None in section_ids
    ids = [s for s in section_ids if s is not None]
    where = Comment.section_id.in_(ids)
    if general:
        where = where | Comment.section_id.is_(None)
    rows = db.session.execute(
        select(Comment, Answer).outerjoin(Answer, Answer.comment_id == Comment.id)
        .outerjoin(Assignment, Assignment.comment_id == Comment.id)
        .where(*covered(consultation.id), where, Assignment.campaign.is_(None))
        .options(joinedload(Comment.author)).order_by(Comment.id)).all()
    grouped = {}
    for comment, answer in rows:
        grouped.setdefault(comment.section_id, []).append((comment, answer))
    return grouped


def build_rows(consultation, result, summary, with_ids=False):
    """The official table's rows in document order."""
    labels = _section_labels(consultation)
    names = _business_names(result)
    detail_max = current_app.config["CONSULT_DOSSIER_DETAIL_MAX"]
    by_section = {entry["section_id"]: entry for entry in result["statistics"]["by_section"]}
    campaigns_of, themes_of = {}, {}
    for campaign in result["campaigns"]:
        campaigns_of.setdefault(campaign["sections"][0][0], []).append(campaign)
    for theme in result["themes"]:
        themes_of.setdefault(theme["section_id"], []).append(theme)
    order = sorted(by_section, key=lambda s: labels.get(s, ("", "", 10 ** 9, None))[2])
    detail = [s for s in order
              if by_section[s]["comments"] - by_section[s]["campaign_comments"] <= detail_max]
    comments = _detail_comments(consultation, detail)
    ids_of = _group_ids(consultation) if with_ids else {}
    rows = []

    def add(section_id, **values):
        label, title, _position, anchor = labels.get(section_id, (_("Điều khác"), "", 0, None))
        rows.append(Row(number=len(rows) + 1, section_id=section_id, section_label=label,
                        section_title=title, section_anchor=anchor, **values))

    for section_id in order:
        for campaign in campaigns_of.get(section_id, []):
            others = [labels[s][0] for s, _n in campaign["sections"][1:] if s in labels]
            heading = _("Nhóm %(n)s ý kiến có nội dung giống nhau", n=number(
                campaign["comments"]))
            if others:
                heading += " " + _("(gửi cả ở %(where)s)", where=", ".join(others[:5]))
            answers, unanswered = _answers_of(summary, f"c{campaign['number']}",
                                              campaign["comments"])
            add(section_id, kind="campaign", group_number=campaign["number"],
                subjects=_group_subjects(campaign, names), heading=heading,
                quotes=[(campaign["representative_id"], shorten(campaign["text"]))],
                count=campaign["comments"], answers=answers, unanswered=unanswered,
                comment_ids=ids_of.get(f"c{campaign['number']}", []))
        if section_id in detail:
            for comment, answer in comments.get(section_id, []):
                answers = [(answer.disposition, answer.explanation, 1)] if answer else []
                add(section_id, kind="comment", group_number=None,
                    subjects=_comment_subject(comment), heading="",
                    quotes=[(comment.id, shorten(comment.body))], count=1, answers=answers,
                    unanswered=0 if answer else 1, comment_ids=[comment.id])
            continue
        for theme in themes_of.get(section_id, []):
            answers, unanswered = _answers_of(summary, f"t{theme['number']}", theme["comments"])
            add(section_id, kind="theme", group_number=theme["number"],
                subjects=_group_subjects(theme, names),
                heading=_("Nhóm %(n)s ý kiến cùng vấn đề", n=number(theme["comments"])),
                quotes=[(q["id"], shorten(q["text"], 600)) for q in theme["representatives"]],
                count=theme["comments"], answers=answers, unanswered=unanswered,
                key_phrases=theme["key_phrases"],
                comment_ids=ids_of.get(f"t{theme['number']}", []))
    return rows


def _group_ids(consultation):
    ids = {}
    rows = db.session.execute(
        select(Assignment.campaign, Assignment.theme, Assignment.comment_id)
        .where(Assignment.consultation_id == consultation.id).order_by(Assignment.comment_id))
    for campaign, theme, comment_id in rows:
        ids.setdefault(f"c{campaign}" if campaign else f"t{theme}", []).append(comment_id)
    return ids


# ---- everything a page or an export shows ---------------------------------------------------

@dataclass
class Dossier:
    consultation: object
    analysis: object
    result: dict | None
    summary: dict | None
    rows: list

    @property
    def statistics(self):
        return self.result["statistics"] if self.result else None

    @property
    def total(self):
        return self.statistics["comments"] if self.result else 0

    @property
    def answered(self):
        return self.summary["answered"] if self.summary else 0


def load_dossier(consultation, with_rows=True, with_ids=False):
    """The cached analysis with the current answers; ``result`` is None before any
    analysis.

    The parsed result and the table's rows are kept in the page cache under the analysis
    run and the answers summary's time (a new analysis or a changed answer makes a new key),
    so a million-comment dossier is parsed and laid out once, not on every request.
    """
    analysis = get_analysis(consultation.id)
    if analysis is None or not analysis.result:
        return Dossier(consultation, analysis, None, None, [])
    summary = answers_summary(consultation, analysis)

    def build():
        result = load_result(analysis)
        return result, build_rows(consultation, result, summary, with_ids) if with_rows else []

    key = (f"dossier:{analysis.id}:{_stamp(analysis.finished_at)}:"
           f"{_stamp(analysis.answers_summary_at)}:{get_locale()}:{with_rows:d}{with_ids:d}")
    result, rows = pagecache.remembered(
        key, build, timeout=current_app.config["CONSULT_DOSSIER_CACHE_SECONDS"])
    return Dossier(consultation, analysis, result, summary, rows)


def _stamp(moment):
    return moment.isoformat() if moment else "-"


def page_of(rows, number, per_page):
    """(the rows of page ``number``, that page's number, the number of pages); a number out
    of range gives the nearest page."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(number or 1, 1), pages)
    return rows[(number - 1) * per_page:number * per_page], number, pages


def wordings_beside_text(consultation, result):
    """[(article, [wording entries], number proposed)] for the articles that received
    proposed wordings."""
    version = consultation.current_version
    totals = {e["section_id"]: e["wordings"] for e in result["statistics"]["by_section"]}
    out = []
    for article in (version.articles() if version else []):
        entries = result["wordings"].get(section_key(article.id))
        if entries:
            out.append((article, entries, totals.get(article.id, 0)))
    return out


def _period(consultation):
    from consult.core.templating import local_datetime

    return local_datetime(consultation.opens_at, "dd/MM/yyyy"), local_datetime(
        consultation.closes_at, "dd/MM/yyyy")


def introduction(dossier):
    """The introduction's paragraphs: the period and what came in, what was done with it."""
    consultation = dossier.consultation
    opens, closes = _period(consultation)
    lines = [_("Dự thảo được đăng trên Cổng để lấy ý kiến từ ngày %(opens)s đến ngày "
               "%(closes)s.", opens=opens, closes=closes)]
    stats = dossier.statistics
    if not stats or not stats["comments"]:
        lines.append(_("Trong thời gian lấy ý kiến, không có ý kiến góp ý nào."))
        return lines
    kinds = stats["by_kind"]
    lines.append(_("Cổng nhận được %(n)s ý kiến góp ý của %(people)s người góp ý "
                   "(%(citizens)s ý kiến của công dân, %(businesses)s ý kiến của doanh nghiệp, "
                   "tổ chức).", n=number(stats["comments"]), people=number(stats["commenters"]),
                   citizens=number(kinds["citizen"]), businesses=number(kinds["business"])))
    stances = stats["by_stance"]
    lines.append(_("Về quan điểm: %(agree)s ý kiến đồng ý, %(disagree)s không đồng ý, "
                   "%(amend)s đề xuất sửa đổi, %(other)s ý kiến khác.",
                   agree=number(stances["agree"]), disagree=number(stances["disagree"]),
                   amend=number(stances["amend"]), other=number(stances["other"])))
    campaigns = dossier.result["campaigns"]
    if campaigns:
        lines.append(_("Trong đó có %(groups)s nhóm ý kiến có nội dung giống hoặc gần giống "
                       "nhau, gồm %(n)s ý kiến; mỗi nhóm được tổng hợp thành một dòng của bảng "
                       "dưới đây kèm số ý kiến.", groups=number(len(campaigns)),
                       n=number(stats["campaign_comments"])))
    labels = _section_labels(consultation)
    busiest = sorted((e for e in stats["by_section"] if e["section_id"] is not None),
                     key=lambda e: -e["comments"])[:3]
    if busiest:
        lines.append(_("Ý kiến tập trung nhiều nhất vào: %(list)s.", list="; ".join(
            f"{labels.get(e['section_id'], ('?',))[0]} ({number(e['comments'])})"
            for e in busiest)))
    totals = dossier.summary["totals"]
    unanswered = stats["comments"] - dossier.answered
    text = _("Cơ quan soạn thảo đã tiếp thu %(accepted)s ý kiến, tiếp thu một phần "
             "%(partly)s, giải trình %(explained)s, ghi nhận %(noted)s.",
             accepted=number(totals.get("accepted", 0)), partly=number(totals.get("partly", 0)),
             explained=number(totals.get("explained", 0)), noted=number(totals.get("noted", 0)))
    if unanswered > 0:
        text += " " + _("Còn %(n)s ý kiến chưa được trả lời.", n=number(unanswered))
    lines.append(text)
    return lines


def table_headings():
    return (_("STT"), _("Điều, khoản (nhóm vấn đề)"), _("Chủ thể góp ý"), _("Nội dung góp ý"),
            _("Nội dung tiếp thu, giải trình"))


def row_content(row):
    """The "Nội dung góp ý" cell as paragraphs: [(text, bold)]."""
    parts = []
    if row.heading:
        parts.append((row.heading + ":", True))
    if row.key_phrases:
        parts.append((_("Vấn đề chính: %(phrases)s.", phrases=", ".join(row.key_phrases)),
                      False))
    for comment_id, text in row.quotes:
        parts.append((f"«{text}» (#{comment_id})" if row.kind != "comment" else text, False))
    return parts


def row_answer(row):
    """The "Nội dung tiếp thu, giải trình" cell as paragraphs: [(text, bold)]."""
    parts = []
    for label, explanation, count in row.answer_lines:
        lead = f"{label}" if row.kind == "comment" else _(
            "%(label)s (%(n)s ý kiến)", label=label, n=number(count))
        parts.append((lead + (":" if explanation else ""), True))
        if explanation:
            parts.append((explanation, False))
    if row.unanswered:
        parts.append((_("Chưa trả lời") if row.kind == "comment" else _(
            "Chưa trả lời: %(n)s ý kiến", n=number(row.unanswered)), True))
    return parts


def title_lines(consultation):
    opens, closes = _period(consultation)
    return (_("BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý"),
            _("đối với %(title)s", title=consultation.title),
            _("(ý kiến góp ý trên Cổng góp ý dự thảo văn bản từ ngày %(opens)s đến ngày "
              "%(closes)s)", opens=opens, closes=closes))
