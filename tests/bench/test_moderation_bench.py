"""The moderation benchmark still runs (tiny size; the figures mean nothing here)."""

from bench import moderation


def test_moderation_benchmark_runs_at_tiny_size(capsys):
    assert moderation.main(["--screen", "200", "--comments", "300", "--flagged", "30",
                            "--pending", "20", "--repeats", "2"]) == 0
    output = capsys.readouterr().out
    assert "comments/s" in output and "flagged by reports" in output
