from pathlib import Path

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.drafts.models import Consultation
from consult.extensions import db
from tests.factories import SMALL_LAW

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_create_user_admin_and_agency_staff(runner):
    result = runner.invoke(args=["consult", "create-user", "--email", "Admin@Example.vn",
                                 "--password", "mat-khau-123", "--role", "admin"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["consult", "create-user", "--email", "cb@example.vn",
                                 "--password", "mat-khau-123", "--role", "agency",
                                 "--agency", "Bộ Tư pháp"])
    assert result.exit_code == 0, result.output
    staff = db.session.query(User).filter_by(email="cb@example.vn").one()
    assert staff.role == "agency" and staff.agency.name == "Bộ Tư pháp"
    assert db.session.query(User).filter_by(email="admin@example.vn").one().is_admin


def test_create_user_bad_input_exits_2(runner):
    result = runner.invoke(args=["consult", "create-user", "--email", "cb@example.vn",
                                 "--password", "mat-khau-123", "--role", "agency"])
    assert result.exit_code == 2 and "agency" in result.output
    result = runner.invoke(args=["consult", "create-user", "--email", "x@example.vn",
                                 "--password", "short"])
    assert result.exit_code == 2 and "8" in result.output
    assert db.session.query(User).count() == 0


def test_import_draft_real_law(runner):
    result = runner.invoke(args=["consult", "import-draft", str(DATA / "luat-thu-vien-2019.txt"),
                                 "--title", "Dự thảo Luật Thư viện", "--agency", "Bộ VHTTDL",
                                 "--opens", "2026-01-01", "--closes", "2099-02-01 17:00"])
    assert result.exit_code == 0, result.output
    assert "52 articles" in result.output
    consultation = db.session.query(Consultation).one()
    assert consultation.phase() == "open"
    assert consultation.closes_at.hour == 10  # 17:00 in Hà Nội


def test_import_draft_errors_exit_2(runner, tmp_path):
    missing = runner.invoke(args=["consult", "import-draft", str(tmp_path / "none.txt"),
                                  "--title", "T", "--agency", "A"])
    assert missing.exit_code == 2 and "not found" in missing.output
    bad = tmp_path / "bad.txt"
    bad.write_text("Văn bản không có điều nào", encoding="utf-8")
    result = runner.invoke(args=["consult", "import-draft", str(bad), "--title", "T",
                                 "--agency", "A"])
    assert result.exit_code == 2 and "Không tìm thấy Điều" in result.output
    good = tmp_path / "good.txt"
    good.write_text(SMALL_LAW, encoding="utf-8")
    result = runner.invoke(args=["consult", "import-draft", str(good), "--title", "T",
                                 "--agency", "A", "--opens", "mai"])
    assert result.exit_code == 2 and "--opens" in result.output
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes(b"%PDF-1.4")
    result = runner.invoke(args=["consult", "import-draft", str(renamed), "--title", "T",
                                 "--agency", "A"])
    assert result.exit_code == 2 and "đổi đuôi" in result.output
    assert db.session.query(Consultation).count() == 0


def test_import_draft_from_word(runner, tmp_path):
    from tests.drafts.docx_samples import build_docx, law_text

    data, _ = build_docx(law_text("luat-thu-vien-2019.txt"), headings=True, numbering="direct")
    path = tmp_path / "thu-vien.docx"
    path.write_bytes(data)
    result = runner.invoke(args=["consult", "import-draft", str(path), "--title", "Luật Thư viện",
                                 "--agency", "Bộ Văn hóa, Thể thao và Du lịch"])
    assert result.exit_code == 0, result.output
    assert "52 articles" in result.output


def test_seed_demo_is_realistic_and_runs_once(runner):
    result = runner.invoke(args=["consult", "seed-demo", "--if-empty", "--comments", "60"])
    assert result.exit_code == 0, result.output
    consultations = db.session.query(Consultation).order_by(Consultation.id).all()
    assert [c.phase() for c in consultations] == ["open", "concluded"]  # dossier published
    assert len(consultations[0].current_version.articles()) == 43
    top_level = db.session.query(Comment).filter(Comment.parent_id.is_(None))
    assert top_level.count() == 60 + 2  # plus two examples the screening holds
    assert top_level.filter(Comment.status == "pending").count() >= 2
    kinds = {u.kind for u in db.session.query(User)} | {u.role for u in db.session.query(User)}
    assert {"citizen", "business", "admin", "moderator", "agency"} <= kinds
    again = runner.invoke(args=["consult", "seed-demo", "--if-empty"])
    assert "not loaded" in again.output
    assert db.session.query(Consultation).count() == 2
