import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import ResourceRequest
from referrals.pack import services as pack_services
from tests.journeys import approved
from tests.referrals.pack.test_pack_checking import PROFILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = approved(social_worker)
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    brokerage.referral_qa_return(referral=referral, actor=officer, requests=["More"])
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    referral = drafting.referral_submit(referral=referral, actor=social_worker, response="Done")
    return brokerage.referral_qa_accept(referral=referral, actor=officer)


def test_officer_checks_and_releases_the_pack_on_the_page(client_for, referral):
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse("referrals:pack", kwargs={"pk": referral.pk})
    assert b"Prepare the pack" in officer.get(url).content
    officer.post(url, {"action": "prepare"})
    page = officer.get(url).content.decode()
    hidden = '<span class="govuk-visually-hidden"> (word to check)</span>'
    assert f'<mark class="app-flag">Tyler{hidden}</mark>' in page
    assert "Flagged because it looks like a name." in page
    # What providers read has no name; the officer's own table says what each
    # replacement stands for and which field it came from.
    read, taken_out = page.split("What was taken out, and from which field")
    assert "Jayden" not in read and "O&#x27;Brien" not in read
    assert "the child&#x27;s name" in taken_out and "Jayden" in taken_out
    request = ResourceRequest.objects.get(referral=referral)
    tyler = request.flags.get(word="Tyler")
    response = officer.post(url, {"action": "accept", "flag": tyler.pk, "reason": ""})
    assert "Say why this word is safe to send to providers" in response.content.decode()
    officer.post(url, {"action": "accept", "flag": tyler.pk, "reason": "His dog"})
    edit = reverse("referrals:pack-edit", kwargs={"pk": referral.pk, "key": "profile"})
    officer.post(edit, {"text": "JO plays football with Tyler at a local park. Mum takes him."})
    response = officer.post(url, {"action": "release"}, follow=True)
    assert b"checked and released" in response.content
    request.refresh_from_db()
    assert request.status == ResourceRequest.Status.RELEASED
    pdf = officer.get(reverse("referrals:pack-pdf", kwargs={"pk": referral.pk}))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert referral.reference in text and "Page 1 of" in text and "Draft" not in text
    for secret in ("Jayden", "O'Brien", "Kerry", "Barnley Academy", "LE1 6ZG", "2013"):
        assert secret not in text, secret


def test_release_refused_while_words_are_open(client_for, referral):
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse("referrals:pack", kwargs={"pk": referral.pk})
    officer.post(url, {"action": "prepare"})
    response = officer.post(url, {"action": "release"}, follow=True)
    assert b"still to check before release" in response.content
    assert ResourceRequest.objects.get().status == ResourceRequest.Status.CHECKING
    # The PDF of a pack still being checked says it is a draft.
    pdf = officer.get(reverse("referrals:pack-pdf", kwargs={"pk": referral.pk}))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Draft: not released" in text


def test_others_cannot_see_or_change_the_pack(client_for, referral):
    pack_services.pack_prepare(
        referral=referral,
        actor=referral.assigned_officer or client_for(Role.BROKERAGE_OFFICER, team=None).user,
    )
    for role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD, Role.DIRECTOR):
        client = client_for(role)
        for name in ("referrals:pack", "referrals:pack-pdf"):
            assert client.get(reverse(name, kwargs={"pk": referral.pk})).status_code == 403
        assert (
            client.post(
                reverse("referrals:pack", kwargs={"pk": referral.pk}), {"action": "release"}
            ).status_code
            == 403
        )
    assert ResourceRequest.objects.get().status == ResourceRequest.Status.CHECKING
