"""The search's rules: deadlines in working days, who a round reaches, when a round
may start."""

import datetime as dt

import pytest
import time_machine

from placements.calendar import LONDON
from placements.models import CouncilSettings
from placements.services import DomainError
from providers.models import Category, FrameworkStatus, OfstedRating, Specialism, Tier
from providers.services import provider_archive
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import SearchRound
from referrals.search import rounds, scan
from referrals.search.rules import round_deadline, round_selection
from tests.journeys import approved, searchable, sent_round
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db
Kind = SearchRound.Kind


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


# --- Deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "urgent", "deadline", "chase"),
    [
        # An ordinary week: Monday morning, five working days, chased the Friday before.
        (at(2026, 11, 23, 9), False, at(2026, 11, 30, 17), at(2026, 11, 27, 17)),
        # Christmas 2026: the 25th, Boxing Day's substitute Monday the 28th and New Year's
        # Day are not working days.
        (at(2026, 12, 23, 10), False, at(2027, 1, 4, 17), at(2026, 12, 31, 17)),
        (at(2026, 12, 23, 10), True, at(2026, 12, 29, 17), at(2026, 12, 24, 17)),
        # Sent on Christmas Eve evening: the days start after the holidays.
        (at(2026, 12, 24, 18), True, at(2026, 12, 30, 17), at(2026, 12, 29, 17)),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March; British Summer
        # Time starts on the 28th, and the deadline is 17:00 London time all the same.
        (at(2027, 3, 25, 10), False, at(2027, 4, 5, 17), at(2027, 4, 2, 17)),
        (at(2027, 3, 25, 10), True, at(2027, 3, 31, 17), at(2027, 3, 30, 17)),
        # A Saturday: Monday is the first working day.
        (at(2026, 11, 28, 11), False, at(2026, 12, 4, 17), at(2026, 12, 3, 17)),
    ],
)
def test_deadlines_fall_at_17_00_london_after_working_days(sent, urgent, deadline, chase):
    council = CouncilSettings.load()
    assert round_deadline(sent, urgent=urgent, council=council) == (deadline, chase)


def test_deadline_is_17_00_in_summer_time_as_utc():
    deadline, _ = round_deadline(at(2027, 3, 25, 10), urgent=False, council=CouncilSettings.load())
    assert deadline.astimezone(dt.UTC).hour == 16


def test_no_chaser_when_the_chase_time_has_already_gone():
    council = CouncilSettings.load()
    council.response_working_days_urgent = 1
    _, chase = round_deadline(at(2026, 11, 23, 18), urgent=True, council=council)
    assert chase is None


# --- Who a round reaches ------------------------------------------------------------------


def framework_round(referral, officer):
    sent_round(referral, officer, kind=Kind.IN_HOUSE)
    (draft,) = rounds.round_start(referral=referral, kind=Kind.FRAMEWORK, actor=officer)
    return draft


def names(selection):
    return [c.provider.name for c in selection.chosen]


def left(selection):
    return {entry.provider.name: entry.reason for entry in selection.left_out}


