"""A package's rounds: to every framework provider on the service's lot who covers the
child's area, at once, 5 working days (2 if urgent); off-framework once the framework
round has closed; a round per service; a provider asked for by name alone."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from placements.calendar import add_working_days
from placements.models import CouncilSettings
from placements.roles import Role
from placements.services import DomainError
from providers.models import FrameworkStatus
from providers.services import area_save
from referrals.models import SearchRound
from referrals.pack.content import build_pack
from referrals.search import rounds, scan
from referrals.search.rules import round_selection
from tests.journeys import lot_provider, searchable_package


@pytest.fixture
def city(make_user):
    # The journeys' child lives at LE1 6ZG.
    return area_save(name="City", districts="LE1, LE2", actor=make_user(Role.ADMINISTRATOR))


@pytest.fixture
def county(make_user):
    return area_save(name="County", districts="LE67", actor=make_user(Role.ADMINISTRATOR))


def chosen_names(search_round) -> list[str]:
    selection = round_selection(search_round, council=CouncilSettings.load())
    return [c.provider.name for c in selection.chosen]


def test_a_home_care_round_reaches_the_lots_framework_providers_in_the_childs_area(
    social_worker, officer, city, county
):
    lot_provider("home-care", areas=[city], name="Care A")
    lot_provider("home-care", areas=[city, county], name="Care B")
    lot_provider("home-care", areas=[county], name="Care elsewhere")
    lot_provider("home-care", areas=[city], name="Care off", status=FrameworkStatus.SPOT)
    lot_provider("short-breaks", areas=[city], name="Play only")
    referral = searchable_package(social_worker, officer)
    [started] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    assert (started.service, started.category.slug) == ("home_care", "home-care")
    assert chosen_names(started) == ["Care A", "Care B"]
    sent = rounds.round_send(search_round=started, actor=officer)
    assert sent.requests.count() == 2
    assert sent.status == SearchRound.Status.OPEN


def test_a_package_goes_to_framework_first_and_needs_no_in_house_round(
    social_worker, officer, city
):
    lot_provider("home-care", areas=[city])
    referral = searchable_package(social_worker, officer)
    with pytest.raises(DomainError, match="framework providers first"):
        rounds.round_start(referral=referral, kind="in_house", actor=officer)
    with pytest.raises(DomainError, match="once its framework round has closed"):
        rounds.round_start(referral=referral, kind="off_framework", actor=officer)


def test_off_framework_follows_a_closed_framework_round(social_worker, officer, city):
    lot_provider("home-care", areas=[city], name="On")
    lot_provider("home-care", areas=[city], name="Spot", status=FrameworkStatus.SPOT)
    referral = searchable_package(social_worker, officer)
    [framework] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    framework = rounds.round_send(search_round=framework, actor=officer)
    with time_machine.travel(framework.deadline_at + dt.timedelta(minutes=1)):
        assert scan.search_scan()["closed"] == 1
        [off] = rounds.round_start(referral=referral, kind="off_framework", actor=officer)
        assert chosen_names(off) == ["Spot"]


def test_short_breaks_and_home_care_each_get_their_own_round(social_worker, officer, city):
    both = lot_provider("home-care", areas=[city], name="Both lots")
    both.provider_categories.create(
        category=__import__("providers.models").models.Category.objects.get(slug="short-breaks"),
        framework_status=FrameworkStatus.FRAMEWORK,
    )
    lot_provider("short-breaks", areas=[city], name="Play")
    referral = searchable_package(social_worker, officer, service="short_break_home_care")
    started = rounds.round_start(referral=referral, kind="framework", actor=officer)
    assert [(r.number, r.service) for r in started] == [(1, "short_break"), (2, "home_care")]
    assert chosen_names(started[0]) == ["Both lots", "Play"]
    rounds.round_send(search_round=started[0], actor=officer)
    # Asked about short breaks is not asked about home care.
    assert chosen_names(started[1]) == ["Both lots"]


def test_an_urgent_package_gives_providers_two_working_days(social_worker, officer, city):
    lot_provider("home-care", areas=[city])
    referral = searchable_package(social_worker, officer, is_urgent=True)
    [started] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    sent = rounds.round_send(search_round=started, actor=officer)
    standard = searchable_package(social_worker, officer)
    [other] = rounds.round_start(referral=standard, kind="framework", actor=officer)
    other = rounds.round_send(search_round=other, actor=officer)
    assert sent.deadline_at < other.deadline_at
    for sent_round, days in ((sent, 2), (other, 5)):
        sent_on = timezone.localdate(sent_round.sent_at)
        assert timezone.localdate(sent_round.deadline_at) == add_working_days(sent_on, days)


def test_a_provider_asked_for_by_name_is_the_only_one_asked(social_worker, officer, city):
    lot_provider("home-care", areas=[city], name="Care A")
    wanted = lot_provider("home-care", areas=[], name="Named")
    referral = searchable_package(
        social_worker,
        officer,
        requested_provider=wanted,
        requested_reason="Staff trained in his epilepsy rescue medication",
    )
    [started] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    selection = round_selection(started, council=CouncilSettings.load())
    assert [c.provider.name for c in selection.chosen] == ["Named"]
    assert [(left.provider.name, left.reason) for left in selection.left_out] == [
        ("Care A", "The social worker asked for one provider only")
    ]


def test_the_pack_gives_the_tables_and_never_the_principal_contact(social_worker, officer, city):
    referral = searchable_package(social_worker, officer, service="short_break_home_care")
    pack = build_pack(referral)
    text = pack.plain_text()
    assert "Kerry" not in text and "07700 900123" not in text and "O'Brien" not in text
    assert "12 Mill Lane" not in text and "Barnley Academy" not in text
    assert [t["title"] for t in pack.schedule] == [
        "Short breaks: all year",
        "Home care: term time",
        "Home care: school holidays",
    ]
    assert pack.schedule[1]["total"] == "9"
    assert {"day": "Monday", "when": "1 hour between 07:00 and 08:30", "hours": "1"} in (
        pack.schedule[1]["rows"]
    )
    labels = [t.label for t in pack.all_texts]
    assert "Home care: what the carer will do" in labels
    assert "Short breaks: travel restrictions" in labels
    assert "JO: mobility" in labels


def test_nothing_back_then_off_framework_then_flexibility_and_round_again(
    social_worker, officer, city
):
    """The seeds' order when nothing comes back: off-framework providers; then the social
    worker is asked about flexibility; a revised referral (a new version of its pack)
    goes round the framework providers again, with the same timescales."""
    from approvals.offers.services.flexibility import flexibility_answer, no_suitable_options
    from referrals.pack import services as pack_services

    lot_provider("home-care", areas=[city], name="On")
    lot_provider("home-care", areas=[city], name="Spot", status=FrameworkStatus.SPOT)
    referral = searchable_package(social_worker, officer)
    [framework] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    framework = rounds.round_send(search_round=framework, actor=officer)
    with time_machine.travel(framework.deadline_at + dt.timedelta(minutes=1)):
        scan.search_scan()
        [off] = rounds.round_start(referral=referral, kind="off_framework", actor=officer)
        off = rounds.round_send(search_round=off, actor=officer)
    with time_machine.travel(off.deadline_at + dt.timedelta(minutes=1)):
        scan.search_scan()
        asked = no_suitable_options(referral=referral, why="Nobody answered", actor=officer)
        flexibility_answer(asked=asked, answer="Afternoons can move to 15:00", actor=social_worker)
        [again] = rounds.round_start(referral=referral, kind="framework", actor=officer)
        # Still the same pack: asked already.
        assert chosen_names(again) == []
        rounds.round_cancel(search_round=again, actor=officer)
        pack = pack_services.pack_prepare(referral=referral, actor=officer)
        for flag in pack.flags.filter(resolution="open"):
            pack_services.pack_flag_accept(flag=flag, reason="Safe", actor=officer)
        pack_services.pack_release(resource_request=pack, actor=officer)
        [revised] = rounds.round_start(referral=referral, kind="framework", actor=officer)
        assert chosen_names(revised) == ["On"]
        revised = rounds.round_send(search_round=revised, actor=officer)
        sent_on = timezone.localdate(revised.sent_at)
        assert timezone.localdate(revised.deadline_at) == add_working_days(sent_on, 5)


def test_the_search_and_round_pages_for_a_package(social_worker, officer, city, client_for):
    lot_provider("short-breaks", areas=[city], name="Play Days")
    lot_provider("home-care", areas=[city], name="Care A")
    referral = searchable_package(social_worker, officer, service="short_break_home_care")
    desk = client_for(Role.BROKERAGE_OFFICER, team=None)
    search = reverse("referrals:search", kwargs={"pk": referral.pk})
    page = desk.get(search).content.decode()
    assert "Which service?" in page and "In-house fostering" not in page
    started = desk.post(search, {"kind": "framework", "service": "home_care"})
    assert started.status_code == 302
    [home_care] = referral.search_rounds.all()
    assert home_care.service == "home_care"
    page = desk.get(started["Location"]).content.decode()
    assert "Home care: providers on the Home care lot" in page
    assert "The child's area: City" in page
    assert "Care A" in page and "Play Days" not in page
