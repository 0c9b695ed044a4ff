"""The check after redaction: every word that is not an ordinary English word or a word
the council allows is flagged, wherever it stands and whatever its case, with why."""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from referrals.anonymise.lexicon import lexicon
from referrals.anonymise.patterns import ORDINARY_CODES
from referrals.anonymise.text import WORD, capitalised, fold, named_after, sentence_starts_at

LOOKS_LIKE_NAME = "looks like a name"
LOOKS_LIKE_PLACE = "looks like a place"
LOOKS_LIKE_NAME_OR_PLACE = "looks like a name or a place"
LOOKS_LIKE_NUMBER = "looks like a reference number"
NOT_A_WORD = "is not an ordinary word"
AFTER_TITLE = "follows a title (Mr, Mrs, Dr)"

# The last word of a place's name ("Hartwell Park", "Mill Lane", "Ashcombe Rovers").
PLACE_WORDS = {
    "road",
    "street",
    "lane",
    "avenue",
    "close",
    "drive",
    "way",
    "crescent",
    "place",
    "gardens",
    "terrace",
    "grove",
    "walk",
    "row",
    "hill",
    "park",
    "square",
    "mews",
    "rise",
    "parade",
    "green",
    "vale",
    "estate",
    "village",
    "town",
    "city",
    "rovers",
    "united",
    "athletic",
    "wanderers",
    "fc",
    "afc",
    "academy",
    "school",
    "college",
    "primary",
    "infants",
    "juniors",
    "church",
    "chapel",
    "mosque",
    "temple",
    "centre",
    "hall",
    "house",
    "farm",
    "court",
    "lodge",
    "manor",
    "arms",
    "inn",
    "tavern",
    "club",
    "leisure",
    "pool",
    "library",
    "surgery",
    "hospital",
    "clinic",
    "ward",
    "station",
    "shops",
    "precinct",
    "market",
    "common",
    "heath",
    "wood",
    "woods",
    "brook",
    "bridge",
    "end",
    "cross",
    "heights",
    "towers",
    "flats",
    "barracks",
    "field",
    "fields",
    "meadow",
}
_TITLES = r"\b(?:mr|mrs|ms|miss|mx|dr)"
_TITLE_BEFORE = re.compile(rf"{_TITLES}\.?\s+$", re.IGNORECASE)
_TITLE_WORD = re.compile(rf"{_TITLES}\b\.?", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]")


@dataclass(frozen=True)
class Flag:
    """Words left in the text that may still identify someone, and why."""

    word: str
    start: int
    end: int
    reason: str = LOOKS_LIKE_NAME_OR_PLACE


@functools.lru_cache(maxsize=65536)
def _why(folded: str) -> str | None:
    """Why this word on its own needs a look, or None."""
    lex = lexicon()
    if lex.is_safe(folded):
        return None
    if any(c.isdigit() for c in folded):
        # Ranges and quantities are no references (8-12, 12-week, post-16, U12s).
        parts = folded.removesuffix("'s").split("-")
        if all(
            (p.isdigit() and len(p) <= 3) or p.isalpha() or ORDINARY_CODES.fullmatch(p)
            for p in parts
        ):
            return None
        return LOOKS_LIKE_NUMBER
    if len(folded) == 1:
        return None
    if "-" in folded and all(
        lex.is_safe(part) or lex.is_ordinary(part) for part in folded.removesuffix("'s").split("-")
    ):
        return None  # Pashto-speaking, Somali-British
    if not lex.is_word_or_typo(folded):
        if lex.is_name(folded) or any(lex.is_name(p) for p in folded.split("-")[:3]):
            return LOOKS_LIKE_NAME
        if folded.removesuffix("'s") in lex.proper:
            return LOOKS_LIKE_NAME_OR_PLACE
        return NOT_A_WORD
    return None


