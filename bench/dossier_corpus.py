"""Generated feedback for the dossier benchmark: planted topics and planted campaigns.

Every ordinary comment is written on one planted *topic* (a concern such as compliance costs
or personal data), from slot-filled sentences so that no two are alike; every campaign
comment copies one planted *campaign* text, exactly or with the edits real form letters get
(a name and province line, a word changed, a sentence dropped, different case and
punctuation). ``generate`` returns the texts with their planted labels, so the benchmark can
measure how well the analysis finds the campaigns and separates the topics.
"""

import random
from dataclasses import dataclass, field

from bench.corpus import law_sentences

OPENERS = ["Tôi đề nghị", "Kính đề nghị Ban soạn thảo", "Theo tôi,", "Xin góp ý:",
           "Đề nghị cơ quan soạn thảo", "Tôi thấy", "Qua thực tế công tác, tôi thấy",
           "Ý kiến của tôi là", "Chúng tôi kiến nghị", "Thiết nghĩ", "Mong Ban soạn thảo",
           "Tôi băn khoăn:", ""]
LINKS = ["", "", "", "bởi vì", "do đó", "ngoài ra", "đồng thời", "vì vậy"]

# Each topic: distinctive subjects, what is asked about them, and why.
TOPICS = {
    "chi_phi": {
        "subjects": ["chi phí tuân thủ của doanh nghiệp nhỏ và vừa", "phí, lệ phí cấp giấy phép",
                     "gánh nặng tài chính đối với doanh nghiệp", "chi phí đầu tư thiết bị",
                     "chi phí thuê kiểm toán độc lập", "ngân sách doanh nghiệp khởi nghiệp"],
        "asks": ["cần được giảm bớt", "phải được đánh giá tác động kỹ", "nên có mức trần",
                 "cần được hỗ trợ từ ngân sách", "phải tính đến quy mô doanh nghiệp",
                 "nên miễn cho hộ kinh doanh"],
        "reasons": ["vì doanh nghiệp nhỏ không đủ nguồn lực tài chính",
                    "vì chi phí hiện nay đã quá cao so với doanh thu",
                    "để tránh đội giá thành sản phẩm", "nhằm không làm mất sức cạnh tranh"],
    },
    "du_lieu": {
        "subjects": ["dữ liệu cá nhân của người dùng", "quyền riêng tư của công dân",
                     "thông tin tài khoản người sử dụng", "việc lưu trữ dữ liệu sinh trắc học",
                     "việc chia sẻ dữ liệu cho bên thứ ba", "nhật ký truy cập của người dùng"],
        "asks": ["phải có sự đồng ý của chủ thể dữ liệu", "cần thời hạn lưu trữ rõ ràng",
                 "phải được mã hoá khi lưu trữ", "cần quy định quyền yêu cầu xoá",
                 "chỉ được cung cấp khi có quyết định của cơ quan có thẩm quyền",
                 "cần cơ chế thông báo khi bị lộ lọt"],
        "reasons": ["để bảo vệ quyền riêng tư theo Hiến pháp",
                    "vì nguy cơ lộ lọt thông tin rất lớn",
                    "nhằm tránh lạm dụng thông tin cá nhân",
                    "để người dân yên tâm sử dụng dịch vụ"],
    },
    "lo_trinh": {
        "subjects": ["thời điểm có hiệu lực", "lộ trình áp dụng", "thời gian chuyển tiếp",
                     "thời hạn chuẩn bị cho các cơ sở",
                     "thời hạn điều chỉnh hợp đồng đang thực hiện",
                     "việc áp dụng đối với dự án đã cấp phép"],
        "asks": ["nên lùi lại ít nhất mười hai tháng", "cần chia thành nhiều giai đoạn",
                 "phải có điều khoản chuyển tiếp cụ thể", "nên kéo dài thêm hai năm",
                 "cần được hướng dẫn trước khi áp dụng", "không nên áp dụng hồi tố"],
        "reasons": ["vì các cơ sở cần thời gian chuẩn bị nhân lực",
                    "để tránh xáo trộn hoạt động sản xuất kinh doanh",
                    "vì văn bản hướng dẫn chưa kịp ban hành", "nhằm bảo đảm tính khả thi"],
    },
    "tham_quyen": {
        "subjects": ["thẩm quyền của Ủy ban nhân dân cấp tỉnh", "trách nhiệm phối hợp giữa các bộ",
                     "phân cấp cho chính quyền địa phương", "vai trò của cơ quan chủ trì",
                     "thẩm quyền thanh tra, kiểm tra", "cơ chế giải quyết tranh chấp thẩm quyền"],
        "asks": ["cần được phân định rõ", "phải tránh chồng chéo", "nên giao cho một đầu mối",
                 "cần quy định cơ chế phối hợp", "phải gắn với trách nhiệm người đứng đầu",
                 "nên được phân cấp mạnh hơn"],
        "reasons": ["vì hiện nay nhiều cơ quan cùng quản lý một việc",
                    "để người dân biết liên hệ với ai", "nhằm tránh đùn đẩy trách nhiệm",
                    "vì thực tiễn thanh tra trùng lặp nhiều lần trong năm"],
    },
    "yeu_the": {
        "subjects": ["người cao tuổi", "người khuyết tật", "đồng bào dân tộc thiểu số",
                     "trẻ em và học sinh", "người dân vùng sâu, vùng xa", "hộ nghèo, hộ cận nghèo"],
        "asks": ["cần được ưu tiên hỗ trợ", "phải được tiếp cận bình đẳng",
                 "cần có chính sách miễn giảm riêng", "nên được hướng dẫn bằng tiếng dân tộc",
                 "phải có hình thức hỗ trợ trực tiếp", "cần được bảo đảm quyền tiếp cận"],
        "reasons": ["vì điều kiện tiếp cận công nghệ còn hạn chế", "để không ai bị bỏ lại phía sau",
                    "vì hạ tầng ở nhiều địa phương còn thiếu", "nhằm bảo đảm công bằng xã hội"],
    },
    "xu_phat": {
        "subjects": ["mức xử phạt vi phạm hành chính", "chế tài đối với hành vi vi phạm",
                     "hình thức tước giấy phép", "việc đình chỉ hoạt động",
                     "mức phạt đối với tổ chức nước ngoài", "biện pháp khắc phục hậu quả"],
        "asks": ["cần tương xứng với tính chất vi phạm", "nên được quy định cụ thể trong luật",
                 "phải đủ sức răn đe", "cần phân biệt vi phạm lần đầu và tái phạm",
                 "không nên quá nặng", "cần có khung rõ ràng"],
        "reasons": ["vì mức hiện hành chưa đủ răn đe", "để bảo đảm nguyên tắc công bằng",
                    "nhằm tránh tùy tiện khi áp dụng", "vì vi phạm ngày càng tinh vi"],
    },
    "thuat_ngu": {
        "subjects": ["khái niệm được giải thích", "thuật ngữ chuyên ngành",
                     "cách diễn đạt của điều này",
                     "định nghĩa còn chung chung", "phạm vi của cụm từ liên quan",
                     "các từ ngữ mang tính định tính"],
        "asks": ["cần được định nghĩa rõ", "nên thống nhất với luật chuyên ngành",
                 "phải được lượng hóa bằng tiêu chí cụ thể", "nên sửa cho dễ hiểu",
                 "cần bổ sung ví dụ minh họa", "nên bỏ vì trùng lặp"],
        "reasons": ["để tránh hiểu theo nhiều cách khác nhau", "vì dễ gây tranh cãi khi áp dụng",
                    "nhằm bảo đảm tính thống nhất của hệ thống pháp luật",
                    "vì người dân khó hiểu cách viết hiện nay"],
    },
    "cong_khai": {
        "subjects": ["việc công khai thông tin", "cơ chế giám sát của Nhân dân",
                     "báo cáo kết quả thực hiện", "quy trình tiếp nhận phản ánh",
                     "việc lấy ý kiến người dân", "cổng thông tin điện tử"],
        "asks": ["cần được thực hiện định kỳ", "phải minh bạch và dễ tra cứu",
                 "cần có thời hạn trả lời", "nên được số hóa hoàn toàn",
                 "phải có sự tham gia của Mặt trận Tổ quốc", "cần được đăng tải đầy đủ"],
        "reasons": ["để người dân giám sát được", "nhằm phòng chống tham nhũng, tiêu cực",
                    "vì hiện nay thông tin còn khó tiếp cận", "để nâng cao trách nhiệm giải trình"],
    },
}

