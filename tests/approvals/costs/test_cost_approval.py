"""Cost approval: decided once, by the band's role or above, never by whoever chose or
negotiated the option; returned, negotiated and asked again."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from approvals.costs import services as costs
from approvals.costs.models import CostApproval
from approvals.costs.selectors import approvals_waiting_for
from approvals.offers.services.negotiation import fee_revise
from approvals.offers.services.options import option_choose, shortlist_send
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.search import answers
from tests.journeys import (
    chosen,
    ensure_bands,
    ensure_placement_types,
    in_house_provider,
    offer_values,
    offers_in,
    searchable,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_higher_role_may_approve_a_lower_band_and_a_lower_role_may_not(
    referral, offers, officer, social_worker, senior_manager, director
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])  # £5,500
    with pytest.raises(DomainError, match="head of service or above"):
        costs.approval_approve(approval=approval, actor=senior_manager)
    costs.approval_approve(approval=approval, actor=director)
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.APPROVED
    assert approval.decided_by == director
    with pytest.raises(DomainError, match="already been approved"):
        costs.approval_approve(approval=approval, actor=director)


def test_whoever_chose_or_negotiated_cannot_approve(
    make_user, referral, offers, officer, social_worker, team
):
    # An officer who is also a head of service negotiates the fee.
    negotiator = make_user(Role.BROKERAGE_OFFICER, Role.HEAD_OF_SERVICE, team=None)
    fee_revise(
        response=offers["Framework 2"], weekly_fee=D("5200"), note="Agreed", actor=negotiator
    )
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    with pytest.raises(DomainError, match="You negotiated"):
        costs.approval_approve(approval=approval, actor=negotiator)
    # A social worker who is also a senior manager chooses a cheaper option.
    costs.approval_reject(
        approval=approval, actor=make_user(Role.DIRECTOR, team=None), comments="Too dear"
    )
    chooser = make_user(Role.SOCIAL_WORKER, Role.SENIOR_MANAGER, team=team)
    shortlist = shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    cheaper = option_choose(
        shortlist=shortlist, option=shortlist.options.get(), rationale="Good", actor=chooser
    )
    assert cheaper.required_role == Role.SENIOR_MANAGER
    with pytest.raises(DomainError, match="You chose"):
        costs.approval_approve(approval=cheaper, actor=chooser)


def test_a_chosen_offer_cannot_be_amended_and_once_withdrawn_cannot_be_approved(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    with pytest.raises(DomainError, match="cannot be changed now"):
        answers.offer_make(
            provider_request=offers["Framework 2"].request,
            responder_name="Pat",
            values=offer_values(D("6900")),
        )
    approval.refresh_from_db()
    assert approval.total_weekly == offers["Framework 2"].total_weekly
    answers.offer_withdraw(
        provider_request=offers["Framework 2"].request, responder_name="Pat", reason="Full"
    )
    with pytest.raises(DomainError, match="withdrawn or changed"):
        costs.approval_approve(approval=approval, actor=head_of_service)


def test_returned_costs_are_negotiated_and_asked_again(
    referral, offers, officer, social_worker, head_of_service, senior_manager
):
    approval = chosen(referral, officer, social_worker, offers["Framework 3"])  # £4,000.00
    assert approval.required_role == Role.HEAD_OF_SERVICE
    with pytest.raises(DomainError, match="comments"):
        costs.approval_return(approval=approval, actor=head_of_service, comments="")
    costs.approval_return(approval=approval, actor=head_of_service, comments="Try for less")
    fee_revise(
        response=offers["Framework 3"], weekly_fee=D("3850"), note="Pat agreed", actor=officer
    )
    again = costs.approval_ask_again(approval=approval, actor=officer)
    # £3,950 a week now: under £4,000, a senior manager's band.
    assert again.total_weekly == D("3950") and again.required_role == Role.SENIOR_MANAGER
    costs.approval_approve(approval=again, actor=senior_manager)
    with pytest.raises(DomainError, match="asked again already"):
        costs.approval_ask_again(approval=approval, actor=officer)


def test_in_house_is_signed_off_by_the_teams_manager(
    make_user, referral, offers, officer, social_worker, team, other_team
):
    approval = chosen(referral, officer, social_worker, offers["Northshire Fostering"])
    assert approval.required_role == Role.TEAM_MANAGER and approval.band_version is None
    with pytest.raises(DomainError, match="team manager of the referral's team"):
        costs.approval_approve(
            approval=approval, actor=make_user(Role.TEAM_MANAGER, team=other_team)
        )
    costs.approval_approve(approval=approval, actor=make_user(Role.TEAM_MANAGER, team=team))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_give_one_decision(make_user, team):

    ensure_placement_types()
    ensure_bands()
    in_house_provider()
    ProviderFactory(name="Framework 1")
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = searchable(social_worker, officer)
    made = offers_in(referral, officer, {"Framework 1": D("5500")})
    approval = chosen(referral, officer, social_worker, made["Framework 1"])
    approvers = [make_user(Role.HEAD_OF_SERVICE, team=None), make_user(Role.DIRECTOR, team=None)]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def decide(approver, act):
        try:
            barrier.wait()
            act(approval=approval, actor=approver, comments="Decided")
            outcomes.append(approver)
        except DomainError as refused:
            errors.append(str(refused))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(approvers[0], costs.approval_approve)),
        threading.Thread(target=decide, args=(approvers[1], costs.approval_reject)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    approval.refresh_from_db()
    assert len(outcomes) == 1 and len(errors) == 1
    assert "already been" in errors[0]
    assert approval.decided_by == outcomes[0]
    assert OutboxMessage.objects.filter(key__startswith="cost_approval_decided:").count() == 1


def test_a_pending_cost_on_a_withdrawn_referral_cannot_be_decided(
    referral, offers, officer, social_worker, head_of_service
):

    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    assert list(approvals_waiting_for(head_of_service)) == [approval]
    drafting.referral_withdraw(referral=referral, reason="Family found", actor=officer)
    assert list(approvals_waiting_for(head_of_service)) == []
    with pytest.raises(DomainError, match="withdrawn"):
        costs.approval_approve(approval=approval, actor=head_of_service)
