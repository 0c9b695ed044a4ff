"""Demo referrals for people to try: a handful taken through the real services to each
step, from a draft to a placement with its agreement countersigned."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.costs.services import approval_approve
from approvals.invoices import services as invoices
from approvals.offers.selectors import current_offers
from approvals.offers.services.options import option_choose, shortlist_send
from approvals.placement.models import Placement, PlacementAgreement, ProviderFeedback
from approvals.placement.services.agreement import (
    agreement_countersign,
    agreement_issue,
    agreement_sign,
)
from approvals.placement.services.feedback import feedback_send, unsuccessful_requests
from approvals.placement.services.placement import placement_confirm
from placements.models import User
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import PlacementType, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import answers, rounds

from .children import LAST, PROFILE, child_values


def _complete_draft(rng, social_worker, today, *, kind, urgent, days) -> Referral:
    referral = drafting.referral_start(social_worker=social_worker)
    drafting.child_save(referral=referral, values=child_values(rng, today), actor=social_worker)
    drafting.person_save(
        referral=referral,
        values={"full_name": f"Kerry {rng.choice(LAST)}", "relationship": "Mum", "notes": ""},
        actor=social_worker,
    )
    drafting.referral_update_needs(
        referral=referral,
        values={
            "kind": kind,
            "is_urgent": urgent,
            "placement_type": PlacementType.objects.get(
                slug=rng.choice(["in-house-foster", "external-foster", "residential"])
            ),
            "date_needed": today + dt.timedelta(days=days),
            "expected_duration": "Long term",
            "location_preferences": "Near school",
            "location_restrictions": "N/A",
            "education_needed": False,
            "therapy_needed": False,
        },
        actor=social_worker,
    )
    drafting.outcomes_set(
        referral=referral,
        texts=["Stays at the same school", "Keeps seeing Mum weekly"],
        actor=social_worker,
    )
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    return referral


def seed_demo_referrals(users: dict[str, User]) -> int:
    """A few referrals at each step, for people trying the service. Once only."""
    if Referral.objects.exists():
        return 0
    rng = random.Random(7)
    today = timezone.localdate()
    sw, tm, sl = users["sam.social"], users["tessa.manager"], users["sophie.lead"]
    officer, duty = users["bola.officer"], users["dee.duty"]
    made = []
    with transaction.atomic():
        made.append(_complete_draft(rng, sw, today, kind="planned", urgent=False, days=30))
        for days, kind, urgent in [(10, "planned", False), (3, "emergency", True)]:
            draft = _complete_draft(rng, sw, today, kind=kind, urgent=urgent, days=days)
            made.append(drafting.referral_submit(referral=draft, actor=sw))
        for n, days in enumerate([5, 14, 21, 2, 9, 40]):
            draft = _complete_draft(rng, sw, today, kind="planned", urgent=n == 3, days=days)
            referral = drafting.referral_submit(referral=draft, actor=sw)
            referral = permission.search_endorse(referral=referral, actor=tm, comments="Agreed")
            referral = permission.search_approve(referral=referral, actor=sl, comments="Approved")
            if n >= 2:
                referral = brokerage.referral_qa_accept(
                    referral=referral, actor=officer if n % 2 else duty, take_it=n % 2 == 1
                )
                referral = brokerage.referral_set_next_action(
                    referral=referral,
                    next_action="Send to in-house fostering duty",
                    due=today + dt.timedelta(days=n - 3),
                    actor=officer,
                )
            made.append(referral)
        _demo_search(made[-1], officer, today)
        # Two more searched, for trying what follows: one with offers to compare (their
        # totals, fee plus £100 of therapy, fall in each approver's band: £3,750 for the
        # senior manager, £5,500 for the head of service, £7,000, over the funding
        # approval, for the director; the in-house £950 for the team manager), one
        # taken all the way to a signed agreement (so the tracker has a placement).
        ready = _demo_offers(made[-2], officer, today, fees=[5400, 3650, 6900])
        # The placed one moves today, and its provider has invoiced the first fortnight.
        placed = _demo_offers(made[-3], officer, today, fees=[3200, 3650], available=today)
        if ready and placed:
            _demo_placed(placed, officer, users, today)
    return len(made)


def _offer_values(fee: int, today: dt.date, n: int, available: dt.date | None = None) -> dict:
    return {
        "carer_reference": f"Carers FC-{300 + n}",
        "weekly_fee": Decimal(fee),
        "education_weekly": Decimal("0"),
        "therapy_weekly": Decimal("100"),
        "wraparound_weekly": Decimal("0"),
        "transport_weekly": Decimal("0"),
        "one_off_costs": Decimal("250"),
        "one_off_details": "Bedroom furniture",
        "available_from": available or today + dt.timedelta(days=7 + n),
        "needs_met": "Carers experienced with teenagers; a short drive to school; "
        "weekly therapy arranged.",
        "ofsted_urn": "",
    }


def _demo_offers(
    referral: Referral,
    officer: User,
    today: dt.date,
    *,
    fees,
    available: dt.date | None = None,
) -> Referral | None:
    """Pack released, funding approved at £6,000, the in-house and framework rounds
    sent, and an offer from the first framework providers at each fee (fee plus £100 of
    therapy a week), free from `available` (a week or so on, when not given)."""
    if referral.status != Referral.Status.ACCEPTED:
        return None
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked: safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Rao",
        weekly_amount=Decimal("6000"),
        approved_on=today,
        actor=officer,
    )
    for kind in (SearchRound.Kind.IN_HOUSE, SearchRound.Kind.FRAMEWORK):
        (search_round,) = rounds.round_start(referral=referral, kind=kind, actor=officer)
        if kind == SearchRound.Kind.FRAMEWORK:  # a wider choice, as agreed
            rounds.round_set_criteria(
                search_round=search_round,
                criteria={"tier": ""},
                actor=officer,
                social_worker_agreement="The social worker agreed by phone: any distance "
                "that keeps him at his school",
            )
        if _sent(search_round, officer) is None:
            return None
    in_house = referral.search_rounds.get(kind=SearchRound.Kind.IN_HOUSE).requests.first()
    if in_house is not None:  # the council's own carers, too far from school
        answers.offer_make(
            provider_request=in_house,
            responder_name="Fostering duty",
            values=_offer_values(850, today, 9),
        )
    framework = referral.search_rounds.get(kind=SearchRound.Kind.FRAMEWORK)
    requests = list(framework.requests.order_by("pk")[: len(fees)])
    for n, (request, fee) in enumerate(zip(requests, fees, strict=False)):
        answers.offer_make(
            provider_request=request,
            responder_name="Jo Matching",
            values=_offer_values(fee, today, n, available),
        )
    return referral


def _sent(search_round: SearchRound, officer: User) -> SearchRound | None:
    """Send the round; if its filters leave nobody (the in-house service takes only some
    ages), the officer drops the age filter, as they would, and sends it then."""
    for criteria in (None, {"age_fits": False}):
        if criteria:
            rounds.round_set_criteria(search_round=search_round, criteria=criteria, actor=officer)
        try:
            return rounds.round_send(search_round=search_round, actor=officer)
        except DomainError:
            continue
    rounds.round_cancel(search_round=search_round, actor=officer)
    return None


def _demo_placed(referral: Referral, officer: User, users: dict[str, User], today: dt.date) -> None:
    """The cheapest agency offer sent, chosen, approved by the senior manager, confirmed,
    signed by the provider and countersigned by the duty lead; the other provider given
    feedback."""
    # The council's own carers are too far from his school: the cheapest agency's offer.
    standing = sorted(
        (o for o in current_offers(referral) if not o.request.provider.is_in_house),
        key=lambda o: o.agreed_total_weekly,
    )
    if not standing:
        return
    shortlist = shortlist_send(
        referral=referral, responses=standing[:1], note="The closest to school.", actor=officer
    )
    approval = option_choose(
        shortlist=shortlist,
        option=shortlist.options.get(),
        rationale="Near school and used to teenagers; he can keep his football club.",
        actor=users["sam.social"],
    )
    approval_approve(approval=approval, actor=users["sunita.senior"], comments="Agreed")
    made = placement_confirm(
        approval=approval,
        start_date=approval.option.response.available_from or today,  # every demo offer has one
        actor=officer,
    )
    sign_and_countersign(agreement_issue(placement=made, actor=officer), users)
    if made.start_date <= today:
        _demo_invoice(made, officer)
    others = unsuccessful_requests(referral)
    if others:
        feedback_send(
            referral=referral,
            entries=[(request, [ProviderFeedback.Reason.COST], "") for request in others],
            actor=officer,
        )


def _demo_invoice(placement: Placement, officer: User) -> None:
    """The first fortnight, invoiced in advance £45 over the weekly fee and recorded by
    the officer from the provider's email, waiting for a check."""
    start = placement.start_date
    extra = placement.total_weekly - placement.weekly_fee
    invoices.invoice_record(
        placement=placement,
        provider_reference="INV-2041",
        period_start=start,
        period_end=start + dt.timedelta(days=13),
        lines=[
            ("weekly", "", placement.weekly_fee * 2 + Decimal("45.00")),
            ("additional", "", extra * 2),
        ],
        actor=officer,
    )


