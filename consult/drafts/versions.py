"""New versions of a published draft, and how their sections continue the previous ones.

Each Section of version n+1 points to the section of version n it continues
(``Section.previous_section_id``), found by :func:`match_sections` when the version is
published and never changed afterwards. Comments stay on the section they were written on;
following the chain back gives the comments on earlier versions of an article, and
composing it gives the matching between any two versions (:func:`matching_between`).
See docs/versions.md for the matching rules and what they do on a renumbering.
"""

import re
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.outbox import enqueue
from consult.core.text import normalize_text
from consult.drafts.diff import article_changes
from consult.drafts.models import (
    PHASE_CONCLUDED,
    PHASE_DRAFT,
    STATUS_CLOSED,
    STATUS_OPEN,
    DraftVersion,
    Section,
)
from consult.drafts.services import _add_version, _parse_or_explain
from consult.drafts.signals import version_published
from consult.extensions import db

MAX_NOTE = 5000
#: two articles are the same article rewritten when their word-pair overlap reaches this
SIMILARITY_THRESHOLD = 0.5
#: a same-numbered pair this similar is accepted before the all-pairs search
SAME_NUMBER_THRESHOLD = 0.8

_WORD = re.compile(r"\w+")


# ---- matching ------------------------------------------------------------------------------

def _words(section):
    return _WORD.findall(f"{section.title}\n{section.body}".lower())


def _shingles(section):
    words = _words(section)
    return set(zip(words, words[1:], strict=False)) or {(w,) for w in words}


def similarity(a, b):
    """Dice coefficient of the two sections' word pairs (title and body), 0 … 1."""
    return _dice(_shingles(a), _shingles(b))


def _key(section):
    return (" ".join(_WORD.findall(section.title.lower())),
            " ".join(_WORD.findall(section.body.lower())))


def _dice(a, b):
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _match_articles(old, new):
    """{new index: old index} for the articles (kind 'dieu') of two section lists."""
    old_ids = [i for i, s in enumerate(old) if s.kind == "dieu"]
    new_ids = [j for j, s in enumerate(new) if s.kind == "dieu"]
    result, taken = {}, set()
    # 1. the same text (title and body), wherever it moved; the same number first
    by_text = defaultdict(list)
    for i in old_ids:
        by_text[_key(old[i])].append(i)
    for j in new_ids:
        candidates = [i for i in by_text.get(_key(new[j]), []) if i not in taken]
        if candidates:
            same = [i for i in candidates if old[i].number == new[j].number]
            result[j] = (same or candidates)[0]
            taken.add(result[j])
    shingles = {("o", i): _shingles(old[i]) for i in old_ids if i not in taken}
    shingles.update({("n", j): _shingles(new[j]) for j in new_ids if j not in result})

    def score(i, j):
        return _dice(shingles[("o", i)], shingles[("n", j)])

    # 2. the same number with nearly the same text, unless a neighbour fits it better
    #    (after a renumbering, old N reads like new N+1, not like new N)
    free_old = [i for i in old_ids if i not in taken]
    free_new = [j for j in new_ids if j not in result]
    old_by_number = {old[i].number: k for k, i in enumerate(free_old)}
    for k, j in enumerate(free_new):
        m = old_by_number.get(new[j].number)
        if m is None:
            continue
        i = free_old[m]
        same = score(i, j)
        rivals = [score(free_old[x], j) for x in (m - 1, m + 1) if 0 <= x < len(free_old)]
        rivals += [score(i, free_new[y]) for y in (k - 1, k + 1) if 0 <= y < len(free_new)]
        if same >= SAME_NUMBER_THRESHOLD and all(same >= rival for rival in rivals):
            result[j] = i
            taken.add(i)
    # 3. the rest: best overlap first (like git's rename detection), above the threshold
    pairs = []
    for j in (j for j in new_ids if j not in result):
        for i in (i for i in old_ids if i not in taken):
            overlap = score(i, j)
            if overlap >= SIMILARITY_THRESHOLD:
                other_number = old[i].number != new[j].number
                pairs.append((-overlap, other_number, abs(i - j), j, i))
    for *_order, j, i in sorted(pairs):
        if j not in result and i not in taken:
            result[j] = i
            taken.add(i)
    return result


def _match_containers(old, new):
    """{new index: old index} for Phần / Chương / Mục / Tiểu mục: the same kind and title,
    else the same kind and number."""
    result, taken = {}, set()
    for key in (lambda s: (s.kind, " ".join(_WORD.findall(s.title.lower()))),
                lambda s: (s.kind, s.number)):
        free = {}
        for i, s in enumerate(old):
            if s.kind != "dieu" and i not in taken:
                free.setdefault(key(s), i)
        for j, s in enumerate(new):
            if s.kind != "dieu" and j not in result and (i := free.get(key(s))) is not None \
                    and i not in taken:
                result[j] = i
                taken.add(i)
    return result


def match_sections(old, new):
    """{index in ``new``: index in ``old``} for sections that continue one another.

    ``old`` and ``new`` are sections in document order (Section rows or parsed sections:
    anything with kind, number, title and body). Articles: the same text first (a moved
    or renumbered article), then the same number with ≥ 80 % overlap of word pairs when
    no neighbour overlaps more, then the best remaining overlaps ≥ 50 % (the same number
    wins a tie). Unmatched new articles are additions; unmatched old ones were removed.
    """
    return {**_match_containers(old, new), **_match_articles(old, new)}


