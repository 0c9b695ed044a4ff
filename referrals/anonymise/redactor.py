"""Replacing what the structured fields say identifies someone, in every spelling, then
whatever identifies by its shape, then checking what is left."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import jellyfish

from referrals.anonymise.dates import birthday_pattern
from referrals.anonymise.lexicon import lexicon, name_variants
from referrals.anonymise.patterns import CONTACT_PATTERNS, PATTERNS
from referrals.anonymise.relationships import ALL_WORDS, group_of
from referrals.anonymise.residual import Flag, residual_flags
from referrals.anonymise.text import WORD, capitalised, fold, named_after

TITLES = ["mr", "mrs", "ms", "miss", "mx", "dr", "master", "prof", "sir", "lady"]
# Relationship words also used as titles ("Nan Rosie", "Aunty Kerry").
TITLE_RELATIONSHIPS = [
    "aunty",
    "auntie",
    "aunt",
    "uncle",
    "nan",
    "nana",
    "nanny",
    "grandma",
    "grandad",
    "granny",
    "cousin",
]


@dataclass(frozen=True)
class Identifier:
    """A piece of text that identifies someone, what it becomes, and where it came from.
    `kind` is "name" (a whole name or a given name), "surname" (may be plural: the
    Smiths), "variant" (a diminutive or other spelling of a given name) or "place"."""

    text: str
    replacement: str
    source: str = ""
    kind: str = "name"


@dataclass(frozen=True)
class Replacement:
    """What was taken out, what it became, and which field said so."""

    original: str
    replacement: str
    source: str


@dataclass
class Redaction:
    text: str
    replaced: int = 0
    flags: list[Flag] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)


@dataclass
class _Entry:
    replacement: str
    source: str
    kind: str
    # Also a common English word (Grace, Will, Brown): replaced when capitalised; in
    # lower case it is left for the officer to decide, flagged.
    ordinary: bool


def _key(text: str) -> str:
    return fold(" ".join(text.split()))


# Particles of surnames, written joined to the rest, spaced or with an apostrophe.
_PARTICLES = {"o", "d", "mc", "mac"}


def _key_pattern(key: str) -> str:
    """A name as written any way: spaces, hyphens or slashes between its parts, an
    apostrophe or not (O'Brien, OBrien, O Brien, O-Brien), a line break inside it, a
    particle joined to the rest or not (Mc Kay, McKay)."""
    out = []
    if key.startswith("st ") or key.startswith("st. "):
        out.append(r"(?:saint|st\.?)")  # St Aldric's, Saint Aldric's
        key = key[2:].lstrip(".")
    word = ""
    for char in key:
        if char.isspace():
            out.append(r"[\s/'-]*" if word in _PARTICLES else r"[\s/-]+")
        elif char == "-":
            out.append(r"[\s-]?")
        elif char == "'":
            out.append(r"(?:'\s?|[\s-])?")
        elif char == ".":
            out.append(r"\.?")
        else:
            out.append(re.escape(char))
        word = word + char if char.isalnum() else ""
    return "".join(out)


_TITLE = rf"(?:(?P<title>{'|'.join(TITLES + TITLE_RELATIONSHIPS)})\.?\s+)?"
_RELATIONSHIP_BEFORE = re.compile(
    rf"(?<![^\W_])(?P<rel>{'|'.join(re.escape(w) for w in ALL_WORDS)})(?P<gap>\s+|\s*\(\s*)$"
)
_ANY_RELATIONSHIP = "|".join(re.escape(w) for w in ALL_WORDS)
_RELATIONSHIP_AFTER = re.compile(
    rf"\s*(?:\(\s*(?:[^\W\d_]+(?:'s)?\s+){{0,3}}(?P<a>{_ANY_RELATIONSHIP})\s*\)"
    rf"|,\s*(?P<b>{_ANY_RELATIONSHIP})\s*,)"
)
# Pet endings of given names (Benji, Bernie, Kasia, Tomek), taken off to find the name.
_PET_ENDING = re.compile(r"(?:ie|y|i|ey|o|a|s|ek|ka|ko|sia|cia|ito|ita|chen|kin)$")
# A whole word of a name in folded text, apostrophes and all (O'Brien, D'Souza): taking
# a name's neighbour up to an apostrophe would leave the rest of it behind.
_NAME_WORD = r"[^\W\d_]+(?:'[^\W\d_]+)*"
_HYPHEN_AFTER = re.compile(rf"-({_NAME_WORD})(?![^\W_])")
_HYPHEN_BEFORE = re.compile(rf"(?<![^\W_'-])({_NAME_WORD})-$")
_CAPITALISED_AFTER = re.compile(rf" ({_NAME_WORD}(?:-{_NAME_WORD})*)(?![^\W_])")
# The particle before a name's apostrophe (O'Kaka, D'Souza, Dell'Acqua): it goes with
# the name matched after it.
_PARTICLE_BEFORE = re.compile(r"(?<![^\W_'-])[^\W\d_]{1,4}'$")
# Before a noun, not a name: "the park", "a frost", "his grace".
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|his|her|their|our|my|your|its|some|any|no|every)"
    r"\s+$",
    re.IGNORECASE,
)
_COURT = re.compile(
    r"(?:[A-Z][^\W\d_]+\s+){1,3}(?:Family|County|Crown|Magistrates'?|Youth|High|Combined)"
    r"\s+Court(?:\s+Centre)?|(?:[A-Z][^\W\d_]+\s+){1,3}Court\s+(?:Centre|House)"
)


class Redactor:
    """Replaces the known identifiers, then the patterns, then checks what is left.

    `identifiers`: names, addresses and schools, each with its replacement. `births`:
    the children's dates of birth and what each becomes. `safe`: words and phrases the
    council allows. `protected`: names never to touch (the council's own name), whose
    words a child's address may share."""

    def __init__(
        self,
        identifiers: Iterable[Identifier],
        *,
        births: Iterable[tuple] = (),
        safe: Iterable[str] = (),
        protected: Iterable[str] = (),
    ):
        lex = lexicon()
        entries: dict[str, _Entry] = {}
        for identifier in _with_variants(identifiers):
            key = _key(identifier.text)
            if len(key) < 2:
                continue
            known = entries.get(key)
            if known is None:
                entries[key] = _Entry(
                    replacement=identifier.replacement,
                    source=identifier.source,
                    kind=identifier.kind,
                    ordinary=" " not in key and lex.is_common(key),
                )
            elif known.kind == "name" and identifier.kind == "surname":
                known.kind = "surname"  # a given name that is also a surname: the Smiths
            elif known.kind == "variant" and identifier.kind != "variant":
                entries[key] = _Entry(
                    identifier.replacement, identifier.source, identifier.kind, known.ordinary
                )
            elif identifier.kind != "variant" and known.replacement != identifier.replacement:
                # A text shared by two people (a family surname) becomes a neutral word
                # rather than either person's replacement.
                kinds = {known.kind, identifier.kind}
                if kinds == {"place"}:  # the home town in the school's name too
                    entries[key] = _Entry(
                        "[place]", "the child's address and school", "place", known.ordinary
                    )
                    continue
                shared = "[family name]" if "surname" in kinds else "[name]"
                entries[key] = _Entry(
                    shared, "more than one person's name", "surname", known.ordinary
                )
        self.entries = entries
        # Keys without their spaces, hyphens and apostrophes, to find the entry for a
        # match however it was written ("OBrien", "Tsz-ching").
        self.squeezed = {_squeeze(key): entry for key, entry in entries.items()}
        alternatives = [
            _key_pattern(key) + (r"(?:es|s)?" if entries[key].kind == "surname" else "")
            for key in sorted(entries, key=len, reverse=True)
        ]
        self.pattern = (
            re.compile(
                r"(?<![^\W_])"
                + _TITLE
                + "(?P<name>"
                + "|".join(alternatives)
                + r")(?P<possessive>'s|')?(?![^\W_])"
            )
            if alternatives
            else None
        )
        self.births = [(birthday_pattern(born), replacement) for born, replacement in births]
        # Sound-alike spellings of given names (Jayden: Jaden, Jaiden, Jaydon).
        self.sounds: dict[str, list[str]] = {}
        self.given: list[str] = []
        for key, entry in entries.items():
            if entry.kind == "name" and " " not in key and len(key) >= 3 and not entry.ordinary:
                self.sounds.setdefault(jellyfish.metaphone(key), []).append(key)
                self.given.append(key)
        self.given.sort(key=len, reverse=True)
        self.safe = {fold(" ".join(s.split())) for s in safe if s.strip()}
        self.shown_words = {w for e in entries.values() for w in e.replacement.split()}
        self.protected = [p for p in protected if p.strip()]

    # --- known identifiers -------------------------------------------------------------

    def _protected_spans(self, text: str, folded: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in _COURT.finditer(text)]
        if council_things := named_after(self.protected):
            spans += [m.span() for m in council_things.finditer(text)]
        for phrase in self.protected:
            spans += [m.span() for m in re.finditer(re.escape(fold(phrase)), folded)]
        return spans

    def _matches(
        self, text: str, folded: str, *, births: bool = True
    ) -> list[tuple[int, int, str, str, re.Match | None]]:
        """(start, end, replacement, source, match) for every known identifier; without
        `births`, the children's birthdays are not looked for."""
        found: list[tuple[int, int, str, str, re.Match | None]] = []
        for pattern, replacement in self.births if births else ():
            found += [
                (m.start(), m.end(), replacement, "a date of birth", None)
                for m in pattern.finditer(folded)
            ]
        if self.pattern is not None:
            for m in self.pattern.finditer(folded):
                entry = self._entry_for(m.group("name"))
                if entry is None:
                    continue
                start = m.start("name")
                if entry.ordinary and not capitalised(text[start]):
                    continue  # "grace" or "will" in lower case: an ordinary word
                start = m.start()
                if re.match(r"[^\W_]'", folded[max(0, start - 2) : start]):
                    if len(_squeeze(m.group("name"))) < 3:
                        continue  # the end of a contraction: we'll, they're
                    # After a particle and its apostrophe (O'Kaka, D'Souza) the name
                    # goes with its particle.
                    if particle := _PARTICLE_BEFORE.search(folded, max(0, start - 5), start):
                        start = particle.start()
                found.append((start, m.end(), entry.replacement, entry.source, m))
        if self.given:
            taken = {i for s, e, *_ in found for i in range(s, e)}
            forms: dict[tuple[str, bool], str | None] = {}
            for w in WORD.finditer(folded):
                if w.start() in taken or w.end() - 1 in taken:
                    continue
                word = w.group(0).removesuffix("'s")
                cached = (word, capitalised(text[w.start()]))
                if cached not in forms:
                    forms[cached] = self._another_form(word, text[w.start()])
                key = forms[cached]
                if key is not None:
                    entry = self.entries[key]
                    found.append(
                        (
                            w.start(),
                            w.end(),
                            entry.replacement,
                            f"{entry.source} (another form)",
                            None,
                        )
                    )
        return found

    def _another_form(self, word: str, first_letter: str) -> str | None:
        """The given name `word` is another form of, if any: a spelling that sounds the
        same (Jaden, Jaiden for Jayden), a short form (Kayd, Alf, Magda, Dec), a long
        one (Tszy, Kacperek for Kacper), a short form with a pet ending (Benji, Bernie)
        or a part of a long name (Tunde of Babatunde, Funmi of Olufunmilayo). Only for a
        word that is no ordinary English word."""
        lex = lexicon()
        # Written with a capital, a rare dictionary word may be a name's short form (Beth
        # for Bethany, Dec for Declan); a common one is not (Will, Mark).
        ordinary = lex.is_common(word) if capitalised(first_letter) else lex.is_ordinary(word)
        if len(word) < 3 or word in self.entries or ordinary or lex.is_safe(word):
            return None
        for key in self.sounds.get(jellyfish.metaphone(word), ()):
            limit = 1 if len(key) < 6 else 2
            if jellyfish.damerau_levenshtein_distance(word, key) <= limit:
                return key
        if not capitalised(first_letter):
            return None  # short and long forms only when written as a name
        stem = _PET_ENDING.sub("", word) if len(word) > 4 else word
        for key in self.given:
            if len(key) >= 5 and (
                key.startswith(word) or (len(stem) >= 3 and key.startswith(stem))
            ):
                return key
            if len(key) >= 3 and word.startswith(key) and len(word) - len(key) <= 4:
                return key
            if len(word) >= 4 and len(key) >= 7 and word in key:
                return key
        return None

    def _entry_for(self, surface: str) -> _Entry | None:
        """The entry for a match, however it was spaced or pluralised."""
        squeezed = _squeeze(surface)
        entry = self.squeezed.get(squeezed)
        if entry is None:
            for plural in ("es", "s"):
                trimmed = self.squeezed.get(squeezed.removesuffix(plural))
                if trimmed is not None and trimmed.kind == "surname":
                    return trimmed
        return entry

    @staticmethod
    def _next_to_relationship(text, folded, pos, gap, end, match, replacement):
        """Readable output: a name beside its own relationship word goes, so "Mum Kerry"
        reads "Mum", "my brother Tyler" "my brother", "Kerry (Mum)" "Mum", not "Mum
        Mum". Returns what to show, the text before it and where the match now ends."""
        group = group_of(replacement)
        if group is None:
            return replacement, gap, end
        start = pos + len(gap)
        title = match.group("title") if match else None
        if title:
            if group_of(title) == group:
                return text[start : start + len(title)], gap, end  # "Nan Rosie": "Nan"
            return replacement, gap, end
        before = _RELATIONSHIP_BEFORE.search(folded, max(pos, start - 40), start)
        if before and group_of(before.group("rel")) == group:
            if "(" not in before.group("gap"):
                return "", gap[: before.start("gap") - pos], end
            closing = re.match(r"\s*\)", text[end:])
            if closing:  # "Mum (Kerry)"
                return "", gap[: before.start("gap") - pos], end + closing.end()
        after = _RELATIONSHIP_AFTER.match(folded, end)
        if after and group_of(after.group("a") or after.group("b")) == group:
            return replacement, gap, after.end()  # "Kerry (Mum)", "Kerry, Mum,"
        return replacement, gap, end

    def _replace_known(self, text: str) -> tuple[str, list[Replacement]]:
        folded = fold(text)
        protected = self._protected_spans(text, folded)
        matches = sorted(self._matches(text, folded), key=lambda m: (m[0], -(m[1] - m[0])))
        starts = {m[0] for m in matches}
        out: list[str] = []
        replacements: list[Replacement] = []
        pos = 0
        for start, end, replacement, source, match in matches:
            if any(s < end and start < e for s, e in protected):
                continue
            if start < pos:
                if end > pos and replacements:
                    # Identifiers that overlap ("Kaka O" of a place, "O'Kaka" of a name):
                    # the one replaced first covers the rest of the other too.
                    last = replacements[-1]
                    replacements[-1] = Replacement(
                        last.original + text[pos:end], last.replacement, last.source
                    )
                    pos = end
                continue
            gap = text[pos:start]
            shown, gap, end = self._next_to_relationship(
                text, folded, pos, gap, end, match, replacement
            )
            # A name joined to another by a hyphen: the whole of it goes (Tyler-Smith,
            # Smith-O'Kaka), each neighbour as a whole word, apostrophes and all.
            if match is not None:
                while (h := _HYPHEN_AFTER.match(folded, end)) and self._joined(
                    text[h.start(1) : h.end(1)]
                ):
                    end = h.end()
                if (h := _HYPHEN_BEFORE.search(fold(gap))) and self._joined(
                    gap[h.start(1) : h.end(1)]
                ):
                    gap = gap[: h.start()]
            # A place inside a bigger name ("Ashcombe Rovers") goes as a whole, up to
            # the next known identifier, which is replaced as itself.
            if replacement.startswith("[") and match is not None:
                while (
                    (c := _CAPITALISED_AFTER.match(folded, end))
                    and c.start(1) not in starts
                    and capitalised(text[c.start(1)])
                    and not lexicon().is_safe(c.group(1))
                ):
                    end = c.end()
                    shown = "[place]"
            possessive = match.group("possessive") if match else None
            # A surname made plural (the Smiths): the match is no key as it stands.
            plural = match is not None and _squeeze(match.group("name")) not in self.squeezed
            if plural and shown:
                shown = "[family name]"  # the Smiths: the family, not one of them
            if possessive and shown and match is not None:  # a possessive has its match
                # "'s" stays, and so does the apostrophe after a name ending in s (James')
                # or a plural (the Smiths'); any other lone apostrophe closes a quotation.
                ends_in_s = fold(match.group("name")).endswith("s")
                quoted = start > 0 and text[start - 1] in "'\u2018"
                shown += (
                    "'s"
                    if possessive == "'s" or (ends_in_s and not quoted)
                    else text[match.end("possessive") - 1]
                )
            out.append(gap + shown)
            replacements.append(Replacement(text[start:end], shown or replacement, source))
            pos = end
        out.append(text[pos:])
        return "".join(out), replacements

    def redact(self, text: str) -> Redaction:
        text, by_shape = _replace_shapes(CONTACT_PATTERNS, text or "")
        redacted, replacements = self._replace_known(text)
        redacted, more_by_shape = _replace_shapes(PATTERNS, redacted)
        # What the redactor writes is never flagged, in this text or one redacted before
        # (placeholders in brackets are never flagged either).
        ours = {w for r in replacements for w in r.replacement.split()} | self.shown_words
        flags = residual_flags(redacted, safe=self.safe | ours, protected=self.protected)
        flags += self._possible_names(redacted, flags)
        return Redaction(
            text=redacted,
            replaced=len(replacements) + by_shape + more_by_shape,
            flags=flags,
            replacements=replacements,
        )

    def _possible_names(self, redacted: str, flags: list[Flag]) -> list[Flag]:
        """A known name that is also an ordinary word, left in lower case ("grace"): the
        officer decides."""
        flagged = {fold(f.word) for f in flags}
        folded = fold(redacted)
        found = []
        for key, entry in self.entries.items():
            if not entry.ordinary or entry.kind == "variant" or key in flagged:
                continue
            for m in re.finditer(rf"(?<![^\W_]){re.escape(key)}(?![^\W_])", folded):
                if _DETERMINER_BEFORE.search(redacted[max(0, m.start() - 8) : m.start()]):
                    continue
                found.append(
                    Flag(
                        redacted[m.start() : m.end()],
                        m.start(),
                        m.end(),
                        f"may be the name in {entry.source or 'the referral'}",
                    )
                )
                flagged.add(key)
                break
        return found

    def _joined(self, part: str) -> bool:
        """A word hyphenated to a name that is part of the name: capitalised, a known
        name, or no ordinary word (Tyler-Smith, Tsz-ching, but Jayden-style)."""
        folded = fold(part)
        return capitalised(part) or folded in self.entries or not lexicon().is_ordinary(folded)

    def contains_known(self, text: str, *, dates: bool = True) -> list[str]:
        """The known identifiers in `text` (for a final check of what goes out). Without
        `dates`, the day and month of a birthday are not looked for (an email's deadline
        may fall on it)."""
        text = text or ""
        return [text[s:e] for s, e, *_ in self._matches(text, fold(text), births=dates)]


def _replace_shapes(patterns, text: str) -> tuple[str, int]:
    """Every identifier found by its shape replaced, and how many there were."""
    count = 0
    for pattern, replacement in patterns:
        text, n = pattern.subn(replacement, text)
        count += n
    return text, count


def _squeeze(text: str) -> str:
    return re.sub(r"[\s/'.-]+", "", fold(text))


def _with_variants(identifiers: Iterable[Identifier]) -> list[Identifier]:
    found = list(identifiers)
    for identifier in list(found):
        if identifier.kind == "name" and " " not in identifier.text.strip():
            found += [
                Identifier(variant, identifier.replacement, identifier.source, "variant")
                for variant in sorted(name_variants(identifier.text))
            ]
    return found
