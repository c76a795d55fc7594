"""Demo data: agencies, users of every kind, two real laws, varied Vietnamese comments."""

import random
from datetime import timedelta
from pathlib import Path

from consult.accounts.services import create_staff_user, register_user
from consult.comments.services import react_to_comment, reply_to_comment, submit_comment
from consult.core.db_setup import utcnow
from consult.drafts.services import (
    close_consultation,
    create_consultation,
    get_or_create_agency,
    publish_consultation,
)
from consult.extensions import db

DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "demo12345"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Đức", "Phương"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Trang", "Tuấn", "Việt", "Yến"]
PROVINCES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nghệ An",
             "Thanh Hóa", "Huế", "Khánh Hòa", "Lâm Đồng"]
BUSINESSES = ["Công ty Cổ phần Công nghệ Sao Việt", "Công ty TNHH Dữ liệu Xanh",
              "Hiệp hội Thương mại điện tử Việt Nam", "Công ty Cổ phần Sách Trẻ",
              "Công ty TNHH An toàn Mạng Toàn Cầu", "Liên hiệp Hội Thư viện Đông Nam"]

OPENINGS = {
    "agree": ["Tôi đồng ý với quy định tại {ref}.", "Quy định {ref} là cần thiết và phù hợp.",
              "Ủng hộ nội dung {ref} về {topic}."],
    "disagree": ["Tôi chưa đồng ý với {ref}.", "Quy định {ref} về {topic} còn chưa hợp lý.",
                 "Đề nghị xem xét lại {ref} vì có thể gây khó khăn trong thực tế."],
    "amend": ["Đề nghị sửa đổi {ref} cho rõ hơn.", "Cần bổ sung vào {ref} nội dung về {topic}.",
              "Đề xuất điều chỉnh cách diễn đạt của {ref}."],
    "other": ["Xin góp ý thêm về {topic}.", "Có một số băn khoăn về {ref}.",
              "Mong cơ quan soạn thảo giải thích thêm về {topic}."],
}
REASONS = [
    "Thực tế ở địa phương tôi, người dân và doanh nghiệp còn lúng túng khi áp dụng.",
    "Cần quy định rõ trách nhiệm của cơ quan quản lý nhà nước để tránh chồng chéo.",
    "Chi phí tuân thủ đối với doanh nghiệp nhỏ và vừa có thể rất lớn.",
    "Nên có lộ trình thực hiện phù hợp, ít nhất 12 tháng kể từ ngày Luật có hiệu lực.",
    "Cần bảo đảm quyền riêng tư và dữ liệu cá nhân của người dân.",
    "Khái niệm chưa thống nhất với các luật chuyên ngành hiện hành.",
    "Nên giao Chính phủ quy định chi tiết để bảo đảm tính linh hoạt.",
    "Cần có cơ chế giám sát, công khai kết quả thực hiện.",
    "Nên tham khảo kinh nghiệm quốc tế, ví dụ quy định của Liên minh châu Âu.",
    "Quy định hiện nay còn chung chung, khó kiểm tra việc thực hiện.",
    "Người cao tuổi và người khuyết tật cần được quan tâm hỗ trợ đặc biệt.",
    "Vùng sâu, vùng xa còn thiếu hạ tầng nên cần chính sách ưu tiên.",
]
REPLIES = ["Tôi cũng có cùng quan điểm với bạn.", "Theo tôi, quy định này vẫn cần thiết.",
           "Ý kiến rất xác đáng, mong cơ quan soạn thảo tiếp thu.",
           "Bạn có thể nêu ví dụ cụ thể hơn không?"]


