"""English is complete: every message in the code has an English translation."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.factories import article, make_comment, make_consultation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "consult" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")
METHODS = [("consult/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def _messages_in_code():
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, OPTIONS, KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_in_the_code_is_in_the_english_catalogue():
    catalogue = _catalogue()
    missing = sorted(m for m in _messages_in_code() if m not in catalogue)
    assert missing == [], f"run `make translations` and translate: {missing[:10]}"


def test_every_english_translation_is_filled_and_keeps_placeholders():
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert "fuzzy" not in message.flags, ids[0]
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= wanted | set(PLACEHOLDER.findall(ids[0]))


def test_pages_switch_to_english(client):
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Đăng nhập" not in page.split("<main")[1]


def test_dates_and_numbers_follow_the_language(app):
    from datetime import date, datetime

    from flask_babel import force_locale

    from consult.core.templating import local_date, local_datetime, number

    stored = datetime(2026, 12, 6, 2, 30)  # UTC; 09:30 in Hà Nội
    with app.test_request_context():
        assert local_datetime(stored) == "06/12/2026 09:30"
        assert local_datetime(stored, "date") == "06/12/2026"
        assert local_datetime(stored, "yyyy-MM-dd HH:mm") == "2026-12-06 09:30"  # exports
        assert local_date(date(2026, 12, 6)) == "06/12/2026"
        assert (number(12345), number(0.44, "0.0")) == ("12.345", "0,4")
        with force_locale("en"):
            assert local_datetime(stored) == "6 December 2026, 09:30"
            assert local_datetime(stored, "date") == "6 December 2026"
            assert local_datetime(stored, "yyyy-MM-dd HH:mm") == "2026-12-06 09:30"
            assert local_date(date(2026, 12, 6)) == "6 December 2026"
            assert (number(12345), number(0.44, "0.0")) == ("12,345", "0.4")


def test_english_pages_write_dates_in_words(client):
    from consult.extensions import db
    from tests.factories import make_consultation

    make_consultation(title="Dự thảo Luật Ngày tháng")
    db.session.commit()
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d</time>", page)


def test_vietnamese_content_keeps_its_language_on_english_pages(client):
    """Screen readers read the law and the comments with a Vietnamese voice on English pages."""
    consultation = make_consultation()
    make_comment(consultation, body="Đề nghị bổ sung quyền của chủ thể dữ liệu.",
                 section=article(consultation, 1))
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/c/{consultation.slug}/dieu-1").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert '<div class="legal-text" lang="vi">' in page
    assert '<div class="comment-body" lang="vi">' in page
    assert re.search(r'<h1 lang="vi">Điều 1\.', page)


def test_processes_starting_at_once_compile_the_catalogues_without_error(tmp_path):
    """On a fresh checkout (the .mo files are build output, not in git) every gunicorn
    worker starts by compiling them: writers of one catalogue must not take each other's
    temporary file (one of them failed with FileNotFoundError)."""
    import shutil
    import threading
    from pathlib import Path

    from consult.core.i18n import compile_catalogues

    source = Path(__file__).resolve().parents[2] / "consult" / "translations"
    errors = []
    for attempt in range(5):
        folder = tmp_path / f"translations-{attempt}"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("*.mo", "*.tmp"))

        def compile_them(folder=folder):
            try:
                compile_catalogues(folder)
            except OSError as error:
                errors.append(repr(error))

        threads = [threading.Thread(target=compile_them) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert list(folder.glob("*/LC_MESSAGES/messages.mo"))
        assert not list(folder.glob("*/LC_MESSAGES/*.tmp"))
    assert errors == []
