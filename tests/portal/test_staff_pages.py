"""The council's side of provider accounts: an administrator adds an organisation, who
may sign in and its settings; sees its sign-ins; decides providers' changes. Nobody else."""

import pytest
from django.urls import reverse

from placements.roles import Role
from portal.models import SignIn
from providers.models import Organisation, ProviderChangeRequest
from providers.services import accounts
from tests.portal.conftest import signed_in_as
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_account_with_clear_refusals(administrator_client, setting):
    url = reverse("providers:organisation-create")
    empty = administrator_client.post(url, {})
    assert "Enter a name" in empty.content.decode()
    assert "Enter at least one email address" in empty.content.decode()
    wrong = administrator_client.post(
        url, {"name": "Oak Care", "emails": "not-an-address", "references": "", "is_active": "on"}
    )
    assert "Enter email addresses in the correct format" in wrong.content.decode()
    unknown = administrator_client.post(
        url,
        {"name": "Oak Care", "emails": "a@oak.example", "references": "NOPE-1", "is_active": "on"},
    )
    assert "No provider in the directory has the reference NOPE-1" in unknown.content.decode()
    assert not Organisation.objects.exists()
    done = administrator_client.post(
        url,
        {
            "name": "Oak Care",
            "emails": "a@oak.example\nB@Oak.example",
            "references": setting.reference.lower(),
            "is_active": "on",
        },
    )
    assert done["Location"] == reverse("providers:organisations")
    organisation = Organisation.objects.get()
    assert sorted(organisation.emails.values_list("email", flat=True)) == [
        "a@oak.example",
        "b@oak.example",
    ]
    setting.refresh_from_db()
    assert setting.organisation == organisation
    listing = administrator_client.get(reverse("providers:organisations")).content.decode()
    assert "Oak Care" in listing and setting.name in listing


def test_an_address_or_a_setting_belongs_to_one_organisation(administrator, setting, organisation):
    with pytest.raises(accounts.DomainError, match="already signs in to another"):
        accounts.organisation_save(
            name="Second", emails=["manager@oakcare.example"], references=[], actor=administrator
        )
    with pytest.raises(accounts.DomainError, match="already belongs to another organisation"):
        accounts.organisation_save(
            name="Second",
            emails=["x@second.example"],
            references=[setting.reference],
            actor=administrator,
        )


def test_a_council_users_address_cannot_sign_in_as_a_provider(administrator, setting):
    with pytest.raises(accounts.DomainError, match="is a council user's address"):
        accounts.organisation_save(
            name="Oak", emails=[administrator.email], references=[], actor=administrator
        )


def test_the_sign_in_log_is_for_administrators(administrator_client, client_for, organisation):
    signed_in_as("manager@oakcare.example")
    page = administrator_client.get(reverse("provider-sign-ins", args=[organisation.pk]))
    assert "manager@oakcare.example" in page.content.decode()
    assert SignIn.objects.count() == 1
    officer = client_for(Role.BROKERAGE_OFFICER)
    assert officer.get(reverse("provider-sign-ins", args=[organisation.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, Role.SOCIAL_WORKER])
def test_only_administrators_manage_accounts_and_decide_changes(
    client_for, role, organisation, setting
):
    change = accounts.profile_update(
        organisation=organisation,
        provider=setting,
        values={},
        specialisms=[],
        eligibility={"ofsted_urn": "SC123999"},
        email="manager@oakcare.example",
    )
    client = client_for(role)
    assert client.get(reverse("providers:organisations")).status_code == 403
    assert (
        client.post(
            reverse("providers:organisation-edit", args=[organisation.pk]),
            {"name": "Taken over", "emails": "me@evil.example", "is_active": "on"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("providers:change-decide", args=[change.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    change.refresh_from_db()
    organisation.refresh_from_db()
    assert change.status == ProviderChangeRequest.Status.PENDING
    assert organisation.name == "Oak Care Ltd"


def test_the_changes_waiting_list(administrator_client, organisation, setting):
    accounts.profile_update(
        organisation=organisation,
        provider=setting,
        values={},
        specialisms=[],
        eligibility={"ofsted_urn": "SC123999"},
        email="manager@oakcare.example",
    )
    page = administrator_client.get(reverse("providers:changes")).content.decode()
    assert "Oak House" in page and "SC123999" in page
    detail = administrator_client.get(reverse("providers:detail", args=[setting.pk]))
    assert "Change waiting" in detail.content.decode()


def test_a_urn_another_provider_has_is_refused(organisation, setting):
    other = ProviderFactory(ofsted_urn="SC654321")
    with pytest.raises(accounts.DomainError, match="Another provider in the directory"):
        accounts.profile_update(
            organisation=organisation,
            provider=setting,
            values={},
            specialisms=[],
            eligibility={"ofsted_urn": other.ofsted_urn},
            email="manager@oakcare.example",
        )
