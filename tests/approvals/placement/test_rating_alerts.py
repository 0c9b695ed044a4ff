"""A provider's Ofsted rating falling while a child is placed with it, or while its offer
is open: the officers concerned are emailed and the action list shows an alert until an
officer records what was done."""

import pytest
from django.urls import reverse

from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from providers.models import OfstedRating, Provider
from referrals.brokerage import alerts as alert_services
from referrals.brokerage import services as brokerage
from referrals.models import ChronologyEntry, ReferralAlert
from tests.approvals.conftest import signed_in
from tests.journeys import chosen, placed
from tests.providers.builders import ofsted_apply, ofsted_csv, ofsted_row

pytestmark = pytest.mark.django_db


def rated(provider: Provider, rating: str):
    return ofsted_apply(ofsted_csv([ofsted_row(provider.ofsted_urn, Overall=rating)]))


def test_a_child_placed_with_a_provider_rated_inadequate_alerts_its_officer(
    referral, offers, officer, social_worker, head_of_service, make_user
):
    approval = chosen(referral, officer, social_worker, offers["Framework 1"])
    placed(approval, officer, head_of_service)
    lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    brokerage.referral_assign(referral=referral, officer=officer, actor=lead)
    provider = Provider.objects.get(name="Framework 1")
    rated(provider, "Inadequate")

    alert = ReferralAlert.objects.get()
    assert alert.referral == referral and alert.provider == provider
    assert "Framework 1's Ofsted rating fell to inadequate" in alert.text
    assert "has a child placed" in alert.text
    email = OutboxMessage.objects.get(key__startswith="provider_concern:")
    assert email.to == [officer.email]
    assert referral.reference in email.subject and "Framework 1" in email.subject
    assert ChronologyEntry.objects.filter(referral=referral, text=alert.text).exists()


def test_an_open_offer_alerts_the_duty_leads_when_nobody_has_the_referral(
    referral, offers, make_user
):
    lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    referral.assigned_officer = None
    referral.save(update_fields=["assigned_officer"])
    rated(Provider.objects.get(name="Framework 3"), "Requires improvement to be good")
    alert = ReferralAlert.objects.get()
    assert "has an offer open on this referral" in alert.text
    email = OutboxMessage.objects.get(key__startswith="provider_concern:")
    assert email.to == [lead.email]


def test_a_rating_that_improves_or_a_provider_nobody_uses_raises_nothing(referral, offers):
    framework_2 = Provider.objects.get(name="Framework 2")
    rated(framework_2, "Outstanding")
    rated(Provider.objects.get(name="Framework 4"), "Inadequate")  # asked, but no offer
    assert not ReferralAlert.objects.exists()
    assert not OutboxMessage.objects.filter(key__startswith="provider_concern:").exists()


def test_inadequate_after_requires_improvement_is_a_fall_and_the_reverse_is_not(referral, offers):
    provider = Provider.objects.get(name="Framework 1")
    rated(provider, "Requires improvement to be good")
    assert ReferralAlert.objects.count() == 1
    rated(provider, "Inadequate")
    assert ReferralAlert.objects.count() == 2
    rated(provider, "Requires improvement to be good")
    assert ReferralAlert.objects.count() == 2


def test_the_same_fall_imported_again_alerts_once(referral, offers, make_user):
    make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    provider = Provider.objects.get(name="Framework 1")
    content = ofsted_csv([ofsted_row(provider.ofsted_urn, Overall="Inadequate")])
    ofsted_apply(content)
    Provider.objects.filter(pk=provider.pk).update(ofsted_rating=OfstedRating.GOOD)
    ofsted_apply(content)  # the same rating and inspection again
    assert ReferralAlert.objects.count() == 1
    assert OutboxMessage.objects.filter(key__startswith="provider_concern:").count() == 1


def test_the_action_list_shows_the_alert_until_an_officer_records_what_was_done(
    referral, offers, officer
):
    rated(Provider.objects.get(name="Framework 1"), "Inadequate")
    alert = ReferralAlert.objects.get()
    client = signed_in(officer)
    listed = client.get(reverse("referrals:action-list")).content.decode()
    assert 'id="alerts"' in listed and "rating fell to inadequate" in listed
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert f'id="alert-{alert.pk}"' in page

    url = reverse("referrals:alert-close", args=[referral.pk, alert.pk])
    empty = client.post(url, {"note": "  "})
    assert "Enter what was done about the alert" in empty.content.decode()
    done = client.post(url, {"note": "Spoke to the social worker: the placement is stable."})
    assert done["Location"] == reverse("referrals:action-list")
    alert.refresh_from_db()
    assert alert.dealt_with_by == officer and alert.dealt_with_at is not None
    assert 'id="alerts"' not in client.get(reverse("referrals:action-list")).content.decode()
    assert ChronologyEntry.objects.filter(
        referral=referral, text__startswith="Alert dealt with"
    ).exists()
    with pytest.raises(DomainError, match="already been dealt with"):
        alert_services.alert_close(alert=alert, actor=officer, note="Again")


def test_the_alert_is_not_found_for_the_social_worker_or_on_another_referral(
    referral, offers, social_worker, officer, make_user
):
    rated(Provider.objects.get(name="Framework 1"), "Inadequate")
    alert = ReferralAlert.objects.get()
    url = reverse("referrals:alert-close", args=[referral.pk, alert.pk])
    assert signed_in(social_worker).get(url).status_code in (403, 404)
    assert signed_in(social_worker).post(url, {"note": "Nothing"}).status_code in (403, 404)
    from tests.journeys import complete_draft

    other = complete_draft(social_worker)
    wrong = reverse("referrals:alert-close", args=[other.pk, alert.pk])
    assert signed_in(officer).get(wrong).status_code == 404
    alert.refresh_from_db()
    assert alert.dealt_with_at is None


def test_a_registration_suspended_under_an_open_offer_alerts_too(referral, offers, make_user):
    make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    provider = Provider.objects.get(name="Framework 2")
    ofsted_apply(
        ofsted_csv([ofsted_row(provider.ofsted_urn, Overall="", Registration_status="Suspended")])
    )
    alert = ReferralAlert.objects.get()
    assert alert.kind == ReferralAlert.Kind.REGISTRATION_STOPPED
    assert alert.text == (
        "Framework 2's Ofsted registration is suspended. It has an offer open on this referral."
    )
    email = OutboxMessage.objects.get(key__startswith="provider_concern:")
    assert "Ofsted registration suspended or closed for Framework 2" in email.subject
