"""What the dossier page draws: bars and a heat-map, as plain values for the templates
(SVG and HTML only, numbers always written out: no JavaScript, not colour alone)."""

import math
from datetime import date

from flask_babel import gettext as _

from consult.accounts.models import ACCOUNT_KINDS
from consult.comments.models import STANCES
from consult.core.templating import local_date
from consult.dossier.models import DISPOSITIONS
from consult.dossier.stats import section_key

HEAT_LEVELS = 5


def _bars(pairs):
    pairs = [(label, int(value)) for label, value in pairs]
    top = max([v for _label, v in pairs] + [1])
    return [{"label": label, "value": value, "width": round(100 * value / top, 1)}
            for label, value in pairs]


def heat_map(consultation, statistics):
    """Every article with its number of comments and a heat level 0…5 (log scale)."""
    counts = {entry["section_id"]: entry["comments"] for entry in statistics["by_section"]}
    version = consultation.current_version
    articles = version.articles() if version else []
    top = max([counts.get(a.id, 0) for a in articles] + [1])
    cells = []
    for article in articles:
        n = counts.get(article.id, 0)
        level = 0 if not n else 1 + int((HEAT_LEVELS - 1) * math.log1p(n) / math.log1p(top))
        cells.append({"article": article, "count": n, "level": min(level, HEAT_LEVELS),
                      "key": section_key(article.id)})
    return cells


def day_columns(by_day, height=60):
    """Columns for the comments-per-day chart: x, bar height, label."""
    top = max([n for _day, n in by_day] + [1])
    return [{"x": i, "height": round(height * n / top, 2), "value": n,
             "label": _day_text(day)} for i, (day, n) in enumerate(by_day)]


def _day_text(iso_day):
    return local_date(date.fromisoformat(iso_day))


def page_charts(consultation, dossier):
    statistics = dossier.statistics
    kinds = statistics["by_kind"]
    stances = statistics["by_stance"]
    answered = dossier.summary["totals"]
    unanswered = statistics["comments"] - dossier.answered
    provinces = [(name or _("Không rõ"), n) for name, n in statistics["by_province"][:10]]
    return {
        "kinds": _bars([(ACCOUNT_KINDS[k], kinds.get(k, 0)) for k in ("citizen", "business")]),
        "stances": _bars([(STANCES[k], stances.get(k, 0)) for k in STANCES]),
        "provinces": _bars(provinces),
        "answers": _bars([(label, answered.get(code, 0)) for code, label in DISPOSITIONS.items()]
                         + [(_("Chưa trả lời"), max(unanswered, 0))]),
        "days": day_columns(statistics["by_day"]),
        "heat": heat_map(consultation, statistics),
    }