def test_a_framework_round_reaches_matching_framework_providers_only(make_user, officer, in_house):
    social_worker = make_user("social_worker")
    ProviderFactory(name="On framework")
    ProviderFactory(name="Spot only", categories={"fostering": FrameworkStatus.SPOT})
    ProviderFactory(name="Residential", categories={"residential": FrameworkStatus.FRAMEWORK})
    provider_archive(provider=ProviderFactory(name="Archived"), actor=officer)
    ProviderFactory(name="Too young only", age_from=0, age_to=5)
    ProviderFactory(name="Requires improvement", ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    referral = searchable(social_worker, officer)
    selection = round_selection(framework_round(referral, officer), council=CouncilSettings.load())
    assert names(selection) == ["On framework"]
    assert selection.too_few


def test_filters_narrow_by_tier_vacancy_and_specialism(ready, officer):
    autism = Specialism.objects.create(name="Autism")
    ProviderFactory(name="Tier 2 with autism", tier=Tier.OUTSIDE, specialisms=[autism])
    ProviderFactory(name="Full", vacancies=0)
    draft = framework_round(ready, officer)
    council = CouncilSettings.load()
    local = names(round_selection(draft, council=council))
    # Inside the council's boundary first ("to be used in the main").
    assert "Tier 2 with autism" not in local and "Full" in local
    with pytest.raises(DomainError, match="social worker's agreement"):
        rounds.round_set_criteria(search_round=draft, criteria={"tier": ""}, actor=officer)
    draft = rounds.round_set_criteria(
        search_round=draft,
        criteria={"tier": ""},
        actor=officer,
        social_worker_agreement="Sam Social, by phone",
    )
    everyone = names(round_selection(draft, council=council))
    assert everyone == sorted([*local, "Tier 2 with autism"])
    for criteria, expected in [
        ({"tier": "2"}, ["Tier 2 with autism"]),
        ({"tier": "", "specialisms": [autism.pk]}, ["Tier 2 with autism"]),
        ({"tier": "", "has_vacancy": True}, [n for n in everyone if n != "Full"]),
        ({"tier": "1"}, local),
    ]:
        draft = rounds.round_set_criteria(search_round=draft, criteria=criteria, actor=officer)
        assert names(round_selection(draft, council=council)) == expected, criteria


def test_an_in_house_round_is_not_held_to_the_boundary(ready, officer):
    (in_house_round,) = rounds.round_start(referral=ready, kind="in_house", actor=officer)
    assert in_house_round.criteria["tier"] == ""
    rounds.round_set_criteria(search_round=in_house_round, criteria={"tier": "2"}, actor=officer)


def test_do_not_approach_providers_are_left_out_with_the_social_workers_reason(
    make_user, officer, in_house, framework_providers
):
    social_worker = make_user("social_worker")
    referral = drafting.referral_start(social_worker=social_worker)
    drafting.exclusion_add(
        referral=referral,
        provider=framework_providers[0],
        reason="Placement broke down there last year",
        actor=social_worker,
    )
    referral = searchable(social_worker, officer, draft=referral)
    draft = framework_round(referral, officer)
    selection = round_selection(draft, council=CouncilSettings.load())
    assert framework_providers[0].name not in names(selection)
    assert left(selection)[framework_providers[0].name] == (
        "Do not approach: Placement broke down there last year"
    )
    with pytest.raises(DomainError, match="not to be approached"):
        rounds.round_add_provider(
            search_round=draft, provider=framework_providers[0], actor=officer
        )


def test_adding_removing_and_putting_back_by_hand(ready, officer, in_house):
    full = ProviderFactory(name="Full up", vacancies=0)
    draft = framework_round(ready, officer)
    draft = rounds.round_set_criteria(
        search_round=draft, criteria={"has_vacancy": True}, actor=officer
    )
    council = CouncilSettings.load()
    assert "Full up" not in names(round_selection(draft, council=council))
    # The filters left it out; the officer adds it by hand all the same.
    draft = rounds.round_add_provider(search_round=draft, provider=full, actor=officer)
    selection = round_selection(draft, council=council)
    assert "Full up" in names(selection)
    assert next(c for c in selection.chosen if c.provider == full).by_hand
    draft = rounds.round_remove_provider(
        search_round=draft, provider_id=selection.chosen[0].provider.pk, actor=officer
    )
    removed = selection.chosen[0].provider.name
    after = round_selection(draft, council=council)
    assert removed not in names(after)
    assert left(after)[removed] == "Taken out by hand"
    draft = rounds.round_put_back(
        search_round=draft, provider_id=selection.chosen[0].provider.pk, actor=officer
    )
    assert removed in names(round_selection(draft, council=council))


def test_adding_by_hand_keeps_to_the_rounds_pool_and_the_boundary(ready, officer, in_house):
    residential = ProviderFactory(name="Residential only", categories={"residential": "framework"})
    spot = ProviderFactory(name="Spot agency", categories={"fostering": "spot"})
    far = ProviderFactory(name="Far away", tier=Tier.OUTSIDE)
    (in_house_round,) = rounds.round_start(referral=ready, kind=Kind.IN_HOUSE, actor=officer)
    with pytest.raises(DomainError, match="only the council's own service"):
        rounds.round_add_provider(search_round=in_house_round, provider=spot, actor=officer)
    rounds.round_cancel(search_round=in_house_round, actor=officer)
    draft = framework_round(ready, officer)
    for provider in (residential, spot):
        with pytest.raises(DomainError, match="only providers on the framework for fostering"):
            rounds.round_add_provider(search_round=draft, provider=provider, actor=officer)
    with pytest.raises(DomainError, match="outside the council's boundary"):
        rounds.round_add_provider(search_round=draft, provider=far, actor=officer)
    draft = rounds.round_set_criteria(
        search_round=draft,
        criteria={"tier": "1"},
        actor=officer,
        social_worker_agreement="Sam agreed by phone",
    )
    draft = rounds.round_add_provider(search_round=draft, provider=far, actor=officer)
    assert "Far away" in names(round_selection(draft, council=CouncilSettings.load()))
    # A stale hand-added id outside the pool never reaches the selection.
    draft.added = [*draft.added, residential.pk]
    draft.save(update_fields=["added"])
    assert "Residential only" not in names(round_selection(draft, council=CouncilSettings.load()))


def test_providers_asked_in_an_earlier_round_are_left_out(ready, officer):
    first = sent_round(ready, officer)
    asked = first.requests.first().provider
    scan.rounds_close_due(now=first.deadline_at)
    # A second framework round: everyone asked in the first is left out, with why.
    (draft,) = rounds.round_start(referral=ready, kind=Kind.FRAMEWORK, actor=officer)
    rounds.round_add_provider(search_round=draft, provider=asked, actor=officer)
    draft.refresh_from_db()
    selection = round_selection(draft, council=CouncilSettings.load())
    assert left(selection)[asked.name] == f"Already asked in round {first.number}"
    assert names(selection) == []


# --- When a round may start ----------------------------------------------------------------


def test_in_house_comes_first(ready, officer):
    with pytest.raises(DomainError, match="in-house fostering first"):
        rounds.round_start(referral=ready, kind=Kind.FRAMEWORK, actor=officer)
    sent_round(ready, officer, kind=Kind.IN_HOUSE)
    (external,) = rounds.round_start(referral=ready, kind=Kind.FRAMEWORK, actor=officer)
    assert external.number == 2


def test_external_rounds_need_a_funding_approval(social_worker, officer, in_house):
    referral = searchable(social_worker, officer, funding=False)
    sent_round(referral, officer, kind=Kind.IN_HOUSE)
    with pytest.raises(DomainError, match="funding approval"):
        rounds.round_start(referral=referral, kind=Kind.FRAMEWORK, actor=officer)


def test_off_framework_only_after_a_framework_round_has_closed(ready, officer):
    framework = sent_round(ready, officer)
    with pytest.raises(DomainError, match="once a framework round has closed"):
        rounds.round_start(referral=ready, kind=Kind.OFF_FRAMEWORK, actor=officer)
    scan.rounds_close_due(now=framework.deadline_at)
    (spot,) = rounds.round_start(referral=ready, kind=Kind.OFF_FRAMEWORK, actor=officer)
    assert spot.kind == Kind.OFF_FRAMEWORK


def test_a_dual_search_starts_in_house_and_framework_together_when_called_for(ready, officer):
    # The factory's child is 13: an older child.
    in_house, framework = rounds.round_start(
        referral=ready, kind=Kind.IN_HOUSE, dual=True, actor=officer
    )
    assert (in_house.kind, framework.kind) == (Kind.IN_HOUSE, Kind.FRAMEWORK)
    assert in_house.is_dual and framework.is_dual
    assert "dual search" in ready.chronology.last().text


def test_no_dual_search_for_a_young_single_child(ready, officer):
    ready.children.update(date_of_birth=dt.date.today().replace(year=2024, day=1))
    with pytest.raises(DomainError, match="dual search is for"):
        rounds.round_start(referral=ready, kind=Kind.IN_HOUSE, dual=True, actor=officer)


def test_widening_the_category_needs_the_social_workers_agreement(ready, officer):

    sent_round(ready, officer, kind=Kind.IN_HOUSE)
    residential = Category.objects.get(slug="residential")
    with pytest.raises(DomainError, match="agreement"):
        rounds.round_start(referral=ready, kind=Kind.FRAMEWORK, category=residential, actor=officer)
    (wider,) = rounds.round_start(
        referral=ready,
        kind=Kind.FRAMEWORK,
        category=residential,
        social_worker_agreement="Sam Social agreed by phone on 23 November",
        actor=officer,
    )
    assert wider.category == residential
    assert "Sam Social agreed by phone" in ready.chronology.last().text


def test_one_round_in_preparation_at_a_time(ready, officer):
    rounds.round_start(referral=ready, kind=Kind.IN_HOUSE, actor=officer)
    with pytest.raises(DomainError, match="Finish or cancel"):
        rounds.round_start(referral=ready, kind=Kind.IN_HOUSE, actor=officer)


def test_a_round_needs_a_released_pack(social_worker, officer, in_house):

    referral = brokerage.referral_qa_accept(referral=approved(social_worker), actor=officer)
    with pytest.raises(DomainError, match="Release the anonymised pack"):
        rounds.round_start(referral=referral, kind=Kind.IN_HOUSE, actor=officer)


def test_only_brokerage_searches(ready, social_worker):
    with pytest.raises(DomainError, match="Only brokerage"):
        rounds.round_start(referral=ready, kind=Kind.IN_HOUSE, actor=social_worker)


@time_machine.travel(at(2026, 11, 23, 9), tick=False)
def test_a_round_sent_now_has_its_deadline_and_chase(ready, officer):
    framework = sent_round(ready, officer)
    assert framework.deadline_at == at(2026, 11, 30, 17)
    assert framework.chase_at == at(2026, 11, 27, 17)
