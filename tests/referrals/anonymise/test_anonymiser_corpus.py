"""The anonymiser against 116 hard referral texts with their identifiers annotated
(tests/referrals/corpus/): quotes, hyphens, plurals, accents, line breaks, diminutives,
names in relationships, birthdays, unlisted names and places, numbers and handles.

The figures may only get better. At c6e4117, before this check was rebuilt, the same
corpus gave: 27.8% of known identifiers leaked, 24.3% of unlisted ones missed and 9.98
flags per pack (one a word a passage then)."""

import pytest

from tests.support.anonymiser_corpus import current_redact, load_cases, measure


@pytest.fixture(scope="module")
def figures():
    return measure(load_cases(), current_redact)


def test_known_identifiers_are_taken_out_or_at_least_flagged(figures):
    assert figures["leaked"] / figures["known"] <= 0.03
    # A flag must be resolved before a pack goes: what is flagged cannot leak unseen.
    assert figures["leaked unflagged"] <= 1


def test_unlisted_identifiers_are_taken_out_or_flagged(figures):
    assert figures["missed"] / figures["unlisted"] < 0.02


def test_ordinary_words_survive_and_flags_are_fewer_than_half_of_before(figures):
    assert figures["lost"] / figures["ordinary words"] < 0.005
    assert figures["flags"] / figures["cases"] < 9.98 / 2
    assert figures["false flags"] / figures["cases"] < 1.5