# ---- publishing ----------------------------------------------------------------------------

def _same_document(version, document):
    sections = [(s.kind, s.number, s.title, s.body) for s in version.sections]
    parsed = [(s.kind, s.number, s.title, s.body) for s in document.walk()]
    return (sections == parsed and version.preamble == document.preamble
            and version.closing == document.closing)


def publish_new_version(consultation, text, note, user=None, closes_at=None, now=None):
    """Publish version n+1 of a published consultation; comments go to it from now on.

    Earlier versions keep their text and comments. ``closes_at`` (optional) sets a new
    closing time, reopening a closed consultation for a new round.
    """
    now = now or utcnow()
    phase = consultation.phase(now)
    if phase == PHASE_DRAFT:
        raise ServiceError(_("Dự thảo chưa công bố: hãy sửa trực tiếp văn bản."))
    if phase == PHASE_CONCLUDED:
        raise ServiceError(_("Đợt lấy ý kiến đã công bố kết quả, không thể đăng phiên bản mới."))
    note = normalize_text(note)
    if not note:
        raise ServiceError(_("Vui lòng nêu tóm tắt những điểm thay đổi."), field="note")
    if len(note) > MAX_NOTE:
        raise ServiceError(_("Ghi chú quá dài (tối đa %(n)d ký tự).", n=MAX_NOTE), field="note")
    if closes_at is not None and closes_at <= now:
        raise ServiceError(_("Thời điểm kết thúc mới phải ở tương lai."), field="closes_at")
    text = normalize_text(text)
    if not text:
        raise ServiceError(_("Vui lòng dán toàn văn dự thảo hoặc tải tệp lên."), field="text")
    document = _parse_or_explain(text)
    previous = consultation.current_version
    if _same_document(previous, document):
        raise ServiceError(_("Văn bản giống hệt phiên bản hiện hành; không có gì thay đổi."),
                           field="text")
    version = _add_version(consultation, text, previous.number + 1, document)
    version.note = note
    version.created_by = user
    db.session.flush()
    old_sections = list(previous.sections)
    new_sections = sorted(version.sections, key=lambda s: s.position)
    for j, i in match_sections(old_sections, new_sections).items():
        new_sections[j].previous_section_id = old_sections[i].id
    if closes_at is not None:
        consultation.closes_at = closes_at
        if consultation.status == STATUS_CLOSED:
            consultation.status, consultation.closed_at = STATUS_OPEN, None
    consultation.updated_at = now  # a new current version: Last-Modified, page stamps
    db.session.flush()
    db.session.expire(consultation, ["versions"])
    enqueue("search", "consultation", consultation.id)
    version_published.send(version)
    return version


# ---- queries -------------------------------------------------------------------------------

def find_version(consultation, number):
    return db.session.scalar(select(DraftVersion).where(
        DraftVersion.consultation_id == consultation.id, DraftVersion.number == number))


def earlier_sections(section):
    """The sections ``section`` continues, newest first (empty in version 1)."""
    chain, current = [], section.previous
    while current is not None:
        chain.append(current)
        current = current.previous
    return chain


def later_section(section):
    """The section of the next version that continues ``section`` (None if it was removed)."""
    return db.session.scalar(select(Section).where(Section.previous_section_id == section.id))


def matching_between(old_version, new_version):
    """{new section id: old section id} between any two versions of one consultation."""
    if old_version.consultation_id != new_version.consultation_id:
        raise ValueError("versions of different consultations")
    reverse = old_version.number > new_version.number
    low, high = (new_version, old_version) if reverse else (old_version, new_version)
    rows = db.session.execute(
        select(Section.id, Section.previous_section_id, DraftVersion.number)
        .join(DraftVersion, Section.version_id == DraftVersion.id)
        .where(DraftVersion.consultation_id == low.consultation_id,
               DraftVersion.number > low.number, DraftVersion.number <= high.number)).all()
    previous = {row.id: row.previous_section_id for row in rows}
    result = {}
    for row in rows:
        if row.number != high.number:
            continue
        current = row.id
        for _step in range(high.number - low.number):
            current = previous.get(current) if current in previous else None
            if current is None:
                break
        if current is not None:
            result[row.id] = current
    return {v: k for k, v in result.items()} if reverse else result


def compare_versions(old_version, new_version):
    """Every article of two stored versions with its change (consult.drafts.diff)."""
    old, new = old_version.articles(), new_version.articles()
    ids = matching_between(old_version, new_version)
    position = {article.id: i for i, article in enumerate(old)}
    matches = {j: position[ids[a.id]] for j, a in enumerate(new) if ids.get(a.id) in position}
    return article_changes(old, new, matches)


def preview_new_version(consultation, text):
    """What publishing ``text`` as the next version would change; nothing is stored.

    Returns (parsed document, article changes against the current version).
    """
    text = normalize_text(text)
    if not text:
        raise ServiceError(_("Vui lòng dán toàn văn dự thảo hoặc tải tệp lên."), field="text")
    document = _parse_or_explain(text)
    old, new = consultation.current_version.articles(), document.articles()
    return document, article_changes(old, new, _match_articles(old, new))


def current_section(section):
    """The section of the current version that continues ``section`` (None if removed)."""
    current = section
    while current is not None and not current.version.is_current:
        current = later_section(current)
    return current
