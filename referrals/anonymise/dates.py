"""Dates, written any way: the child's date of birth with or without the year, and
any other full date."""

import datetime as dt
import re

MONTHS = [
    r"(?:january|jan\.?)",
    r"(?:february|feb\.?)",
    r"(?:march|mar\.?)",
    r"(?:april|apr\.?)",
    r"may",
    r"(?:june|jun\.?)",
    r"(?:july|jul\.?)",
    r"(?:august|aug\.?)",
    r"(?:september|sept?\.?)",
    r"(?:october|oct\.?)",
    r"(?:november|nov\.?)",
    r"(?:december|dec\.?)",
]
ANY_MONTH = "(?:" + "|".join(MONTHS) + ")"
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {20: "twenty", 30: "thirty"}
_ORDINAL_UNITS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
]
_ORDINAL_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]


def day_words(day: int) -> list[str]:
    """13 → thirteen, thirteenth; 21 → twenty-first, twenty one, …"""
    if day < 10:
        return [_UNITS[day - 1], _ORDINAL_UNITS[day - 1]]
    if day < 20:
        return [_TEENS[day - 10], _ORDINAL_TEENS[day - 10]]
    tens, unit = divmod(day, 10)
    if unit == 0:
        word = _TENS[tens * 10]
        return [word, word[:-1] + "ieth"]
    head = _TENS[tens * 10]
    return [f"{head}[\\s-]?{_UNITS[unit - 1]}", f"{head}[\\s-]?{_ORDINAL_UNITS[unit - 1]}"]


_ANY_DAY_WORD = "|".join(
    sorted({w for day in range(1, 32) for w in day_words(day)}, key=len, reverse=True)
)
_YEAR_WORDS = (
    r"(?:two\s+thousand(?:\s+and)?(?:\s+(?:"
    + "|".join(_TEENS + _UNITS + ["twenty(?:[\\s-]?(?:" + "|".join(_UNITS) + "))?"])
    + r"))?|(?:nineteen|twenty)\s+(?:oh\s+)?(?:"
    + "|".join(_TEENS + _UNITS)
    + r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]?(?:"
    + "|".join(_UNITS)
    + r"))?))"
)


def _digits_day(day: int) -> str:
    return rf"0?{day}(?:st|nd|rd|th)?" if day < 10 else rf"{day}(?:st|nd|rd|th)?"


# Days with names: a birthday on one is told by its name ("born on Christmas Eve").
NAMED_DAYS = {
    (12, 24): r"christmas\s+eve",
    (12, 25): r"christmas\s+day",
    (12, 26): r"boxing\s+day",
    (12, 31): r"new\s+year'?s\s+eve|hogmanay",
    (1, 1): r"new\s+year'?s\s+day",
    (2, 14): r"valentine'?s\s+day",
    (2, 29): r"leap\s+day",
    (3, 17): r"st\.?\s+patrick'?s\s+day",
    (4, 1): r"april\s+fools'?\s+day",
    (10, 31): r"hallowe'?en",
    (11, 5): r"bonfire\s+night|guy\s+fawkes\s+night",
    (11, 11): r"armistice\s+day",
}


def birthday_pattern(born: dt.date) -> re.Pattern:
    """Every way of writing this date of birth, with or without its year: 13th May,
    the 13th of May, May 13, 13/05, 13.5.2012, thirteenth of May two thousand and twelve,
    2012-05-13. Matched on folded (lower case) text."""
    day = "(?:" + "|".join([_digits_day(born.day), *day_words(born.day)]) + ")"
    month_name = MONTHS[born.month - 1]
    month_number = rf"0?{born.month}" if born.month < 10 else str(born.month)
    year = rf"(?:{born.year}|'?{born.year % 100:02d}|{_YEAR_WORDS})"
    sep = r"\s*[/.\-]\s*"
    forms = [
        rf"(?:the\s+)?{day}(?:\s+|\s*-\s*)(?:of\s+)?{month_name}(?:(?:,?\s+|-){year})?",
        rf"{month_name}(?:\s+|\s*-\s*)(?:the\s+)?{day}(?:,?\s+{year})?",
        rf"{day}\s*/\s*{month_number}",
        rf"{day}{sep}{month_number}{sep}{year}",
        rf"{born.year}{sep}{month_number}{sep}0?{born.day}",
    ]
    if named := NAMED_DAYS.get((born.month, born.day)):
        forms.append(rf"(?:{named})(?:,?\s+{year})?")
    return re.compile(r"(?<![\w/.\-])(?:" + "|".join(forms) + r")(?![\w/]|\.\d)")


class AroundMonths:
    """A pattern tried only around the names of months: the day in words may come
    before the month or after it, so trying it at every word would be slow."""

    _MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)

    def __init__(self, pattern: re.Pattern, reach: int = 60):
        self.pattern = pattern
        self.reach = reach

    def subn(self, replacement: str, text: str) -> tuple[str, int]:
        out, pos, count = [], 0, 0
        for month in self._MONTH.finditer(text):
            if month.start() < pos:
                continue
            start = max(pos, month.start() - self.reach)
            m = self.pattern.search(text, start, month.end() + self.reach)
            if m is None or m.start() > month.start() or m.end() < month.end():
                continue
            out.append(text[pos : m.start()] + replacement)
            pos = m.end()
            count += 1
        out.append(text[pos:])
        return "".join(out), count


# Other full dates (any day, month and year), in figures or words.
FULL_DATES: list[re.Pattern[str] | AroundMonths] = [
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    AroundMonths(
        re.compile(
            rf"\b(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ANY_DAY_WORD})\s+(?:of\s+)?{ANY_MONTH},?"
            rf"\s+(?:\d{{2,4}}|{_YEAR_WORDS})\b",
            re.IGNORECASE,
        )
    ),
    AroundMonths(
        re.compile(
            rf"\b{ANY_MONTH}\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ANY_DAY_WORD}),?"
            rf"\s+(?:\d{{4}}|{_YEAR_WORDS})\b",
            re.IGNORECASE,
        )
    ),
]
