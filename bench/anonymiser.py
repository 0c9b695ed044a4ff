"""The anonymiser against a corpus of hard referral texts, and its speed.

    .venv/bin/python bench/anonymiser.py [--corpus tests/referrals/corpus/referral_texts.json]
                                         [--baseline c6e4117] [--runs 30] [--show-misses]

For each case the corpus gives the structured fields (child, people), a free text, the
known identifiers in it and the identifiers it has that no field lists. Reported:

- known identifiers leaked: a known one still in what providers read (goal 0);
- unlisted identifiers missed: neither taken out nor flagged for the officer (goal < 2%);
- ordinary words lost: words of the text, outside any identifier, gone from the output;
- flags per pack an officer must resolve, and how many of them flag no identifier;
- the median time to redact a referral of 5,000 words (goal < 50 ms).

`--baseline COMMIT` measures the anonymiser as it was at that commit too (read from git,
so nothing old is kept in the tree), counting its flags as it stored them then: one a
word a passage.
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.test")

import django  # noqa: E402

django.setup()

from referrals.anonymise.lexicon import lexicon  # noqa: E402
from referrals.anonymise.text import WORD, fold  # noqa: E402
from referrals.models import Child  # noqa: E402
from referrals.pack import redactor_for  # noqa: E402

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


def baseline_redactor(commit: str):
    """The anonymiser at `commit`, loaded from git into a module of its own."""
    source = subprocess.run(  # noqa: S603 (a commit named by whoever runs it)
        ["git", "show", f"{commit}:referrals/anonymise.py"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "anonymise_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("anonymise_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def redact(case: dict):
        child = child_of(case["child"])
        identifiers = []
        for name in (child.full_name, child.known_as):
            if name:
                identifiers += module.name_identifiers(name, child.initials)
        identifiers += module.text_identifiers(child.address, "[address]")
        identifiers += module.text_identifiers(child.school, "[school]")
        people = [(p["full_name"], p["relationship"]) for p in case["people"]]
        for name, shown in module.people_replacements(people, style="relationship"):
            identifiers += module.name_identifiers(name, shown)
        result = module.Redactor(identifiers).redact(case["text"])
        spans = [(f.word, f.start, f.end) for f in result.flags]
        # Then, one stored flag an occurrence.
        return result.text, spans, len(result.flags)

    return redact


def speed(cases: list[dict], runs: int) -> tuple[float, int]:
    """Median seconds to build the check and redact one referral of 5,000 words."""
    words, texts = 0, []
    for case in cases * 20:
        texts.append(case["text"])
        words += len(case["text"].split())
        if words >= 5000:
            break
    case = {**cases[0], "text": "\n\n".join(texts)}
    current_redact(case)  # word lists loaded once per process
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        current_redact(case)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(case["text"].split())


def report(name: str, figures: dict) -> None:
    n = figures["cases"]
    print(f"\n{name} ({n} cases)")
    print(
        f"  known identifiers leaked:      {figures['leaked']} of {figures['known']}"
        f" ({100 * figures['leaked'] / max(1, figures['known']):.1f}%)"
    )
    print(
        f"    …and not flagged for the officer: {figures['leaked unflagged']}"
        " (a flag must be resolved before the pack goes)"
    )
    print(
        f"    …in any case or accents:     {figures['leaked any case']}"
        " (includes ordinary words that are also the name: 'grace period')"
    )
    print(
        f"  unlisted identifiers missed:   {figures['missed']} of {figures['unlisted']}"
        f" ({100 * figures['missed'] / max(1, figures['unlisted']):.1f}%)"
    )
    print(
        f"  ordinary words lost:           {figures['lost']} of {figures['ordinary words']}"
        f" ({100 * figures['lost'] / max(1, figures['ordinary words']):.2f}%)"
    )
    print(f"  flags to resolve per pack:     {figures['flags'] / n:.2f}")
    print(f"  flags on no identifier, per pack: {figures['false flags'] / n:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", default=str(ROOT / "tests/referrals/corpus/referral_texts.json")
    )
    parser.add_argument("--baseline", default="")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    cases = json.loads(Path(args.corpus).read_text(encoding="utf-8"))["cases"]
    figures = measure(cases, current_redact)
    report("Now", figures)
    if args.show_misses:
        for case_id, kind, secret, output in figures["misses"]:
            at = occurrences(secret, output)[0][0] if occurrences(secret, output) else 0
            print(f"  {case_id} {kind}: {secret!r} … {output[max(0, at - 60) : at + 60]!r}")
    if args.baseline:
        report(f"At {args.baseline}", measure(cases, baseline_redactor(args.baseline)))
    median, words = speed(cases, args.runs)
    print(f"\nRedacting a referral of {words:,} words: median {1000 * median:.1f} ms")


if __name__ == "__main__":
    main()
