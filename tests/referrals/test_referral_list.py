"""The list of referrals."""

import pytest
from django.urls import reverse

from referrals.drafting import services as drafting

pytestmark = pytest.mark.django_db


def test_referral_list_pages_keep_the_status_filter(social_worker_client):
    for _ in range(26):
        drafting.referral_start(social_worker=social_worker_client.user)
    page = social_worker_client.get(reverse("referrals:list"), {"status": "draft"})
    assert b"?status=draft&amp;page=2" in page.content
