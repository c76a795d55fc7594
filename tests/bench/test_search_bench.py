"""The search benchmark still runs (tiny size; the figures mean nothing here)."""

from bench import search


def test_search_benchmark_runs_at_tiny_size(capsys):
    assert search.main(["--comments", "300", "--repeats", "1", "--samples", "2",
                        "--procs", "1", "--verbose"]) == 0
    output = capsys.readouterr().out
    assert "docs/s" in output and "FTS5" in output and "commit → searchable" in output
    assert output.count("\n") > 50  # every one of the 50 queries is listed


def test_both_engines_count_the_same_matches():
    """The yardstick is only fair if FTS5 and the search module answer the same queries."""
    report = search.run(400, 3, repeats=1, samples=1, scoped=False, procs=1)
    same = sum(1 for *_rest, whoosh_total, fts_total in report["per_query"]
               if whoosh_total == fts_total)
    assert same >= 45, report["per_query"]
