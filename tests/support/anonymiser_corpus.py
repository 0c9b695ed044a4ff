"""Measuring the anonymiser against a corpus of referral texts whose identifiers are
annotated: shared by the corpus test and `bench/anonymiser.py`."""

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from referrals.anonymise.lexicon import lexicon
from referrals.anonymise.text import WORD, fold
from referrals.models import Child
from referrals.pack.content import redactor_for

CORPUS = Path(__file__).resolve().parent.parent / "referrals/corpus/referral_texts.json"


def load_cases(path: Path | str = CORPUS) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cases"]


COUNCIL = "Northshire County Council"


def child_of(fields: dict) -> Child:
    values = {**fields, "date_of_birth": dt.date.fromisoformat(fields["date_of_birth"])}
    return Child(**{k: v for k, v in values.items() if k in {f.name for f in Child._meta.fields}})


def occurrences(needle: str, haystack: str, *, any_case: bool = False) -> list[tuple[int, int]]:
    """Where `needle` stands as a word in `haystack`: as annotated (the surface form the
    corpus lists), or `any_case` (any case or accents: "grace period" for "Grace")."""
    if any_case:
        needle, haystack = fold(needle), fold(haystack)
    pattern = rf"(?<![^\W_])(?<![^\W_]['\u2019]){re.escape(needle)}(?![^\W_])"
    return [m.span() for m in re.finditer(pattern, haystack)]


def spans_of(strings: list[str], text: str) -> list[tuple[int, int]]:
    return [span for s in strings for span in occurrences(s, text)]


def ordinary_words(text: str, skip: list[tuple[int, int]]) -> Counter:
    lex = lexicon()
    found = Counter()
    for m in WORD.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        word = fold(m.group(0))
        if lex.is_ordinary(word) and not lex.is_name(word):
            found[word] += 1
    return found


def measure(cases: list[dict], redact) -> dict:
    """`redact(case) -> (output text, [(flag word, start, end)], flags to resolve)`."""
    known = leaked = leaked_unflagged = leaked_any_case = unlisted = missed = 0
    words_in = words_lost = flags = false_flags = 0
    misses = []
    for case in cases:
        text = case["text"]
        output, flag_spans, to_resolve = redact(case)
        flags += to_resolve
        for secret in set(case["known"]):
            known += 1
            if left := occurrences(secret, output):
                leaked += 1
                misses.append((case["id"], "known", secret, output))
                if any(not any(fs < e and s < fe for _w, fs, fe in flag_spans) for s, e in left):
                    leaked_unflagged += 1
            if occurrences(secret, output, any_case=True):
                leaked_any_case += 1
        for secret in set(case["unlisted"]):
            unlisted += 1
            left = occurrences(secret, output)
            if any(not any(fs < e and s < fe for _w, fs, fe in flag_spans) for s, e in left):
                missed += 1
                misses.append((case["id"], "unlisted", secret, output))
        identifier_spans = spans_of(case["known"] + case["unlisted"], output)
        for _word, start, end in flag_spans:
            if not any(s < end and start < e for s, e in identifier_spans):
                false_flags += 1
        before = ordinary_words(text, spans_of(case["known"] + case["unlisted"], text))
        after = ordinary_words(output, [])
        words_in += sum(before.values())
        words_lost += sum(max(0, n - after[w]) for w, n in before.items())
    return {
        "cases": len(cases),
        "known": known,
        "leaked": leaked,
        "leaked any case": leaked_any_case,
        "leaked unflagged": leaked_unflagged,
        "unlisted": unlisted,
        "missed": missed,
        "ordinary words": words_in,
        "lost": words_lost,
        "flags": flags,
        "false flags": false_flags,
        "misses": misses,
    }


def current_redact(case: dict):
    redactor = redactor_for(
        [child_of(case["child"])],
        [(p["full_name"], p["relationship"]) for p in case["people"]],
        people_style="relationship",
        safe=[COUNCIL, *COUNCIL.split()],
        protected=[COUNCIL],
    )
    result = redactor.redact(case["text"])
    spans = [(f.word, f.start, f.end) for f in result.flags]
    return result.text, spans, len({fold(f.word) for f in result.flags})
