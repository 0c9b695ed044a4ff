"""From offers to a placement, through the services: flags, negotiation, options,
the choice, cost bands and separation of duties, the placement, the IPA, feedback."""

import datetime as dt
import io
import re
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from approvals.costs import services as costs
from approvals.costs.models import CostApproval
from approvals.costs.rules import approver_for, bands_in_force
from approvals.costs.selectors import approvals_waiting_for
from approvals.offers import services as offer_services
from approvals.offers.models import Shortlist
from approvals.offers.rules import (
    FLAG_ARCHIVED,
    FLAG_FUNDING,
    FLAG_OFSTED,
    FLAG_QA,
    FLAG_URN,
    funding_limit,
    offer_flags,
)
from approvals.offers.selectors import open_flexibility
from approvals.placement.models import Placement, PlacementAgreement
from approvals.placement.services import agreement as agreements
from approvals.placement.services import feedback, placement
from approvals.tasks import options_remind
from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from placements.settings.base import CELERY_BEAT_SCHEDULE
from providers.models import OfstedRating
from referrals import services as referral_services
from referrals.models import ProviderRequest, Referral
from referrals.selectors import action_list
from referrals.services import answers
from tests.journeys import (
    CHILD,
    chosen,
    countersigner,
    ensure_bands,
    ensure_placement_types,
    in_house_provider,
    offer_values,
    offers_in,
    placed,
    searchable,
)
from tests.providers.factories import ProviderFactory
from tests.referrals.conftest import links_in_outbox

pytestmark = pytest.mark.django_db
D = Decimal


def offer_flags_of(offer, referral):
    referral = Referral.objects.prefetch_related("funding_approvals").get(pk=referral.pk)
    return offer_flags(offer, limit=funding_limit(referral), council=CouncilSettings.load())


def flags_of(offer, referral):
    return {flag.code for flag in offer_flags_of(offer, referral)}


# --- Cost bands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "role"),
    [
        ("0.01", Role.SENIOR_MANAGER),
        ("3999.99", Role.SENIOR_MANAGER),
        ("4000.00", Role.HEAD_OF_SERVICE),
        ("6999.99", Role.HEAD_OF_SERVICE),
        ("7000.00", Role.DIRECTOR),
        ("25000.00", Role.DIRECTOR),
    ],
)
def test_the_total_weekly_cost_decides_the_band(total, role):
    council = CouncilSettings.load()
    assert approver_for(D(total), in_house=False, council=council)[0] == role


def test_in_house_follows_the_council_setting():
    council = CouncilSettings.load()
    assert approver_for(D("9000"), in_house=True, council=council) == (Role.TEAM_MANAGER, None)
    council.in_house_approval_role = Role.SENIOR_MANAGER
    assert approver_for(D("9000"), in_house=True, council=council)[0] == Role.SENIOR_MANAGER


def test_a_decision_uses_the_bands_in_force_when_it_was_asked(
    make_user, referral, offers, officer, social_worker, head_of_service
):
    administrator = make_user(Role.ADMINISTRATOR)
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])  # £5,500
    assert approval.required_role == Role.HEAD_OF_SERVICE
    later = timezone.now() + dt.timedelta(days=1)
    costs.bands_set(
        bands=[(D("0"), Role.SENIOR_MANAGER), (D("5000"), Role.DIRECTOR)],
        in_force_from=later,
        note="Tighter from tomorrow",
        actor=administrator,
    )
    assert bands_in_force().pk == approval.band_version_id  # tomorrow's are not in force yet
    with time_machine.travel(later + dt.timedelta(hours=1)):
        assert approver_for(D("5500"), in_house=False, council=CouncilSettings.load())[0] == (
            Role.DIRECTOR
        )
        # The approval asked yesterday still goes to the head of service.
        costs.approval_approve(approval=approval, actor=head_of_service)
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.APPROVED


