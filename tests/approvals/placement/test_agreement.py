"""The individual placement agreement: its terms without the child's identity, versions,
the provider's signature or signed copy, the countersignature and the links."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from approvals.costs import services as costs
from approvals.offers.services.negotiation import fee_revise
from approvals.placement.models import Placement, PlacementAgreement
from approvals.placement.services import agreement as agreements
from approvals.placement.services import placement
from placements.models import CouncilSettings, OutboxMessage
from placements.services import DomainError
from referrals.brokerage.selectors import action_list
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, Referral
from tests.journeys import CHILD, chosen, countersigner, placed

pytestmark = pytest.mark.django_db
D = Decimal


def pdf_text(field) -> str:
    field.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(field.read())).pages)
    finally:
        field.close()


def test_the_agreement_has_the_agreed_terms_and_not_the_childs_identity(
    referral, offers, officer, social_worker, head_of_service
):
    fee_revise(response=offers["Framework 2"], weekly_fee=D("5300"), note="Agreed", actor=officer)
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
    drafting.referral_withdraw(referral=referral, reason="Family found", actor=officer)
    assert agreements.agreement_link_resolve(token).state == "closed"


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