CAMPAIGNS = [
    "Chúng tôi là các hộ kinh doanh nhỏ lẻ, kiến nghị không áp dụng nghĩa vụ kiểm toán hằng năm "
    "đối với hộ kinh doanh có doanh thu dưới ba tỷ đồng, vì chi phí này vượt quá khả năng của "
    "chúng tôi và không mang lại lợi ích tương xứng cho công tác quản lý nhà nước.",
    "Tôi hoàn toàn ủng hộ dự thảo. Đây là văn bản cần thiết để bảo vệ an ninh quốc gia, giữ gìn "
    "trật tự an toàn xã hội trên không gian mạng. Đề nghị Quốc hội sớm thông qua để đi vào cuộc "
    "sống.",
    "Đề nghị bỏ quy định bắt buộc lưu trữ dữ liệu người dùng tại Việt Nam đối với doanh nghiệp "
    "cung cấp dịch vụ xuyên biên giới, vì quy định này làm tăng chi phí, cản trở đầu tư và trái "
    "với cam kết thương mại quốc tế mà Việt Nam đã tham gia.",
    "Thư viện là thiết chế văn hóa thiết yếu của cộng đồng. Chúng tôi đề nghị Nhà nước bảo đảm "
    "kinh phí tối thiểu cho thư viện công cộng cấp xã, không được cắt giảm biên chế người làm "
    "công tác thư viện và phải có chính sách đãi ngộ tương xứng.",
    "Kính gửi Ban soạn thảo, chúng tôi, các phụ huynh học sinh, đề nghị bổ sung quy định cấm "
    "hoàn toàn việc thu thập dữ liệu cá nhân của trẻ em dưới mười sáu tuổi khi chưa có sự đồng "
    "ý bằng văn bản của cha mẹ hoặc người giám hộ.",
    "Đề nghị giữ nguyên quy định hiện hành, không mở rộng thẩm quyền của lực lượng chuyên trách "
    "trong việc yêu cầu gỡ bỏ thông tin khi chưa có quyết định của Tòa án, nhằm bảo đảm quyền tự "
    "do ngôn luận đã được Hiến pháp ghi nhận.",
    "Là giáo viên vùng cao, tôi đề nghị có chính sách luân chuyển sách và tài liệu từ thư viện "
    "tỉnh về các điểm trường bản, bởi học sinh ở đây gần như không có sách đọc ngoài sách giáo "
    "khoa và đường đi lại rất khó khăn.",
    "Chúng tôi phản đối việc thu phí đối với dịch vụ cơ bản của thư viện công cộng. Mọi người dân "
    "đều có quyền đọc sách miễn phí, đây là quyền văn hóa cơ bản cần được pháp luật bảo đảm "
    "tuyệt đối.",
    "Đề nghị quy định rõ doanh nghiệp viễn thông phải thông báo cho khách hàng trong vòng "
    "bảy mươi hai giờ khi xảy ra sự cố lộ lọt dữ liệu, đồng thời bồi thường thiệt hại theo quy "
    "định của pháp luật dân sự.",
    "Đề nghị bổ sung chính sách khuyến khích xã hội hóa, cho phép doanh nghiệp tư nhân đầu tư "
    "thư viện và được hưởng ưu đãi thuế thu nhập doanh nghiệp như các lĩnh vực giáo dục, y tế.",
    "Tôi đề nghị Ban soạn thảo lắng nghe ý kiến của người dân và cân nhắc kỹ quy định về xác "
    "thực tài khoản bằng số định danh cá nhân, vì quy định này có nguy cơ làm lộ thông tin của "
    "hàng chục triệu người dùng.",
    "Đề nghị tăng mức phạt đối với hành vi phát tán tin giả trên mạng xã hội lên gấp ba lần mức "
    "hiện hành và buộc nền tảng phải gỡ bỏ trong vòng hai mươi bốn giờ kể từ khi nhận được yêu "
    "cầu.",
]
QUOTES = ["Cụ thể, nội dung \"{}\" cần xem lại", "Ví dụ như đoạn \"{}\"",
          "Tôi muốn nói đến đoạn {}", "Liên quan đến nội dung {}", "Nhất là chỗ \"{}\"",
          "Chỗ quy định {} chưa ổn", "Đoạn {} nên viết lại"]
