"""Key phrases of a group of comments: Vietnamese words (underthesea's word segmentation),
stop words removed, scored by how much more often a group uses them than the others."""

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords():
    """stopwords-iso's Vietnamese list plus the words of comments that name no subject."""
    import stopwordsiso

    extra = (Path(__file__).with_name("stopwords_vi.txt").read_text(encoding="utf-8")
             .splitlines())
    return frozenset(stopwordsiso.stopwords("vi")) | {
        line.strip() for line in extra if line.strip() and not line.startswith("#")}


def segment(text):
    """Vietnamese words of ``text``, lower-cased ("dữ liệu", "cá nhân", …)."""
    from underthesea import word_tokenize

    return [word.lower() for word in word_tokenize(text)]


def _is_content(word, stop):
    return word not in stop and len(word) > 1 and _LETTER.search(word) is not None


def phrases_of(text):
    """The distinct candidate phrases of one text, as tuples of words: content words, and
    pairs of adjacent content words (("dữ liệu", "cá nhân"))."""
    stop = stopwords()
    found = set()
    previous = None
    for word in segment(text):
        if _is_content(word, stop):
            found.add((word,))
            if previous is not None:
                found.add((previous, word))
            previous = word
        else:
            previous = None
    return found


def count_phrases(texts, max_chars=600):
    """How many of ``texts`` use each phrase (read up to ``max_chars`` of each)."""
    counts = Counter()
    for text in texts:
        counts.update(phrases_of(text[:max_chars]))
    return counts


def _length_weight(phrase):
    """Pairs of words say most, one-syllable words least ("hai", "dễ")."""
    if len(phrase) > 1:
        return 1.3
    return 1.0 if " " in phrase[0] else 0.5


def top_phrases(group_counts, limit=6, min_count=2):
    """For each group's Counter, its ``limit`` most distinctive phrases (as text).

    Score: share of the group's texts using the phrase × log(1 + groups / groups using it),
    so a phrase every group uses ("người dân") ranks below one that marks the group; pairs of
    words rank above single words, one-syllable words below. A phrase is skipped when it
    shares a word with one already chosen.
    """
    spread = Counter()
    for counts in group_counts:
        spread.update(phrase for phrase, n in counts.items() if n >= min_count)
    groups = max(len(group_counts), 1)
    chosen_lists = []
    for counts in group_counts:
        total = max(counts.total(), 1)
        scored = sorted(
            ((n / total * math.log(1 + groups / spread[phrase]) * _length_weight(phrase),
              phrase) for phrase, n in counts.items() if n >= min_count and spread[phrase]),
            key=lambda item: (-item[0], item[1]))
        chosen = []
        for _score, phrase in scored:
            if any(set(phrase) & set(other) for other in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) == limit:
                break
        chosen_lists.append([" ".join(phrase) for phrase in chosen])
    return chosen_lists