def test_bands_are_checked_when_set(make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    now = timezone.now()
    cases = [
        ([(D("100"), Role.SENIOR_MANAGER)], "start at £0.00"),
        ([(D("0"), Role.DIRECTOR), (D("4000"), Role.SENIOR_MANAGER)], "more senior"),
        ([(D("0"), Role.SENIOR_MANAGER), (D("0"), Role.DIRECTOR)], "same amount"),
        ([(D("0"), Role.SOCIAL_WORKER)], "senior manager, head of service or director"),
    ]
    for bands, message in cases:
        with pytest.raises(DomainError, match=message):
            costs.bands_set(bands=bands, in_force_from=now, note="", actor=administrator)
    with pytest.raises(DomainError, match="never in the past"):
        costs.bands_set(
            bands=[(D("0"), Role.DIRECTOR)],
            in_force_from=now - dt.timedelta(days=1),
            note="",
            actor=administrator,
        )
    with pytest.raises(DomainError, match="administrator"):
        costs.bands_set(
            bands=[(D("0"), Role.DIRECTOR)],
            in_force_from=now,
            note="",
            actor=make_user(Role.DIRECTOR),
        )


# --- Flags ------------------------------------------------------------------------------


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
        offer_services.shortlist_send(referral=referral, responses=[offer], note="", actor=officer)
    with pytest.raises(DomainError, match="Only the duty lead"):
        offer_services.flag_override(
            response=offer, flag=FLAG_FUNDING, reason="Agreed", actor=officer
        )
    duty_lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    with pytest.raises(DomainError, match="does not carry"):
        offer_services.flag_override(response=offer, flag=FLAG_OFSTED, reason="x", actor=duty_lead)
    with pytest.raises(DomainError, match="reason"):
        offer_services.flag_override(response=offer, flag=FLAG_FUNDING, reason=" ", actor=duty_lead)
    offer_services.flag_override(
        response=offer, flag=FLAG_FUNDING, reason="Funding panel agreed £6,500", actor=duty_lead
    )
    shortlist = offer_services.shortlist_send(
        referral=referral, responses=[offer], note="", actor=officer
    )
    assert shortlist.options.get().total_weekly == D("6500")
    assert referral.chronology.filter(text__contains="Funding panel agreed").exists()


# --- Negotiation ------------------------------------------------------------------------


def test_a_negotiated_fee_keeps_the_first_quote_and_shows_the_saving(referral, offers, officer):
    offer = offers["Framework 2"]  # £5,400 fee + £100 therapy
    with pytest.raises(DomainError, match="what was agreed"):
        offer_services.fee_revise(response=offer, weekly_fee=D("5000"), note="", actor=officer)
    for same_or_more in (D("5400"), D("5600")):
        with pytest.raises(DomainError, match=r"lower than the fee now, £5,400\.00"):
            offer_services.fee_revise(
                response=offer, weekly_fee=same_or_more, note="Asked", actor=officer
            )
    offer_services.fee_revise(
        response=offer, weekly_fee=D("5150"), note="Agreed by phone with Pat", actor=officer
    )
    offer.refresh_from_db()
    fresh = type(offer).objects.prefetch_related("revisions").get(pk=offer.pk)
    assert fresh.weekly_fee == D("5400") and fresh.total_weekly == D("5500")
    assert fresh.agreed_total_weekly == D("5250")
    assert fresh.saving_weekly == D("250") and fresh.saving_annual == D("13000")
    entry = referral.chronology.filter(text__contains="Fee negotiated").get()
    assert "saving £250.00 a week, £13,000.00 a year" in entry.text


# --- The social worker's choice ---------------------------------------------------------


def test_options_go_to_the_social_worker_and_the_rest_are_told(
    referral, offers, officer, social_worker
):
    shortlist = offer_services.shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="Two good matches",
        actor=officer,
    )
    assert [o.total_weekly for o in shortlist.options.all()] == [D("900"), D("5500")]
    told = OutboxMessage.objects.filter(key__startswith="provider_not_shortlisted:")
    assert sorted(m.to[0] for m in told) == sorted(
        offers[name].request.provider.referral_emails[0] for name in ("Framework 1", "Framework 3")
    )
    assert OutboxMessage.objects.filter(
        key__startswith="options_ready:", to=[social_worker.email]
    ).exists()
    with pytest.raises(DomainError, match="already with the social worker"):
        offer_services.shortlist_send(
            referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
        )


