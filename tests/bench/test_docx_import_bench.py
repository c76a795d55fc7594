"""The Word import benchmark still runs (one repeat; the figures mean nothing here)."""

from bench import docx_import


def test_docx_import_benchmark_runs_at_tiny_size(capsys):
    assert docx_import.main(["--repeats", "1"]) == 0
    output = capsys.readouterr().out
    assert "43 articles" in output and "43 of 44 articles followed" in output


def test_multiplied_law_keeps_a_valid_structure():
    from consult.drafts.parser import parse_draft

    _name, text = docx_import.largest_law()
    document = parse_draft(docx_import.multiplied(text, 2))
    assert [a.number for a in document.articles()] == [str(n) for n in range(1, 87)]
    assert document.closing.startswith("Luật này được Quốc hội")
