"""The award of a package: once the answers are in, brokerage awards it to one provider
with the reason; the social worker, the awarded provider and the others are told; the
cost goes to its band's approver or stands on the panel's approval; the start date is
confirmed and Part C is issued, signed and countersigned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.costs.models import CostApproval
from approvals.costs.services import approval_approve
from approvals.offers.models import Shortlist
from approvals.packages.rules import Part
from approvals.packages.services import package_award, package_confirm
from approvals.placement.services.agreement import agreement_issue, agreement_sign
from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from providers.services import area_save
from referrals.models import Referral
from tests.journeys import (
    countersign,
    ensure_bands,
    lot_provider,
    package_offer,
    package_round,
    searchable_package,
)


@pytest.fixture
def city(make_user):
    return area_save(name="City", districts="LE1", actor=make_user(Role.ADMINISTRATOR))


@pytest.fixture
def answered(social_worker, officer, city):
    """A home care round to two providers, both answered: Care A covers it all, Care B
    the term-time mornings only."""
    lot_provider("home-care", areas=[city], name="Care A")
    lot_provider("home-care", areas=[city], name="Care B")
    referral = searchable_package(social_worker, officer)
    search_round = package_round(referral, officer)
    mornings = referral.schedule.filter(period="term", starts=dt.time(7))
    package_offer(search_round, "Care A", rate="18.50")
    package_offer(search_round, "Care B", rate="16.00", rows=list(mornings))
    return referral


def offer_of(referral, name):
    request = referral.search_rounds.get().requests.get(provider__name=name)
    return request.answers.order_by("-version").first()


def panel_approves_packages():
    council = CouncilSettings.load()
    council.package_cost_approval = "panel"
    council.save()


def test_award_to_one_provider_asks_the_bands_approver_then_tells_everyone(
    answered, officer, social_worker, senior_manager
):
    ensure_bands()
    shortlist = package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care A"), "home_care")],
        reason="Covers the whole pattern",
        actor=officer,
    )
    assert shortlist.status == Shortlist.Status.AWARDED
    assert shortlist.chosen.total_weekly == Decimal("166.50")
    answered.refresh_from_db()
    assert answered.stage == Referral.Stage.COST_APPROVAL
    approval = CostApproval.objects.get(referral=answered)
    assert (approval.status, approval.total_weekly) == ("pending", Decimal("166.50"))
    # The search is over: the round closed.
    assert answered.search_rounds.get().status == "closed"
    # Nobody is told of the award while its cost may yet be rejected.
    assert not OutboxMessage.objects.filter(key__startswith="package_awarded:").exists()
    assert not OutboxMessage.objects.filter(key__startswith="provider_awarded:").exists()
    # The band's approver (the senior manager for this sum) approves it.
    approval_approve(approval=approval, actor=senior_manager, comments="Agreed")
    answered.refresh_from_db()
    assert answered.stage == Referral.Stage.CONFIRMING
    care_a = offer_of(answered, "Care A").request
    care_b = offer_of(answered, "Care B").request
    told = OutboxMessage.objects.get(key__startswith="package_awarded:")
    assert told.to == [social_worker.email] and "Care A" in told.body_text
    assert "tell the family" in told.body_text
    awarded = OutboxMessage.objects.get(key=f"provider_awarded:{care_a.pk}")
    assert awarded.to == care_a.provider.referral_emails
    assert "contact the family" in awarded.body_text
    not_awarded = OutboxMessage.objects.get(key=f"provider_not_awarded:{care_b.pk}")
    assert "awarded to another provider" in not_awarded.body_text
    # Told once: its request closes, so the end of the search does not tell it again.
    care_b.refresh_from_db()
    assert care_b.revoked_reason == "Awarded to another provider"
    # Nothing a provider is sent names the family.
    for message in (awarded, not_awarded):
        assert "Kerry" not in message.body_text and "07700" not in message.body_text


def test_a_rejected_award_tells_nobody_and_may_be_made_again(answered, officer, senior_manager):
    from approvals.costs.services import approval_reject

    ensure_bands()
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care A"), "home_care")],
        reason="Whole pattern",
        actor=officer,
    )
    approval_reject(
        approval=CostApproval.objects.get(referral=answered),
        actor=senior_manager,
        comments="Too dear",
    )
    assert (
        not OutboxMessage.objects.filter(key__startswith="provider_")
        .exclude(key__startswith="provider_request")
        .filter(key__contains="award")
        .exists()
    )
    answered.refresh_from_db()
    assert answered.stage == Referral.Stage.SEARCHING
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care B"), "home_care")],
        reason="Cheaper, covers the mornings",
        actor=officer,
    )
    assert CostApproval.objects.filter(referral=answered, status="pending").count() == 1


def test_a_council_approving_by_panel_goes_straight_to_the_start_date(answered, officer):
    panel_approves_packages()
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care B"), "home_care")],
        reason="Cheapest",
        actor=officer,
    )
    answered.refresh_from_db()
    assert answered.stage == Referral.Stage.CONFIRMING
    approval = CostApproval.objects.get(referral=answered)
    assert approval.status == "approved"
    assert approval.panel_approved_on == answered.package.approval_date
    assert "Resource Allocation Panel" in approval.comments
    assert approval.total_weekly == Decimal("80.00")  # Care B: 5 mornings at £16


def test_no_award_before_the_answers_are_in_or_twice_or_without_a_reason(
    social_worker, officer, city
):
    panel_approves_packages()
    lot_provider("home-care", areas=[city], name="Care A")
    lot_provider("home-care", areas=[city], name="Care B")
    referral = searchable_package(social_worker, officer)
    search_round = package_round(referral, officer)
    answer = package_offer(search_round, "Care A")
    with pytest.raises(DomainError, match="once the answers are in"):
        package_award(
            referral=referral, parts=[Part(answer, "home_care")], reason="Good", actor=officer
        )
    package_offer(search_round, "Care B")
    with pytest.raises(DomainError, match="Say why"):
        package_award(
            referral=referral, parts=[Part(answer, "home_care")], reason=" ", actor=officer
        )
    package_award(
        referral=referral, parts=[Part(answer, "home_care")], reason="Good", actor=officer
    )
    with pytest.raises(DomainError, match="cannot be awarded now"):
        package_award(
            referral=referral, parts=[Part(answer, "home_care")], reason="Again", actor=officer
        )


def test_only_brokerage_awards(answered, social_worker):
    with pytest.raises(DomainError, match="Only brokerage"):
        package_award(
            referral=answered,
            parts=[Part(offer_of(answered, "Care A"), "home_care")],
            reason="x",
            actor=social_worker,
        )


def test_from_award_to_a_countersigned_part_c(answered, officer, make_user):
    panel_approves_packages()
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care A"), "home_care")],
        reason="All of it",
        actor=officer,
    )
    approval = CostApproval.objects.get(referral=answered)
    start = timezone.localdate() + dt.timedelta(days=10)
    [placement] = package_confirm(approval=approval, start_date=start, actor=officer)
    assert placement.service == "home_care"
    assert placement.placement_type == "Home care"
    terms = placement.package_terms
    assert [w["label"] for w in terms["weeks"]] == ["A term-time week", "A school-holiday week"]
    assert terms["weeks"][0] == {
        "label": "A term-time week",
        "period": "term",
        "hours": "9",
        "cost": "166.50",
    }
    assert terms["rates"] == [{"label": "Standard", "hourly": "18.50"}]
    agreement = agreement_issue(placement=placement, actor=officer)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(agreement.issued_pdf.open("rb")).pages)
    assert "The weekly schedule" in text and "1 hour between 07:00 and 08:30" in text
    assert "Kerry" not in text and "07700" not in text
    agreement_sign(agreement=agreement, name="Pat Provider", role="Manager", declaration=True)
    countersign(agreement, by=make_user(Role.BROKERAGE_OFFICER, team=None))
    answered.refresh_from_db()
    assert (answered.status, answered.stage) == ("placed", "placed")


def test_the_award_page_compares_answers_and_awards(answered, client_for):
    panel_approves_packages()
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse("approvals:award", kwargs={"pk": answered.pk})
    page = officer.get(url).content.decode()
    assert page.index("Care A") < page.index("Care B")  # covering it all comes first
    assert "9 of 9 hours" in page and "5 of 9 hours" in page
    assert "Covers part" in page
    refused = officer.post(url, {"award_home_care": offer_of(answered, "Care A").pk, "reason": ""})
    assert "Say why these providers are awarded the package" in refused.content.decode()
    refused = officer.post(url, {"reason": "All of it"})
    assert "Choose who is awarded the home care" in refused.content.decode()
    done = officer.post(
        url, {"award_home_care": offer_of(answered, "Care A").pk, "reason": "All of it"}
    )
    assert done.status_code == 302
    answered.refresh_from_db()
    assert answered.stage == Referral.Stage.CONFIRMING


def test_others_cannot_see_or_make_the_award(answered, client_for):
    url = reverse("approvals:award", kwargs={"pk": answered.pk})
    for role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.DIRECTOR):
        stranger = client_for(role)
        assert stranger.get(url).status_code == 403
        data = {"award_home_care": offer_of(answered, "Care A").pk, "reason": "Mine"}
        assert stranger.post(url, data).status_code == 403
    assert not Shortlist.objects.filter(referral=answered).exists()


def test_the_award_page_reads_the_same_queries_however_many_answer(
    social_worker, officer, city, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    names = [f"Care {n}" for n in range(6)]
    for name in names:
        lot_provider("home-care", areas=[city], name=name)
    referral = searchable_package(social_worker, officer)
    search_round = package_round(referral, officer)
    desk = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse("approvals:award", kwargs={"pk": referral.pk})
    desk.get(url)  # the first page a session sees reads what later pages have cached
    counts = []
    for answering in (names[:2], names[2:]):
        for name in answering:
            package_offer(search_round, name)
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.fixture
def both_answered(social_worker, officer, city):
    """Short breaks and home care asked for on one referral, each round answered."""
    lot_provider("short-breaks", areas=[city], name="Play Days")
    lot_provider("home-care", areas=[city], name="Care A")
    lot_provider("home-care", areas=[city], name="Care B")
    referral = searchable_package(social_worker, officer, service="short_break_home_care")
    play = package_round(referral, officer, service="short_break")
    care = package_round(referral, officer, service="home_care")
    package_offer(play, "Play Days", rate="22.00")
    package_offer(care, "Care A", rate="18.50")
    package_offer(care, "Care B", rate="16.00")
    return referral


def answer_in(referral, service, name):
    request = referral.search_rounds.get(service=service).requests.get(provider__name=name)
    return request.answers.order_by("-version").first()


def test_both_services_go_to_their_own_providers_and_are_placed_when_both_are_signed(
    both_answered, officer, make_user
):
    panel_approves_packages()
    referral = both_answered
    with pytest.raises(DomainError, match="Award the home care too"):
        package_award(
            referral=referral,
            parts=[Part(answer_in(referral, "short_break", "Play Days"), "short_break")],
            reason="x",
            actor=officer,
        )
    package_award(
        referral=referral,
        parts=[
            Part(answer_in(referral, "short_break", "Play Days"), "short_break"),
            Part(answer_in(referral, "home_care", "Care A"), "home_care"),
        ],
        reason="Each covers all of its service",
        actor=officer,
    )
    approval = CostApproval.objects.get(referral=referral)
    # Short breaks (4 hours every week at £22) and home care (9 hours at £18.50) run
    # in the same weeks: the dearest week is both together.
    assert approval.total_weekly == Decimal("88.00") + Decimal("166.50")
    placements = package_confirm(
        approval=approval, start_date=timezone.localdate() + dt.timedelta(days=10), actor=officer
    )
    assert sorted((p.service, p.provider.name) for p in placements) == [
        ("home_care", "Care A"),
        ("short_break", "Play Days"),
    ]
    countersigner = make_user(Role.BROKERAGE_OFFICER, team=None)
    first, second = placements
    for placement in (first, second):
        agreement = agreement_issue(placement=placement, actor=officer)
        agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
        countersign(agreement, by=countersigner)
        referral.refresh_from_db()
        if placement is first:
            # Placed only when every provider's agreement is countersigned; the other
            # provider's request is not told the search is over, nor the social worker
            # that the support is in place.
            assert referral.status == Referral.Status.ACCEPTED
            assert not OutboxMessage.objects.filter(key__startswith="provider_withdrawn:").exists()
            assert not OutboxMessage.objects.filter(key__startswith="placement_made:").exists()
    assert OutboxMessage.objects.filter(key__startswith="placement_made:").count() == 1
    assert referral.status == Referral.Status.PLACED


def test_home_care_split_between_term_time_and_holidays_where_the_council_allows(answered, officer):
    panel_approves_packages()
    care_a, care_b = offer_of(answered, "Care A"), offer_of(answered, "Care B")
    split = [Part(care_b, "home_care", "term"), Part(care_a, "home_care", "holiday")]
    with pytest.raises(DomainError, match="does not split home care"):
        package_award(referral=answered, parts=split, reason="Split", actor=officer)
    council = CouncilSettings.load()
    council.package_split_allowed = True
    council.save()
    with pytest.raises(DomainError, match="to one provider, or"):
        package_award(referral=answered, parts=split[:1], reason="Half", actor=officer)
    package_award(referral=answered, parts=split, reason="Split", actor=officer)
    approval = CostApproval.objects.get(referral=answered)
    # Term time: Care B's five mornings at £16 = £80; holidays: Care A's 9 hours at
    # £18.50 = £166.50; never both in one week.
    assert approval.total_weekly == Decimal("166.50")
    placements = package_confirm(
        approval=approval, start_date=timezone.localdate() + dt.timedelta(days=10), actor=officer
    )
    terms = {p.period: p.package_terms for p in placements}
    assert terms["term"]["weeks"] == [
        {"label": "A term-time week", "period": "term", "hours": "5", "cost": "80.00"}
    ]
    assert [t["title"] for t in terms["holiday"]["tables"]] == ["Home care: school holidays"]


def test_the_award_page_splits_home_care_where_the_council_allows(answered, client_for):
    panel_approves_packages()
    council = CouncilSettings.load()
    council.package_split_allowed = True
    council.save()
    desk = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse("approvals:award", kwargs={"pk": answered.pk})
    care_a, care_b = offer_of(answered, "Care A"), offer_of(answered, "Care B")
    refused = desk.post(url, {"term_home_care": care_b.pk, "reason": "Split"})
    assert "To split it, choose a provider for term time and one for the holidays" in (
        refused.content.decode()
    )
    done = desk.post(
        url, {"term_home_care": care_b.pk, "holiday_home_care": care_a.pk, "reason": "Split"}
    )
    assert done.status_code == 302
    assert answered.shortlists.get().options.count() == 2


def test_a_package_reads_in_its_own_words(answered, officer, make_user):
    panel_approves_packages()
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care A"), "home_care")],
        reason="All of it",
        actor=officer,
    )
    answered.refresh_from_db()
    assert answered.stage_label == "Cost approved: confirm the start"
    [placement] = package_confirm(
        approval=CostApproval.objects.get(referral=answered),
        start_date=timezone.localdate() + dt.timedelta(days=10),
        actor=officer,
    )
    assert placement.status_label == "Start date confirmed"
    # A child at home is not looked after: the package's own review arrangements.
    assert placement.review_arrangements == CouncilSettings.load().package_review_arrangements
    agreement = agreement_issue(placement=placement, actor=officer)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement, by=make_user(Role.BROKERAGE_OFFICER, team=None))
    answered.refresh_from_db()
    placement.refresh_from_db()
    assert (answered.status_label, placement.status_label) == ("In place", "In place")


def test_the_signing_page_gives_the_terms_and_the_familys_contact_to_the_provider(
    answered, officer, client
):
    import re

    from django.utils.html import escape

    panel_approves_packages()
    package_award(
        referral=answered,
        parts=[Part(offer_of(answered, "Care A"), "home_care")],
        reason="All of it",
        actor=officer,
    )
    [placement] = package_confirm(
        approval=CostApproval.objects.get(referral=answered),
        start_date=timezone.localdate() + dt.timedelta(days=10),
        actor=officer,
    )
    agreement = agreement_issue(placement=placement, actor=officer)
    message = OutboxMessage.objects.get(key=f"agreement_to_sign:{agreement.pk}")
    assert "Kerry" not in message.body_text and "07700" not in message.body_text
    token = re.search(r"/sign/([\w-]+)/", message.body_text).group(1)
    page = client.get(reverse("sign:page", kwargs={"token": token})).content.decode()
    assert "Kerry O&#x27;Brien" in page and "07700 900123" in page
    assert "Ready for school on time" in page  # an outcome
    assert escape(CouncilSettings.load().package_review_arrangements) in page
    assert "1 hour between 07:00 and 08:30" in page
