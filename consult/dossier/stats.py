"""Counts of the comments: by stakeholder kind, stance, province, day and article."""

from datetime import date, timedelta

import numpy as np

from consult.dossier.corpus import KINDS, STANCE_CODES

_EPOCH = date(1970, 1, 1)


def section_key(section_id):
    """The JSON key of an article's entries; "general" for comments on the whole draft."""
    return "general" if section_id is None else str(section_id)


def _counts(codes, labels):
    """{label: count} for small integer codes (-1 counted as "none")."""
    values = np.bincount(codes[codes >= 0].astype(np.int64), minlength=len(labels))
    counts = {label: int(values[i]) for i, label in enumerate(labels)}
    counts["none"] = int((codes < 0).sum())
    return counts


def statistics(corpus, campaign_of_comment):
    """Everything the dossier counts, as plain JSON-ready values."""
    n = corpus.size
    kinds = _counts(corpus.kind_of, KINDS)
    kinds.pop("none")
    provinces = _counts(corpus.province_of, corpus.provinces)
    unknown = provinces.pop("none")
    by_province = sorted(provinces.items(), key=lambda item: (-item[1], item[0]))
    if unknown:
        by_province.append(["", unknown])
    by_day = []
    if n:
        first, last = int(corpus.day_of.min()), int(corpus.day_of.max())
        per_day = np.bincount(corpus.day_of - first, minlength=last - first + 1)
        by_day = [[(_EPOCH + timedelta(days=first + i)).isoformat(), int(c)]
                  for i, c in enumerate(per_day)]
    in_campaign = campaign_of_comment > 0
    sections = len(corpus.section_ids)
    per_section = np.bincount(corpus.section_of, minlength=sections)
    campaign_per_section = np.bincount(corpus.section_of[in_campaign], minlength=sections)
    wordings = np.zeros(sections, np.int64)
    for (section, _key), entry in corpus.wordings.items():
        wordings[section] += entry[0]
    authors = corpus.author_of[corpus.author_of > 0]
    return {
        "comments": n,
        "commenters": int(len(np.unique(authors))),
        "distinct_texts": int(len(corpus.copies)),
        "campaign_comments": int(in_campaign.sum()),
        "by_kind": kinds,
        "by_stance": _counts(corpus.stance_of, STANCE_CODES),
        "by_province": [list(item) for item in by_province],
        "by_day": by_day,
        "by_section": [
            {"section_id": corpus.section_ids[s], "comments": int(per_section[s]),
             "campaign_comments": int(campaign_per_section[s]), "wordings": int(wordings[s])}
            for s in range(sections)],
    }


def wordings_by_section(corpus, limit=10):
    """The proposed wordings of each article, most proposed first: {section id: [...]}."""
    grouped = {}
    for (section, _key), (count, text, comment_id) in corpus.wordings.items():
        grouped.setdefault(section, []).append({"text": text, "count": count,
                                                "comment_id": comment_id})
    return {section_key(corpus.section_ids[section]): sorted(
                items, key=lambda w: (-w["count"], w["comment_id"]))[:limit]
            for section, items in grouped.items()}
