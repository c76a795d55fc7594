"""DOCX, PDF, CSV and JSON: reopened and read back; the CLI that writes them."""

import csv
import io
import json

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from pypdf import PdfReader

from consult.dossier import services
from consult.dossier.analysis import analyse_consultation
from consult.dossier.export_docx import write_docx
from consult.dossier.export_pdf import MAX_LINES, write_pdf
from consult.dossier.export_tabular import CSV_COLUMNS, JSON_FORMAT, write_csv, write_json
from consult.extensions import db
from tests.factories import login, make_comment, make_consultation

VIETNAMESE = "Tiếp thu một phần: đã sửa khoản 2 Điều 1 — ưu tiên người dân vùng sâu, vùng xa."


@pytest.fixture
def answered(closed):
    consultation, staff = closed["consultation"], closed["staff"]
    analyse_consultation(consultation)
    services.answer_group(staff, consultation, "campaign", 1, "explained",
                          "Giữ nguyên quy định để bảo đảm an ninh dữ liệu.")
    services.answer_comments(staff, consultation, [closed["general"].id], "partly", VIETNAMESE)
    db.session.commit()
    return closed


def _docx_rows(path_or_file):
    document = Document(path_or_file)
    table = document.tables[-1]
    return document, [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_is_landscape_a4_with_the_official_table(answered, tmp_path):
    write_docx(answered["consultation"], tmp_path / "d.docx")
    document, rows = _docx_rows(tmp_path / "d.docx")
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{slot}") for slot in ("ascii", "eastAsia", "cs")} \
        == {"Times New Roman"}
    assert rows[0] == ["STT", "Điều, khoản (nhóm vấn đề)", "Chủ thể góp ý", "Nội dung góp ý",
                       "Nội dung tiếp thu, giải trình"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý" in text
    assert "38 ý kiến góp ý" in text and "1 nhóm ý kiến" in text
    campaign = next(r for r in rows if "Nhóm 7 ý kiến có nội dung giống nhau" in r[3])
    assert campaign[1].startswith("Điều 2") and "7 công dân" in campaign[2]
    assert "Giải trình (7 ý kiến):" in campaign[4] and "an ninh dữ liệu" in campaign[4]
    general = next(r for r in rows if r[1] == "Ý kiến chung")
    assert VIETNAMESE in general[4] and general == rows[1]  # general comments come first
    themes = [r for r in rows if "Nhóm 15 ý kiến cùng vấn đề" in r[3]]  # 30 > DETAIL_MAX
    assert len(themes) == 2 and all("Chưa trả lời: 15 ý kiến" in r[4] for r in themes)
    assert all("Vấn đề chính:" in r[3] and r[3].count("«") == 3 for r in themes)
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(rows))]


