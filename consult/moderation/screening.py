"""Automatic screening: small rules, each with a reason code, that hold a comment for review.

Every rule is a function ``rule(text, history) -> bool``; ``RULES`` maps its code to the
rule and to the plain-words reason the author sees.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process

from consult.core.text import fold

WORDLIST = Path(__file__).resolve().parent / "wordlists" / "vi_profanity.txt"
MAX_PHRASE = 4

_URL = re.compile(
    r"(https?://|www\.)\S+|\b[\w-]+\.(com|vn|net|org|info|io|xyz|me|ly|co|tk|top|biz)(/\S*)?\b",
    re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d\w])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\d\w])")
_ID_NUMBER = re.compile(r"(?<![\d\w])(\d{9}|\d{12})(?![\d\w])")
_WORD = re.compile(r"\w+")
_REPEATS = re.compile(r"(\w)\1+")


def _tokens(text):
    """Words, lower-case, single letters split by punctuation joined, repeats collapsed."""
    words = _WORD.findall(unicodedata.normalize("NFC", text.lower()))
    joined, run = [], []
    for word in words:
        if len(word) == 1 and not word.isdigit():
            run.append(word)
            continue
        if run:
            joined.append("".join(run))
            run = []
        joined.append(word)
    if run:
        joined.append("".join(run))
    return [_REPEATS.sub(r"\1", word) for word in joined]


@lru_cache(maxsize=4)
def load_wordlist(path=WORDLIST):
    """(folded phrases, exact phrases) as sets of word tuples."""
    folded, exact = set(), set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            exact.add(tuple(_tokens(line[1:])))
        else:
            folded.add(tuple(_tokens(fold(line))))
    return frozenset(folded), frozenset(exact)


def _contains_phrase(tokens, phrases):
    for start in range(len(tokens)):
        for length in range(1, MAX_PHRASE + 1):
            if tuple(tokens[start:start + length]) in phrases:
                return True
    return False


def has_link(text, _history=()):
    return bool(_URL.search(_EMAIL.sub(" ", text)))


def has_profanity(text, _history=()):
    folded_phrases, exact_phrases = load_wordlist()
    exact_tokens = _tokens(text)
    folded_tokens = [_REPEATS.sub(r"\1", fold(token)) for token in exact_tokens]
    return (_contains_phrase(folded_tokens, folded_phrases)
            or _contains_phrase(exact_tokens, exact_phrases))


def has_personal_data(text, _history=()):
    return bool(_EMAIL.search(text) or _PHONE.search(text) or _ID_NUMBER.search(text))


@lru_cache(maxsize=8192)
def _comparable(text):
    """Folded words of ``text`` (cached: an author's earlier comments recur)."""
    return " ".join(_tokens(fold(text)))


def repeats_earlier(text, history=()):
    """Near-exact (≥ 90 % similar) copy of one of the author's earlier comments.

    Similarity is rapidfuzz's normalised InDel ratio of the folded words (what difflib's
    ratio approximates, in C and in linear memory): an author's fifty earlier comments of
    5,000 characters each are compared in milliseconds, where difflib took seconds.
    """
    mine = _comparable(text)
    if len(mine) < 20:
        return False
    earlier = [_comparable(other) for other in history]
    return process.extractOne(mine, earlier, scorer=fuzz.ratio, score_cutoff=90) is not None


@dataclass(frozen=True)
class Rule:
    check: object
    reason: object


RULES = {
    "link": Rule(has_link, _l("Ý kiến có chứa đường dẫn (link); để tránh quảng cáo và lừa "
                              "đảo, kiểm duyệt viên sẽ xem trước khi đăng.")),
    "profanity": Rule(has_profanity, _l("Ý kiến có từ ngữ thô tục hoặc xúc phạm.")),
    "personal_data": Rule(has_personal_data, _l(
        "Ý kiến có thể chứa thông tin cá nhân (số điện thoại, số CMND/CCCD hoặc e-mail); "
        "chúng tôi giữ lại để bảo vệ bạn.")),
    "repeat": Rule(repeats_earlier, _l("Ý kiến gần giống hệt một ý kiến bạn đã gửi trước đó.")),
}

#: reasons a comment waits that are not screening rules
HOLD_REASONS = {
    "pre_moderation": _l("Đợt lấy ý kiến này duyệt ý kiến trước khi đăng."),
    "held_author": _l("Ý kiến của tài khoản này đang được kiểm duyệt trước khi đăng."),
}


@dataclass
class ScreeningResult:
    codes: list = field(default_factory=list)

    @property
    def held(self):
        return bool(self.codes)

    def reasons(self):
        """The plain-words reasons, one sentence each."""
        return " ".join(str(RULES[c].reason if c in RULES else HOLD_REASONS[c])
                        for c in self.codes)


def screen_text(text, history=()):
    """Run every rule on ``text``; ``history`` is the author's earlier comment texts."""
    return ScreeningResult([code for code, rule in RULES.items() if rule.check(text, history)])
