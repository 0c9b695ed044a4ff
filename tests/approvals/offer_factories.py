"""Referrals with offers in, taken from offers to a placement through the services."""

import datetime as dt
from decimal import Decimal

from approvals.services import costs, offers, placement
from referrals.models import ProviderRequest, SearchRound
from referrals.services import answers
from tests.referrals.search_factories import sent_round


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
    shortlist = offers.shortlist_send(
        referral=referral, responses=[offer, *others], note="", actor=officer
    )
    option = shortlist.options.get(response=offer)
    return offers.option_choose(
        shortlist=shortlist,
        option=option,
        rationale=rationale,
        in_house_reason="The in-house carers are too far from school" if others else "",
        actor=social_worker,
    )


def countersigner():
    """A duty lead: someone in brokerage other than the officer who issued the agreement."""
    from placements.roles import Role
    from tests.placements.factories import UserFactory

    return UserFactory(
        roles=[Role.BROKERAGE_OFFICER, Role.DUTY_LEAD], full_name="Dee Duty", job_title="Duty lead"
    )


def countersign(agreement, by=None):
    by = by or countersigner()
    return placement.agreement_countersign(
        agreement=agreement,
        actor=by,
        name=by.full_name,
        role=by.job_title or "Brokerage officer",
        declaration=True,
    )


def placed(approval, officer, approver, *, start=None, countersigned_by=None):
    """Approve, confirm, issue, sign and countersign (by `countersigned_by`, or a duty
    lead: the council's default needs someone other than the officer who issued it)."""
    costs.approval_approve(approval=approval, actor=approver)
    made = placement.placement_confirm(
        approval=approval, start_date=start or dt.date.today() + dt.timedelta(days=7), actor=officer
    )
    agreement = placement.agreement_issue(placement=made, actor=officer)
    placement.agreement_sign(
        agreement=agreement, name="Pat Provider", role="Registered manager", declaration=True
    )
    return countersign(agreement, countersigned_by)


def ensure_bands() -> None:
    """Transactional tests flush the bands the data migration seeded; put them back."""
    from importlib import import_module

    from django.apps import apps

    import_module("approvals.migrations.0003_offers_to_placement").default_bands(apps, None)
