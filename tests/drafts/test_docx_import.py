"""The .docx import reads Word files of real laws into the same tree as the text import."""

import io
import zipfile

import docx
import pytest

from consult.drafts.docx_import import (
    OLE_MAGIC,
    DocxImportError,
    docx_to_text,
    read_draft_upload,
)
from consult.drafts.parser import parse_draft, split_clauses
from tests.drafts.docx_samples import LAWS, build_docx, law_text, with_pipe_table

VARIANTS = {
    "plain": {},
    "heading-styles": {"headings": True},
    "auto-numbering": {"numbering": "direct"},
    "numbering-by-style": {"numbering": "style", "headings": True},
    "layout-tables": {"layout_tables": True},
    "tracked-changes": {"tracked": True},
}


def tree(document, strip_marks=False):
    def body(text):
        return text.replace("**", "").replace("*", "") if strip_marks else text

    return (document.preamble, document.closing,
            [(n.kind, n.number, n.title, body(n.body), n.anchor) for n in document.walk()])


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_word_file_gives_the_text_tree(app, law, variant):
    text = law_text(law)
    data, _marked = build_docx(text, **VARIANTS[variant])
    imported = docx_to_text(data)
    assert tree(parse_draft(imported)) == tree(parse_draft(text))
    assert "nội dung đã bị xoá" not in imported  # tracked deletions are dropped


def test_numbering_really_comes_from_word(app):
    text = law_text("luat-thu-vien-2019.txt")
    data, _ = build_docx(text, numbering="direct")
    typed = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "Phạm vi điều chỉnh" in typed and not any(t.startswith("Điều 1.") for t in typed)
    imported = docx_to_text(data).splitlines()
    assert "Điều 1. Phạm vi điều chỉnh" in imported and "Chương VI" in imported
    assert any(line.startswith("7. Liên thông thư viện") for line in imported)


@pytest.mark.parametrize("law", LAWS)
def test_bold_and_italic_are_kept_as_marks(app, law):
    text = law_text(law)
    data, marked = build_docx(text, bold=True, headings=True)
    document = parse_draft(docx_to_text(data))
    assert tree(document, strip_marks=True) == tree(parse_draft(text))
    bodies = "\n".join(a.body for a in document.articles())
    assert marked and all(line in bodies for line in marked.values())
    # headings are bold throughout: layout, so no marks in titles
    assert all("*" not in node.title for node in document.walk())


def test_table_inside_an_article_stays_a_table(app):
    text = law_text("luat-thu-vien-2019.txt")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    after = lines.index(next(line for line in lines if line.startswith("Điều 10."))) + 1
    rows = [["Loại thư viện", "Cơ quan quản lý"], ["Thư viện cấp tỉnh", "Ủy ban nhân dân | tỉnh"],
            ["Thư viện cấp huyện", "Ủy ban nhân dân cấp huyện"]]
    data, _ = build_docx(text, table_after=(after, rows))
    document = parse_draft(docx_to_text(data))
    escaped = [[cell.replace("|", "\\|") for cell in row] for row in rows]
    assert tree(document) == tree(parse_draft(with_pipe_table(text, after, escaped)))
    article = next(a for a in document.articles() if a.number == "10")
    clauses = split_clauses(article.body)
    tables = [c for c in clauses + [k for c in clauses for k in c.children] if c.kind == "table"]
    assert len(tables) == 1 and tables[0].text.count("\n") == 3


def test_draft_marks_and_tables_render_safely(app):
    from consult.core.markup import render_draft_inline, render_draft_table

    html = str(render_draft_table("| A | **B** |\n| --- | --- |\n| <script>x</script> | 2 |"))
    assert "<table>" in html and "<th><strong>B</strong></th>" in html and "<script>" not in html
    assert str(render_draft_inline("**Dữ liệu** là *thông tin* <b>")) == (
        "<strong>Dữ liệu</strong> là <em>thông tin</em> &lt;b&gt;")


# ---- refusals ------------------------------------------------------------------------------

def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _refusal(data):
    with pytest.raises(DocxImportError) as caught:
        docx_to_text(data)
    assert caught.value.field == "upload"
    return caught.value.message


def test_old_doc_and_password_protected_files_are_refused(app):
    ole = OLE_MAGIC + b"\0" * 504
    assert ".doc" in _refusal(ole + "WordDocument".encode("utf-16-le"))
    assert "mật khẩu" in _refusal(ole + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)


def test_damaged_and_foreign_files_are_refused(app):
    good, _ = build_docx("Điều 1. Một\nNội dung.")
    assert "bị hỏng" in _refusal(good[: len(good) // 2])
    assert "bị hỏng" in _refusal(b"PK\x03\x04" + b"\0" * 64)
    assert "đổi đuôi" in _refusal(b"%PDF-1.7\n%\xe2\xe3")
    assert "đổi đuôi" in _refusal(b"")
    spreadsheet = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    assert "không phải văn bản Word" in _refusal(spreadsheet)
    broken_xml = _zip({**{n: zipfile.ZipFile(io.BytesIO(good)).read(n)
                          for n in zipfile.ZipFile(io.BytesIO(good)).namelist()},
                       "word/document.xml": b"<w:document"})
    assert "bị hỏng" in _refusal(broken_xml)


def test_macro_documents_are_refused(app):
    good, _ = build_docx("Điều 1. Một\nNội dung.")
    source = zipfile.ZipFile(io.BytesIO(good))
    members = {n: source.read(n) for n in source.namelist()}
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    assert "macro" in _refusal(_zip(members))


def test_archives_that_unpack_too_large_are_refused(app, monkeypatch):
    from consult.drafts import docx_import

    good, _ = build_docx("Điều 1. Một\nNội dung.")
    monkeypatch.setattr(docx_import, "MAX_UNCOMPRESSED", 1000)
    assert "quá lớn" in _refusal(good)


def test_uploads_are_read_by_content_not_by_name(app):
    data, _ = build_docx("Điều 1. Một\nNội dung.")
    assert read_draft_upload("du-thao.txt", data).startswith("Điều 1. Một")
    assert read_draft_upload("du-thao.md", "Điều 1. Một".encode()) == "Điều 1. Một"
    with pytest.raises(DocxImportError):
        read_draft_upload("du-thao.docx", "Điều 1. Một".encode())
    with pytest.raises(Exception, match="UTF-8"):
        read_draft_upload("du-thao.txt", "Điều 1".encode("utf-16"))
