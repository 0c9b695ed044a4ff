"""Where the search stands shows on the action list and the referral, and moves with
each step; nothing stays "waiting for answers" once options have gone out."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.costs import services as costs
from approvals.offers.services import options as offers
from approvals.placement.services import agreement as agreements
from approvals.placement.services import placement
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.brokerage.selectors import action_list
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import answers, rounds
from referrals.workflow import stage_move, user_may_return_for_changes
from tests.journeys import (
    complete_draft,
    countersign,
    ensure_bands,
    ensure_placement_types,
    in_house_provider,
    offer_values,
    offers_in,
    searchable,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db
Stage = Referral.Stage


def stage_of(referral) -> str:
    referral.refresh_from_db()
    return referral.stage


def listed(client, officer, referral) -> str:
    """The referral's row on the action list, as the officer sees it."""
    client.force_login(officer)
    page = client.get(reverse("referrals:action-list")).content.decode()
    start = page.index(referral.reference)
    return page[start : page.index("</tr>", start)]


def test_the_stage_moves_with_each_step_and_shows_on_the_list_and_the_referral(
    client, referral, officer, social_worker, head_of_service
):
    assert stage_of(referral) == Stage.SEARCHING
    made = offers_in(referral, officer, {"Framework 1": D("3000"), "Framework 2": D("3500")})
    assert "Searching" in listed(client, officer, referral)
    first = offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.OPTIONS
    assert referral.next_action == "Wait for the social worker to choose an option"
    assert referral.next_action_due > timezone.localdate()
    row = listed(client, officer, referral)
    assert "Options with the social worker" in row and "Wait for the social worker" in row
    assert referral in action_list(officer, filters=["awaiting_social_worker"], today=None)
    # The social worker declines: the next action says so, and the search goes on.
    offers.options_decline(shortlist=first, reason="Too far from school", actor=social_worker)
    referral.refresh_from_db()
    assert referral.stage == Stage.SEARCHING
    assert referral.next_action.startswith("The social worker declined every option")
    assert referral.next_action_due == timezone.localdate()
    assert "The social worker declined every option" in listed(client, officer, referral)
    second = offers.shortlist_send(
        referral=referral, responses=[made["Framework 2"]], note="", actor=officer
    )
    approval = offers.option_choose(
        shortlist=second,
        option=second.options.get(),
        rationale="Close to school",
        in_house_reason="",
        actor=social_worker,
    )
    assert stage_of(referral) == Stage.COST_APPROVAL
    assert "Awaiting cost approval" in listed(client, officer, referral)
    assert referral in action_list(officer, filters=["awaiting_cost_approval"], today=None)
    costs.approval_approve(approval=approval, actor=head_of_service)
    assert stage_of(referral) == Stage.CONFIRMING
    made_placement = placement.placement_confirm(
        approval=approval, start_date=timezone.localdate() + dt.timedelta(days=7), actor=officer
    )
    referral.refresh_from_db()
    assert referral.next_action == "Send the agreement to the provider to sign"
    agreement = agreements.agreement_issue(placement=made_placement, actor=officer)
    assert stage_of(referral) == Stage.AGREEMENT
    client.force_login(social_worker)
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Agreement out for signature" in page
    agreements.agreement_sign(
        agreement=agreement, name="Pat Provider", role="Manager", declaration=True
    )
    referral.refresh_from_db()
    assert referral.next_action == "Countersign the agreement"
    countersign(agreement)
    assert stage_of(referral) == Stage.PLACED


def test_sending_options_closes_open_rounds_after_a_warning(client, referral, officer, providers):
    made = offers_in(referral, officer, {"Framework 1": D("3000")})
    silent = ProviderRequest.objects.filter(
        round__referral=referral, answer=ProviderRequest.Answer.AWAITING
    )
    assert silent.count() >= 2
    client.force_login(officer)
    url = reverse("approvals:offers", kwargs={"pk": referral.pk})
    page = client.get(url).content.decode()
    assert f"{silent.count()} providers have not answered yet" in page
    assert "Sending options now closes the open rounds" in page
    offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    rounds = SearchRound.objects.filter(referral=referral)
    assert not rounds.filter(status=SearchRound.Status.OPEN).exists()
    assert all(r.summary["sent"] for r in rounds)
    # Each provider who had not answered is told answers have closed, once; the one who
    # offered is not.
    told = OutboxMessage.objects.filter(key__startswith="provider_round_closed:")
    assert told.count() == silent.count()
    assert all("Placement request" in m.subject for m in told)
    for message in told:
        assert referral.children.first().last_name not in message.body_text
    page = client.get(url).content.decode()
    assert "have not answered yet" not in page
    round_page = client.get(
        reverse("referrals:round", kwargs={"pk": referral.pk, "round_pk": rounds.last().pk})
    ).content.decode()
    assert "Waiting for answers" not in round_page


