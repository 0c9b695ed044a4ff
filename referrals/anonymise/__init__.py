"""Anonymisation of what providers read: pure functions, no database writes.

Identity lives in structured fields (the children's names, dates of birth, addresses
and schools, and the people around them). Every free-text field is rewritten with each
known identifier replaced in any spelling (case, accents, quotes, hyphens, plurals and
possessives, line breaks, diminutives and sound-alikes), the children's dates of birth
in any form, then whatever identifies by its shape (contacts, links, handles, national
numbers, court, police, hospital and Home Office references, vehicles, dates, streets).
What is left is checked word by word: anything that is not an ordinary English word or
a word the council allows is flagged with why, for an officer to resolve.
"""

import re
from collections.abc import Sequence

from referrals.anonymise.lexicon import lexicon
from referrals.anonymise.redactor import Identifier, Redaction, Redactor, Replacement
from referrals.anonymise.relationships import CONNECTING, group_of, relationship_word
from referrals.anonymise.residual import Flag, residual_flags
from referrals.anonymise.text import fold

__all__ = [
    "Flag",
    "Identifier",
    "Redaction",
    "Redactor",
    "Replacement",
    "initials",
    "name_identifiers",
    "people_replacements",
    "relationship_word",
    "residual_flags",
    "text_identifiers",
]


def initials(*names: str) -> str:
    parts = [p for name in names for p in re.split(r"[\s\-]+", name.strip()) if p]
    return "".join(p[0].upper() for p in parts if p[0].isalpha())


# A surname's particle written without its apostrophe or space: OBrien, DSouza (a
# capital after it), McKay, Mckay, MacKenzie (a capital after Mac: Mackie is no Mac Kie).
_JOINED_PARTICLE = re.compile(r"(?P<particle>[OD]|Mc|Mac)(?P<rest>[^\W\d_]{3,})")


def name_identifiers(full_name: str, replacement: str, source: str = "") -> list[Identifier]:
    """The whole name and each part of it, all to `replacement`. The last part of a name
    of two or more parts is a surname (it may be plural: the Smiths); each half of a
    double-barrelled part can appear alone (Smith-Jones: "the Jones family"), and so can
    each piece of a part with an apostrophe ("Kaka" of O'Kaka, "Souza" of D'Souza). A
    particle is written joined, spaced or with an apostrophe (OBrien, O'Brien, O Brien;
    McKay, Mc Kay), so each form is an identifier too."""
    full_name = " ".join(full_name.split())
    parts = full_name.split(" ") if full_name else []
    found = [Identifier(full_name, replacement, source)] if full_name else []
    for n, part in enumerate(parts):
        kind = "surname" if len(parts) > 1 and n == len(parts) - 1 else "name"
        found.append(Identifier(part, replacement, source, kind))
        if n + 1 < len(parts) and len(parts) > 2:
            # Neighbouring parts together ("Tsz Ching" of "Tsz Ching Wong").
            found.append(Identifier(f"{part} {parts[n + 1]}", replacement, source))
        halves = [h for h in part.split("-") if len(h) > 1]
        if len(halves) > 1:
            found += [Identifier(half, replacement, source, kind) for half in halves]
        for half in halves:
            pieces = re.split(r"['\u2019\u2018\u02bc`]", half)
            if len(pieces) > 1:
                found += [Identifier(p, replacement, source, kind) for p in pieces if len(p) >= 3]
            elif joined := _particle_apart(half):
                found += [Identifier(form, replacement, source, kind) for form in joined]
    return [i for i in found if len(i.text) >= 2]


def _particle_apart(part: str) -> list[str]:
    """A part whose particle is joined to the rest, written apart: OBrien is O'Brien
    (and "Brien" alone, as of O'Brien), McKay is Mc Kay."""
    m = _JOINED_PARTICLE.fullmatch(part)
    if m is None:
        return []
    particle, rest = m.group("particle"), m.group("rest")
    if particle in ("O", "D"):
        return [f"{particle}'{rest}", rest] if rest[0].isupper() else []
    if particle == "Mac" and not rest[0].isupper():
        return []
    return [f"{particle} {rest}"]


