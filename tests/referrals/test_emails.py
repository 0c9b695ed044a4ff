"""Emails about a referral, as people receive them."""

import pytest
from django.core import mail

from placements.roles import Role
from referrals.permission import services as permission
from tests.journeys import submitted

pytestmark = pytest.mark.django_db


def test_plain_text_emails_are_not_html_escaped(make_user, django_capture_on_commit_callbacks):
    social_worker = make_user(Role.SOCIAL_WORKER)
    manager = make_user(Role.TEAM_MANAGER, full_name="Siobhan O'Neill")
    with django_capture_on_commit_callbacks(execute=True):
        permission.search_return(
            referral=submitted(social_worker), actor=manager, comments="More detail"
        )
    body = next(m.body for m in mail.outbox if "returned" in m.subject)
    assert "Siobhan O'Neill" in body and "&#x27;" not in body