EXPERIENCES = ["Ở {place}, nhiều người đã gặp khó khăn vì việc này trong {n} năm qua",
               "Tại {place} có tới {n} cơ sở phản ánh vướng mắc tương tự",
               "Gia đình tôi ở {place} đã phải chờ {n} ngày mới được giải quyết",
               "Qua {n} năm làm việc ở {place}, tôi thấy quy định cũ cũng chưa rõ",
               "Ở địa phương tôi ({place}) chuyện này xảy ra thường xuyên",
               "Người dân {place} mong được hướng dẫn cụ thể hơn",
               "Hội nghị lấy ý kiến tại {place} với {n} đại biểu cũng nêu vấn đề này"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Hà", "Hoàng Đức Long",
         "Vũ Ngọc Mai", "Đặng Quang Nam", "Bùi Thanh Tâm", "Đỗ Hữu Phúc", "Ngô Phương Thảo"]
PLACES = ["Hà Nội", "Nghệ An", "Cần Thơ", "Đà Nẵng", "Lào Cai", "Thanh Hóa", "Huế", "Gia Lai"]
SWAPS = {"đề nghị": "kiến nghị", "chúng tôi": "tôi", "quy định": "điều khoản", "bảo đảm": "đảm bảo",
         "vì": "bởi vì", "không": "chẳng", "cần": "phải", "người dân": "nhân dân"}


