import unicodedata

from consult.core.text import fold, normalize_line, normalize_text, slugify


def test_normalize_text_turns_nfd_into_nfc():
    nfd = unicodedata.normalize("NFD", "quyền riêng tư")
    assert nfd != "quyền riêng tư"
    assert normalize_text(nfd) == "quyền riêng tư"


def test_normalize_text_trims_and_removes_control_characters():
    assert normalize_text("  a\x00b\r\nc\t\t d  \n\n\n\nend ") == "ab\nc d\n\nend"


def test_normalize_line_collapses_whitespace():
    assert normalize_line("  Bộ   Công\nan ") == "Bộ Công an"


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("ĐIỆN TỬ") == "dien tu"
    assert fold("Đường đi") == "duong di"


def test_slugify_vietnamese_title():
    assert slugify("Dự thảo Luật An ninh mạng") == "du-thao-luat-an-ninh-mang"
    assert slugify("!!!") == "van-ban"
