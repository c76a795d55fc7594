"""The search-mix benchmark still runs against a built index (tiny; figures mean nothing)."""

from bench import search_mix
from consult.extensions import db
from consult.search import indexer
from tests.factories import article, make_comment, make_consultation, make_user


def test_it_reports_the_cache_and_the_warm_searches(app, capsys):
    consultation = make_consultation()
    for n, body in enumerate(["An ninh mạng quốc gia", "Dữ liệu cá nhân phải được bảo vệ",
                              "Thư viện số cho trẻ em", "Trách nhiệm doanh nghiệp"] * 3):
        make_comment(consultation, section=article(consultation, 1), author=make_user(),
                     body=f"{body} {n}")
    db.session.commit()
    indexer.drain_all()
    assert search_mix.main(["--instance", app.config["CONSULT_INSTANCE_PATH"],
                            "--searches", "20", "--budget", "1"]) == 0
    output = capsys.readouterr().out
    assert "20 searches, cache budget 1 MiB" in output and "union" in output
    figures = search_mix.run(app.config["CONSULT_INSTANCE_PATH"], 10, budget=1)
    assert 0 < figures["used_mib"] <= 1 and figures["warm_p95_ms"] >= figures["warm_p50_ms"]


def _exit_code(argv):
    try:
        search_mix.main(argv)
    except SystemExit as exit_:
        return exit_.code
    raise AssertionError("no exit")


def test_bad_arguments_exit_2_with_a_reason(tmp_path, capsys):
    assert _exit_code(["--instance", str(tmp_path)]) == 2
    assert "no search index" in capsys.readouterr().err
    (tmp_path / "search").mkdir()
    assert _exit_code(["--instance", str(tmp_path), "--searches", "1"]) == 2
    assert "at least 2" in capsys.readouterr().err
