"""Journeys: a referral brought to any stage the way people bring it there, through
the services, so every state a test starts from is one the service can really reach.

In the order of the journey:

- drafting and submitting: `needs`, `child_form`, `needs_form`, `complete_draft`, `submitted`
- permission to search: `approved`
- brokerage's check, the pack, funding: `searchable`
- search rounds: `in_house_provider`, `sent_round`
- offers, options and cost approval: `offer_values`, `offers_in`, `chosen`
- the placement and its agreement: `countersigner`, `countersign`, `placed`

Transactional tests (which flush the rows data migrations seeded) put reference data
back with `ensure_placement_types` and `ensure_bands`.
"""

import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from approvals.costs.services import approval_approve
from approvals.demo.packages import HOME_CARE_WEEK, slot_row
from approvals.offers.services.options import option_choose, shortlist_send
from approvals.packages.rules import Part
from approvals.packages.services import package_award, package_confirm
from approvals.placement.services.agreement import (
    agreement_countersign,
    agreement_issue,
    agreement_sign,
)
from approvals.placement.services.placement import placement_confirm
from placements.models import CouncilSettings
from placements.roles import Role
from providers.models import Category, ProviderType
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import (
    PackFlag,
    PlacementType,
    ProviderAnswer,
    ProviderRequest,
    Referral,
    SearchRound,
)
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import answers, rounds
from tests.placements.factories import UserFactory
from tests.providers.factories import ProviderFactory, ensure_categories

PLACEMENT_TYPES = import_module(
    "referrals.migrations.0002_placement_types_and_append_only_chronology"
).PLACEMENT_TYPES


# --- Drafting and submitting ---------------------------------------------------------


CHILD = {
    "first_name": "Jayden",
    "middle_names": "",
    "last_name": "O'Brien",
    "known_as": "Jay",
    "date_of_birth": dt.date(2013, 3, 4),
    "gender": "Male",
    "ethnicity": "White British",
    "religion": "None",
    "first_language": "English",
    "legal_status": "Section 20",
    "address": "12 Mill Lane, Barnley",
    "postcode": "LE1 6ZG",
    "school": "Barnley Academy",
    "sen_disability": "ADHD",
    "health": "Asthma",
    "behaviours": "None",
    "risks": "Goes missing when anxious",
    "interests": "Football",
}


def needs(**overrides) -> dict:
    values = {
        "kind": Referral.Kind.PLANNED,
        "is_urgent": False,
        "placement_type": PlacementType.objects.get(slug="external-foster"),
        "date_needed": timezone.localdate() + dt.timedelta(days=14),
        "expected_duration": "Long term",
        "location_preferences": "Near school",
        "location_restrictions": "N/A",
        "education_needed": False,
        "therapy_needed": False,
        "education_therapy_details": "",
        "weekly_budget": None,
    }
    values.update(overrides)
    return values


def complete_draft(social_worker, *, children=1, draft: Referral | None = None) -> Referral:
    """Every section filled in, on a new draft or on `draft` (one already started)."""
    referral = draft or drafting.referral_start(social_worker=social_worker)
    for n in range(children):
        drafting.child_save(
            referral=referral,
            values={**CHILD, "first_name": f"{CHILD['first_name']}{n or ''}"},
            actor=social_worker,
        )
    drafting.person_save(
        referral=referral,
        values={"full_name": "Kerry O'Brien", "relationship": "Mum", "notes": ""},
        actor=social_worker,
    )
    extra = {"siblings": Referral.Siblings.TOGETHER} if referral.children.count() > 1 else {}
    drafting.referral_update_needs(referral=referral, values=needs(**extra), actor=social_worker)
    drafting.outcomes_set(referral=referral, texts=["Stays at his school"], actor=social_worker)
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me="I like football.", actor=social_worker
    )
    referral.refresh_from_db()
    return referral


def submitted(social_worker, *, draft: Referral | None = None) -> Referral:
    """Submitted: `draft` as it is if it is a package (complete it with
    `complete_package`), else completed as a placement first."""
    if draft is None or not draft.is_package:
        draft = complete_draft(social_worker, draft=draft)
    return drafting.referral_submit(referral=draft, actor=social_worker)


# A package of support at home: Part A of the short breaks and home care form.