def residual_flags(
    text: str, *, safe: Iterable[str] = (), protected: Iterable[str] = ()
) -> list[Flag]:
    """Words that may be names, places or references the structured fields did not
    list. A word is flagged when it is not an ordinary English word (any case, any
    position); when it is capitalised mid-sentence and a name; when it follows a title;
    and a capitalised ordinary word is flagged with a flagged neighbour or as the end of
    a place's name ("Mill Lane"). Neighbouring flagged words make one flag."""
    allowed = {fold(s) for s in safe}
    masked = _mask(text, allowed, protected)
    # [match, word, folded, reason, starts a sentence], reason filled in a second pass
    tokens: list[list[Any]] = []
    for m in WORD.finditer(masked):
        word = m.group(0)
        folded = fold(word)
        if folded in allowed or folded.removesuffix("'s") in allowed:
            continue
        reason = _why(folded)
        # Where the sentence starts matters only for a capitalised word or a name.
        starts = (capitalised(word) or lexicon().is_name(folded)) and sentence_starts_at(
            masked, m.start()
        )
        tokens.append([m, word, folded, reason, starts])
    for i, token in enumerate(tokens):
        if token[3] is None:
            token[3] = _in_context(tokens, i, masked)

    flags: list[Flag] = []
    i = 0
    while i < len(tokens):
        m, word, folded, reason, _ = tokens[i]
        place_end = _place_phrase(tokens, i, masked)
        if reason is None and place_end is None:
            i += 1
            continue
        # Grow the flag over capitalised neighbours: "Hartwell Park", "Callum McDonald".
        first = last = i
        while first > 0 and _joins(tokens[first - 1], tokens[first], masked, allowed):
            first -= 1
        j = i
        while j + 1 < len(tokens) and _joins(tokens[j], tokens[j + 1], masked, allowed):
            j += 1
            last = j
        if place_end is not None:
            last = max(last, place_end)
        start, end = tokens[first][0].start(), tokens[last][0].end()
        reasons = [t[3] for t in tokens[first : last + 1] if t[3]]
        phrase_reason = min(reasons, key=_REASON_ORDER.index) if reasons else LOOKS_LIKE_PLACE
        if fold(tokens[last][1]).removesuffix("'s") in PLACE_WORDS and last > first:
            phrase_reason = LOOKS_LIKE_PLACE
        elif _TITLE_WORD.match(tokens[first][1]):
            phrase_reason = AFTER_TITLE  # "Dr Okonjo", "Mrs Pennington"
        flags.append(Flag(text[start:end], start, end, phrase_reason))
        i = last + 1
    return _every_occurrence(flags, text)


def _every_occurrence(flags: list[Flag], text: str) -> list[Flag]:
    """A word flagged once is flagged wherever it stands ("Will has a car" after "a boy
    called Will"), so no mention of it goes unseen."""
    if not flags:
        return flags
    covered = {k for f in flags for k in range(f.start, f.end)}
    reasons: dict[str, str] = {}
    for flag in flags:
        reasons.setdefault(flag.word, flag.reason)
    words = sorted(reasons, key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in words) + r")(?![^\W_])")
    more = []
    for m in pattern.finditer(text):
        if m.start() not in covered and m.end() - 1 not in covered:
            more.append(Flag(m.group(0), m.start(), m.end(), reasons[m.group(0)]))
    return sorted(flags + more, key=lambda f: f.start)


# Words after which the next word is someone's name ("a boy called Will").
_NAMING = re.compile(
    r"(?:\bcalled|\bnamed|\bnicknamed|\bknown\s+as|\bcalls\s+(?:him|her|them|me)"
    r"|\bgoes\s+by)\s+[\"'\u2018\u201c]?$",
    re.IGNORECASE,
)
# What often follows a name at the start of a sentence ("Mason and", "Faith is").
_SUBJECT_NEXT = re.compile(
    r"(?:'s\b|\s*[,(]|\s+(?:and|is|was|has|had|said|says|told|tells|lives|likes|loves|"
    r"wants|will|would|can|could|went|goes|visits|calls|texts|messages|sees|saw)\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"'\u2018\u201c]([^\"'\u2018\u2019\u201c\u201d\n]{1,30})[\"'\u2019\u201d]")
QUOTED_NAME = "is in quotes: may be a nickname"
PROPER_NAME = "is capitalised mid-sentence: may be a place's or a group's name"


def _in_context(tokens: list, i: int, text: str) -> str | None:
    """Why an ordinary word needs a look where it stands, or None: after a title or
    "called", a name in quotes, a name starting a sentence as its subject, a name in
    capitals mid-sentence, or a capitalised word after "the" mid-sentence (the Cedars)
    or beside another (Tackle Den)."""
    lex = lexicon()
    m, word, folded, _reason, start_of_sentence = tokens[i]
    name = lex.is_name(folded)
    if not (name or capitalised(word)) or len(folded) < 2 or lex.is_safe(folded):
        return None  # every reason below needs a name or a capital
    before = text[max(0, m.start() - 20) : m.start()]
    shouting = word.isupper() and len(word) > 1
    if capitalised(word) and _TITLE_BEFORE.search(before[-8:]):
        return AFTER_TITLE
    if (name or capitalised(word)) and _NAMING.search(before):
        return LOOKS_LIKE_NAME
    quoted = _QUOTED.match(text, max(0, m.start() - 1))
    if (
        quoted
        and quoted.start(1) == m.start()
        and (name or capitalised(word))
        and len(quoted.group(1).split()) <= 3
    ):
        return QUOTED_NAME
    if shouting:
        return LOOKS_LIKE_NAME if name and not lex.is_common(folded) else None
    if not capitalised(word):
        return None
    if not start_of_sentence:
        if name:
            return LOOKS_LIKE_NAME
        if (
            re.search(r"\bthe\s+$", before)
            or _capitalised_neighbour(tokens, i, text)
            or not lex.is_common(folded)
        ):
            return PROPER_NAME
        if folded.removesuffix("'s") in lex.both:
            return LOOKS_LIKE_NAME_OR_PLACE  # "moved from Reading", "near Bath"
        return None
    if name and _SUBJECT_NEXT.match(text, m.end()):
        return LOOKS_LIKE_NAME
    return None


