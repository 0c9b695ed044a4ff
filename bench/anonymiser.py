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
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.test")

import django  # noqa: E402

django.setup()

from tests.support.anonymiser_corpus import (  # noqa: E402
    child_of,
    current_redact,
    load_cases,
    measure,
    occurrences,
)


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
    cases = load_cases(args.corpus)
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