def test_pdf_has_the_same_content_in_vietnamese(answered, tmp_path):
    write_pdf(answered["consultation"], tmp_path / "d.pdf")
    reader = PdfReader(tmp_path / "d.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    for expected in ("BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý",
                     "Nội dung tiếp thu, giải trình", "Nhóm 7 ý kiến có nội dung giống nhau",
                     "Giữ nguyên quy định để bảo đảm an ninh dữ liệu", "vùng sâu, vùng xa",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text, expected
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts


def test_pdf_row_taller_than_a_page_continues(answered, tmp_path):
    consultation, staff = answered["consultation"], answered["staff"]
    long_answer = "\n".join(f"Dòng giải trình thứ {i} về nội dung góp ý." for i in range(90))
    services.answer_comments(staff, consultation, [answered["general"].id], "explained",
                             long_answer)
    db.session.commit()
    write_pdf(consultation, tmp_path / "long.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "long.pdf").pages)
    assert "Dòng giải trình thứ 89" in text and "(tiếp)" in text
    assert MAX_LINES < 90


def test_csv_has_one_row_per_comment_with_bom(answered, tmp_path):
    write_csv(answered["consultation"], tmp_path / "d.csv")
    raw = (tmp_path / "d.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS) and len(rows) == 38
    general = next(r for r in rows if r["comment_id"] == str(answered["general"].id))
    assert general["explanation"] == VIETNAMESE and general["disposition"] == "partly"
    assert general["url"] == f"/y-kien/{answered['general'].id}" and general["article"] == ""
    assert sum(1 for r in rows if r["campaign"] == "1") == 7


def test_json_is_the_documented_shape(answered, tmp_path):
    write_json(answered["consultation"], tmp_path / "d.json")
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["format"] == JSON_FORMAT
    assert data["statistics"]["comments"] == 38 and data["answers"]["answered"] == 8
    assert data["campaigns"][0]["comments"] == 7 and "business_ids" not in data["campaigns"][0]
    campaign_row = next(r for r in data["table"] if r["kind"] == "campaign")
    assert sorted(campaign_row["comment_ids"]) == sorted(c.id for c in answered["campaign"])
    assert campaign_row["answers"][0]["comments"] == 7
    assert sum(r["comments"] for r in data["table"]) == 38


def test_exports_of_an_empty_and_a_single_comment_consultation(app, tmp_path):
    empty, single = make_consultation(), make_consultation()
    make_comment(single, body="Ý kiến duy nhất về dự thảo.")
    db.session.commit()
    for consultation in (empty, single):
        analyse_consultation(consultation)
        write_docx(consultation, tmp_path / "x.docx")
        write_pdf(consultation, tmp_path / "x.pdf")
        write_json(consultation, tmp_path / "x.json")
        text = "\n".join(p.text for p in Document(tmp_path / "x.docx").paragraphs)
        pdf = " ".join(p.extract_text() for p in PdfReader(tmp_path / "x.pdf").pages)
        if consultation is empty:
            assert "không có ý kiến góp ý nào" in text and "không có ý kiến góp ý nào" in pdf
        else:
            assert "Cổng nhận được 1 ý kiến" in text
            assert "Ý kiến duy nhất về dự thảo." in _docx_rows(tmp_path / "x.docx")[1][1][3]


def test_downloads_through_the_web(client, answered):
    login(client, answered["staff"])
    slug = answered["consultation"].slug
    docx = client.get(f"/c/{slug}/tong-hop.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    assert _docx_rows(io.BytesIO(docx.data))[1][0] == ["STT", "Điều, khoản (nhóm vấn đề)",
                                                      "Chủ thể góp ý", "Nội dung góp ý",
                                                      "Nội dung tiếp thu, giải trình"]
    assert client.get(f"/c/{slug}/tong-hop.pdf").data.startswith(b"%PDF")
    assert client.get(f"/c/{slug}/tong-hop.csv").data.startswith("\ufeff".encode())
    assert json.loads(client.get(f"/c/{slug}/tong-hop.json").data)["format"] == JSON_FORMAT


def test_cli_exports_and_refuses_bad_input(runner, closed, tmp_path):
    slug = closed["consultation"].slug
    out = tmp_path / "d.docx"
    result = runner.invoke(args=["consult", "dossier", slug, "--format", "docx", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert "Analysed 38 comments" in result.output and out.exists()
    result = runner.invoke(args=["consult", "dossier", "analyse", str(closed["consultation"].id)])
    assert result.exit_code == 0 and "Analysing" in result.output
    for fmt in ("pdf", "csv", "json"):
        result = runner.invoke(args=["consult", "dossier", slug, "--format", fmt, "--out",
                                     str(tmp_path / f"d.{fmt}")])
        assert result.exit_code == 0 and "Analys" not in result.output  # cached
    bad = runner.invoke(args=["consult", "dossier", "khong-co", "--out", str(out)])
    assert bad.exit_code == 2 and "No consultation" in bad.output
    bad = runner.invoke(args=["consult", "dossier", slug, "--format", "xls", "--out", str(out)])
    assert bad.exit_code == 2
    bad = runner.invoke(args=["consult", "dossier", slug, "--out",
                              str(tmp_path / "missing" / "d.docx")])
    assert bad.exit_code == 2 and "does not exist" in bad.output
