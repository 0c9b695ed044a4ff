"""Folding text so that every spelling of a word matches, without moving anything.

`fold` lowers the case, takes the accents off (Wiśniewski → wisniewski, Đức → duc),
and makes every apostrophe a straight one and every dash a hyphen, one character for
one character, so a match found in the folded text is at the same place in the
original and the original can be rewritten around it.
"""

import re
import unicodedata

APOSTROPHES = "'\u2019\u2018`\u02bc\u2032"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
# Letters that do not decompose into a base letter and a mark.
_BASE = {
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "ø": "o",
    "ı": "i",  # noqa: RUF001 (the dotless i of Turkish names)
    "ħ": "h",
    "þ": "t",
    "æ": "a",
    "œ": "o",
    "ß": "s",
}


class _FoldTable(dict):
    """str.translate's table, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in APOSTROPHES:
            folded = "'"
        elif char in DASHES:
            folded = "-"
        else:
            lower = char.lower()
            if len(lower) != 1:
                lower = char
            known = _BASE.get(lower)
            if known is not None:
                folded = known
            else:
                base = "".join(
                    c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c)
                )
                folded = base.lower() if len(base) == 1 and len(base.lower()) == 1 else lower
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, plain hyphens; same length."""
    return text.translate(_TABLE)


# A word: letters or digits, with apostrophes and hyphens inside it (O'Brien, Tsz-ching).
WORD = re.compile(
    r"[^\W_]+(?:['\u2019\u2018\u02bc][^\W_]+)*(?:[-\u2010\u2011][^\W_]+(?:['\u2019\u2018\u02bc][^\W_]+)*)*"
)


def base_form(folded_word: str) -> str:
    """A folded word without its possessive ending (jayden's → jayden)."""
    if folded_word.endswith("'s"):
        return folded_word[:-2]
    if folded_word.endswith("'"):
        return folded_word[:-1]
    return folded_word


def capitalised(word: str) -> bool:
    return word[:1].isupper()


def sentence_starts_at(text: str, start: int) -> bool:
    """Whether a word at `start` begins a sentence, a line, a quotation or the text."""
    before = text[max(0, start - 12) : start].rstrip(" \t\"'\u2018\u201c([")
    if not before and start > 12:
        return False
    return not before or before[-1] in ".!?:;\n\u2022*-" or before.endswith("\n")


_COUNCIL_WORDS = {
    "county",
    "city",
    "borough",
    "council",
    "district",
    "metropolitan",
    "of",
    "the",
    "and",
    "royal",
    "london",
}


def named_after(names) -> re.Pattern | None:
    """Names of things named after the council's place ("Northshire General",
    "Northshire Royal", "Northshire Police"): the place's own word and up to three
    capitalised words after it. They tell a provider only the council's area."""
    words = {
        w
        for name in names
        for w in re.findall(r"[^\W\d_]+", name)
        if fold(w) not in _COUNCIL_WORDS and w[0].isupper()
    }
    if not words:
        return None
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")(?:\s+[A-Z][\w']*){0,3}"
    )