PACKAGE_CHILD = {
    **CHILD,
    "legal_status": "N/A",
    "mobility_issues": True,
    "mobility_equipment": "Wheelchair outdoors; hoist for transfers",
    "school_holidays": "As the county calendar, except an extra INSET day on 3 June",
}


def package_values(**overrides) -> dict:
    today = timezone.localdate()
    values = {
        "worker_phone": "0116 305 0000",
        "start_date": today + dt.timedelta(days=21),
        "end_date": today + dt.timedelta(days=365),
        "family_unavailable": "None",
        "is_urgent": False,
        "change": "new",
        "current_support": "",
        "current_support_funding": "",
        "approval_basis": "panel",
        "approval_date": today - dt.timedelta(days=3),
        "bank_holidays_needed": False,
        "bank_holiday_reason": "",
        "travel": "short_drive",
        "travel_miles": None,
        "short_break_notes": "Enjoys swimming and the park",
        "home_care_activities": "Getting ready for school; tea and bedtime routine",
        "home_care_notes": "1 hour between 07:00 and 08:30 on school days",
    }
    values.update(overrides)
    return values


# A week of home care in term time (mornings in a window, two evenings) and in the
# holidays (three mornings), as the demo has it; short breaks on Saturday afternoons.
slot = slot_row
SHORT_BREAK_WEEK = [slot("short_break", "all_year", 5, hours="4", part="afternoon")]


def complete_package(
    social_worker, *, service="home_care", draft: Referral | None = None, children=1, **answers
) -> Referral:
    """Every section of a package referral filled in, with its weekly tables; `answers`
    change the package's own (`package_values`)."""
    from referrals.packages import services as packages

    referral = draft or drafting.referral_start(social_worker=social_worker, service=service)
    for n in range(children):
        drafting.child_save(
            referral=referral,
            values={**PACKAGE_CHILD, "first_name": f"{CHILD['first_name']}{n or ''}"},
            actor=social_worker,
        )
    drafting.person_save(
        referral=referral,
        values={
            "full_name": "Kerry O'Brien",
            "relationship": "Mum",
            "notes": "",
            "is_principal_contact": True,
            "phone": "07700 900123",
        },
        actor=social_worker,
    )
    packages.package_update(
        referral=referral, values=package_values(**answers), actor=social_worker
    )
    week = []
    if referral.wants_home_care:
        week += HOME_CARE_WEEK
    if referral.wants_short_break:
        week += SHORT_BREAK_WEEK
    for row in week:
        packages.slot_save(referral=referral, values=row, actor=social_worker)
    drafting.outcomes_set(
        referral=referral,
        texts=["Ready for school on time", "Time with friends", "Mum gets a break"],
        actor=social_worker,
    )
    referral.refresh_from_db()
    return referral


# --- What the section pages post -------------------------------------------------------


def child_form(**overrides):
    data = {k: v for k, v in CHILD.items() if k != "date_of_birth"}
    data.update({"date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2013"})
    data.update(overrides)
    return data


def needs_form(referral_type, **overrides):
    needed = timezone.localdate() + dt.timedelta(days=7)
    data = {
        "kind": "planned",
        "is_urgent": "False",
        "placement_type": referral_type.pk,
        "date_needed_0": needed.day,
        "date_needed_1": needed.month,
        "date_needed_2": needed.year,
        "expected_duration": "Long term",
        "location_preferences": "None",
        "location_restrictions": "N/A",
        "education_needed": "False",
        "therapy_needed": "False",
        "education_therapy_details": "",
        "weekly_budget": "",
    }
    data.update(overrides)
    return data


# --- Permission to search -------------------------------------------------------------


def approved(social_worker, *, team_manager=None, service_lead=None, draft=None):
    team = social_worker.team
    team_manager = team_manager or UserFactory(roles=[Role.TEAM_MANAGER], team=team)
    service_lead = service_lead or UserFactory(roles=[Role.SERVICE_LEAD], team=team)
    referral = permission.search_endorse(
        referral=submitted(social_worker, draft=draft), actor=team_manager, comments="Endorsed"
    )
    return permission.search_approve(referral=referral, actor=service_lead, comments="Approved")


# --- Brokerage's check, the pack, search rounds ---------------------------------------


