"""Secret links: one way to make, store, find and describe them."""

import pytest

from placements.links import LONGEST_TOKEN, LinkState, find_link, new_token, token_hash
from referrals.models import ProviderLink


def test_a_token_is_stored_only_as_its_hash():
    token = new_token()
    assert len(token) >= 43 and token_hash(token) != token
    assert token_hash(token) == token_hash(token) and len(token_hash(token)) == 64


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x" * (LONGEST_TOKEN + 1)])
def test_an_empty_or_overlong_token_finds_nothing_without_asking_the_database(
    token, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert find_link(ProviderLink.objects.all(), token) is None


@pytest.mark.django_db
def test_an_unknown_token_finds_nothing():
    assert find_link(ProviderLink.objects.all(), new_token()) is None


def test_only_an_open_link_may_be_used_and_a_dead_one_shows_nothing():
    assert LinkState("open", item=None).is_open
    for state in ("read_only", "signed", "expired", "revoked", "closed", "unknown"):
        assert not LinkState(state).is_open
    assert LinkState("revoked").item is None
