"""Exports: any version as plain text and as .docx; importing an export gives the same tree."""

import io

import docx
import pytest

from bench.revisions import insert_article
from consult.drafts.docx_import import docx_to_text
from consult.drafts.export import version_docx, version_text
from consult.drafts.parser import parse_draft
from consult.drafts.versions import publish_new_version
from consult.extensions import db
from tests.drafts.docx_samples import LAWS, build_docx, law_text
from tests.drafts.test_docx_import import tree
from tests.factories import login, make_agency, make_consultation, make_user


def _stored_tree(version):
    return (version.preamble, version.closing,
            [(s.kind, s.number, s.title, s.body, s.anchor)
             for s in sorted(version.sections, key=lambda s: s.position)])


@pytest.mark.parametrize("law", LAWS)
def test_text_and_docx_exports_import_to_the_same_tree(app, law):
    consultation = make_consultation(text=law_text(law))
    version = consultation.current_version
    assert tree(parse_draft(version_text(version))) == _stored_tree(version)
    assert tree(parse_draft(docx_to_text(version_docx(version)))) == _stored_tree(version)


def test_round_trip_keeps_tables_and_emphasis(app):
    text = law_text("luat-thu-vien-2019.txt")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    after = lines.index(next(line for line in lines if line.startswith("Điều 10."))) + 1
    data, _ = build_docx(text, bold=True, table_after=(after, [["A", "B"], ["1", "2"]]))
    consultation = make_consultation(text=docx_to_text(data))
    version = consultation.current_version
    exported = version_docx(version)
    tables = docx.Document(io.BytesIO(exported)).tables
    assert len(tables) == 1 and tables[0].cell(1, 1).text == "2"
    assert tree(parse_draft(docx_to_text(exported))) == _stored_tree(version)
    assert tree(parse_draft(version_text(version))) == _stored_tree(version)


def test_docx_export_looks_like_an_official_document(app):
    consultation = make_consultation(text=law_text("luat-an-ninh-mang-2018.txt"))
    document = docx.Document(io.BytesIO(version_docx(consultation.current_version)))
    assert document.styles["Normal"].font.name == "Times New Roman"
    headings = [p for p in document.paragraphs if p.style.name == "Heading 3"]
    assert len(headings) == 43 and headings[0].text == "Điều 1. Phạm vi điều chỉnh"
    assert document.core_properties.title == consultation.title


def test_export_routes(client, app):
    agency = make_agency()
    consultation = make_consultation(agency, text=law_text("luat-an-ninh-mang-2018.txt"))
    revised, _ = insert_article(consultation.current_version.source_text)
    publish_new_version(consultation, revised, "Vòng 2.")
    draft = make_consultation(agency, phase="draft")
    staff = make_user(role="agency", agency=agency)
    db.session.commit()
    slug = consultation.slug
    response = client.get(f"/c/{slug}/phien-ban/1.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert f'filename="{slug}-phien-ban-1.txt"' in response.headers["Content-Disposition"]
    assert "Điều 43." in response.get_data(as_text=True)
    assert "Điều 44." not in response.get_data(as_text=True)
    response = client.get(f"/c/{slug}/phien-ban/2.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "Điều 44." in docx_to_text(response.data)
    assert client.get(f"/c/{slug}/phien-ban/3.docx").status_code == 404
    assert client.get(f"/c/{draft.slug}/phien-ban/1.docx").status_code == 404
    login(client, staff)
    assert client.get(f"/c/{draft.slug}/phien-ban/1.docx").status_code == 200
