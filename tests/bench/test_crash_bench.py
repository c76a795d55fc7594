"""The crash benchmark still runs (tiny size, SQLite; the figures mean nothing here)."""

from bench import crash


def test_crash_benchmark_runs_at_tiny_size(capsys):
    assert crash.main(["--databases", "sqlite", "--comments", "100", "--workers", "1",
                       "--writers", "3", "--duration", "6", "--kill-every", "1.5",
                       "--give-up", "30", "--catch-up", "30", "--lost-responses", "0.5",
                       "--seed", "3"]) == 0
    output = capsys.readouterr().out
    assert "duplicates 0 ✓" in output and "lost 0 ✓" in output and "not indexed 0 ✓" in output
    assert "kills (SIGKILL)" in output and "lost response" in output  # retries did happen