def _capitalised_neighbour(tokens: list, i: int, text: str) -> bool:
    """Whether the next word, one space on and in the same sentence, is capitalised too
    and no safe word (Tackle Den, Gloves Up)."""
    lex = lexicon()
    if i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    return (
        text[tokens[i][0].end() : nxt[0].start()] == " "
        and capitalised(nxt[1])
        and not nxt[1].isupper()
        and not lex.is_safe(nxt[2])
    )


def _joins(left, right, text: str, allowed: set[str]) -> bool:
    """Whether two tokens are one proper name: next to each other in one sentence, the
    right one capitalised (or flagged), neither a safe word on its own."""
    between = text[left[0].end() : right[0].start()]
    if between not in (" ", "-"):
        return False
    if right[4] and between != "-":
        return False
    lex = lexicon()
    for token in (left, right):
        if token[3] is not None:
            continue
        # A word that flags nothing joins only as part of a name: capitalised, not
        # shouted, not a safe word, nor a common word starting the sentence ("His").
        if (
            not capitalised(token[1])
            or token[1].isupper()
            or lex.is_safe(token[2])
            or (token[4] and lex.is_common(token[2]))
        ):
            return False
    return True


def _place_phrase(tokens, i: int, text: str) -> int | None:
    """If tokens[i] starts "Capitalised … Lane/Park/Rovers", the index of the last word."""
    _match, word, folded, _reason, start_of_sentence = tokens[i]
    lex = lexicon()
    if (
        not capitalised(word)
        or lex.is_safe(folded)
        or folded in PLACE_WORDS
        or (start_of_sentence and lex.is_common(folded) and not lex.is_name(folded))
    ):
        return None  # "Near Mill Lane": the place is "Mill Lane"
    j = i
    while j + 1 < len(tokens) and j - i < 3:
        nxt = tokens[j + 1]
        if text[tokens[j][0].end() : nxt[0].start()] != " " or not capitalised(nxt[1]):
            return None
        if fold(nxt[1]).removesuffix("'s") in PLACE_WORDS:
            return j + 1
        j += 1
    return None


def _mask(text: str, allowed: set[str], protected: Iterable[str]) -> str:
    """The text with placeholders, allowed phrases and protected names blanked out
    (same length), so nothing in them is flagged."""
    lex = lexicon()
    folded = fold(text)
    spans = [m.span() for m in _PLACEHOLDER.finditer(text)]
    spans += [m.span() for m in _phrases_pattern(lex.safe_phrases).finditer(folded)]
    protected = list(protected)
    extra = tuple(sorted({a for a in allowed if " " in a} | {fold(p) for p in protected}))
    if extra:
        spans += [m.span() for m in _phrases_pattern(extra).finditer(folded)]
    if council_things := named_after(protected):
        spans += [m.span() for m in council_things.finditer(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for k in range(start, end):
            if not chars[k].isspace():
                chars[k] = "\u00b7"
    return "".join(chars)


@functools.lru_cache(maxsize=64)
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, ordered)) + r")(?![^\W_])")


# The most telling reason first, when a flag covers several words.
_REASON_ORDER = [
    AFTER_TITLE,
    LOOKS_LIKE_NAME,
    QUOTED_NAME,
    LOOKS_LIKE_NUMBER,
    LOOKS_LIKE_PLACE,
    LOOKS_LIKE_NAME_OR_PLACE,
    PROPER_NAME,
    NOT_A_WORD,
]


def looks_personal(phrase: str) -> bool:
    """Whether a word or phrase may name a person (a first name or surname, or a
    title): never allowed in every pack, only accepted for one."""
    lex = lexicon()
    if _TITLE_WORD.search(phrase):
        return True
    words = [fold(m.group(0)).removesuffix("'s") for m in WORD.finditer(phrase)]
    if any(w in PLACE_WORDS for w in words):
        return False  # a place's name (Hartwell Park), though "Park" is a surname too
    for m in WORD.finditer(phrase):
        folded = fold(m.group(0))
        if lex.is_name(folded) and not lex.is_safe(folded):
            return True
    return False
