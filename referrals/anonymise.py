"""Anonymisation of what providers see: pure functions, no database writes.

Identity lives in structured fields (the children's names, dates of birth, addresses
and schools, and the people around them). Every free-text field is rewritten with
each known identifier replaced, then with patterns that identify anyone (postcodes,
phone numbers, emails, dates, NHS and NI numbers) replaced, and finally checked for
words that still look like names or places, which an officer must resolve.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

APOSTROPHES = "'\u2019\u2018`"
TITLES = [
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "master",
    "aunty",
    "auntie",
    "uncle",
    "nan",
    "nana",
    "grandma",
    "grandad",
    "nanny",
]
# A name token may carry an apostrophe or hyphen inside it (O'Brien, Smith-Jones).
_APOS = "[" + APOSTROPHES + "]"


@dataclass(frozen=True)
class Identifier:
    """A piece of text that identifies someone, and what it becomes."""

    text: str
    replacement: str


@dataclass(frozen=True)
class Flag:
    """A word left in the text that still looks like a name or a place."""

    word: str
    start: int
    end: int


@dataclass
class Redaction:
    text: str
    replaced: int = 0
    flags: list[Flag] = field(default_factory=list)


def initials(*names: str) -> str:
    parts = [p for name in names for p in re.split(r"[\s\-]+", name.strip()) if p]
    return "".join(p[0].upper() for p in parts if p[0].isalpha())


def _token_pattern(token: str) -> str:
    """A case-insensitive pattern for a name, allowing any apostrophe where it has one."""
    escaped = []
    for char in token:
        if char in APOSTROPHES:
            escaped.append(_APOS)
        elif char.isspace():
            escaped.append(r"\s+")
        else:
            escaped.append(re.escape(char))
    return "".join(escaped)


def _word_bounded(pattern: str) -> str:
    return rf"(?<![\w{APOSTROPHES}-]){pattern}(?![\w-]|{_APOS}\w\w)"


def name_identifiers(full_name: str, replacement: str) -> list[Identifier]:
    """The whole name and each part of it (three letters or more), all to `replacement`."""
    full_name = " ".join(full_name.split())
    found = [Identifier(full_name, replacement)] if full_name else []
    parts = [p for p in re.split(r"\s+", full_name) if p]
    for part in parts:
        found.append(Identifier(part, replacement))
        # A hyphenated surname's halves can appear alone (Smith-Jones: "the Jones family").
        found += [Identifier(half, replacement) for half in part.split("-") if len(half) > 2]
    return [i for i in found if len(i.text) >= 2]


def text_identifiers(text: str, replacement: str) -> list[Identifier]:
    """An address or a school: the whole of it, each line or comma-separated part, and
    each part without its house number (12 Mill Lane: "Mill Lane" alone too)."""
    pieces = [text, *re.split(r"[\n,]+", text)]
    pieces += [m.group(1) for p in pieces if (m := re.match(r"\s*\d+[a-z]?\s+(.+)", p, re.I))]
    return [Identifier(" ".join(p.split()), replacement) for p in pieces if len(p.strip()) >= 4]


class Redactor:
    """Replaces the known identifiers, longest first, then the patterns."""

    def __init__(self, identifiers: Iterable[Identifier]):
        # One replacement per distinct text; a text shared by two people (a family
        # surname) becomes a neutral word rather than either person's replacement.
        chosen: dict[str, str] = {}
        for identifier in identifiers:
            key = identifier.text.casefold()
            if key in chosen and chosen[key] != identifier.replacement:
                chosen[key] = "[family name]"
            else:
                chosen.setdefault(key, identifier.replacement)
        self.replacements = chosen
        ordered = sorted(chosen, key=len, reverse=True)
        self.pattern = (
            re.compile(
                _title_prefix()
                + "(?P<name>"
                + "|".join(_word_bounded(_token_pattern(t)) for t in ordered)
                + ")(?P<possessive>"
                + _APOS
                + "s?)?",
                re.IGNORECASE,
            )
            if ordered
            else None
        )

    def _replace_known(self, text: str) -> tuple[str, int]:
        if self.pattern is None:
            return text, 0
        count = 0

        def swap(match: re.Match) -> str:
            nonlocal count
            count += 1
            name = re.sub(f"{_APOS}", "'", " ".join(match.group("name").split()))
            replacement = self.replacements.get(name.casefold())
            if replacement is None:  # the text used a different apostrophe
                replacement = next(
                    v
                    for k, v in self.replacements.items()
                    if re.fullmatch(_token_pattern(k), match.group("name"), re.IGNORECASE)
                )
            possessive = "'s" if match.group("possessive") else ""
            return replacement + possessive

        return self.pattern.sub(swap, text), count

    def redact(self, text: str) -> Redaction:
        text, count = self._replace_known(text or "")
        for pattern, replacement in PATTERNS:
            text, n = pattern.subn(replacement, text)
            count += n
        return Redaction(text=text, replaced=count, flags=residual_flags(text))


def _title_prefix() -> str:
    titles = "|".join(TITLES)
    return rf"(?:\b(?:{titles})\.?\s+)?"


_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE), "[email]"),
    (re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    # NI numbers: two letters, six digits (spaced or not), a letter A to D. Matched by
    # shape, not by the rules for valid prefixes: removing too much is the safe side.
    (re.compile(r"\b[A-Z]{2}\s*(?:\d\s*){6}[A-D]\b", re.IGNORECASE), "[NI number]"),
    # NHS numbers: ten digits, usually 3-3-4.
    (re.compile(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b"), "[NHS number]"),
    # UK phone numbers: 0 or +44, then 9 or 10 more digits with spaces or dashes.
    (re.compile(r"(?:\+44\s?\(?0?\)?|\b0)(?:[\s-]?\d){9,10}\b"), "[phone]"),
    # Dates: 4/3/2013, 04-03-13, 2013-03-04, 4 March 2013, 4th Mar 2013, March 4, 2013.
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "[date]"),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"), "[date]"),
    (
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{2,4}}\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (
        re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.IGNORECASE),
        "[date]",
    ),
    # A house number and street: 12 Mill Lane, 4a Station Rd.
    (
        re.compile(
            r"\b\d+[a-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:road|rd|street|st|lane|ln|avenue|ave|"
            r"close|drive|dr|way|court|ct|crescent|place|pl|gardens|terrace|grove|walk|view|"
            r"row|hill|park|square|mews)\b\.?",
            re.IGNORECASE,
        ),
        "[address]",
    ),
]

# Capitalised words that are safe in the middle of a sentence.
SAFE_WORDS = {
    w.casefold()
    for w in [
        "I",
        "I'm",
        "I've",
        "I'd",
        "I'll",
        "Mum",
        "Mum's",
        "Dad",
        "Dad's",
        "Mummy",
        "Daddy",
        "Nan",
        "Nana",
        "Grandma",
        "Grandad",
        "Granny",
        "Sibling",
        "Brother",
        "Sister",
        "Aunt",
        "Auntie",
        "Uncle",
        "Cousin",
        "Stepdad",
        "Stepmum",
        "Carer",
        "Foster",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Christmas",
        "Easter",
        "Eid",
        "Diwali",
        "Ramadan",
        "Hanukkah",
        "English",
        "British",
        "Welsh",
        "Scottish",
        "Irish",
        "European",
        "African",
        "Asian",
        "Caribbean",
        "Polish",
        "Romanian",
        "Christian",
        "Muslim",
        "Catholic",
        "Jewish",
        "Hindu",
        "Sikh",
        "Buddhist",
        "Church",
        "Mosque",
        "ADHD",
        "ASD",
        "CAMHS",
        "SEN",
        "SEND",
        "EHCP",
        "NHS",
        "GP",
        "IRO",
        "PEP",
        "LAC",
        "CLA",
        "CSE",
        "CCE",
        "IFA",
        "SW",
        "TM",
        "Section",
        "Care",
        "Order",
        "Court",
        "Virtual",
        "School",
        "Academy",
        "Primary",
        "Secondary",
        "College",
        "Nursery",
        "PE",
        "Maths",
        "English",
        "Science",
        "Art",
        "Music",
        "Xbox",
        "PlayStation",
        "Lego",
        "Minecraft",
        "YouTube",
        "TikTok",
        "Football",
        "Rugby",
        "Cricket",
        "Netflix",
        "Premier",
        "League",
        "OK",
        "TV",
    ]
}
_WORD = re.compile(rf"[A-Z][a-z]+(?:{_APOS}[A-Za-z]+|-[A-Z][a-z]+)*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$|^\s*$")


def residual_flags(text: str, *, safe: Iterable[str] = ()) -> list[Flag]:
    """Capitalised words in mid-sentence that are not known to be safe: they may be
    names or places the structured fields did not list."""
    allowed = SAFE_WORDS | {s.casefold() for s in safe}
    flags = []
    for match in _WORD.finditer(text):
        before = text[: match.start()]
        if _SENTENCE_END.search(before):
            continue  # a capital at the start of a sentence says nothing
        if before.endswith("[") or (before.endswith("'s ") and before.rstrip().endswith("]'s")):
            continue
        word = match.group(0)
        base = re.sub(f"{_APOS}s$", "", word)
        forms = {word, base, base[:-1] if base.endswith("s") else base}
        if any(form.casefold() in allowed for form in forms):
            continue
        flags.append(Flag(word=word, start=match.start(), end=match.end()))
    return flags


def people_replacements(people: Sequence[tuple[str, str]], *, style: str) -> list[tuple[str, str]]:
    """(name, relationship) to (name, what providers see): the relationship word, numbered
    when it repeats ("Sibling 1", "Sibling 2"), or the person's initials."""
    if style == "initials":
        return [(name, initials(name)) for name, _relationship in people]
    counts: dict[str, int] = {}
    for _name, relationship in people:
        key = relationship.strip().casefold()
        counts[key] = counts.get(key, 0) + 1
    seen: dict[str, int] = {}
    shown = []
    for name, relationship in people:
        word = " ".join(relationship.split()) or "Person"
        key = word.casefold()
        if counts[key] > 1:
            seen[key] = seen.get(key, 0) + 1
            word = f"{word} {seen[key]}"
        shown.append((name, word[0].upper() + word[1:]))
    return shown
