"""Identifiers found by their shape, whoever they belong to: contacts, links and handles,
postcodes, national numbers, court, police, hospital and Home Office references,
vehicle registrations, full dates and street addresses. Each is (pattern, what it
becomes), applied in order to text whose known names are already replaced."""

import re
from collections.abc import Callable

from referrals.anonymise.dates import FULL_DATES, AroundMonths

_STREET_TYPES = (
    "road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|court|ct|crescent|place|pl|"
    "gardens|terrace|grove|walk|view|row|hill|park|square|mews|rise|parade|green|vale|"
    "boulevard|croft|fold|gate|wharf|yard|meadow|meadows|chase|glade|end|side"
)
_URL_END = r"[^\s<>\"'\u2019)\]]*[^\s<>\"'\u2019)\].,;:!?]"
_TLDS = r"(?:com|co\.uk|org\.uk|org|net|uk|io|me|tv|ly|gg|info|biz|app|gov\.uk|ac\.uk|sch\.uk)"
# A label that says a reference number follows ("crime ref", "MRN", "HO ref:").
_LABEL = (
    r"(?:crime|incident|occurrence|log|police|court|case|claim|hospital|patient|mrn|pnc|cro|"
    r"urn|crn|upn|uln|uan|cid|home\s+office|ho|passport|visa|brp|port|unique\s+pupil|pupil|"
    r"reference|ref)"
)


# Codes that are not identifiers although they mix letters and digits.
ORDINARY_CODES = re.compile(
    r"(?:\d+(?:st|nd|rd|th|am|pm|s|mg|ml|kg|g|cm|mm|km|m|h|hr|hrs|yr|yrs|x|k|p)|"
    r"[a-z]{1,3}\d{1,2}s?|\d{1,2}[a-z]{1,2}|\d+)",
    re.IGNORECASE,
)


def _code(code: str) -> str:
    """[reference] for a code, unless it is a quantity, a time or a school year."""
    if (
        ORDINARY_CODES.fullmatch(code)
        or re.fullmatch(r"(?:19|20)\d{2}[/-]\d{2}(?:\d{2})?", code)  # a school year
        or re.fullmatch(r"\d{1,2}[/-]\d{1,2}", code)  # a day and month, or a range
    ):
        return code
    return "[reference]"


# Contacts go first, before names: a name inside an email address or a link goes with it.
CONTACT_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE), "[email]"),
    (re.compile(rf"\b(?:https?://|www\.){_URL_END}", re.IGNORECASE), "[link]"),
    (
        re.compile(rf"\b[\w-]+(?:\.[\w-]+)*\.{_TLDS}(?:/{_URL_END})?(?![\w.])", re.IGNORECASE),
        "[link]",
    ),
    # Social media handles: @name (an email has already gone).
    (re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"), "[handle]"),
    # A user name without its @ (eth_reid, kayla_xo_2010): no word has an underscore.
    (
        re.compile(r"\b(?=\w*_)(?:[^\W_]*[^\W\d_][^\W_]*(?:_+[^\W_]*)+_*\b|_+[^\W_]+\w*)"),
        "[handle]",
    ),
]
PATTERNS: list[tuple[re.Pattern | AroundMonths, str | Callable[[re.Match], str]]] = [
    (re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    # NI numbers: two letters, six digits (spaced or not), a letter A to D. Matched by
    # shape, not by the rules for valid prefixes: removing too much is the safe side.
    (re.compile(r"\b[A-Z]{2}\s*(?:\d\s*){6}[A-D]\b", re.IGNORECASE), "[NI number]"),
    # Family court case numbers: court code, year, type letter, serial (LE24C00456).
    (
        re.compile(r"\b[A-Z]{2,3}\s?\d{2}\s?[A-Z]{1,2}\s?\d{3,6}\b", re.IGNORECASE),
        "[case number]",
    ),
    # Vehicle registrations in today's format (AB12 CDE).
    (re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", re.IGNORECASE), "[vehicle registration]"),
    # NHS numbers: ten digits, usually 3-3-4.
    (re.compile(r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b"), "[NHS number]"),
    # UK phone numbers: 0 or +44, then 9 or 10 more digits with spaces or dashes.
    (re.compile(r"(?:\+44\s?\(?0?\)?|\b0)(?:[\s-]?\d){9,10}\b"), "[phone]"),
    # An area code in brackets: (0116) 496 0123.
    (re.compile(r"\(\s*0\d{2,5}\s*\)\s*\d{3,4}[\s-]?\d{3,4}\b"), "[phone]"),
    *[(pattern, "[date]") for pattern in FULL_DATES],
    # A labelled reference: "crime ref 24/123456", "MRN 4567891", "HO ref: D4567890/2".
    (
        re.compile(
            rf"\b(?P<label>{_LABEL}\.?(?:\s+(?:ref(?:erence)?|no|number|num|id))?\.?"
            r"\s*(?:[:#]|is|was)?\s*)(?P<ref>[A-Z0-9][A-Z0-9/\-]*\d[A-Z0-9/\-]*)\b",
            re.IGNORECASE,
        ),
        r"\g<label>[reference]",
    ),
    # Any other code: letters, digits and slashes with four digits or more
    # (CR/0123456/24, RX12345678, B1234567), or seven digits or more on their own.
    (
        re.compile(
            r"\b(?<![\w/£$.,-])(?:(?=[A-Z0-9/-]*\d(?:[/-]?\d){3})(?=[A-Z0-9/-]*[A-Z/])"
            r"[A-Z0-9]+(?:[/-][A-Z0-9]+)+(?![\w/-])"
            r"|(?=[A-Z]*\d)(?=\d*[A-Z])(?=(?:[A-Z]*\d){4})[A-Z0-9]{5,}(?![\w/-])"
            r"|\d{7,}(?![\w/]))",
            re.IGNORECASE,
        ),
        lambda match: _code(match.group(0)),
    ),
    # A house number and street: 12 Mill Lane, 4a Station Rd, Flat 3.
    (
        re.compile(
            rf"\b\d+[a-z]?,?\s+(?:(?-i:[A-Z])[\w'-]*\s+){{1,3}}(?:{_STREET_TYPES})\b\.?",
            re.IGNORECASE,
        ),
        "[address]",
    ),
    (re.compile(r"\b(?:flat|apartment|apt)\.?\s+\d+[a-z]?\b", re.IGNORECASE), "[address]"),
]
