"""The placement page and the provider's signing link, as each person uses them, and
what others may not see or change."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from approvals.costs import services as costs
from approvals.placement.models import Placement, PlacementAgreement
from approvals.placement.services import agreement as agreements
from approvals.placement.services import placement
from placements.models import OutboxMessage
from placements.roles import Role
from tests.approvals.conftest import signed_in, url
from tests.journeys import CHILD, chosen, countersign, placed

pytestmark = pytest.mark.django_db


SIGN_LINK = re.compile(r"/sign/([A-Za-z0-9_-]+)/")


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
