"""The council's own foster carers, kept by the fostering service's duty worker: their
approval, the children living with them, and room no more than the approval leaves."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from providers.fostering import services
from providers.fostering.models import CarerVacancy, CareType, FosterCarer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def duty(make_user):
    return make_user(Role.FOSTERING_DUTY, team=None, full_name="Fran Fostering")


@pytest.fixture
def duty_client(client_for):
    return client_for(Role.FOSTERING_DUTY)


def carer_values(**changes):
    values = {
        "reference": "fc-214",
        "names": "Pat and Sam Carer",
        "postcode_district": "le1",
        "approved_age_from": 5,
        "approved_age_to": 12,
        "approved_children": 2,
        "supervising_social_worker": "Sue Supervising",
        "skills": "Therapeutic parenting course",
        "is_active": True,
    }
    values.update(changes)
    return values


def a_carer(actor, **changes):
    return services.carer_save(
        values=carer_values(**changes), care_types=["long_term", "short_term"], actor=actor
    )


def child(**changes):
    values = {
        "initials": "AB",
        "date_of_birth": TODAY - dt.timedelta(days=9 * 365),
        "placed_on": TODAY - dt.timedelta(days=100),
        "social_worker": "Sam Social",
        "social_worker_email": "sam@other-council.example",
        "iro": "Ivy Reviewing",
        "iro_email": "ivy@other-council.example",
    }
    values.update(changes)
    return values


def test_carers_are_saved_with_their_approval_and_history(duty):
    carer = a_carer(duty)
    assert (carer.reference, carer.postcode_district) == ("FC-214", "LE1")
    assert carer.care_types == [CareType.SHORT_TERM, CareType.LONG_TERM]
    services.carer_save(
        values=carer_values(approved_children=3), care_types=["long_term"], actor=duty, carer=carer
    )
    change = FieldChange.objects.get(
        object_id=carer.pk, field="Children at once", is_creation=False
    )
    assert (change.old_value, change.new_value, change.actor) == ("2", "3", duty)
    with pytest.raises(DomainError, match="already carers with the reference FC-214"):
        a_carer(duty, names="Others")
    with pytest.raises(DomainError, match="at least one kind of care"):
        services.carer_save(values=carer_values(reference="FC-2"), care_types=[], actor=duty)


def test_room_is_no_more_than_the_approval_leaves(duty):
    carer = a_carer(duty)
    services.child_add(carer=carer, values=child(), actor=duty)
    assert services.room_for(carer) == 1
    with pytest.raises(DomainError, match="leaves room for 1 more child"):
        services.vacancy_add(
            carer=carer, places=2, available_from=None, care_types=["long_term"], actor=duty
        )
    with pytest.raises(DomainError, match="kinds of care the carers are approved for"):
        services.vacancy_add(
            carer=carer, places=1, available_from=None, care_types=["respite"], actor=duty
        )
    services.vacancy_add(
        carer=carer, places=1, available_from=None, care_types=["long_term"], actor=duty
    )
    with pytest.raises(DomainError, match="already recorded"):
        services.vacancy_add(
            carer=carer, places=1, available_from=None, care_types=["long_term"], actor=duty
        )
    services.child_add(carer=carer, values=child(initials="CD"), actor=duty)
    with pytest.raises(DomainError, match="approved for 2 children at once"):
        services.child_add(carer=carer, values=child(initials="EF"), actor=duty)
    first = carer.children.get(initials="AB")
    services.child_leave(child=first, left_on=TODAY, actor=duty)
    assert services.room_for(carer) == 1


def test_the_duty_worker_keeps_carers_through_the_pages(duty_client):
    url = reverse("fostering:carer-create")
    empty = duty_client.post(url, {})
    assert "Enter the carers&#x27; reference" in empty.content.decode()
    assert "Choose at least one kind of care" in empty.content.decode()
    data = {**carer_values(), "care_types": ["long_term"], "is_active": "on"}
    data.update(approved_age_from=12, approved_age_to=5)
    reversed_ages = duty_client.post(url, data)
    assert "The oldest age must be the youngest age or more" in reversed_ages.content.decode()
    data.update(approved_age_from=5, approved_age_to=12)
    done = duty_client.post(url, data)
    carer = FosterCarer.objects.get()
    assert done["Location"] == reverse("fostering:carer", args=[carer.pk])
    page = reverse("fostering:carer", args=[carer.pk])
    refused = duty_client.post(
        page, {"action": "room", "room-places": "5", "room-care_types": ["long_term"]}
    )
    assert "leaves room for 2 more children" in refused.content.decode()
    duty_client.post(page, {"action": "room", "room-places": "1", "room-care_types": ["long_term"]})
    assert CarerVacancy.objects.get().places == 1
    listed = duty_client.get(reverse("fostering:carers"), {"room": "yes", "age": "7"})
    assert "FC-214" in listed.content.decode()
    too_old = duty_client.get(reverse("fostering:carers"), {"age": "15"})
    assert "FC-214" not in too_old.content.decode()
    respite = duty_client.get(reverse("fostering:carers"), {"care_type": "respite"})
    assert "FC-214" not in respite.content.decode()
    assert duty_client.post(page, {"action": "remove_room", "vacancy": "x"}).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, Role.ADMINISTRATOR, Role.SOCIAL_WORKER]
)
def test_nobody_else_sees_or_changes_the_carers(client_for, duty, role):
    carer = a_carer(duty)
    client = client_for(role)
    assert client.get(reverse("fostering:carers")).status_code == 403
    assert client.get(reverse("fostering:carer", args=[carer.pk])).status_code == 403
    posted = client.post(
        reverse("fostering:carer", args=[carer.pk]),
        {"action": "room", "room-places": "1", "room-care_types": ["long_term"]},
    )
    assert posted.status_code == 403
    assert not CarerVacancy.objects.exists()
