"""Offers ranked on quality and cost: every part of the score, its weight and where it
came from; ties; the council's weights; the officer's score of the match to the needs;
the scores the social worker is shown, and a reason for choosing a lower one."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from approvals.offers.models import NeedsMatch, Shortlist
from approvals.offers.ranking import OfferFacts, Weights, offer_scores
from approvals.offers.services.negotiation import needs_match_score
from approvals.offers.services.options import shortlist_send
from placements.models import CouncilSettings
from placements.services import DomainError
from providers.models import OfstedRating, Tier
from tests.approvals.conftest import signed_in, url

D = Decimal
SENT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def facts(key, total, *, rating=OfstedRating.GOOD, tier=Tier.INSIDE, needs=4, hours=0, name=""):
    return OfferFacts(
        key=key,
        name=name or f"Provider {key}",
        total_weekly=D(total),
        rating=rating,
        tier=tier,
        needs_match=needs,
        asked_at=SENT,
        deadline=SENT + dt.timedelta(hours=100),
        answered_at=SENT + dt.timedelta(hours=hours),
    )


def parts(score) -> dict:
    return {part.label: part for part in score.parts}


def test_each_part_its_weight_and_where_it_came_from():
    scores = offer_scores(
        [
            facts(1, "4000"),
            facts(
                2,
                "5000",
                rating=OfstedRating.REQUIRES_IMPROVEMENT,
                tier=Tier.OUTSIDE,
                needs=2,
                hours=25,
            ),
        ],
        Weights(),
    )
    best, other = parts(scores[1]), parts(scores[2])
    # Cost 40%; quality 60% shared 30/40/15/15: 18%, 24%, 9%, 9% of the whole.
    assert [p.weight for p in scores[1].parts] == [D(40), D(18), D(24), D(9), D(9)]
    assert best["Cost"].score == 100 and other["Cost"].score == D("80.0")  # 4000 / 5000
    assert other["Cost"].source == "£4,000.00 (the lowest) ÷ £5,000.00 a week"
    assert (best["Ofsted rating"].score, other["Ofsted rating"].score) == (75, 25)
    assert other["Ofsted rating"].source == "Requires improvement"
    assert (best["Match to the needs"].score, other["Match to the needs"].score) == (100, 50)
    assert (best["Locality"].score, other["Locality"].score) == (100, 0)
    assert (best["Response"].score, other["Response"].score) == (100, 75)
    assert "25% of the time allowed" in other["Response"].source
    # 40 + 13.5 + 24 + 9 + 9 and 32 + 4.5 + 12 + 0 + 6.8 (each part to a tenth).
    assert scores[1].total == D("95.5") and scores[2].total == D("55.3")
    assert (scores[1].rank, scores[2].rank) == (1, 2)


def test_an_offer_not_scored_against_the_needs_says_so_and_scores_nothing_for_it():
    score = offer_scores([facts(1, "4000", needs=None)], Weights())[1]
    assert not score.scored
    assert parts(score)["Match to the needs"].score == 0
    assert parts(score)["Match to the needs"].source == "not scored yet"


def test_a_cheaper_poorer_offer_wins_on_cost_heavy_weights_and_loses_on_quality_heavy():
    offers = [
        facts(1, "3000", rating=OfstedRating.REQUIRES_IMPROVEMENT, needs=2),
        facts(2, "4500", rating=OfstedRating.OUTSTANDING, needs=4),
    ]
    default = offer_scores(offers, Weights())
    assert default[2].rank == 1  # 60% quality
    by_cost = offer_scores(offers, Weights(quality=20))
    assert by_cost[1].rank == 1


def test_an_offer_that_costs_nothing_takes_the_cost_marks_alone():
    scores = offer_scores([facts(1, "0"), facts(2, "9000")], Weights())
    assert parts(scores[1])["Cost"].score == 100
    assert parts(scores[2])["Cost"].score == 0
    assert parts(scores[2])["Cost"].source == "an offer costs nothing a week; any cost scores 0"


def test_ties_go_to_the_lower_cost_then_the_name():
    same = offer_scores(
        [facts(1, "4000", name="Beech"), facts(2, "4000", name="Ash")],
        Weights(),
    )
    assert same[1].total == same[2].total
    assert (same[2].rank, same[1].rank) == (1, 2)  # Ash before Beech
    # Quality 100%: equal quality, so the cheaper one first though cost counts for nothing.
    cheaper = offer_scores([facts(1, "5000"), facts(2, "4000")], Weights(quality=100))
    assert cheaper[1].total == cheaper[2].total and cheaper[2].rank == 1


@given(
    quality=st.integers(0, 100),
    shares=st.lists(st.integers(0, 100), min_size=3, max_size=3).filter(lambda s: sum(s) <= 100),
    totals=st.lists(st.integers(500, 20000), min_size=1, max_size=6),
)
def test_weights_add_up_to_100_and_a_score_never_leaves_0_to_100(quality, shares, totals):
    weights = Weights(quality, shares[0], shares[1], shares[2], 100 - sum(shares))
    scores = offer_scores([facts(n, total) for n, total in enumerate(totals)], weights)
    for score in scores.values():
        assert sum(part.weight for part in score.parts) == 100
        assert 0 <= score.total <= D("100.5")  # each part rounded to a tenth
    assert sorted(s.rank for s in scores.values()) == list(range(1, len(totals) + 1))


# --- In the pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_officer_scores_the_needs_and_the_comparison_ranks_by_score(referral, offers, officer):
    client = signed_in(officer)
    framework_3 = offers["Framework 3"]

    def rank_of_framework_3():
        rows = client.get(url("offers", referral), {"sort": "score"}).context["rows"]
        return next(row.score.rank for row in rows if row.response == framework_3)

    before = rank_of_framework_3()
    page = client.get(url("offers", referral)).content.decode()
    assert 'id="unscored"' in page and "How the score is made" in page
    match_url = reverse(
        "approvals:needs-match", kwargs={"pk": referral.pk, "response_pk": framework_3.pk}
    )
    refused = client.post(match_url, {})
    assert "Select how well the offer meets the child" in refused.content.decode()
    client.post(match_url, {"score": "4", "note": "Therapy on site"})
    match = NeedsMatch.objects.get()
    assert (match.score, match.scored_by, match.request) == (4, officer, framework_3.request)

    assert rank_of_framework_3() < before  # the best of the external offers now
    ranked = client.get(url("offers", referral), {"sort": "score"})
    rows = ranked.context["rows"]
    assert [row.score.rank for row in rows] == list(range(1, len(rows) + 1))
    assert [row.score.total for row in rows] == sorted(
        (row.score.total for row in rows), reverse=True
    )
    assert "highest score first" in ranked.content.decode()
    by_cost = client.get(url("offers", referral)).context["rows"]
    assert [row.response.agreed_total_weekly for row in by_cost] == sorted(
        row.response.agreed_total_weekly for row in by_cost
    )


@pytest.mark.django_db
def test_a_changed_setting_changes_the_ranking(referral, offers, officer):
    for name, score in (("Framework 2", 4), ("Framework 1", 0)):
        needs_match_score(response=offers[name], score=score, note="", actor=officer)
    client = signed_in(officer)
    top = client.get(url("offers", referral), {"sort": "score"}).context["rows"]
    assert top[0].provider.name != "Framework 1"
    council = CouncilSettings.load()
    council.ranking_quality_percent = 0  # cost alone
    council.save()
    rows = client.get(url("offers", referral), {"sort": "score"}).context["rows"]
    assert rows[0].provider.name == "Northshire Fostering"  # £900 a week, the cheapest


@pytest.mark.django_db
def test_the_social_worker_sees_the_scores_sent_and_the_social_worker_cannot_score(
    referral, offers, officer, social_worker
):
    needs_match_score(response=offers["Framework 1"], score=3, note="", actor=officer)
    shortlist_send(
        referral=referral,
        responses=[offers["Framework 1"], offers["Framework 2"]],
        note="",
        actor=officer,
    )
    options = list(Shortlist.objects.get().options.order_by("position"))
    assert all(option.score["parts"] for option in options)
    client = signed_in(social_worker)
    page = client.get(url("options", referral)).content.decode()
    assert 'id="option-scores"' in page
    assert options[0].score["total"] in page
    assert "If you choose an option that scored lower than another: why" in page
    match_url = reverse(
        "approvals:needs-match",
        kwargs={"pk": referral.pk, "response_pk": offers["Framework 2"].pk},
    )
    assert client.post(match_url, {"score": "4"}).status_code in (403, 404)
    assert NeedsMatch.objects.count() == 1
    with pytest.raises(DomainError):
        needs_match_score(response=offers["Framework 2"], score=4, note="", actor=social_worker)


@pytest.mark.django_db
def test_the_quality_shares_must_add_up_to_100(administrator_client):
    council = CouncilSettings.load()
    from placements.forms import CouncilSettingsForm

    data = {
        name: value
        for name, value in CouncilSettingsForm(instance=council).initial.items()
        if name in CouncilSettingsForm.Meta.fields
    }
    data.update(ranking_ofsted_points=50, ranking_quality_percent=120)
    form = CouncilSettingsForm(data=data, instance=council)
    assert not form.is_valid()
    assert "add up to 100 (they add up to 120)" in str(form.errors["ranking_response_points"])
    assert "Enter a percentage from 0 to 100" in str(form.errors["ranking_quality_percent"])