def test_choosing_external_over_in_house_needs_a_reason(
    referral, offers, officer, social_worker, make_user
):
    shortlist = offer_services.shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="",
        actor=officer,
    )
    external = shortlist.options.get(is_in_house=False)
    with pytest.raises(DomainError, match="meets the child's needs"):
        offer_services.option_choose(
            shortlist=shortlist, option=external, rationale="", actor=social_worker
        )
    with pytest.raises(DomainError, match="in-house option does not meet"):
        offer_services.option_choose(
            shortlist=shortlist, option=external, rationale="Near school", actor=social_worker
        )
    stranger = make_user(Role.SOCIAL_WORKER, team=None)
    with pytest.raises(DomainError, match="child's social worker"):
        offer_services.option_choose(
            shortlist=shortlist, option=external, rationale="x", in_house_reason="y", actor=stranger
        )
    approval = offer_services.option_choose(
        shortlist=shortlist,
        option=external,
        rationale="Near school, therapy on site",
        in_house_reason="No in-house carers near his school",
        actor=social_worker,
    )
    assert approval.required_role == Role.HEAD_OF_SERVICE
    assert approval.total_weekly == D("5500")
    shortlist.refresh_from_db()
    assert shortlist.status == Shortlist.Status.CHOSEN


def test_declining_every_option_tells_the_officer(referral, offers, officer, social_worker):
    shortlist = offer_services.shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    with pytest.raises(DomainError, match="Say why"):
        offer_services.options_decline(shortlist=shortlist, reason="", actor=social_worker)
    offer_services.options_decline(
        shortlist=shortlist, reason="Too far from school", actor=social_worker
    )
    assert OutboxMessage.objects.filter(
        key__startswith="options_declined:", to=[officer.email]
    ).exists()
    # Then no suitable options: the social worker is asked where there is flexibility.
    asked = offer_services.no_suitable_options(
        referral=referral, why="Nothing near school", actor=officer
    )
    offer_services.flexibility_answer(
        asked=asked, answer="Up to 20 miles is fine", actor=social_worker
    )
    texts = list(referral.chronology.values_list("text", flat=True))
    assert any("No suitable options: Nothing near school" in t for t in texts)

    assert open_flexibility(referral) is None  # answered
    assert any("Up to 20 miles is fine" in t for t in texts)


def test_options_waiting_a_working_day_are_reminded_once(referral, offers, officer, social_worker):
    friday = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    with time_machine.travel(friday, tick=False):
        offer_services.shortlist_send(
            referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
        )
    # Monday 09:59 is not yet a working day on from Friday 10:00.
    with time_machine.travel(friday + dt.timedelta(days=3, minutes=-1), tick=False):
        assert offer_services.options_remind_due() == 0
    with time_machine.travel(friday + dt.timedelta(days=3), tick=False):
        assert offer_services.options_remind_due() == 1
        assert offer_services.options_remind_due() == 0
    reminder = OutboxMessage.objects.get(key__startswith="options_reminder:")
    assert set(reminder.to) == {social_worker.email, officer.email}