def sign_and_countersign(agreement: PlacementAgreement, users: dict[str, User]) -> None:
    """The provider signs; the duty lead countersigns (the council requires someone
    other than the officer who issued it)."""
    agreement_sign(
        agreement=agreement, name="Jo Matching", role="Registered manager", declaration=True
    )
    duty = users["dee.duty"]
    agreement_countersign(
        agreement=agreement,
        actor=duty,
        name=duty.full_name,
        role=duty.job_title or "Duty lead",
        declaration=True,
    )


def _demo_search(referral: Referral, officer: User, today: dt.date) -> None:
    """One referral part-way through its search: pack released, the in-house round and a
    framework round sent, one offer and one "no option" in. The provider emails (with
    their links) are in the file outbox, so anyone trying the service can answer one."""
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked: safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Senior",
        weekly_amount=Decimal("5500"),
        approved_on=today,
        actor=officer,
    )
    for kind in (SearchRound.Kind.IN_HOUSE, SearchRound.Kind.FRAMEWORK):
        (search_round,) = rounds.round_start(referral=referral, kind=kind, actor=officer)
        try:
            search_round = rounds.round_send(search_round=search_round, actor=officer)
        except DomainError:
            rounds.round_cancel(search_round=search_round, actor=officer)
            return
    first, second, *_ = [*search_round.requests.order_by("pk"), None, None]
    if first is not None:
        answers.offer_make(
            provider_request=first,
            responder_name="Jo Matching",
            values={
                "carer_reference": "Carers FC-214",
                "weekly_fee": Decimal("1050"),
                "education_weekly": Decimal("0"),
                "therapy_weekly": Decimal("150"),
                "wraparound_weekly": Decimal("0"),
                "transport_weekly": Decimal("60"),
                "one_off_costs": Decimal("0"),
                "one_off_details": "",
                "available_from": today + dt.timedelta(days=7),
                "needs_met": "Experienced carers with a teenager placed before; "
                "a twenty-minute drive to school.",
                "ofsted_urn": first.provider.ofsted_urn,
            },
        )
    if second is not None:
        answers.no_option_give(
            provider_request=second,
            responder_name="Lee Duty",
            reason="No carers with space for a teenager until the new year.",
        )
