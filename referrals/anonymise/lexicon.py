"""The word lists the residual check and the name matching read, loaded once.

- Ordinary English words: Debian's British English word list (SCOWL), the words it has
  in lower case. Words it has only with a capital are proper nouns: names and places.
- First names and surnames: the name lists of every locale Faker ships (about 30,000
  first names and 28,000 surnames, with their accents).
- Diminutives and variants of given names: the `nicknames` package's curated list.
- Safe words and phrases: `vocabulary.txt` beside this file, social care terms,
  brands, days, peoples and faiths; a council adds its own.
"""

import functools
import importlib
import os
from dataclasses import dataclass
from pathlib import Path

import faker.providers.person as faker_person
import pycountry
from django.conf import settings
from nicknames import NickNamer

from referrals.anonymise.text import base_form, fold

VOCABULARY = Path(__file__).with_name("vocabulary.txt")


class WordListMissing(RuntimeError):
    """The English word list is not installed: the check would flag every word."""


@dataclass(frozen=True)
class Lexicon:
    ordinary: frozenset[str]  # folded words the dictionary has in lower case
    common: frozenset[str]  # those of them in the smaller list of common words
    proper: frozenset[str]  # folded words it has only with a capital (names, places)
    # Words it has both ways: a name or a place when capitalised (Reading, Bath, Mark).
    both: frozenset[str]
    first_names: frozenset[str]
    surnames: frozenset[str]
    safe_words: frozenset[str]  # folded single words from the vocabulary
    safe_phrases: tuple[str, ...]  # folded phrases from the vocabulary, longest first

    def is_ordinary(self, folded: str) -> bool:
        word = base_form(folded)
        if word in self.ordinary or folded in self.ordinary:
            return True
        # Contractions and compounds: every part ordinary.
        if "'" in word:
            head = word.split("'")[0]
            return head in self.ordinary
        if "-" in word:
            return all(part in self.ordinary or part.isdigit() for part in word.split("-"))
        return False

    def is_word_or_typo(self, folded: str) -> bool:
        """An ordinary word, or a long one a letter away from one (anoying, recieved):
        typed in a hurry, no name."""
        if self.is_ordinary(folded):
            return True
        word = base_form(folded)
        if len(word) < 6 or not word.isalpha() or self.is_name(word):
            return False
        letters = "abcdefghijklmnopqrstuvwxyz"
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        candidates = (
            [a + b[1:] for a, b in splits if b]
            + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
            + [a + c + b[1:] for a, b in splits if b for c in letters]
            + [a + c + b for a, b in splits for c in letters]
        )
        return any(c in self.ordinary for c in candidates)

    def is_common(self, folded: str) -> bool:
        word = base_form(folded)
        if word in self.common or folded in self.common:
            return True
        if "-" in word:  # Welsh-speaking, K-pop: every part common or safe
            return all(p in self.common or p in self.safe_words for p in word.split("-"))
        return False

    def is_name(self, folded: str) -> bool:
        word = base_form(folded)
        return word in self.first_names or word in self.surnames

    def is_safe(self, folded: str) -> bool:
        word = base_form(folded)
        return folded in self.safe_words or word in self.safe_words


def word_list_path(setting: str = "ANONYMISER_WORD_LIST") -> Path:
    """The word list a setting names: ordinary words (ANONYMISER_WORD_LIST, Debian's
    wbritish-large) or common ones (ANONYMISER_COMMON_WORD_LIST, wbritish)."""
    path = getattr(settings, setting, "")
    if path and os.path.exists(path):
        return Path(path)
    raise WordListMissing(
        f"No English word list at {path or '(unset)'}: install Debian's wbritish and "
        f"wbritish-large (requirements-apt.txt), or set {setting} to a list, one word a line"
    )


def _read_words(path: Path) -> tuple[set[str], set[str], set[str]]:
    """(folded lower-case words, folded capitalised-only words, folded words listed
    both ways) of a word list."""
    ordinary: set[str] = set()
    proper: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            word = line.strip()
            if word:
                (proper if word[0].isupper() else ordinary).add(fold(word))
    return ordinary, proper - ordinary, proper & ordinary


def _faker_names() -> tuple[set[str], set[str]]:
    root = Path(faker_person.__file__).parent  # one folder a locale
    first: set[str] = set()
    last: set[str] = set()
    for locale in sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[0] != "_"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attrs, into in (
            (
                ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"),
                first,
            ),
            (("last_names", "last_names_male", "last_names_female"), last),
        ):
            for attr in attrs:
                for klass in provider.__mro__:
                    value = vars(klass).get(attr)
                    if isinstance(value, list | tuple | set | frozenset | dict):
                        into.update(fold(name) for name in value if " " not in name)
                        break
    return first, last


def _countries() -> set[str]:
    """Every country's name, short and official (pycountry's ISO 3166 list): where a
    child or family comes from is not who they are."""
    names = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(country, attr, None):
                names.add(value)
    return names


def _vocabulary(first_names: set[str]) -> tuple[set[str], list[str]]:
    words, phrases = set(), []
    # A country that is also a given name (Jordan, Chad, Georgia) is left to the check.
    for country in _countries() - {n.title() for n in first_names}:
        if " " in country:
            phrases.append(fold(country))
        else:
            words.add(fold(country))
    for line in VOCABULARY.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line == line.lower() and " " in line:
            phrases.append(fold(line))
        else:
            words.update(fold(word) for word in line.split())
    return words, phrases


@functools.cache
def lexicon() -> Lexicon:
    ordinary, proper, both = _read_words(word_list_path())
    common, _, _ = _read_words(word_list_path("ANONYMISER_COMMON_WORD_LIST"))
    first, last = _faker_names()
    words, phrases = _vocabulary(first)
    return Lexicon(
        ordinary=frozenset(ordinary),
        common=frozenset(common & ordinary),
        proper=frozenset(proper),
        both=frozenset(both),
        first_names=frozenset(first),
        surnames=frozenset(last),
        safe_words=frozenset(words),
        safe_phrases=tuple(sorted(phrases, key=len, reverse=True)),
    )


@functools.cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def name_variants(given_name: str) -> set[str]:
    """Diminutives and fuller forms of a given name, folded (liz → elizabeth, lizzie, …)."""
    folded = fold(given_name)
    namer = _nicknamer()
    found = set(namer.nicknames_of(folded)) | set(namer.canonicals_of(folded))
    for canonical in namer.canonicals_of(folded):
        found |= set(namer.nicknames_of(canonical))
    found.discard(folded)
    return {fold(name) for name in found if len(name) >= 3}
