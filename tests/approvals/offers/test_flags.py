"""Rule flags on an offer (Ofsted, QA visit, funding, archived, URN) and their override
by the duty lead before the offer can go to the social worker."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals.offers.rules import (
    FLAG_ARCHIVED,
    FLAG_FUNDING,
    FLAG_OFSTED,
    FLAG_QA,
    FLAG_URN,
    funding_limit,
    offer_flags,
)
from approvals.offers.services.negotiation import flag_override
from approvals.offers.services.options import shortlist_send
from placements.models import CouncilSettings
from placements.roles import Role
from placements.services import DomainError
from providers.models import OfstedRating
from referrals.models import Referral
from referrals.search import answers
from tests.approvals.conftest import signed_in, url
from tests.journeys import offer_values, offers_in

pytestmark = pytest.mark.django_db
D = Decimal


def offer_flags_of(offer, referral):
    referral = Referral.objects.prefetch_related("funding_approvals").get(pk=referral.pk)
    return offer_flags(offer, limit=funding_limit(referral), council=CouncilSettings.load())


def flags_of(offer, referral):
    return {flag.code for flag in offer_flags_of(offer, referral)}


def test_every_rule_flag_shows_on_the_offer(referral, offers):
    offer = offers["Framework 1"]
    assert flags_of(offer, referral) == set()
    provider = offer.request.provider
    provider.ofsted_rating = OfstedRating.REQUIRES_IMPROVEMENT
    provider.qa_initial_visit_date = timezone.localdate() - dt.timedelta(days=400)
    provider.save()
    assert flags_of(offer, referral) == {FLAG_OFSTED, FLAG_QA}
    provider.ri_exception_agreed_by = "Hugh Head"
    provider.ri_exception_agreed_on = timezone.localdate()
    provider.save()
    assert flags_of(offer, referral) == {FLAG_QA}
    provider.is_archived = True
    provider.save()
    assert FLAG_ARCHIVED in flags_of(offer, referral)
    # The funding approval is £6,000 a week.
    request = offers["Framework 2"].request
    expensive = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("6000.01"), ofsted_urn=request.provider.ofsted_urn),
    )
    assert flags_of(expensive, referral) == {FLAG_FUNDING}
    # An offer for a setting the directory does not know as this provider's.
    elsewhere = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("5000"), ofsted_urn="SC999999"),
    )
    assert flags_of(elsewhere, referral) == {FLAG_URN}
    detail = next(f.detail for f in offer_flags_of(elsewhere, referral) if f.code == FLAG_URN)
    assert detail == (
        f"The offer gives Ofsted URN SC999999; the directory has {request.provider.ofsted_urn}"
    )
    # Spacing and case are not a difference; no URN given is not a flag.
    same = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("5000"), ofsted_urn=f" {request.provider.ofsted_urn.lower()} "),
    )
    assert flags_of(same, referral) == set()
    assert (
        flags_of(
            answers.offer_make(
                provider_request=request,
                responder_name="Pat",
                values=offer_values(D("5000"), ofsted_urn=""),
            ),
            referral,
        )
        == set()
    )


def test_a_flagged_offer_goes_to_the_social_worker_only_once_overridden(
    make_user, referral, offers, officer
):
    request = offers["Framework 2"].request
    offer = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("6500"), ofsted_urn=request.provider.ofsted_urn),
    )
    with pytest.raises(DomainError, match="above the funding approval"):
        shortlist_send(referral=referral, responses=[offer], note="", actor=officer)
    with pytest.raises(DomainError, match="Only the duty lead"):
        flag_override(response=offer, flag=FLAG_FUNDING, reason="Agreed", actor=officer)
    duty_lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    with pytest.raises(DomainError, match="does not carry"):
        flag_override(response=offer, flag=FLAG_OFSTED, reason="x", actor=duty_lead)
    with pytest.raises(DomainError, match="reason"):
        flag_override(response=offer, flag=FLAG_FUNDING, reason=" ", actor=duty_lead)
    flag_override(
        response=offer, flag=FLAG_FUNDING, reason="Funding panel agreed £6,500", actor=duty_lead
    )
    shortlist = shortlist_send(referral=referral, responses=[offer], note="", actor=officer)
    assert shortlist.options.get().total_weekly == D("6500")
    assert referral.chronology.filter(text__contains="Funding panel agreed").exists()


def test_an_officer_is_told_who_can_override_a_flag(make_user, referral, officer):

    make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None, full_name="Dee Duty")
    offers_in(referral, officer, {"Framework 1": Decimal("6500.00")})
    page = signed_in(officer).get(url("offers", referral)).content.decode()
    assert "Above the funding approval" in page
    assert "Only the duty lead can override it (Dee Duty)." in page
    assert "overridden by the duty lead (Dee Duty)" in page
    # No disabled checkbox: the row says why the offer cannot be chosen yet.
    assert "disabled" not in page
    assert "Flagged: cannot be sent until its flag is overridden" in page