def searchable(social_worker, officer, *, funding: bool = True, **approve_kwargs):
    """Approved, accepted by brokerage, its pack checked and released, funding recorded."""
    referral = approved(social_worker, **approve_kwargs)
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer)
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution=PackFlag.Resolution.OPEN):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    if funding:
        permission.funding_approval_record(
            referral=referral,
            approved_by="Sunita Senior",
            weekly_amount=Decimal("6000"),
            approved_on=dt.date.today(),
            actor=officer,
        )
    referral.refresh_from_db()
    return referral


def searchable_package(social_worker, officer, *, service="home_care", **answers):
    """A package referral approved, accepted by brokerage, its pack checked and released
    (the panel's approval is its funding); `answers` change the package's own."""
    draft = complete_package(social_worker, service=service, **answers)
    referral = approved(social_worker, draft=draft)
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer)
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution=PackFlag.Resolution.OPEN):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    referral.refresh_from_db()
    return referral


def lot_provider(lot: str, *, areas=(), status=None, **values):
    """A provider on a package lot ("short-breaks" or "home-care") covering `areas`."""
    from providers.models import FrameworkStatus

    return ProviderFactory(
        provider_type=ProviderType.HOME_CARE if lot == "home-care" else ProviderType.SHORT_BREAKS,
        categories={lot: status or FrameworkStatus.FRAMEWORK},
        areas=list(areas),
        **values,
    )


def package_round(referral, officer, *, service=None):
    """A framework round for the package's (first) service, sent."""
    [started, *_] = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.FRAMEWORK, actor=officer, service=service or ""
    )
    return rounds.round_send(search_round=started, actor=officer)


def package_offer(
    search_round, provider_name, *, rate="18.50", rows=None, **values
) -> ProviderAnswer:
    """`provider_name` answers Part B: covers `rows` (all the round's rows by default) at
    the standard rate of £`rate` an hour."""
    request = search_round.requests.get(provider__name=provider_name)
    slots = answers.round_slots(search_round)
    covered = {slot.pk: "standard" for slot in (rows if rows is not None else slots)}
    return answers.package_offer_make(
        provider_request=request,
        responder_name="Pat Provider",
        values={
            "carer_reference": "Team 4",
            "hourly_rate": Decimal(rate),
            "unsocial_hourly_rate": None,
            "two_carer_hourly_rate": None,
            "available_from": timezone.localdate() + dt.timedelta(days=7),
            "needs_met": "Regular carers trained in moving and handling.",
            **values,
        },
        covered=covered,
    )


def in_house_provider(**values):
    return ProviderFactory(
        is_in_house=True,
        provider_type=ProviderType.IN_HOUSE_FOSTERING,
        name=values.pop("name", "Northshire Fostering"),
        **values,
    )


def sent_round(referral, officer, *, now=None, kind=SearchRound.Kind.FRAMEWORK):
    """Send the in-house round, then (for an external kind) a round of that kind to
    every matching provider. Returns the last round sent."""
    in_house = next(
        (r for r in referral.search_rounds.all() if r.kind == SearchRound.Kind.IN_HOUSE), None
    )
    if in_house is None:
        (in_house,) = rounds.round_start(
            referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=officer
        )
        in_house = rounds.round_send(search_round=in_house, actor=officer, now=now)
        if kind == SearchRound.Kind.IN_HOUSE:
            return in_house
    (external,) = rounds.round_start(referral=referral, kind=kind, actor=officer)
    return rounds.round_send(search_round=external, actor=officer, now=now)


# --- Offers to a placement ------------------------------------------------------------


def offer_values(total: Decimal, **overrides) -> dict:
    """An offer whose total weekly cost is `total`: the fee plus £100 of therapy."""
    values = {
        "carer_reference": "Carers 17",
        "weekly_fee": Decimal(total) - Decimal("100"),
        "education_weekly": Decimal("0"),
        "therapy_weekly": Decimal("100"),
        "wraparound_weekly": Decimal("0"),
        "transport_weekly": Decimal("0"),
        "one_off_costs": Decimal("250"),
        "one_off_details": "Bedroom furniture",
        "available_from": dt.date.today(),
        "needs_met": "Experienced carers close to his school, therapy weekly.",
        "ofsted_urn": "",  # given only where a test is about it
    }
    values.update(overrides)
    return values


