"""The pages from offers to placement, as each person uses them, and what others may
not see or change."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from approvals.costs import services as costs
from approvals.costs.models import CostApproval
from approvals.costs.rules import approver_for
from approvals.offers import services as offer_services
from approvals.offers.models import Shortlist
from approvals.offers.rules import FLAG_FUNDING
from approvals.placement.models import Placement, PlacementAgreement
from approvals.placement.services import agreement as agreements
from approvals.placement.services import feedback, placement
from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from referrals.models import ProviderRequest
from referrals.services import answers
from tests.journeys import CHILD, chosen, countersign, offer_values, offers_in, placed

pytestmark = pytest.mark.django_db
SIGN_LINK = re.compile(r"/sign/([A-Za-z0-9_-]+)/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, referral, **kwargs):
    return reverse(f"approvals:{name}", kwargs={"pk": referral.pk, **kwargs})


def test_the_officer_compares_negotiates_and_sends_options(referral, offers, officer):
    client = signed_in(officer)
    page = client.get(url("offers", referral)).content.decode()
    for name in ("Framework 1", "Framework 2", "Framework 3", "Northshire Fostering"):
        assert name in page
    assert "£5,500.00" in page and "£286,000.00" in page  # total a week and a year
    # Negotiate: a bad amount, then a good one.
    negotiate = url("negotiate", referral, response_pk=offers["Framework 2"].pk)
    bad = client.post(negotiate, {"weekly_fee": "lots", "note": ""}).content.decode()
    assert "There is a problem" in bad and "Say what was agreed" in bad
    client.post(negotiate, {"weekly_fee": "£5,150", "note": "Agreed with Pat by phone"})
    page = client.get(url("offers", referral)).content.decode()
    assert "saves £250.00" in page and "saves £13,000.00" in page
    # The saving shows on the referral too.
    detail = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "saves £250.00 a week, £13,000.00 a year" in detail
    # Send nothing: an error; then two options.
    empty = client.post(url("offers", referral), {"note": ""}).content.decode()
    assert "Choose at least one offer" in empty
    response = client.post(
        url("offers", referral),
        {"responses": [offers["Framework 2"].pk, offers["Northshire Fostering"].pk], "note": "Hi"},
    )
    assert response.status_code == 302
    shortlist = Shortlist.objects.get(referral=referral)
    assert shortlist.options.count() == 2
    assert "With the social worker" in client.get(url("offers", referral)).content.decode()


def test_the_social_worker_chooses_with_reasons(referral, offers, officer, social_worker):
    offer_services.shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="",
        actor=officer,
    )
    client = signed_in(social_worker)
    detail = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Compare the options and choose" in detail
    page = client.get(url("options", referral)).content.decode()
    assert "The options side by side" in page and "£5,500.00" in page and "£900.00" in page
    external = Shortlist.objects.get().options.get(is_in_house=False)
    refused = client.post(
        url("options", referral),
        {"action": "choose", "choose-option": external.pk, "choose-rationale": "Near school"},
    ).content.decode()
    assert "Say why the in-house option does not meet" in refused
    assert CostApproval.objects.count() == 0
    client.post(
        url("options", referral),
        {
            "action": "choose",
            "choose-option": external.pk,
            "choose-rationale": "Near school, therapy on site",
            "choose-in_house_reason": "No in-house carers near school",
        },
    )
    approval = CostApproval.objects.get()
    assert approval.required_role == Role.HEAD_OF_SERVICE


def test_a_flexibility_question_closes_once_new_options_are_sent(
    referral, offers, officer, social_worker
):
    asked = offer_services.no_suitable_options(referral=referral, why="Too far", actor=officer)
    client = signed_in(social_worker)
    detail = reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert "Answer brokerage" in client.get(detail).content.decode()
    offer_services.shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    assert "Answer brokerage" not in client.get(detail).content.decode()
    options = client.get(url("options", referral)).content.decode()
    assert "Tell them where there is flexibility" not in options
    stale = client.get(url("flexibility", referral, asked_pk=asked.pk))
    assert stale.status_code == 302


def test_others_cannot_see_or_answer_the_options(
    make_user, other_team, referral, offers, officer, social_worker
):
    offer_services.shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    option = Shortlist.objects.get().options.get()
    stranger = signed_in(make_user(Role.SOCIAL_WORKER, team=other_team))
    assert stranger.get(url("options", referral)).status_code == 404
    choose = {"action": "choose", "choose-option": option.pk, "choose-rationale": "Mine"}
    assert stranger.post(url("options", referral), choose).status_code == 404
    assert signed_in(officer).get(url("options", referral)).status_code == 404
    assert signed_in(social_worker).get(url("offers", referral)).status_code == 403
    assert not CostApproval.objects.exists()


def test_the_head_of_service_approves_and_others_cannot(
    referral, offers, officer, social_worker, head_of_service, senior_manager, make_user
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    queue = signed_in(head_of_service).get(reverse("approvals:queue")).content.decode()
    assert referral.reference in queue
    assert referral.reference not in (
        signed_in(senior_manager).get(reverse("approvals:queue")).content.decode()
    )
    page_url = url("cost-approval", referral, approval_pk=approval.pk)
    # A senior manager can read it but not decide it.
    senior = signed_in(senior_manager)
    assert "head of service or above" in senior.get(page_url).content.decode()
    senior.post(page_url, {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.PENDING
    # An approver outside the referral's reach that has never had a cost: 404.
    other = signed_in(make_user(Role.SOCIAL_WORKER, team=None))
    assert other.get(page_url).status_code == 404
    head = signed_in(head_of_service)
    missing = head.post(page_url, {"decision": "return", "comments": ""}).content.decode()
    assert "Give your comments" in missing
    head.post(page_url, {"decision": "approve", "comments": ""})
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.APPROVED
    told = OutboxMessage.objects.get(key__startswith="cost_approval_decided:")
    # Both the officer and the social worker can open the link they are sent.
    path = re.search(r"https?://[^/\s]+(/\S+)", told.body_text).group(1)
    assert signed_in(social_worker).get(path).status_code == 200
    assert signed_in(officer).get(path).status_code == 200


def test_the_officer_confirms_issues_and_the_provider_signs_through_the_link(
    referral, offers, officer, social_worker, head_of_service, make_user, other_team
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    client = signed_in(officer)
    page_url = url("placement", referral)
    bad = client.post(page_url, {"action": "confirm"}).content.decode()
    assert "There is a problem" in bad and not Placement.objects.exists()
    start = dt.date.today() + dt.timedelta(days=10)
    client.post(
        page_url,
        {
            "action": "confirm",
            "start_date_0": start.day,
            "start_date_1": start.month,
            "start_date_2": start.year,
        },
    )
    made = Placement.objects.get()
    assert made.start_date == start
    # The social worker reads it but cannot act on it; another team's cannot see it.
    assert signed_in(social_worker).get(page_url).status_code == 200
    assert signed_in(social_worker).post(page_url, {"action": "issue"}).status_code == 404
    stranger = signed_in(make_user(Role.SOCIAL_WORKER, team=other_team))
    assert stranger.get(page_url).status_code == 404
    client.post(page_url, {"action": "issue"})
    agreement = PlacementAgreement.objects.get()
    message = OutboxMessage.objects.get(key__startswith="agreement_to_sign:")
    assert "Sam" not in message.body_text and referral.reference in message.body_text
    token = SIGN_LINK.search(message.body_text).group(1)
    assert (
        stranger.get(
            url("agreement-file", referral, agreement_pk=agreement.pk, kind="issued")
        ).status_code
        == 404
    )
    provider = Client()
    sign_url = reverse("sign:page", kwargs={"token": token})
    assert provider.get(reverse("sign:page", kwargs={"token": token[:-1] + "x"})).status_code == 404
    page = provider.get(sign_url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert provider.get(reverse("sign:pdf", kwargs={"token": token})).status_code == 200
    refused = provider.post(sign_url, {"action": "sign", "sign-name": "Pat"}).content.decode()
    assert "Enter your role" in refused and "Confirm that you agree" in refused
    provider.post(
        sign_url,
        {
            "action": "sign",
            "sign-name": "Pat Provider",
            "sign-role": "Registered manager",
            "sign-declaration": "on",
        },
    )
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.SIGNED
    assert "Signed" in provider.get(sign_url).content.decode()
    # Signed, it is countersigned, not replaced.
    replaced = client.post(page_url, {"action": "issue"}).content.decode()
    assert "There is a problem" in replaced and "countersign it" in replaced
    # The officer who issued it cannot countersign it: the page says who can.
    countersigned = {
        "action": "countersign",
        "countersign-name": "Bola Officer",
        "countersign-role": "Brokerage officer",
        "countersign-declaration": "on",
    }
    page = client.get(page_url).content.decode()
    assert "someone in brokerage other than Bola Officer, who issued it" in page
    assert "You issued this agreement" in page and 'name="countersign-name"' not in page
    refused = client.post(page_url, countersigned).content.decode()
    assert (
        "There is a problem" in refused and "another brokerage officer or the duty lead" in refused
    )
    # Nobody outside brokerage can countersign.
    for outsider in (social_worker, head_of_service):
        assert signed_in(outsider).post(page_url, countersigned).status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.SIGNED
    # A colleague countersigns: their name and job title are filled in for them.
    colleague = signed_in(
        make_user(
            Role.BROKERAGE_OFFICER,
            team=None,
            full_name="Chris Colleague",
            job_title="Senior brokerage officer",
        )
    )
    page = colleague.get(page_url).content.decode()
    assert 'value="Chris Colleague"' in page and 'value="Senior brokerage officer"' in page
    assert "I may countersign it for Northshire County Council" in page
    missing = colleague.post(
        page_url, {"action": "countersign", "countersign-name": "", "countersign-role": ""}
    ).content.decode()
    assert "There is a problem" in missing and 'href="#id_countersign-name"' in missing
    for error in (
        "Enter your full name",
        "Enter your role or job title",
        "Confirm that you agree to the terms and may countersign for the council",
    ):
        assert error in missing
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.SIGNED
    done = colleague.post(
        page_url,
        {**countersigned, "countersign-name": "Chris Colleague", "countersign-role": "Senior BO"},
    )
    assert done.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    assert (agreement.countersigned_name, agreement.countersigned_role) == (
        "Chris Colleague",
        "Senior BO",
    )
    assert "Countersigned by Chris Colleague, Senior BO" in client.get(page_url).content.decode()
    final = client.get(url("agreement-file", referral, agreement_pk=agreement.pk, kind="final"))
    assert final.status_code == 200 and final["Content-Type"] == "application/pdf"
    # The provider is sent a link of its own to the countersigned agreement.
    told = OutboxMessage.objects.get(key=f"agreement_countersigned:{agreement.pk}")
    assert told.to == sorted(agreement.placement.provider.referral_emails)
    assert "Sam" not in told.body_text and CHILD["first_name"] not in told.body_text
    final_token = SIGN_LINK.search(told.body_text).group(1)
    assert final_token != token
    for link in (final_token, token):  # the link to sign shows it too while it lasts
        page = provider.get(reverse("sign:page", kwargs={"token": link})).content.decode()
        assert "Countersigned" in page and "Chris Colleague, Senior BO" in page
        assert "Download the countersigned agreement (PDF)" in page
        assert "Sign the agreement" not in page
    download = provider.get(reverse("sign:pdf", kwargs={"token": final_token}))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "countersigned.pdf" in download["Content-Disposition"]
    with agreement.final_pdf.open("rb") as stored:
        assert b"".join(download.streaming_content) == stored.read()
    # Nothing more can be signed through either link.
    assert provider.post(sign_url, {"action": "sign"}).status_code == 302


def test_a_providers_link_reaches_only_its_own_agreement(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    costs.approval_approve(approval=approval, actor=head_of_service)
    made = placement.placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=5), actor=officer
    )
    first = agreements.agreement_issue(placement=made, actor=officer)
    second = agreements.agreement_issue(placement=made, actor=officer)
    links = {
        message.key: SIGN_LINK.search(message.body_text).group(1)
        for message in OutboxMessage.objects.filter(key__startswith="agreement_to_sign:")
    }
    first_token = links[f"agreement_to_sign:{first.pk}"]
    second_token = links[f"agreement_to_sign:{second.pk}"]
    agreements.agreement_sign(agreement=second, name="Pat", role="Manager", declaration=True)
    countersign(second)
    second.refresh_from_db()
    provider = Client()
    # The link to the replaced version opens nothing, and downloads nothing.
    assert provider.get(reverse("sign:page", kwargs={"token": first_token})).status_code == 404
    assert provider.get(reverse("sign:pdf", kwargs={"token": first_token})).status_code == 404
    download = provider.get(reverse("sign:pdf", kwargs={"token": second_token}))
    assert (
        download.status_code == 200 and "-v2-countersigned.pdf" in download["Content-Disposition"]
    )
    with second.final_pdf.open("rb") as stored:
        assert b"".join(download.streaming_content) == stored.read()
    # A made-up link downloads nothing either.
    assert provider.get(reverse("sign:pdf", kwargs={"token": "x" * 43})).status_code == 404


def test_feedback_is_sent_to_every_unsuccessful_provider_at_once(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    client = signed_in(officer)
    waiting = feedback.unsuccessful_requests(referral)
    missing = client.post(url("feedback", referral), {}).content.decode()
    assert "There is a problem" in missing and "Choose at least one reason" in missing
    named = {f"p{request.pk}-reasons": ["cost"] for request in waiting}
    named[f"p{waiting[1].pk}-note"] = f"{CHILD['first_name']} needed a home nearer school"
    page = client.post(url("feedback", referral), named).content.decode()
    assert f'href="#p{waiting[1].pk}"' in page and "govuk-textarea--error" in page
    assert not OutboxMessage.objects.filter(key__startswith="provider_feedback:").exists()
    data = {f"p{request.pk}-reasons": ["cost"] for request in waiting}
    data[f"p{waiting[0].pk}-note"] = "Thank you, a closer home was found"
    assert client.post(url("feedback", referral), data).status_code == 302
    assert OutboxMessage.objects.filter(key__startswith="provider_feedback:").count() == 3
    assert "Cost" in client.get(url("placement", referral)).content.decode()


def test_the_tracker_filters_and_exports(
    make_user, referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    viewer = signed_in(head_of_service)
    page = viewer.get(reverse("approvals:tracker")).content.decode()
    assert referral.reference in page and "£5,500.00" in page
    in_house_only = viewer.get(reverse("approvals:tracker"), {"setting": "in_house"})
    assert referral.reference not in in_house_only.content.decode()
    csv_body = viewer.get(reverse("approvals:tracker-export", kwargs={"fmt": "csv"}))
    text = csv_body.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Referral,Children,Provider")
    assert referral.reference in text and "5500.00" in text
    xlsx = viewer.get(reverse("approvals:tracker-export", kwargs={"fmt": "xlsx"}))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[1][0] == referral.reference and rows[1][10] == 5500
    assert signed_in(social_worker).get(reverse("approvals:tracker")).status_code == 403


def test_an_administrator_sets_new_bands(make_user):
    admin = signed_in(make_user(Role.ADMINISTRATOR))
    today = dt.date.today()
    when = {"in_force_from_0": today.day, "in_force_from_1": today.month}
    when["in_force_from_2"] = today.year
    bad = admin.post(
        reverse("approvals:bands"),
        {**when, "note": "x", "from_1": "100", "role_1": "senior_manager"},
    ).content.decode()
    assert "The first band must start at £0.00" in bad
    admin.post(
        reverse("approvals:bands"),
        {
            **when,
            "note": "Inflation",
            "from_1": "0",
            "role_1": "senior_manager",
            "from_2": "£4,500",
            "role_2": "head_of_service",
            "from_3": "8000",
            "role_3": "director",
        },
    )
    page = admin.get(reverse("approvals:bands")).content.decode()
    assert "£4,500.00 to £7,999.99" in page

    council = CouncilSettings.load()
    assert approver_for(Decimal("4499.99"), in_house=False, council=council)[0] == (
        Role.SENIOR_MANAGER
    )


def test_the_comparison_reads_the_same_number_of_queries_however_many_offers(
    referral, offers, officer
):

    client = signed_in(officer)
    offer_services.fee_revise(
        response=offers["Framework 1"], weekly_fee=Decimal("3800"), note="Agreed", actor=officer
    )
    client.get(url("offers", referral))  # sessions and settings warm
    with CaptureQueriesContext(connection) as three:
        client.get(url("offers", referral))
    fourth = ProviderRequest.objects.get(round__referral=referral, provider__name="Framework 4")
    answers.offer_make(
        provider_request=fourth, responder_name="Al", values=offer_values(Decimal("4800"))
    )
    offer_services.fee_revise(
        response=fourth.answers.get(), weekly_fee=Decimal("4500"), note="Agreed", actor=officer
    )
    with CaptureQueriesContext(connection) as four:
        page = client.get(url("offers", referral)).content.decode()
    assert "5 offers" in page
    assert len(four.captured_queries) == len(three.captured_queries), [
        q["sql"] for q in four.captured_queries
    ]


def test_the_approver_sees_the_flag_the_duty_lead_overrode(
    make_user, referral, offers, officer, social_worker, director
):

    dear = answers.offer_make(
        provider_request=offers["Framework 2"].request,
        responder_name="Pat",
        values=offer_values(Decimal("7200")),
    )
    duty_lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    offer_services.flag_override(
        response=dear, flag=FLAG_FUNDING, reason="Panel agreed £7,200 on 20 Nov", actor=duty_lead
    )
    approval = chosen(referral, officer, social_worker, dear)
    page = signed_in(director).get(url("cost-approval", referral, approval_pk=approval.pk))
    text = page.content.decode()
    assert "Above the funding approval" in text and "Panel agreed £7,200 on 20 Nov" in text
    assert "£7,000.00 and over, director" in text


def test_the_next_round_rests_on_the_social_workers_flexibility(
    referral, offers, officer, social_worker
):
    asked = offer_services.no_suitable_options(referral=referral, why="Too far", actor=officer)
    offer_services.flexibility_answer(
        asked=asked, answer="Anywhere within 20 miles of school", actor=social_worker
    )
    page = signed_in(officer).get(reverse("referrals:search", kwargs={"pk": referral.pk}))
    text = page.content.decode()
    assert "flexibility for the next round" in text
    assert (
        page.context["form"]
        .initial["social_worker_agreement"]
        .endswith("Anywhere within 20 miles of school")
    )


def test_after_placement_the_pack_page_shows_what_providers_were_sent(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    response = signed_in(officer).get(reverse("referrals:pack", kwargs={"pk": referral.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "this is the pack providers were sent" in page
    assert "Prepare a new version" not in page and "cannot be prepared" not in page


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