@dataclass
class Generated:
    texts: list = field(default_factory=list)
    articles: list = field(default_factory=list)   # article index (0-based) or None
    topics: list = field(default_factory=list)     # planted topic name, or None for campaigns
    campaigns: list = field(default_factory=list)  # planted campaign number, or None


def _topic_comment(rng, topic, phrases):
    """One citizen's own words on ``topic``: a request, often a reason, a quoted passage of
    the draft and sometimes a local experience; no two come out alike."""
    t = TOPICS[topic]
    parts = [rng.choice(OPENERS), rng.choice(t["subjects"]), rng.choice(t["asks"])]
    if rng.random() < 0.7:
        parts.append(rng.choice(t["reasons"]))
    if rng.random() < 0.4:
        parts += [rng.choice(LINKS), rng.choice(t["subjects"]), rng.choice(t["asks"])]
    sentences = [" ".join(p for p in parts if p).strip()]
    sentences.append(rng.choice(QUOTES).format(rng.choice(phrases).lower()))
    if rng.random() < 0.5:
        sentences.append(rng.choice(EXPERIENCES).format(place=rng.choice(PLACES),
                                                        n=rng.randint(2, 40)))
    rng.shuffle(sentences[1:])
    text = ". ".join(sentences) + "."
    return text[0].upper() + text[1:]


def _campaign_copy(rng, template):
    """A copy as sent by one supporter: exact in half the cases, else lightly edited."""
    roll = rng.random()
    if roll < 0.5:
        return template
    if roll < 0.6:
        if rng.random() < 0.3:
            return template.upper()
        return template.replace(",", "").replace(".", "!")
    if roll < 0.8:
        line = f"Tôi là {rng.choice(NAMES)}, ở {rng.choice(PLACES)}."
        return f"{line} {template}" if rng.random() < 0.5 else f"{template} {line}"
    text = template
    for old, new in rng.sample(sorted(SWAPS.items()), 2):
        text = text.replace(old, new, 1)
    sentences = text.split(". ")
    if len(sentences) > 2 and rng.random() < 0.3:
        sentences.pop(rng.randrange(len(sentences)))
    return ". ".join(sentences)


def campaign_sizes(total, count, share):
    """``count`` campaign sizes adding up to ``share`` of ``total``, largest first (1/rank)."""
    weights = [1 / (rank + 1) for rank in range(count)]
    budget = int(total * share)
    return [max(5, int(budget * w / sum(weights))) for w in weights]


def generate(total, article_count, seed=5, campaign_count=None, campaign_share=0.3,
             topics_per_article=3):
    """``total`` comments over ``article_count`` articles (index None = general comments)."""
    rng = random.Random(seed)
    phrases = law_sentences(random.Random(seed))
    campaign_count = campaign_count or max(2, min(len(CAMPAIGNS), total // 8000 + 3))
    sizes = campaign_sizes(total, campaign_count, campaign_share)
    out = Generated()
    names = sorted(TOPICS)
    article_topics = [rng.sample(names, topics_per_article) for _ in range(article_count + 1)]
    for number, size in enumerate(sizes):
        home = rng.randrange(article_count)
        others = rng.sample(range(article_count), 2)
        for _ in range(size):
            where = home if rng.random() < 0.9 else rng.choice(others)
            out.texts.append(_campaign_copy(rng, CAMPAIGNS[number % len(CAMPAIGNS)]))
            out.articles.append(where)
            out.topics.append(None)
            out.campaigns.append(number)
    # Articles get very different amounts of debate: the first few draw most comments.
    weights = [1 / (1 + i) ** 0.8 for i in range(article_count + 1)]
    for _ in range(max(0, total - len(out.texts))):
        index = rng.choices(range(article_count + 1), weights)[0]
        topic = rng.choice(article_topics[index])
        out.texts.append(_topic_comment(rng, topic, phrases))
        out.articles.append(None if index == article_count else index)
        out.topics.append(topic)
        out.campaigns.append(None)
    order = list(range(len(out.texts)))
    rng.shuffle(order)
    for name in ("texts", "articles", "topics", "campaigns"):
        values = getattr(out, name)
        setattr(out, name, [values[i] for i in order])
    return out
