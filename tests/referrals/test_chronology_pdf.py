import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.models import ChronologyEntry
from tests.journeys import submitted

pytestmark = pytest.mark.django_db


def test_officer_downloads_the_chronology_with_reference_and_page_numbers(client_for, make_user):
    referral = submitted(make_user(Role.SOCIAL_WORKER))
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    for n in range(60):  # enough to run onto more pages
        brokerage.referral_add_note(
            referral=referral,
            kind=ChronologyEntry.Kind.CALL,
            text=f"Called provider {n}, no answer",
            actor=officer.user,
        )
    response = officer.get(reverse("referrals:chronology-pdf", kwargs={"pk": referral.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="chronology-{referral.reference}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert f"Referral {referral.reference}" in text
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    assert "Draft referral started" in everything and "Called provider 59, no answer" in everything


def test_another_team_cannot_download_it(client_for, make_user, other_team):
    referral = submitted(make_user(Role.SOCIAL_WORKER))
    outsider = client_for(Role.SOCIAL_WORKER, team=other_team)
    url = reverse("referrals:chronology-pdf", kwargs={"pk": referral.pk})
    assert outsider.get(url).status_code == 404
