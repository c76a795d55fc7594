"""The analysis: campaigns found, topics separated, statistics counted, cache kept honest."""

import json

import numpy as np
import pytest
from scipy import sparse

from consult.comments.models import Comment
from consult.comments.services import withdraw_comment
from consult.core.db_setup import utcnow
from consult.dossier import campaigns, corpus
from consult.dossier.analysis import analyse_consultation, get_analysis, load_result
from consult.dossier.keyphrases import count_phrases, top_phrases
from consult.dossier.models import ANALYSIS_FAILED, Assignment
from consult.extensions import db
from tests.dossier.conftest import CAMPAIGN
from tests.factories import make_comment, make_consultation


def _features(texts):
    return corpus.vectorizer().transform([corpus.normalise(t) for t in texts])


def test_normalise_ignores_case_and_punctuation():
    assert corpus.normalise("Đề nghị: BỎ quy định!!") == corpus.normalise("đề nghị bỏ quy định")


def test_near_duplicates_join_and_different_texts_do_not():
    texts = [CAMPAIGN, f"Tôi là Trần Thị Bình, ở Nghệ An. {CAMPAIGN}",
             CAMPAIGN.replace("đề nghị", "kiến nghị"),
             "Chi phí tuân thủ của doanh nghiệp nhỏ và vừa cần được giảm bớt vì doanh thu thấp.",
             "Dữ liệu cá nhân phải được mã hoá khi lưu trữ và chỉ chia sẻ khi có sự đồng ý.", ""]
    features = _features(texts)
    signatures = campaigns.minhash_signatures(features)
    labels = campaigns.near_duplicate_labels(signatures, np.diff(features.indptr), 0.7)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4], labels[5]}) == 4


def test_signatures_estimate_jaccard():
    a = sparse.csr_matrix((np.ones(100), np.arange(100), [0, 100]), shape=(1, 2 ** 20))
    b = sparse.csr_matrix((np.ones(100), np.arange(50, 150), [0, 100]), shape=(1, 2 ** 20))
    sig = campaigns.minhash_signatures(sparse.vstack([a, b]).tocsr(), num_perm=256)
    estimate = (sig[0] == sig[1]).mean()
    assert abs(estimate - 50 / 150) < 0.1


def test_campaign_numbers_by_size_and_minimum():
    labels = np.array([0, 0, 1, 2, 2])
    copies = np.array([3, 1, 9, 1, 1])
    numbers = campaigns.campaign_numbers(labels, copies, min_size=4)
    assert numbers.tolist() == [2, 2, 1, 0, 0]


def test_key_phrases_are_distinctive_words():
    data = count_phrases(["Dữ liệu cá nhân phải được mã hoá.", "Bảo vệ dữ liệu cá nhân."])
    cost = count_phrases(["Chi phí tuân thủ quá cao.", "Giảm chi phí tuân thủ cho doanh nghiệp."])
    first, second = top_phrases([data, cost])
    assert first[0] == "dữ liệu cá nhân" and "chi phí tuân thủ" in second
    assert not {"phải", "được", "cho"} & set(first + second)


def test_analysis_finds_the_campaign_and_separates_topics(closed):
    consultation = closed["consultation"]
    analysis = analyse_consultation(consultation)
    result = load_result(analysis)
    stats = result["statistics"]
    assert stats["comments"] == 38 and stats["commenters"] == 38
    assert stats["by_stance"]["amend"] == 30 and stats["by_stance"]["disagree"] == 7
    assert stats["by_kind"] == {"citizen": 30, "business": 8}
    assert [c["comments"] for c in result["campaigns"]] == [7]
    campaign = result["campaigns"][0]
    assert campaign["exact_copies"] == 6 and campaign["distinct_texts"] == 2
    assert campaign["text"] == CAMPAIGN
    assigned = dict(db.session.execute(db.select(Assignment.comment_id, Assignment.campaign)).all())
    assert {assigned[c.id] for c in closed["campaign"]} == {1}
    article_themes = [t for t in result["themes"]
                      if t["section_id"] == closed["comments"][0].section_id]
    assert len(article_themes) == 2 and sorted(t["comments"] for t in article_themes) == [15, 15]
    theme_of = dict(db.session.execute(db.select(Assignment.comment_id, Assignment.theme)).all())
    data_themes = {theme_of[c.id] for c in closed["comments"][0::2]}
    cost_themes = {theme_of[c.id] for c in closed["comments"][1::2]}
    assert len(data_themes) == 1 and len(cost_themes) == 1 and data_themes != cost_themes
    for theme in article_themes:
        assert len(theme["representatives"]) == 3 and theme["key_phrases"]
        bodies = {c.body for c in closed["comments"]}
        assert all(r["text"] in bodies for r in theme["representatives"])  # extractive
    assert analysis.comment_count == 38 and not analysis.is_stale


