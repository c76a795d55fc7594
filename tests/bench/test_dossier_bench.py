"""The dossier benchmark still runs (tiny size; the figures mean nothing here)."""

from bench import dossier


def test_dossier_benchmark_runs_at_tiny_size(capsys, tmp_path):
    assert dossier.main(["--comments", "400", "--repeats", "2", "--keep", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "analysis + DOCX" in output and "precision" in output and "p95" in output