def _valid_tax_code(rng):
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    while True:
        digits = [0] + [rng.randrange(10) for _ in range(8)]
        check = 10 - sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _people(rng, count):
    names = set()
    while len(names) < count:
        names.add(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
    return sorted(names)


def _comment_text(rng, article, stance):
    topic = article.title.lower() if article else "dự thảo"
    ref = article.label if article else "dự thảo"
    parts = [rng.choice(OPENINGS[stance]).format(ref=ref, topic=topic)]
    parts += rng.sample(REASONS, rng.randint(1, 3))
    return " ".join(parts)


def _comment_on(consultation, users, rng, count, now):
    articles = consultation.current_version.articles()
    created = []
    for i in range(count):
        author = rng.choice(users)
        article = None if i % 10 == 0 else rng.choice(articles[: max(5, len(articles) // 2)]
                                                      if rng.random() < 0.6 else articles)
        stance = rng.choice(["agree", "agree", "disagree", "amend", "amend", "other"])
        wording = None
        if stance == "amend" and article is not None and rng.random() < 0.5:
            wording = f"{article.title}: bổ sung cụm từ \"theo quy định của pháp luật\"."
        comment = submit_comment(author, consultation, _comment_text(rng, article, stance),
                                 stance, article, wording, now=now)
        comment.created_at = now - timedelta(minutes=(count - i) * 7)
        created.append(comment)
    published = [c for c in created if c.is_published]
    for comment in rng.sample(published, len(published) // 6):
        replier = rng.choice([u for u in users if u.id != comment.author_id])
        reply = reply_to_comment(replier, comment, rng.choice(REPLIES), now=now)
        reply.created_at = comment.created_at + timedelta(hours=2)
    for comment in rng.sample(published, len(published) // 3):
        for reactor in rng.sample(users, 3):
            if reactor.id != comment.author_id:
                react_to_comment(reactor, comment, rng.choice(["support", "support", "oppose"]))
    return created


SCREENED = ["Mời mọi người xem phân tích đầy đủ tại https://blog-phap-luat.example.vn/an-ninh-mang",
            "Ai cần tư vấn thêm thì gọi tôi số 0912 345 678 nhé."]


def _moderation_examples(consultation, created, users, rng, now):
    """A few comments the screening holds and a few reported ones, for the moderator queue."""
    from consult.moderation.services import report_comment

    for text in SCREENED:
        submit_comment(rng.choice(users), consultation, text, "other", now=now)
    published = [c for c in created if c.is_published]
    for comment in rng.sample(published, min(4, len(published))):
        for reporter in rng.sample([u for u in users if u.id != comment.author_id], 2):
            report_comment(reporter, comment, rng.choice(["off_topic", "spam"]))


ANSWERS = {
    "accepted": "Ban soạn thảo tiếp thu, đã chỉnh sửa quy định theo hướng làm rõ nội dung được "
                "góp ý.",
    "partly": "Tiếp thu một phần: bổ sung nội dung được góp ý; phần còn lại sẽ được hướng dẫn "
              "trong nghị định quy định chi tiết.",
    "explained": "Ban soạn thảo xin giữ như dự thảo vì quy định này thống nhất với các luật "
                 "chuyên ngành và phù hợp với thực tiễn thi hành.",
    "noted": "Ban soạn thảo ghi nhận ý kiến để nghiên cứu khi xây dựng văn bản hướng dẫn.",
}


def conclude_with_answers(consultation, staff):
    """Analyse the closed consultation, answer every comment and publish its dossier.

    The analysis is a job that commits what was seeded so far.
    """
    from consult.dossier.analysis import analyse_consultation
    from consult.dossier.services import Filters, answer_comments, publish_dossier, review_page

    analyse_consultation(consultation, staff)
    review = review_page(consultation, Filters(), per_page=100_000)
    codes = list(ANSWERS)
    for n, (comment, _answer, _assignment) in enumerate(review.items):
        code = codes[n % len(codes)]
        answer_comments(staff, consultation, [comment.id], code, ANSWERS[code])
    publish_dossier(staff, consultation)


def seed_demo_data(comment_count=300, seed=36):
    """Create the demo world; returns a one-line summary. The caller commits."""
    rng = random.Random(seed)
    now = utcnow()
    security = get_or_create_agency("Bộ Công an")
    culture = get_or_create_agency("Bộ Văn hóa, Thể thao và Du lịch")
    create_staff_user("admin@demo.consult.vn", DEMO_PASSWORD, "Quản trị hệ thống", "admin")
    create_staff_user("kiemduyet@demo.consult.vn", DEMO_PASSWORD, "Kiểm duyệt viên", "moderator")
    create_staff_user("canbo.bca@demo.consult.vn", DEMO_PASSWORD, "Cán bộ Bộ Công an", "agency",
                      security)
    culture_staff = create_staff_user("canbo.bvhttdl@demo.consult.vn", DEMO_PASSWORD,
                                      "Cán bộ Bộ VHTTDL", "agency", culture)
    users = [register_user(f"congdan{i}@demo.consult.vn", DEMO_PASSWORD, name, "citizen",
                           province=rng.choice(PROVINCES))
             for i, name in enumerate(_people(rng, 30), start=1)]
    users += [register_user(f"doanhnghiep{i}@demo.consult.vn", DEMO_PASSWORD,
                            _people(rng, 1)[0], "business", organisation_name=org,
                            tax_code=_valid_tax_code(rng), province=rng.choice(PROVINCES))
              for i, org in enumerate(BUSINESSES, start=1)]

    cyber = create_consultation(
        security, "Dự thảo Luật An ninh mạng", "Luật",
        "Dự thảo quy định về hoạt động bảo vệ an ninh quốc gia và bảo đảm trật tự, an toàn xã "
        "hội trên không gian mạng; trách nhiệm của cơ quan, tổ chức, cá nhân có liên quan.",
        now - timedelta(days=10), now + timedelta(days=20),
        (DATA / "luat-an-ninh-mang-2018.txt").read_text(encoding="utf-8"))
    publish_consultation(cyber, now - timedelta(days=10))
    library = create_consultation(
        culture, "Dự thảo Luật Thư viện", "Luật",
        "Dự thảo quy định về thành lập, hoạt động thư viện; quyền, nghĩa vụ và trách nhiệm của "
        "cơ quan, tổ chức, cá nhân trong hoạt động thư viện.",
        now - timedelta(days=70), now - timedelta(days=10),
        (DATA / "luat-thu-vien-2019.txt").read_text(encoding="utf-8"))
    publish_consultation(library, now - timedelta(days=70))

    open_count = comment_count * 2 // 3
    created = _comment_on(cyber, users, rng, open_count, now)
    _moderation_examples(cyber, created, users, rng, now)
    _comment_on(library, users, rng, comment_count - open_count, now - timedelta(days=11))
    db.session.flush()
    close_consultation(library, now - timedelta(days=10))
    conclude_with_answers(library, culture_staff)
    return (f"Demo data loaded: 2 consultations, {len(users) + 4} users, "
            f"{comment_count} comments (password for every demo account: {DEMO_PASSWORD}).")