def test_new_comment_or_status_change_makes_the_cache_stale(closed, app):
    consultation = make_consultation()
    comment = make_comment(consultation)
    db.session.commit()
    analysis = analyse_consultation(consultation)
    assert not analysis.is_stale
    make_comment(consultation, body="Một ý kiến mới sau khi phân tích.")
    db.session.commit()
    assert get_analysis(consultation.id).is_stale
    analysis = analyse_consultation(consultation)
    assert not analysis.is_stale and analysis.comment_count == 2
    withdraw_comment(comment.author, comment)
    db.session.commit()
    assert get_analysis(consultation.id).is_stale
    assert not get_analysis(closed["consultation"].id)  # another consultation: untouched


def test_a_stale_analysis_is_not_written_again_until_a_run_starts(app):
    """A surge of comments marks the analysis stale once, not once per comment (a row every
    comment would lock in turn); a comment after a run started still makes it stale."""
    consultation = make_consultation()
    make_comment(consultation)
    db.session.commit()
    analyse_consultation(consultation)
    make_comment(consultation, body="Ý kiến thứ hai sau khi phân tích.")
    db.session.commit()
    first_mark = get_analysis(consultation.id).changed_at
    make_comment(consultation, body="Ý kiến thứ ba, cùng đợt.")
    db.session.commit()
    assert get_analysis(consultation.id).changed_at == first_mark  # no second write
    analysis = get_analysis(consultation.id)
    analysis.started_at = utcnow()  # a new run began; it will take its start as its source
    db.session.commit()
    make_comment(consultation, body="Ý kiến đến khi đang phân tích.")
    db.session.commit()
    analysis = get_analysis(consultation.id)
    assert analysis.changed_at >= analysis.started_at
    analysis.source_at = analysis.started_at  # the run finishes
    assert analysis.is_stale


def test_empty_and_single_comment_consultations(app):
    empty = make_consultation()
    single = make_consultation()
    only = make_comment(single, body="Ý kiến duy nhất.")
    db.session.commit()
    result = load_result(analyse_consultation(empty))
    assert result["statistics"]["comments"] == 0 and result["campaigns"] == []
    assert result["themes"] == [] and result["statistics"]["by_day"] == []
    result = load_result(analyse_consultation(single))
    assert result["statistics"]["comments"] == 1
    assert [t["representatives"][0]["id"] for t in result["themes"]] == [only.id]


def test_replies_hidden_and_official_comments_are_not_covered(closed):
    from consult.comments.services import reply_to_comment, set_status

    consultation = closed["consultation"]
    consultation.closes_at = consultation.closes_at.replace(year=2999)
    reply_to_comment(closed["staff"], closed["general"], "Cảm ơn góp ý.")
    set_status(closed["comments"][0], "hidden")
    closed["comments"][1].is_official = True
    db.session.commit()
    assert corpus.count_covered(consultation.id) == 36


def test_a_failed_run_is_recorded(closed, monkeypatch):
    from consult.dossier import analysis as job

    def broken(*_args):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(job, "compute", broken)
    with pytest.raises(RuntimeError):
        analyse_consultation(closed["consultation"])
    analysis = get_analysis(closed["consultation"].id)
    assert analysis.state == ANALYSIS_FAILED and "hỏng" in analysis.error


def test_the_result_is_plain_json(closed):
    analysis = analyse_consultation(closed["consultation"])
    assert json.loads(analysis.result)["format"] == 1
    assert db.session.query(Assignment).count() == db.session.query(Comment).count()
