"""The analysis of a consultation's comments, computed from the database and cached.

``analyse_consultation`` is a job, like rebuilding the search index: it reads every
covered comment once, finds the campaigns and the themes, and replaces the cached result
(``Analysis.result``, JSON) and the per-comment assignments in one transaction. While it
runs, its progress is written through a separate connection so that a page (or another
process) can show it. It owns its transactions: call it from a CLI command, a background
thread or a view, not from inside another service.
"""

import json
import logging
import time
from collections import Counter

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from threadpoolctl import threadpool_limits

from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.memory import release_free_memory
from consult.dossier import campaigns, corpus, keyphrases, stats, themes
from consult.dossier.models import (
    ANALYSIS_FAILED,
    ANALYSIS_READY,
    ANALYSIS_RUNNING,
    Analysis,
    Assignment,
    DossierEvent,
)
from consult.extensions import db

log = logging.getLogger("consult.dossier")
FORMAT = 1
# (stage, share of the run it starts at)
STAGES = {"collect": 0.0, "campaigns": 0.5, "themes": 0.56, "phrases": 0.8, "save": 0.93}


def get_analysis(consultation_id):
    return db.session.scalar(select(Analysis).where(Analysis.consultation_id == consultation_id))


def run_is_alive(analysis, now=None):
    """True while a run reports progress (a run silent for too long was interrupted)."""
    if analysis is None or analysis.state != ANALYSIS_RUNNING or analysis.heartbeat_at is None:
        return False
    timeout = current_app.config["CONSULT_DOSSIER_RUN_TIMEOUT"]
    return ((now or utcnow()) - analysis.heartbeat_at).total_seconds() < timeout


def load_result(analysis):
    return json.loads(analysis.result) if analysis is not None and analysis.result else None


class _Progress:
    """Writes a run's progress at most once a second, through its own connection."""

    def __init__(self, analysis_id, callback=None):
        self.analysis_id = analysis_id
        self.callback = callback
        self.last = 0.0

    def __call__(self, stage, fraction=0.0):
        stages = list(STAGES)
        start = STAGES[stage]
        following = stages.index(stage) + 1
        end = STAGES[stages[following]] if following < len(stages) else 1.0
        value = start + (end - start) * min(max(fraction, 0.0), 1.0)
        if self.callback:
            self.callback(stage, value)
        now = time.monotonic()
        if now - self.last < 1.0 and fraction not in (0.0, 1.0):
            return
        self.last = now
        with db.engine.begin() as connection:
            connection.execute(update(Analysis.__table__)
                               .where(Analysis.__table__.c.id == self.analysis_id)
                               .values(progress=value, stage=stage, heartbeat_at=utcnow()))


def start_analysis(consultation):
    """Mark the consultation's analysis as running (refused while another run is alive);
    commits, so that other processes see it."""
    analysis = get_analysis(consultation.id)
    if run_is_alive(analysis):
        raise ServiceError(_("Một lượt phân tích đang chạy; vui lòng chờ nó kết thúc."))
    now = utcnow()
    if analysis is None:
        analysis = Analysis(consultation_id=consultation.id)
        db.session.add(analysis)
    analysis.state = ANALYSIS_RUNNING
    analysis.progress = 0.0
    analysis.stage = "collect"
    analysis.started_at = analysis.heartbeat_at = now
    analysis.error = None
    db.session.commit()
    return analysis


def analyse_consultation(consultation, user=None, progress=None):
    """Rebuild the cached analysis of ``consultation``; returns the Analysis.

    ``progress(stage, fraction_of_run)`` is called as the run advances (the CLI's bar).
    """
    analysis = start_analysis(consultation)
    return run_started(consultation, analysis, user, progress)


def run_started(consultation, analysis, user=None, progress=None):
    """Run an analysis already marked as started (``start_analysis``)."""
    report = _Progress(analysis.id, progress)
    started = time.perf_counter()
    source_at = analysis.started_at
    try:
        with threadpool_limits(limits=1):
            result, campaign_of, theme_of, ids = compute(consultation, report)
        report("save")
        db.session.commit()  # end the read transaction before writing
        _save(consultation, analysis, result, campaign_of, theme_of, ids)
        analysis.state = ANALYSIS_READY
        analysis.progress = 1.0
        analysis.stage = "done"
        analysis.source_at = source_at
        analysis.finished_at = utcnow()
        analysis.seconds = time.perf_counter() - started
        analysis.comment_count = result["statistics"]["comments"]
        db.session.add(DossierEvent(consultation_id=consultation.id, action="analysed",
                                    user=user, details=f"{analysis.comment_count} comments, "
                                    f"{analysis.seconds:.1f} s"))
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("dossier analysis of consultation %s failed", consultation.id)
        db.session.execute(update(Analysis).where(Analysis.id == analysis.id).values(
            state=ANALYSIS_FAILED, error=str(error)[:1000]))
        db.session.commit()
        raise
    return analysis