def test_a_step_out_of_order_is_refused(referral, officer, social_worker):
    with pytest.raises(DomainError, match="cannot move"):
        stage_move(referral=referral, to=Stage.PLACED, actor=officer)
    assert stage_of(referral) == Stage.SEARCHING


def test_a_chosen_option_withdrawn_leaves_a_clear_state(
    referral, officer, social_worker, head_of_service
):
    made = offers_in(referral, officer, {"Framework 1": D("3000")})
    shortlist = offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    approval = offers.option_choose(
        shortlist=shortlist,
        option=shortlist.options.get(),
        rationale="Close to school",
        in_house_reason="",
        actor=social_worker,
    )
    answers.offer_withdraw(
        provider_request=made["Framework 1"].request, responder_name="Pat", reason="Carer unwell"
    )
    with pytest.raises(DomainError, match="withdrawn"):
        costs.approval_approve(approval=approval, actor=head_of_service)
    costs.approval_reject(approval=approval, actor=head_of_service, comments="Withdrawn")
    referral.refresh_from_db()
    assert referral.stage == Stage.SEARCHING
    assert referral.next_action == "The cost was rejected: send new options"


# --- The referral page runs a fixed, small number of queries ---------------------------

REFERRAL_PAGE_QUERIES = {"officer": 22, "social_worker": 19}


def _page_queries(client, user, referral) -> int:
    client.force_login(user)
    url = reverse("referrals:detail", kwargs={"pk": referral.pk})
    client.get(url)  # the session and the settings warm up once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_referral_page_runs_a_fixed_number_of_queries(client, referral, officer, social_worker):
    made = offers_in(referral, officer, {"Framework 1": D("3000"), "Framework 2": D("3500")})
    offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    before = {
        "officer": _page_queries(client, officer, referral),
        "social_worker": _page_queries(client, social_worker, referral),
    }
    assert before == REFERRAL_PAGE_QUERIES
    # More of everything the page shows costs no more queries.
    for n in range(15):
        brokerage.referral_add_note(
            referral=referral, kind="note", text=f"Called the provider ({n})", actor=officer
        )
    offers.options_decline(
        shortlist=referral.shortlists.get(), reason="Too far", actor=social_worker
    )
    offers.shortlist_send(
        referral=referral, responses=[made["Framework 2"]], note="", actor=officer
    )
    after = {
        "officer": _page_queries(client, officer, referral),
        "social_worker": _page_queries(client, social_worker, referral),
    }
    assert after == before


def test_a_refused_form_says_error_once_in_the_title(client, referral, officer):
    made = offers_in(referral, officer, {"Framework 1": D("3000")})
    client.force_login(officer)
    for url in (
        reverse(
            "approvals:negotiate", kwargs={"pk": referral.pk, "response_pk": made["Framework 1"].pk}
        ),
        reverse("approvals:offers", kwargs={"pk": referral.pk}),
    ):
        page = client.post(url, {}).content.decode()
        title = page[page.index("<title>") : page.index("</title>")]
        assert title.count("Error:") == 1, title


# --- Paths the stages must not close -------------------------------------------------


def test_new_options_can_follow_a_returned_cost(referral, officer, social_worker, senior_manager):
    made = offers_in(referral, officer, {"Framework 1": D("3000"), "Framework 2": D("3500")})
    first = offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    approval = offers.option_choose(
        shortlist=first, option=first.options.get(), rationale="Near school", actor=social_worker
    )
    costs.approval_return(approval=approval, actor=senior_manager, comments="Negotiate it")
    assert stage_of(referral) == Stage.COST_RETURNED
    offers.shortlist_send(
        referral=referral, responses=[made["Framework 2"]], note="", actor=officer
    )
    assert stage_of(referral) == Stage.OPTIONS
    # The returned cost belongs to the old choice: it is not asked again.
    with pytest.raises(DomainError, match="New options have been sent since"):
        costs.approval_ask_again(approval=approval, actor=officer)


