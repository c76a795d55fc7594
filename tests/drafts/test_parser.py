"""Tests for consult.drafts.parser on the two real laws and on small crafted drafts."""

import re
import unicodedata
from pathlib import Path

import pytest

from consult.drafts.parser import (
    DraftParseError,
    clause_choices,
    parse_draft,
    split_clauses,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _law(name):
    return parse_draft((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def an_ninh_mang():
    return _law("luat-an-ninh-mang-2018.txt")


@pytest.fixture(scope="module")
def thu_vien():
    return _law("luat-thu-vien-2019.txt")


def _kinds(document, kind):
    return [node for node in document.walk() if node.kind == kind]


def _error(text):
    with pytest.raises(DraftParseError) as info:
        parse_draft(text)
    return info.value


# --- the two real laws -------------------------------------------------------------


def test_an_ninh_mang_structure(an_ninh_mang):
    chapters = an_ninh_mang.sections
    assert [c.kind for c in chapters] == ["chuong"] * 7
    assert [c.number for c in chapters] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert all(c.title for c in chapters)
    assert chapters[1].title == (
        "BẢO VỆ AN NINH MẠNG ĐỐI VỚI HỆ THỐNG THÔNG TIN QUAN TRỌNG VỀ AN NINH QUỐC GIA"
    )
    assert chapters[6].title == "ĐIỀU KHOẢN THI HÀNH"
    assert _kinds(an_ninh_mang, "muc") == []
    articles = an_ninh_mang.articles()
    assert [a.number for a in articles] == [str(n) for n in range(1, 44)]
    assert [len(c.children) for c in chapters] == [9, 6, 7, 7, 6, 7, 1]


def test_an_ninh_mang_article_titles_and_bodies(an_ninh_mang):
    articles = {a.number: a for a in an_ninh_mang.articles()}
    assert articles["1"].title == "Phạm vi điều chỉnh"
    assert articles["29"].title == "Bảo vệ trẻ em trên không gian mạng"
    assert articles["43"].title == "Hiệu lực thi hành"
    assert articles["1"].body.startswith("Luật này quy định về hoạt động bảo vệ an ninh quốc gia")
    assert not articles["2"].body.startswith("Điều 2")
    assert articles["43"].body.splitlines()[0].startswith("1. Luật này có hiệu lực thi hành")
    assert "thông qua ngày" not in articles["43"].body


def test_thu_vien_structure(thu_vien):
    chapters = thu_vien.sections
    assert [c.number for c in chapters] == ["I", "II", "III", "IV", "V", "VI"]
    assert chapters[0].title == "NHỮNG QUY ĐỊNH CHUNG"
    assert chapters[2].title == "HOẠT ĐỘNG THƯ VIỆN"
    assert all(c.title for c in chapters)
    assert [a.number for a in thu_vien.articles()] == [str(n) for n in range(1, 53)]
    sections = _kinds(thu_vien, "muc")
    assert len(sections) == 4
    assert [(m.number, m.anchor) for m in sections] == [
        ("1", "chuong-ii-muc-1"), ("2", "chuong-ii-muc-2"),
        ("1", "chuong-iv-muc-1"), ("2", "chuong-iv-muc-2"),
    ]
    assert sections[0].title == "MẠNG LƯỚI THƯ VIỆN"
    assert sections[3].title == "TRÁCH NHIỆM CỦA CƠ QUAN, TỔ CHỨC, CÁ NHÂN CÓ LIÊN QUAN"


def test_thu_vien_nesting(thu_vien):
    chuong_ii, chuong_iii, chuong_iv = thu_vien.sections[1:4]
    assert [child.kind for child in chuong_ii.children] == ["muc", "muc"]
    muc_1, muc_2 = chuong_ii.children
    assert [a.number for a in muc_1.children] == [str(n) for n in range(9, 18)]
    assert [a.number for a in muc_2.children] == [str(n) for n in range(18, 24)]
    # A new Chương closes the open Mục: Chương III holds its articles directly.
    assert [a.number for a in chuong_iii.children] == [str(n) for n in range(24, 38)]
    assert [m.number for m in chuong_iv.children] == ["1", "2"]
    assert chuong_iv.children[1].children[-1].number == "47"


def test_labels_anchors_and_lines(thu_vien):
    nodes = list(thu_vien.walk())
    by_anchor = {node.anchor: node for node in nodes}
    assert len(by_anchor) == len(nodes)
    assert all(re.fullmatch(r"[a-z0-9-]+", anchor) for anchor in by_anchor)
    assert by_anchor["chuong-ii"].label == "Chương II"
    assert by_anchor["chuong-ii-muc-1"].label == "Mục 1"
    article = by_anchor["dieu-5"]
    assert article.label == "Điều 5"
    assert article.title == "Chính sách của Nhà nước về phát triển sự nghiệp thư viện"
    assert by_anchor["chuong-i"].line == 9
    assert by_anchor["dieu-1"].line == 11
    assert by_anchor["chuong-ii"].line == 64
    assert by_anchor["chuong-ii-muc-1"].line == 66
    # walk() is pre-order: a Chương comes right before its first child.
    assert nodes[0].anchor == "chuong-i" and nodes[1].anchor == "dieu-1"


def test_preamble_and_closing(an_ninh_mang, thu_vien):
    for document in (an_ninh_mang, thu_vien):
        assert "Căn cứ Hiến pháp" in document.preamble
        assert document.preamble.splitlines()[0].startswith("QUỐC HỘI")
        assert document.closing.startswith("Luật này được Quốc hội")
        assert "CHỦ TỊCH QUỐC HỘI" in document.closing
        assert document.closing.endswith("Nguyễn Thị Kim Ngân")
        assert "CHỦ TỊCH QUỐC HỘI" not in document.articles()[-1].body
    assert "THƯ VIỆN" in thu_vien.preamble.splitlines()


def test_terminator_is_stripped_from_last_article(thu_vien):
    body = thu_vien.articles()[-1].body
    assert "./." not in body
    assert body.endswith("theo quy định của Luật này.")


# --- clauses -----------------------------------------------------------------------


def test_split_clauses_article_5_thu_vien(thu_vien):
    clauses = split_clauses(thu_vien.articles()[4].body)
    assert [(c.kind, c.anchor) for c in clauses] == [
        ("khoan", "khoan-1"), ("khoan", "khoan-2"), ("khoan", "khoan-3"), ("khoan", "khoan-4"),
    ]
    khoan_1 = clauses[0]
    assert khoan_1.text == "Nhà nước đầu tư cho thư viện công lập các nội dung sau đây:"
    assert [c.number for c in khoan_1.children] == ["a", "b", "c", "d", "đ", "e"]
    assert [c.anchor for c in khoan_1.children] == [
        "khoan-1-diem-a", "khoan-1-diem-b", "khoan-1-diem-c",
        "khoan-1-diem-d", "khoan-1-diem-dd", "khoan-1-diem-e",
    ]
    assert khoan_1.children[4].text.startswith("Đào tạo, bồi dưỡng")
    assert len(clauses[1].children) == 4
    assert clauses[3].children == []


def test_clause_choices_labels(thu_vien):
    choices = clause_choices(thu_vien.articles()[4].body)
    assert choices[:3] == [
        ("khoan-1", "Khoản 1"),
        ("khoan-1-diem-a", "Điểm a khoản 1"),
        ("khoan-1-diem-b", "Điểm b khoản 1"),
    ]
    assert ("khoan-1-diem-dd", "Điểm đ khoản 1") in choices
    assert ("khoan-2-diem-d", "Điểm d khoản 2") in choices
    assert choices[-1] == ("khoan-4", "Khoản 4")
    assert len(choices) == 4 + 6 + 4


def test_split_clauses_text_lines(thu_vien, an_ninh_mang):
    # Lead-in text before the first khoản stays at the top level.
    definitions = split_clauses(thu_vien.articles()[2].body)
    assert definitions[0].kind == "text" and definitions[0].anchor == ""
    assert definitions[0].text.startswith("Trong Luật này")
    assert [c.number for c in definitions[1:]] == [str(n) for n in range(1, 8)]
    # A paragraph after a khoản continues that khoản.
    article_12 = split_clauses(thu_vien.articles()[11].body)
    assert [c.kind for c in article_12[0].children] == ["text"]
    assert article_12[0].children[0].text.startswith("Thư viện chuyên ngành gồm")
    # A paragraph after a điểm stays inside the khoản, between its điểm.
    khoan_5 = split_clauses(an_ninh_mang.articles()[1].body)[5]
    assert [c.kind for c in khoan_5.children] == ["diem", "diem", "diem", "text", "diem"]


def test_split_clauses_points_without_khoan():
    body = "Các trường hợp sau đây:\na) Trường hợp một;\nđ) Trường hợp hai.\nGhi chú cuối."
    clauses = split_clauses(body)
    assert [(c.kind, c.number, c.anchor) for c in clauses] == [
        ("text", "", ""), ("diem", "a", "diem-a"), ("diem", "đ", "diem-dd"), ("text", "", ""),
    ]
    assert clause_choices(body) == [("diem-a", "Điểm a"), ("diem-dd", "Điểm đ")]
    assert split_clauses("") == []


# --- input variants ----------------------------------------------------------------


SMALL = """QUỐC HỘI
LUẬT
THỬ NGHIỆM
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về thử nghiệm.
Chương II
QUY ĐỊNH CỤ THỂ
Mục 1. ĐĂNG KÝ
Điều 2. Đăng ký
1. Tổ chức đăng ký theo quy định tại Điều 1.
a) Hồ sơ đăng ký;
đ) Lệ phí.
Điều 3. Hiệu lực thi hành
Luật này có hiệu lực từ ngày 01 tháng 01 năm 2030./.
Luật này được Quốc hội thông qua ngày 01 tháng 6 năm 2029.
CHỦ TỊCH QUỐC HỘI
Nguyễn Văn A
"""


def _shape(document):
    return [(n.kind, n.number, n.title, n.body, n.line, n.anchor) for n in document.walk()]


def test_small_draft_round_trip():
    document = parse_draft(SMALL)
    assert [n.anchor for n in document.walk()] == [
        "chuong-i", "dieu-1", "chuong-ii", "chuong-ii-muc-1", "dieu-2", "dieu-3",
    ]
    assert document.articles()[1].body == (
        "1. Tổ chức đăng ký theo quy định tại Điều 1.\na) Hồ sơ đăng ký;\nđ) Lệ phí."
    )
    assert document.closing.splitlines() == [
        "Luật này được Quốc hội thông qua ngày 01 tháng 6 năm 2029.",
        "CHỦ TỊCH QUỐC HỘI", "Nguyễn Văn A",
    ]


def test_nfd_input_gives_same_result_as_nfc(thu_vien):
    text = (DATA / "luat-thu-vien-2019.txt").read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    document = parse_draft(nfd)
    assert _shape(document) == _shape(thu_vien)
    assert document.preamble == thu_vien.preamble and document.closing == thu_vien.closing
    assert _shape(parse_draft(unicodedata.normalize("NFD", SMALL))) == _shape(parse_draft(SMALL))


def test_crlf_input():
    assert _shape(parse_draft(SMALL.replace("\n", "\r\n"))) == _shape(parse_draft(SMALL))


def test_markdown_decorated_input():
    text = (
        "# LUẬT THỬ NGHIỆM\n\n"
        "## Chương I\n\n"
        "## NHỮNG QUY ĐỊNH CHUNG\n\n"
        "### Điều 1. Phạm vi điều chỉnh\n\n"
        "Luật này quy định về thử nghiệm.\n\n"
        "---\n\n"
        "## **Chương II. QUY ĐỊNH CỤ THỂ**\n\n"
        "### __Mục 1__\n"
        "### ĐĂNG KÝ\n"
        "**Điều 2.** Đăng ký\n"
        "1. Hồ sơ.\n"
    )
    document = parse_draft(text)
    assert [(n.kind, n.number, n.title, n.anchor) for n in document.walk()] == [
        ("chuong", "I", "NHỮNG QUY ĐỊNH CHUNG", "chuong-i"),
        ("dieu", "1", "Phạm vi điều chỉnh", "dieu-1"),
        ("chuong", "II", "QUY ĐỊNH CỤ THỂ", "chuong-ii"),
        ("muc", "1", "ĐĂNG KÝ", "chuong-ii-muc-1"),
        ("dieu", "2", "Đăng ký", "dieu-2"),
    ]
    assert document.articles()[0].body == "Luật này quy định về thử nghiệm."
    assert document.articles()[0].line == 7
    assert document.preamble == "# LUẬT THỬ NGHIỆM"
    assert document.closing == ""


def test_same_line_titles_phan_and_tieu_muc():
    text = (
        "Phần thứ nhất. QUY ĐỊNH CHUNG\n"
        "Chương I: Phạm vi\n"
        "Điều 1. Một\n"
        "Chương II - Đối tượng\n"
        "Mục 1. Cá nhân\n"
        "Tiểu mục 1. Công dân\n"
        "Điều 2. Hai\n"
        "Tiểu mục 2\n"
        "NGƯỜI NƯỚC NGOÀI\n"
        "Điều 3. Ba\n"
        "PHẦN THỨ HAI\n"
        "ĐIỀU KHOẢN THI HÀNH\n"
        "Chương III THI HÀNH\n"
        "Điều 4. Bốn\n"
        "Điều 5a. Năm a\n"
    )
    nodes = list(parse_draft(text).walk())
    assert [(n.label, n.title, n.anchor) for n in nodes] == [
        ("Phần thứ nhất", "QUY ĐỊNH CHUNG", "phan-thu-nhat"),
        ("Chương I", "Phạm vi", "chuong-i"),
        ("Điều 1", "Một", "dieu-1"),
        ("Chương II", "Đối tượng", "chuong-ii"),
        ("Mục 1", "Cá nhân", "chuong-ii-muc-1"),
        ("Tiểu mục 1", "Công dân", "chuong-ii-muc-1-tieu-muc-1"),
        ("Điều 2", "Hai", "dieu-2"),
        ("Tiểu mục 2", "NGƯỜI NƯỚC NGOÀI", "chuong-ii-muc-1-tieu-muc-2"),
        ("Điều 3", "Ba", "dieu-3"),
        ("Phần thứ hai", "ĐIỀU KHOẢN THI HÀNH", "phan-thu-hai"),
        ("Chương III", "THI HÀNH", "chuong-iii"),
        ("Điều 4", "Bốn", "dieu-4"),
        ("Điều 5a", "Năm a", "dieu-5a"),
    ]
    document = parse_draft(text)
    assert [c.kind for c in document.sections] == ["phan", "phan"]
    assert [c.anchor for c in document.sections[0].children] == ["chuong-i", "chuong-ii"]


def test_wrapped_title_and_untitled_containers():
    text = (
        "Chương I\n"
        "BẢO VỆ AN NINH MẠNG ĐỐI VỚI HỆ THỐNG\n"
        "THÔNG TIN QUAN TRỌNG\n"
        "Mục 1\n"
        "Điều 1. Một\n"
        "Nội dung.\n"
    )
    chapter = parse_draft(text).sections[0]
    assert chapter.title == "BẢO VỆ AN NINH MẠNG ĐỐI VỚI HỆ THỐNG THÔNG TIN QUAN TRỌNG"
    section = chapter.children[0]
    assert (section.kind, section.title, section.line) == ("muc", "", 4)
    assert [a.label for a in section.children] == ["Điều 1"]


def test_in_text_references_are_not_headings():
    text = (
        "Điều 1. Mục tiêu\n"
        "Mục tiêu của Luật này là bảo vệ quyền lợi.\n"
        "Mục đích quy định tại Điều 5 được áp dụng.\n"
        "Điều 5 của Luật này không áp dụng cho trường hợp này.\n"
        "Chương II của Luật này quy định chi tiết.\n"
        "Phần vốn góp được xác định theo quy định tại Điều 2.\n"
        "Điều 2. Áp dụng\n"
        "Theo quy định tại Điều 5 và Chương III.\n"
    )
    document = parse_draft(text)
    assert [n.anchor for n in document.walk()] == ["dieu-1", "dieu-2"]
    assert len(document.articles()[0].body.splitlines()) == 5
    assert document.articles()[0].title == "Mục tiêu"


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\r\n  "])
def test_empty_text(text):
    error = _error(text)
    assert error.message == "Văn bản trống." and error.line is None
    assert str(error) == "Văn bản trống."


def test_no_article():
    error = _error("LUẬT THỬ NGHIỆM\nChương I\nQUY ĐỊNH CHUNG\nNội dung.\n")
    assert error.message.startswith("Không tìm thấy Điều nào") and error.line is None


def test_article_number_going_backwards():
    error = _error("Điều 1. Một\nA\nĐiều 5. Năm\nB\nĐiều 3. Ba\nC\n")
    assert error.line == 5 and "3" in error.message
    assert str(error).startswith("Dòng 5: ")
    assert isinstance(error, ValueError)


def test_article_number_repeated():
    error = _error("Điều 1. Một\nĐiều 4. Bốn\nNội dung.\n\nĐiều 4. Bốn nữa\n")
    assert error.line == 5 and "4" in error.message and "lặp" in error.message


def test_chapter_without_title():
    error = _error("Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Một\nChương II\nĐiều 2. Hai\n")
    assert error.line == 4 and "Chương II" in error.message


def test_duplicate_chapter():
    error = _error("Chương I\nA\nĐiều 1. Một\nChương I\nB\nĐiều 2. Hai\n")
    assert error.line == 4 and "Chương I" in error.message


def test_control_characters():
    error = _error("Điều 1. Một\nNội dung\nCó ký tự \x00 lạ\n")
    assert error.line == 3 and "ký tự không hợp lệ" in error.message
    assert _error("Điều 1. Một\r\nA\x07\r\n").line == 2
    # Tabs and carriage returns are fine.
    assert parse_draft("Điều 1.\tMột\r\nNội dung\r").articles()[0].title == "Một"


def test_text_too_long():
    error = _error("Điều 1. Một\n" + "a" * 2_000_000)
    assert error.line is None and "quá dài" in error.message


def test_text_outside_any_article():
    error = _error("Chương I\nQUY ĐỊNH CHUNG\nĐoạn văn lạc chỗ.\nĐiều 1. Một\n")
    assert error.line == 3