# --- Cost approval ----------------------------------------------------------------------


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
    offer_services.fee_revise(
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
    shortlist = offer_services.shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    cheaper = offer_services.option_choose(
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
    offer_services.fee_revise(
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


# --- The placement and the IPA ---------------------------------------------------------


def pdf_text(field) -> str:
    field.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(field.read())).pages)
    finally:
        field.close()


def test_the_agreement_has_the_agreed_terms_and_not_the_childs_identity(
    referral, offers, officer, social_worker, head_of_service
):
    offer_services.fee_revise(
        response=offers["Framework 2"], weekly_fee=D("5300"), note="Agreed", actor=officer
    )
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    agreement = placed(approval, officer, head_of_service)
    made = Placement.objects.get(referral=referral)
    assert made.total_weekly == D("5400") and made.weekly_fee == D("5300")
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    for field in (agreement.issued_pdf, agreement.final_pdf):
        text = pdf_text(field)
        assert referral.reference in text
        assert "£5,300.00" in text and "£5,400.00" in text and "Therapy" in text
        # What was placed, not what the referral asked for.
        assert "Independent fostering agency" in text
        assert "£250.00" in text  # one-off costs
        assert CHILD["first_name"] not in text and CHILD["last_name"] not in text
        assert "2013" not in text  # the year of birth
    final = pdf_text(agreement.final_pdf)
    assert "Signed by Pat Provider, Registered manager" in final
    assert "Countersigned by Dee Duty, Duty lead, on" in " ".join(final.split())
    assert (
        "I agree to the terms of this placement agreement and I may countersign it for "
        "Northshire County Council" in " ".join(final.split())
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PLACED and referral.closed_at
    # Its rounds are closed and it leaves the action list.
    assert not referral.search_rounds.filter(status="open").exists()

    assert referral not in action_list(officer, today=timezone.localdate())
    # The other providers' links are revoked and they are told; the placed one is not.
    revoked = ProviderRequest.objects.filter(round__referral=referral, revoked_at__isnull=False)
    assert not revoked.filter(pk=made.response.request_id).exists()
    assert revoked.count() == ProviderRequest.objects.filter(round__referral=referral).count() - 1


def test_the_provider_signs_once_and_a_new_version_replaces_the_old(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    made = placement.placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=3), actor=officer
    )
    with pytest.raises(DomainError, match="already confirmed"):
        placement.placement_confirm(approval=approval, start_date=dt.date.today(), actor=officer)
    first = agreements.agreement_issue(placement=made, actor=officer)
    second = agreements.agreement_issue(placement=made, actor=officer)
    first.refresh_from_db()
    assert first.status == PlacementAgreement.Status.SUPERSEDED and second.version == 2
    with pytest.raises(DomainError, match="already been signed or replaced"):
        agreements.agreement_sign(agreement=first, name="Pat", role="Manager", declaration=True)
    with pytest.raises(DomainError, match="Confirm that you agree"):
        agreements.agreement_sign(agreement=second, name="Pat", role="Manager", declaration=False)
    with pytest.raises(DomainError, match="Countersign once"):
        agreements.agreement_countersign(
            agreement=second, actor=countersigner(), name="Dee", role="Duty lead", declaration=True
        )
    with pytest.raises(DomainError, match="must be a PDF"):
        agreements.agreement_upload(agreement=second, content=b"hello", name="Pat", role="Manager")
    for active in (pdf_bytes(javascript=True), pdf_bytes(attachment=True), b"%PDF-1.4 junk"):
        with pytest.raises(DomainError, match="which the council cannot accept"):
            agreements.agreement_upload(
                agreement=second, content=active, name="Pat", role="Manager"
            )
    agreements.agreement_upload(agreement=second, content=pdf_bytes(), name="Pat", role="Manager")
    second.refresh_from_db()
    assert second.status == PlacementAgreement.Status.SIGNED and second.signed_copy


def pdf_bytes(*, javascript: bool = False, attachment: bool = False) -> bytes:
    """A real one-page PDF, optionally with JavaScript run on opening or a file inside."""

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        writer.add_open_action(JavaScript("app.alert('hello');"))
    if attachment:
        writer.add_attachment("payload.exe", b"MZ not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Feedback ---------------------------------------------------------------------------


def test_unsuccessful_providers_get_feedback_at_once_without_personal_data(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    waiting = feedback.unsuccessful_requests(referral)
    assert sorted(r.provider.name for r in waiting) == [
        "Framework 1",
        "Framework 3",
        "Northshire Fostering",
    ]
    entries = [(request, ["cost", "choice"], "") for request in waiting]
    named = [(waiting[0], ["location"], f"{CHILD['first_name']} needed to stay near school")]
    with pytest.raises(DomainError, match="names the child"):
        feedback.feedback_send(referral=referral, entries=named, actor=officer)
    with pytest.raises(DomainError, match="at least one reason"):
        feedback.feedback_send(referral=referral, entries=[(waiting[0], [], "")], actor=officer)
    feedback.feedback_send(referral=referral, entries=entries, actor=officer)
    sent = OutboxMessage.objects.filter(key__startswith="provider_feedback:")
    assert sent.count() == 3
    assert all("- Cost" in m.body_text for m in sent)
    assert all(CHILD["first_name"] not in m.body_text for m in sent)
    assert feedback.unsuccessful_requests(referral) == []


def test_the_beat_task_sends_the_reminders(referral, offers, officer):

    assert CELERY_BEAT_SCHEDULE["options-remind"]["task"] == options_remind.name
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        offer_services.shortlist_send(
            referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
        )
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 1, tzinfo=dt.UTC), tick=False):
        assert options_remind.apply().get() == 1


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


def test_withdrawing_the_referral_stops_its_approval_reminders_and_agreement_link(
    referral, offers, officer, social_worker, head_of_service
):

    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    made = placement.placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=5), actor=officer
    )
    agreements.agreement_issue(placement=made, actor=officer)
    token = re.search(
        r"/sign/([\w-]+)/",
        OutboxMessage.objects.get(key__startswith="agreement_to_sign:").body_text,
    ).group(1)
    assert agreements.agreement_link_resolve(token).is_open
    referral_services.referral_withdraw(referral=referral, reason="Family found", actor=officer)
    assert agreements.agreement_link_resolve(token).state == "closed"