def _save(consultation, analysis, result, campaign_of, theme_of, ids, chunk=20000):
    db.session.execute(delete(Assignment).where(Assignment.consultation_id == consultation.id))
    table = Assignment.__table__  # Core executemany: the ORM's bulk path is ~10x slower here
    for start in range(0, len(ids), chunk):
        db.session.execute(table.insert(), [
            {"comment_id": int(comment_id), "consultation_id": consultation.id,
             "campaign": int(c) or None, "theme": int(t) or None}
            for comment_id, c, t in zip(ids[start:start + chunk], campaign_of[start:start + chunk],
                                        theme_of[start:start + chunk], strict=True)])
    analysis.result = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    analysis.answers_summary = None


def _sections_order(consultation):
    """{section id: order}: general comments (None) first, then the current version's
    articles, then those of earlier versions."""
    current = consultation.current_version
    order = {None: 0}
    for version in consultation.versions:
        for section in version.articles():
            order[section.id] = section.position + 100_000 * (version is not current)
    return order


def compute(consultation, report):
    """The analysis result and the per-comment campaign and theme numbers."""
    config = current_app.config
    timings = {}
    clock = time.perf_counter()
    total = corpus.count_covered(consultation.id)
    data = corpus.collect(consultation.id, config["CONSULT_DISPLAY_TIMEZONE"], total=total,
                          progress=lambda done, n: report("collect", done / max(n, 1)))
    timings["collect"] = time.perf_counter() - clock
    report("campaigns")
    clock = time.perf_counter()
    sizes = np.diff(data.features.indptr)
    labels = campaigns.near_duplicate_labels(data.signatures, sizes,
                                             config["CONSULT_DOSSIER_DUPLICATE_THRESHOLD"])
    campaign_of_unique = campaigns.campaign_numbers(labels, data.copies,
                                                    config["CONSULT_DOSSIER_CAMPAIGN_MIN"])
    campaign_of = campaign_of_unique[data.unique_of] if data.size else np.zeros(0, np.int32)
    campaign_list = _describe_campaigns(data, campaign_of, campaign_of_unique)
    timings["campaigns"] = time.perf_counter() - clock
    report("themes")
    clock = time.perf_counter()
    theme_list, overall, theme_of, samples = _find_themes(data, campaign_of,
                                                          _sections_order(consultation), report)
    timings["themes"] = time.perf_counter() - clock
    report("phrases")
    clock = time.perf_counter()
    _add_phrases_and_quotes(theme_list, overall, campaign_list, samples, report)
    timings["phrases"] = time.perf_counter() - clock
    result = {
        "format": FORMAT,
        "generated_at": utcnow().isoformat() + "Z",
        "statistics": stats.statistics(data, campaign_of),
        "campaigns": campaign_list,
        "themes": theme_list,
        "overall_themes": overall,
        "wordings": stats.wordings_by_section(data),
        "timings": {name: round(value, 2) for name, value in timings.items()},
    }
    return result, campaign_of, theme_of, data.comment_ids


def _group_facts(data, members):
    """Kinds, stances, articles and a few business authors of some comments."""
    kinds = np.bincount(data.kind_of[members], minlength=len(corpus.KINDS))
    sections = np.bincount(data.section_of[members], minlength=len(data.section_ids))
    businesses = data.author_of[members][data.kind_of[members] == 1]
    business_ids = list(dict.fromkeys(int(a) for a in businesses[:200] if a))[:5]
    return {
        "kinds": {kind: int(kinds[i]) for i, kind in enumerate(corpus.KINDS)},
        "sections": [[data.section_ids[s], int(sections[s])]
                     for s in np.argsort(-sections, kind="stable") if sections[s]],
        "business_ids": business_ids,
        "first_day": int(data.day_of[members].min()),
        "last_day": int(data.day_of[members].max()),
    }


def _grouped(values, count):
    """For codes 1..count in ``values``: the indexes holding each code."""
    order = np.argsort(values, kind="stable")
    bounds = np.searchsorted(values[order], np.arange(1, count + 2))
    return [order[bounds[i]:bounds[i + 1]] for i in range(count)]


def _describe_campaigns(data, campaign_of, campaign_of_unique):
    count = int(campaign_of.max()) if data.size else 0
    described = []
    uniques_of = _grouped(campaign_of_unique, count)
    for number, members in enumerate(_grouped(campaign_of, count), start=1):
        uniques = uniques_of[number - 1]
        main = uniques[np.argmax(data.copies[uniques])]
        described.append({
            "number": number, "comments": len(members), "distinct_texts": len(uniques),
            "exact_copies": int(data.copies[main]),
            "representative_id": int(data.comment_ids[data.first_of[main]]),
            **_group_facts(data, members)})
    return described


