"""A closed consultation with comments: a campaign of copies, and two clear topics."""

import pytest

from consult.extensions import db
from tests.factories import article, make_agency, make_comment, make_consultation, make_user

CAMPAIGN = ("Chúng tôi đề nghị bỏ quy định bắt buộc lưu trữ dữ liệu người dùng tại Việt Nam vì "
            "làm tăng chi phí cho doanh nghiệp và trái với cam kết thương mại quốc tế.")
DATA_TOPIC = ["Dữ liệu cá nhân của người dùng phải được mã hoá khi lưu trữ.",
              "Cần quy định quyền yêu cầu xoá dữ liệu cá nhân.",
              "Việc chia sẻ dữ liệu cá nhân cho bên thứ ba phải có sự đồng ý.",
              "Nhật ký truy cập chỉ được lưu giữ trong thời hạn ngắn.",
              "Chủ thể dữ liệu cần được thông báo khi thông tin bị lộ lọt.",
              "Dữ liệu sinh trắc học phải được bảo vệ ở mức cao nhất."]
COST_TOPIC = ["Chi phí tuân thủ của doanh nghiệp nhỏ và vừa cần được giảm bớt.",
              "Phí, lệ phí cấp giấy phép quá cao so với doanh thu.",
              "Doanh nghiệp khởi nghiệp không đủ nguồn lực tài chính để đầu tư thiết bị.",
              "Nên miễn nghĩa vụ kiểm toán cho hộ kinh doanh.",
              "Ngân sách nhà nước cần hỗ trợ chi phí chuyển đổi cho doanh nghiệp.",
              "Mức phí hằng năm nên có trần để doanh nghiệp dự tính được."]
PAIRS = [(a, b) for a in range(6) for b in range(a + 1, 6)]


@pytest.fixture
def closed(app):
    """{"consultation", "staff", "other_staff", "campaign", "comments"}: 7 campaign copies on
    Điều 2 (one with a name line), 30 comments on two topics on Điều 1, one general."""
    agency = make_agency("Bộ Thử nghiệm Dữ liệu")
    staff = make_user(role="agency", agency=agency)
    other_staff = make_user(role="agency", agency=make_agency("Bộ Khác"))
    consultation = make_consultation(agency)
    campaign = []
    for i in range(7):
        body = CAMPAIGN if i else f"Tôi là Nguyễn Văn An, ở Hà Nội. {CAMPAIGN}"
        campaign.append(make_comment(consultation, body=body, stance="disagree",
                                     section=article(consultation, 2)))
    comments = []
    for i in range(15):
        for topic in (DATA_TOPIC, COST_TOPIC):
            first, second = PAIRS[i]
            body = f"{topic[first]} {topic[second]}"
            comments.append(make_comment(consultation, body=body, stance="amend",
                                         section=article(consultation, 1),
                                         author=make_user(kind="business" if i % 4 == 0
                                                          else "citizen")))
    general = make_comment(consultation, body="Dự thảo cần được lấy ý kiến rộng rãi hơn.",
                           stance="other")
    consultation.closes_at = consultation.closes_at.replace(year=2000)
    consultation.opens_at = consultation.opens_at.replace(year=1999)
    db.session.commit()
    return {"consultation": consultation, "staff": staff, "other_staff": other_staff,
            "campaign": campaign, "comments": comments, "general": general}