def test_a_pending_cost_on_a_withdrawn_referral_cannot_be_decided(
    referral, offers, officer, social_worker, head_of_service
):

    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    assert list(approvals_waiting_for(head_of_service)) == [approval]
    referral_services.referral_withdraw(referral=referral, reason="Family found", actor=officer)
    assert list(approvals_waiting_for(head_of_service)) == []
    with pytest.raises(DomainError, match="withdrawn"):
        costs.approval_approve(approval=approval, actor=head_of_service)


def test_a_signed_agreement_is_countersigned_not_replaced(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    made = placement.placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=5), actor=officer
    )
    agreement = agreements.agreement_issue(placement=made, actor=officer)
    agreements.agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    with pytest.raises(DomainError, match="countersign it"):
        agreements.agreement_issue(placement=made, actor=officer)


def signed_agreement(referral, offers, officer, social_worker, head_of_service):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    made = placement.placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=5), actor=officer
    )
    agreement = agreements.agreement_issue(placement=made, actor=officer)
    agreements.agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    return agreement


def test_a_countersignature_records_a_name_role_and_declaration_from_someone_in_brokerage(
    referral, offers, officer, social_worker, head_of_service
):
    agreement = signed_agreement(referral, offers, officer, social_worker, head_of_service)
    duty = countersigner()
    good = {"name": "Dee Duty", "role": "Duty lead", "declaration": True}
    for missing, error in [
        ({"name": " "}, "Enter your full name"),
        ({"role": ""}, "Enter your role or job title"),
        ({"declaration": False}, "Confirm that you agree to the terms and may countersign"),
    ]:
        with pytest.raises(DomainError, match=error):
            agreements.agreement_countersign(agreement=agreement, actor=duty, **{**good, **missing})
    for outsider in (social_worker, head_of_service):
        with pytest.raises(DomainError, match="Only brokerage"):
            agreements.agreement_countersign(agreement=agreement, actor=outsider, **good)
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.SIGNED
    assert not OutboxMessage.objects.filter(key__startswith="agreement_countersigned:").exists()
    agreements.agreement_countersign(agreement=agreement, actor=duty, **good)
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    assert (agreement.countersigned_name, agreement.countersigned_role) == ("Dee Duty", "Duty lead")
    assert agreement.countersigned_by == duty and agreement.countersigned_at
    assert agreement.countersign_declaration == (
        "I agree to the terms of this placement agreement and I may countersign it for "
        "Northshire County Council"
    )
    assert referral.chronology.filter(
        text__contains="countersigned by Dee Duty, Duty lead"
    ).exists()


def test_the_officer_who_issued_the_agreement_cannot_countersign_it_unless_the_council_allows(
    referral, offers, officer, social_worker, head_of_service
):
    agreement = signed_agreement(referral, offers, officer, social_worker, head_of_service)
    good = {"name": "Bola Officer", "role": "Brokerage officer", "declaration": True}
    with pytest.raises(
        DomainError, match="You issued this agreement, and the council requires two"
    ):
        agreements.agreement_countersign(agreement=agreement, actor=officer, **good)
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.SIGNED
    CouncilSettings.objects.filter(pk=CouncilSettings.load().pk).update(
        countersign_by_another_person=False
    )
    agreements.agreement_countersign(agreement=agreement, actor=officer, **good)
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    assert agreement.countersigned_by == officer == agreement.issued_by