_GENERIC = re.compile(
    r"\b(?:(?:c\.?\s?of\s?e|church\s+of\s+england|r\.?c\.?|catholic|community|"
    r"infants?|junior|primary|secondary|high|grammar|special|free|church|"
    r"nursery|academy|school|college|trust)\b[\s,]*)+$",
    re.IGNORECASE,
)


def text_identifiers(text: str, replacement: str, source: str = "") -> list[Identifier]:
    """An address or a school: the whole of it, each line or comma-separated part, each
    part without its house number (12 Mill Lane: "Mill Lane" alone too), a school
    without its kind ("St Aldric's" of "St Aldric's Primary School"), and every word
    of it that is no ordinary English word ("Kettlewick" of "Kettlewick Road"), and of
    such a word with an apostrophe, each piece of it ("Kaka" of "O'Kaka Road")."""
    pieces = [text, *re.split(r"[\n,]+", text)]
    pieces += [m.group(1) for p in pieces if (m := re.match(r"\s*\d+[a-z]?\s+(.+)", p, re.I))]
    pieces += [_GENERIC.sub("", p) for p in pieces]
    pieces += _unusual_words(text)
    seen: dict[str, Identifier] = {}
    for piece in pieces:
        piece = " ".join(piece.split()).strip(" ,")
        if len(piece) >= 4:
            seen.setdefault(piece, Identifier(piece, replacement, source, "place"))
    return list(seen.values())


def _unusual_words(text: str) -> list[str]:
    """The words of an address or a school that are no ordinary English word, without
    a possessive, and each piece of such a word with an apostrophe. Such a word is
    ordinary as a whole (o'clock), not because its head is (the "o" of O'Kaka); the
    tail of a contraction is short (isn't, we'll)."""
    lex = lexicon()
    found = []
    for whole in re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", text):
        whole = re.sub(r"['\u2019]s$", "", whole)
        pieces = re.split(r"['\u2019]", whole)
        for word in dict.fromkeys([whole, *pieces]):
            folded = fold(word)
            name_like = bool(re.search(r"'[^\W\d_]{3,}", folded)) and folded not in lex.ordinary
            if (
                len(word) >= 4
                and (name_like or not lex.is_ordinary(folded))
                and not lex.is_safe(folded)
            ):
                found.append(word)
    return found


def relationship_identifiers(relationship: str, source: str = "") -> list[Identifier]:
    """Names written into a relationship ("father of Poppy", "Tyler and Kayden's dad"):
    identifiers too, as "[name]", below any listed person's own replacement."""
    found = []
    lex = lexicon()
    for word in re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", relationship):
        word = re.sub(r"['\u2019]s$", "", word)
        folded = fold(word)
        if group_of(folded) is not None or folded in CONNECTING or lex.is_safe(folded):
            continue
        if lex.is_name(folded) or not (lex.is_ordinary(folded) or folded in lex.proper):
            found.append(Identifier(word, "[name]", source, "variant"))
    return found


def people_replacements(people: Sequence[tuple[str, str]], *, style: str) -> list[tuple[str, str]]:
    """(name, relationship) to (name, what providers see): the relationship word, numbered
    when it repeats ("Sibling 1", "Sibling 2"), or the person's initials. The relationship
    typed may itself hold a name ("father of Poppy"): only relationship words come out."""
    if style == "initials":
        return [(name, initials(name)) for name, _relationship in people]
    words = [relationship_word(relationship) for _name, relationship in people]
    counts: dict[str, int] = {}
    for word in words:
        counts[word.casefold()] = counts.get(word.casefold(), 0) + 1
    seen: dict[str, int] = {}
    shown = []
    for (name, _relationship), word in zip(people, words, strict=True):
        key = word.casefold()
        if counts[key] > 1:
            seen[key] = seen.get(key, 0) + 1
            word = f"{word} {seen[key]}"
        shown.append((name, word))
    return shown