def offers_in(referral, officer, totals: dict[str, Decimal], *, in_house: Decimal | None = None):
    """Send the in-house and framework rounds; each named framework provider (and the
    in-house service, with `in_house`) offers at its total. Returns provider name →
    the offer (ProviderAnswer)."""
    framework = sent_round(referral, officer)
    made = {}
    requests = ProviderRequest.objects.filter(round__referral=referral).select_related(
        "provider", "round"
    )
    for request in requests:
        name = request.provider.name
        in_house_round = request.round.kind == SearchRound.Kind.IN_HOUSE
        total = in_house if in_house_round else totals.get(name)
        if total is None:
            continue
        made[name] = answers.offer_make(
            provider_request=request,
            responder_name="Pat Provider",
            values=offer_values(total, ofsted_urn=request.provider.ofsted_urn),
        )
    assert framework.requests.exists()
    return made


def chosen(referral, officer, social_worker, offer, *, others=(), rationale="Meets his needs"):
    """Send `offer` (and `others`) to the social worker, who chooses `offer`."""
    shortlist = shortlist_send(
        referral=referral, responses=[offer, *others], note="", actor=officer
    )
    option = shortlist.options.get(response=offer)
    return option_choose(
        shortlist=shortlist,
        option=option,
        rationale=rationale,
        in_house_reason="The in-house carers are too far from school" if others else "",
        ranking_reason="The only one near his school" if others else "",
        actor=social_worker,
    )


def countersigner():
    """A duty lead: someone in brokerage other than the officer who issued the agreement."""

    return UserFactory(
        roles=[Role.BROKERAGE_OFFICER, Role.DUTY_LEAD], full_name="Dee Duty", job_title="Duty lead"
    )


def countersign(agreement, by=None):
    by = by or countersigner()
    return agreement_countersign(
        agreement=agreement,
        actor=by,
        name=by.full_name,
        role=by.job_title or "Brokerage officer",
        declaration=True,
    )


def placed(approval, officer, approver, *, start=None, countersigned_by=None):
    """Approve, confirm, issue, sign and countersign (by `countersigned_by`, or a duty
    lead: the council's default needs someone other than the officer who issued it)."""
    approval_approve(approval=approval, actor=approver)
    made = placement_confirm(
        approval=approval, start_date=start or dt.date.today() + dt.timedelta(days=7), actor=officer
    )
    agreement = agreement_issue(placement=made, actor=officer)
    agreement_sign(
        agreement=agreement, name="Pat Provider", role="Registered manager", declaration=True
    )
    return countersign(agreement, countersigned_by)


# --- Reference data for transactional tests -------------------------------------------


def ensure_placement_types() -> None:
    """Transactional tests flush the rows the data migration seeded; put them back."""
    ensure_categories()
    for ordering, (name, slug, category_slug, in_house) in enumerate(PLACEMENT_TYPES):
        PlacementType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "ordering": ordering,
                "is_in_house": in_house,
                "category": Category.objects.filter(slug=category_slug).first(),
            },
        )


def ensure_bands() -> None:
    """Transactional tests flush the bands the data migration seeded; put them back."""
    import_module("approvals.migrations.0003_offers_to_placement").default_bands(apps, None)


def placed_package(social_worker, officer, area):
    """A home care package in place (a week and a half on): its referral and its one
    placement's ids."""
    council = CouncilSettings.load()
    council.package_cost_approval = "panel"
    council.save()
    name = f"Care {Referral.objects.count()}"
    lot_provider("home-care", areas=[area], name=name)
    referral = searchable_package(social_worker, officer)
    search_round = package_round(referral, officer)
    # Every provider asked answers, so the award may be made.
    answers = {
        request.provider.name: package_offer(search_round, request.provider.name)
        for request in search_round.requests.select_related("provider")
    }
    answer = answers[name]
    shortlist = package_award(
        referral=referral, parts=[Part(answer, "home_care")], reason="All", actor=officer
    )
    [placement] = package_confirm(
        approval=shortlist.chosen.approvals.get(),
        start_date=timezone.localdate() + dt.timedelta(days=10),
        actor=officer,
    )
    agreement = agreement_issue(placement=placement, actor=officer)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement)
    return {"pk": referral.pk, "placement_pk": placement.pk}
