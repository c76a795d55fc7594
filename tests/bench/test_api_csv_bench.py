"""The CSV download benchmark still runs (tiny size; the figures mean nothing here)."""

from bench import api_csv


def test_api_csv_benchmark_runs_at_tiny_size(capsys):
    assert api_csv.main(["--comments", "300"]) == 0
    output = capsys.readouterr().out
    assert "294 published rows of 300 comments" in output and "rows/s" in output