def test_the_provider_is_sent_the_countersigned_agreement_with_nothing_about_the_child(
    referral, offers, officer, social_worker, head_of_service
):
    CouncilSettings.objects.filter(pk=CouncilSettings.load().pk).update(agreement_link_days=10)
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    agreement = placed(approval, officer, head_of_service)
    provider = offers["Framework 2"].request.provider
    message = OutboxMessage.objects.get(key=f"agreement_countersigned:{agreement.pk}")
    assert message.to == sorted(provider.referral_emails) and message.sensitive
    assert referral.reference in message.subject and "countersigned" in message.subject
    body = message.body_text
    assert referral.reference in body and "works for 10 days" in body
    born = CHILD["date_of_birth"]
    for personal in (
        CHILD["first_name"],
        CHILD["last_name"],
        CHILD["known_as"],
        CHILD["address"],
        CHILD["postcode"],
        CHILD["school"],
        "Kerry",
        f"{born:%-d %B}",
        f"{born:%d/%m}",
        str(born.year),
    ):
        assert personal not in body and personal not in message.subject, personal
    token = re.search(r"/sign/([\w-]+)/", body).group(1)
    state = agreements.agreement_link_resolve(token)
    assert state.state == "countersigned" and state.item == agreement
    later = timezone.now() + dt.timedelta(days=9, hours=23)
    assert agreements.agreement_link_resolve(token, now=later).state == "countersigned"
    assert agreements.agreement_link_resolve(token, now=later + dt.timedelta(hours=2)).state == (
        "closed"
    )


def test_the_move_date_cannot_come_before_the_placement_is_available(
    client, referral, offers, officer, social_worker, head_of_service
):
    available = timezone.localdate() + dt.timedelta(days=10)
    request = offers["Framework 2"].request
    later = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("5400"), available_from=available),
    )
    approval = chosen(referral, officer, social_worker, later)
    costs.approval_approve(approval=approval, actor=head_of_service)
    with pytest.raises(DomainError, match=r"on or after .* when the provider said"):
        placement.placement_confirm(
            approval=approval, start_date=available - dt.timedelta(days=1), actor=officer
        )
    assert not Placement.objects.filter(referral=referral).exists()
    # On the page, the officer is told why, with nothing recorded.
    client.force_login(officer)
    early = available - dt.timedelta(days=3)
    page = client.post(
        reverse("approvals:placement", kwargs={"pk": referral.pk}),
        {
            "action": "confirm",
            "start_date_0": early.day,
            "start_date_1": early.month,
            "start_date_2": early.year,
        },
    ).content.decode()
    assert f"The move date must be on or after {available:%-d %B %Y}" in page
    assert not Placement.objects.filter(referral=referral).exists()
    made = placement.placement_confirm(approval=approval, start_date=available, actor=officer)
    assert made.start_date == available


def test_an_offer_sent_as_an_option_is_locked_to_the_provider(
    client, referral, offers, officer, social_worker
):

    sent = offers["Framework 2"]
    left = offers["Framework 3"]
    offer_services.shortlist_send(referral=referral, responses=[sent], note="", actor=officer)
    # The provider cannot raise the fee of what the social worker is choosing from.
    with pytest.raises(DomainError, match="sent to the social worker as an option"):
        answers.offer_make(
            provider_request=sent.request,
            responder_name="Pat",
            values=offer_values(D("6900"), ofsted_urn=sent.request.provider.ofsted_urn),
        )
    assert sent.request.answers.count() == 1
    # Its link says so, offers no change, and the change page sends them back.
    token = links_in_outbox("provider_request")[sent.request.provider.referral_emails[0]]
    page = client.get(reverse("respond:page", kwargs={"token": token})).content.decode()
    assert "can no longer be changed" in page and "Change your offer" not in page
    assert "Withdraw your offer" in page
    response = client.get(reverse("respond:offer", kwargs={"token": token}))
    assert response.status_code == 302
    posted = client.post(
        reverse("respond:offer", kwargs={"token": token}),
        {"responder_name": "Pat", "weekly_fee": "6900"},
    )
    assert posted.status_code == 302 and sent.request.answers.count() == 1
    # They may still withdraw it; then it cannot be chosen.
    answers.offer_withdraw(provider_request=sent.request, responder_name="Pat", reason="Carer ill")
    shortlist = sent.request.round.referral.shortlists.get()
    with pytest.raises(DomainError, match="withdrawn or changed"):
        offer_services.option_choose(
            shortlist=shortlist,
            option=shortlist.options.get(),
            rationale="Best match",
            in_house_reason="Too far",
            actor=social_worker,
        )
    # Sending options closed the rounds: the others' answers are in, and are kept.
    left.request.refresh_from_db()
    assert left.request.round.status == "closed" and left.request.answer == "offer"