def _find_themes(data, campaign_of, section_order, report):
    """Themes per article (outside campaigns) and overall; the theme of every comment."""
    theme_of = np.zeros(data.size, np.int32)
    free = np.nonzero(campaign_of == 0)[0]
    if not len(free):
        return [], [], theme_of, {}
    n_unique = max(len(data.copies), 1)
    keys = data.section_of[free].astype(np.int64) * n_unique + data.unique_of[free]
    pairs, pair_of, weights = np.unique(keys, return_inverse=True, return_counts=True)
    pair_section, pair_unique = pairs // n_unique, pairs % n_unique
    idf = themes.idf_weights(data.features)
    rows_of = {section: rows for section, rows in enumerate(
        _grouped(pair_section + 1, len(data.section_ids))) if len(rows)}
    order = sorted(rows_of, key=lambda s: (section_order.get(data.section_ids[s], 10 ** 9), s))
    theme_list, profile_rows, samples = [], [], {}
    pair_theme = np.zeros(len(pairs), np.int32)
    rng = np.random.default_rng(themes.SEED)
    sample_size = current_app.config["CONSULT_DOSSIER_PHRASE_SAMPLE"]
    for done, section in enumerate(order):
        rows = rows_of[section]
        vectors = themes.Vectors(data.features[pair_unique[rows]], idf)
        for cluster in themes.cluster_rows(vectors.matrix, weights[rows]):
            number = len(theme_list) + 1
            members = rows[cluster.rows]
            pair_theme[members] = number
            picked = members if len(members) <= sample_size else rng.choice(
                members, sample_size, replace=False)
            samples[number] = [int(data.comment_ids[data.first_of[u]])
                               for u in pair_unique[picked]]
            theme_list.append({
                "number": number, "section_id": data.section_ids[section],
                "comments": int(cluster.weight), "distinct_texts": len(members),
                "representative_ids": [int(data.comment_ids[data.first_of[pair_unique[rows[r]]]])
                                       for r in cluster.central]})
            profile_rows.append(vectors.profile(cluster.rows, data.features.shape[1]))
        report("themes", (done + 1) / (len(order) + 1))
        release_free_memory()  # each article's matrices are dropped: give the pages back
    theme_of[free] = pair_theme[pair_of]
    for entry, members in zip(theme_list, _grouped(theme_of, len(theme_list)), strict=True):
        entry.update(_group_facts(data, members))
    overall = _overall_themes(theme_list, profile_rows)
    return theme_list, overall, theme_of, samples


def _overall_themes(theme_list, profile_rows):
    """Themes over the whole draft: the articles' themes clustered by their mean vectors."""
    if len(theme_list) < 2:
        return []
    profile = themes.stack_profiles(profile_rows)
    weights = [entry["comments"] for entry in theme_list]
    overall = []
    for number, cluster in enumerate(themes.cluster_rows(profile, weights), start=1):
        members = [theme_list[r]["number"] for r in cluster.rows]
        central = [theme_list[r]["number"] for r in cluster.central]
        overall.append({"number": number, "comments": int(cluster.weight), "themes": members,
                        "central_themes": central,
                        "sections": list(dict.fromkeys(theme_list[r]["section_id"]
                                                       for r in cluster.rows))})
    return overall


def _add_phrases_and_quotes(theme_list, overall, campaign_list, samples, report):
    """Key phrases of every theme (from a sample of its texts) and the quoted texts."""
    wanted = [i for ids in samples.values() for i in ids]
    wanted += [i for t in theme_list for i in t["representative_ids"]]
    wanted += [c["representative_id"] for c in campaign_list]
    texts = corpus.texts_by_id(wanted)
    counters = []
    for done, entry in enumerate(theme_list):
        counters.append(keyphrases.count_phrases(texts[i] for i in samples[entry["number"]]))
        report("phrases", (done + 1) / (len(theme_list) + 1))
    for entry, phrases in zip(theme_list, keyphrases.top_phrases(counters), strict=True):
        entry["key_phrases"] = phrases
        entry["representatives"] = [{"id": i, "text": texts[i]}
                                    for i in entry.pop("representative_ids")]
    by_number = {entry["number"]: counter for entry, counter in zip(theme_list, counters,
                                                                     strict=True)}
    merged = [sum((by_number[t] for t in entry["themes"]), Counter())
              for entry in overall]
    themes_by_number = {entry["number"]: entry for entry in theme_list}
    for entry, phrases in zip(overall, keyphrases.top_phrases(merged), strict=True):
        entry["key_phrases"] = phrases
        entry["representatives"] = [themes_by_number[t]["representatives"][0]
                                    for t in entry.pop("central_themes")
                                    if themes_by_number[t]["representatives"]]
    for entry in campaign_list:
        entry["text"] = texts[entry["representative_id"]]