def test_once_the_cost_is_approved_the_provider_cannot_withdraw_through_the_link(
    client, referral, officer, social_worker, head_of_service
):
    made = offers_in(referral, officer, {"Framework 1": D("4500")})
    shortlist = offers.shortlist_send(
        referral=referral, responses=[made["Framework 1"]], note="", actor=officer
    )
    approval = offers.option_choose(
        shortlist=shortlist, option=shortlist.options.get(), rationale="Near", actor=social_worker
    )
    costs.approval_approve(approval=approval, actor=head_of_service)
    request = made["Framework 1"].request
    with pytest.raises(DomainError, match="can no longer be withdrawn here"):
        answers.offer_withdraw(
            provider_request=request, responder_name="Pat", reason="Changed our mind"
        )
    request.refresh_from_db()
    assert request.answer == ProviderRequest.Answer.OFFER
    assert not answers.offer_withdrawable_here(request)


def test_an_emergency_with_options_out_is_withdrawn_not_returned(make_user, officer):
    social_worker = make_user(Role.SOCIAL_WORKER)
    manager = make_user(Role.TEAM_MANAGER)
    duty = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    draft = complete_draft(social_worker)
    drafting.referral_update_needs(
        referral=draft, values={"kind": Referral.Kind.EMERGENCY}, actor=social_worker
    )
    referral = drafting.referral_submit(referral=draft, actor=social_worker)
    referral = brokerage.referral_emergency_accept(referral=referral, actor=duty)
    pack = pack_services.pack_prepare(referral=referral, actor=duty)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=duty)
    pack_services.pack_release(resource_request=pack, actor=duty)
    in_house_provider()
    (first,) = rounds.round_start(referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=duty)
    first = rounds.round_send(search_round=first, actor=duty)
    offer = answers.offer_make(
        provider_request=first.requests.get(), responder_name="Pat", values=offer_values(D("900"))
    )
    assert user_may_return_for_changes(manager, Referral.objects.get(pk=referral.pk))
    offers.shortlist_send(referral=referral, responses=[offer], note="", actor=duty)
    referral.refresh_from_db()
    assert not user_may_return_for_changes(manager, referral)
    with pytest.raises(DomainError):
        permission.search_return(referral=referral, actor=manager, comments="More detail")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_provider_withdrawing_while_options_go_out_does_not_deadlock(make_user, monkeypatch):
    """The provider's side used to lock its request before the referral, the officer's
    side the referral before the request: on PostgreSQL, one of them died."""
    ensure_placement_types()  # an earlier transactional test may have flushed them
    ensure_bands()
    in_house_provider()
    ProviderFactory(name="Framework 1")
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = searchable(make_user(Role.SOCIAL_WORKER), officer)
    made = offers_in(referral, officer, {"Framework 1": D("3000")})
    offer = made["Framework 1"]
    provider_in, officer_in = threading.Event(), threading.Event()
    record, brokerage = answers._record, offers.brokerage_referral

    def provider_holding_its_locks(*args, **kwargs):
        provider_in.set()
        officer_in.wait(3)
        return record(*args, **kwargs)

    def officer_after_the_provider(*args, **kwargs):
        provider_in.wait(3)
        officer_in.set()
        return brokerage(*args, **kwargs)

    monkeypatch.setattr(answers, "_record", provider_holding_its_locks)
    monkeypatch.setattr(offers, "brokerage_referral", officer_after_the_provider)
    errors = {}

    def run(name, action):
        try:
            action()
        except Exception as error:  # a refusal is fine here; a deadlock is not
            errors[name] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "provider",
                lambda: answers.offer_withdraw(
                    provider_request=offer.request, responder_name="Pat", reason="Carer ill"
                ),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "officer",
                lambda: offers.shortlist_send(
                    referral=referral, responses=[offer], note="", actor=officer
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any("deadlock" in error for error in errors.values()), errors
    assert "provider" not in errors  # the provider went first and withdrew
