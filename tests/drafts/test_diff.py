"""Word-level differences between versions."""

from types import SimpleNamespace

from consult.drafts.diff import article_changes, diff_lines, diff_words, tokenize


def test_tokens_are_vietnamese_words_punctuation_and_spaces():
    assert tokenize("Điều 5. Quyền của người dân;\n") == [
        "Điều", " ", "5", ".", " ", "Quyền", " ", "của", " ", "người", " ", "dân", ";", "\n"]
    assert "".join(tokenize("a  b\n c")) == "a  b\n c"


def test_inserted_and_deleted_words():
    ops = diff_words("Cơ quan nhà nước có thẩm quyền cấp giấy phép.",
                     "Cơ quan quản lý nhà nước có thẩm quyền cấp và thu hồi giấy phép.")
    assert ops == [("equal", "Cơ quan"), ("insert", " quản lý"),
                   ("equal", " nhà nước có thẩm quyền cấp "), ("insert", "và thu hồi "),
                   ("equal", "giấy phép.")]
    assert diff_words("Một", "Một") == [("equal", "Một")]
    assert diff_words("", "Mới") == [("insert", "Mới")]
    assert diff_words("Cũ", "") == [("delete", "Cũ")]


def test_replaced_phrase_reads_as_one_deletion_then_one_insertion():
    assert diff_words("thời hạn 12 tháng kể từ", "thời hạn 24 tuần kể từ") == [
        ("equal", "thời hạn "), ("delete", "12 tháng"), ("insert", "24 tuần"),
        ("equal", " kể từ")]


def test_emphasis_marks_are_not_differences():
    assert diff_words("**Dữ liệu** là *thông tin*", "Dữ liệu là thông tin") == [
        ("equal", "Dữ liệu là thông tin")]


def test_lines_are_kept():
    lines = diff_lines("1. Một.\n2. Hai.", "1. Một.\n2. Hai sửa.\n3. Ba.")
    assert lines == [[("equal", "1. Một.")], [("equal", "2. Hai"), ("insert", " sửa"),
                                               ("equal", ".")], [("insert", "3. Ba.")]]


def _article(number, title, body="", anchor=None):
    return SimpleNamespace(number=number, title=title, body=body,
                           anchor=anchor or f"dieu-{number}", label=f"Điều {number}")


def test_article_changes_in_reading_order():
    old = [_article("1", "Một"), _article("2", "Hai"), _article("3", "Ba"), _article("4", "Bốn")]
    new = [_article("1", "Một"), _article("2", "Mới"), _article("3", "Ba"),
           _article("4", "Bốn sửa")]
    # old 2 removed, new 2 added, old 3 -> new 3, old 4 -> new 4 (changed)
    changes = article_changes(old, new, {0: 0, 2: 2, 3: 3})
    assert [(c.status, c.old and c.old.number, c.new and c.new.number) for c in changes] == [
        ("unchanged", "1", "1"), ("added", None, "2"), ("removed", "2", None),
        ("unchanged", "3", "3"), ("changed", "4", "4")]
    renumbered = article_changes(old[:2], [_article("1", "Một"), _article("3", "Hai")],
                                 {0: 0, 1: 1})
    assert renumbered[1].renumbered and renumbered[1].status == "unchanged"
    assert renumbered[1].anchor == "thay-doi-dieu-3"
    tail = article_changes(old, old[:2], {0: 0, 1: 1})
    assert [c.status for c in tail] == ["unchanged", "unchanged", "removed", "removed"]


def test_unchanged_lines_far_from_a_change_are_grouped():
    from consult.drafts.diff import article_change

    body = "\n".join(f"{n}. Dòng số {n}." for n in range(1, 8))
    change = article_change(_article("5", "Năm", body), _article("5", "Năm", body.replace(
        "4. Dòng số 4.", "4. Dòng số bốn.")))
    assert [(kind, len(lines)) for kind, lines in change.body_blocks()] == [
        ("same", 2), ("shown", 3), ("same", 2)]
    added = article_change(None, _article("6", "Sáu", body))
    assert [(kind, len(lines)) for kind, lines in added.body_blocks()] == [("shown", 7)]
    unchanged = article_change(_article("5", "Năm", body), _article("6", "Năm", body))
    assert [kind for kind, _lines in unchanged.body_blocks()] == ["shown"]
