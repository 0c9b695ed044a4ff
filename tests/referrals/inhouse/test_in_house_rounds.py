"""The in-house round as the fostering service's duty worker works it: the carers who
fit (every child's age, the kind of care, room for the children together by the date
needed), whom they asked and what they said."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.roles import Role
from placements.services import DomainError
from providers.fostering.models import FosterCarer
from referrals.inhouse import services
from referrals.inhouse.rules import fit, need_of
from referrals.models import CarerEnquiry, ChronologyEntry, SearchRound
from tests.journeys import in_house_provider, searchable, sent_round
from tests.referrals.inhouse.builders import household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_fit_rules():
    carer = FosterCarer(
        reference="FC-1",
        approved_age_from=5,
        approved_age_to=12,
        approved_children=2,
        care_types=["long_term"],
    )
    need = need_of(ages=[7, 9], needed=TODAY, emergency=False, parent_and_child=False)
    assert fit(carer, [], need).reasons == ["no room recorded"]
    from providers.fostering.models import CarerVacancy

    one = CarerVacancy(places=1, care_types=["long_term"])
    assert fit(carer, [one], need).reasons == ["room for 1 for the children together"]
    two = CarerVacancy(places=2, care_types=["long_term"])
    assert fit(carer, [two], need).fits
    later = CarerVacancy(
        places=2, care_types=["long_term"], available_from=TODAY + dt.timedelta(30)
    )
    assert not fit(carer, [later], need).fits
    too_old = need_of(ages=[15], needed=TODAY, emergency=False, parent_and_child=False)
    assert fit(carer, [two], too_old).reasons == ["approved for ages 5 to 12"]
    emergency = need_of(ages=[7], needed=TODAY, emergency=True, parent_and_child=False)
    assert "not approved for this kind of care" in fit(carer, [two], emergency).reasons


@pytest.fixture
def duty(make_user):
    return make_user(Role.FOSTERING_DUTY, team=None, full_name="Fran Fostering")


@pytest.fixture
def in_house_round(make_user):
    in_house_provider()
    social_worker = make_user(Role.SOCIAL_WORKER)
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = searchable(social_worker, officer)
    return sent_round(referral, officer, kind=SearchRound.Kind.IN_HOUSE)


def test_the_duty_worker_sees_who_fits_and_records_whom_they_asked(
    client_for, duty, in_house_round
):
    fits = household(duty, "FC-10")
    household(duty, "FC-20", ages=(0, 2))
    household(duty, "FC-30", room=0)
    client = client_for(Role.FOSTERING_DUTY)
    listed = client.get(reverse("inhouse:rounds")).content.decode()
    assert in_house_round.referral.reference in listed
    url = reverse("inhouse:round", args=[in_house_round.pk])
    page = client.get(url)
    [only] = page.context["groups"]
    rows = only["rows"]
    assert rows[0]["fit"].carer.reference == "FC-10"
    assert [row["fit"].fits for row in rows] == [True, False, False]
    assert "approved for ages 0 to 2" in page.content.decode()
    assert in_house_round.referral.reference in page.content.decode()

    client.post(url, {"action": "ask", "carer": fits.pk})
    enquiry = CarerEnquiry.objects.get()
    assert enquiry.answer == CarerEnquiry.Answer.WAITING
    refused = client.post(
        url, {"action": "answer", "enquiry": enquiry.pk, f"answer-{enquiry.pk}-answer": "no"}
    )
    assert "Say why the carers cannot offer a home" in refused.content.decode()
    client.post(
        url,
        {
            "action": "answer",
            "enquiry": enquiry.pk,
            f"answer-{enquiry.pk}-answer": "yes",
            f"answer-{enquiry.pk}-note": "Can take him from Monday",
        },
    )
    enquiry.refresh_from_db()
    assert (enquiry.answer, enquiry.note) == ("yes", "Can take him from Monday")
    notes = list(
        ChronologyEntry.objects.filter(
            referral=in_house_round.referral, text__startswith="In-house round"
        ).values_list("text", flat=True)
    )
    assert notes == [
        f"In-house round {in_house_round.number}: carers FC-10 asked",
        f"In-house round {in_house_round.number}: carers FC-10 could offer a home: "
        "Can take him from Monday",
    ]
    with pytest.raises(DomainError, match="already been asked"):
        services.carer_ask(search_round=in_house_round, carer=fits, actor=duty)
    assert client.post(url, {"action": "ask", "carer": "x"}).status_code == 404


def test_nobody_else_works_the_in_house_round(client_for, duty, in_house_round):
    carer = household(duty, "FC-10")
    url = reverse("inhouse:round", args=[in_house_round.pk])
    for role in (Role.BROKERAGE_OFFICER, Role.SOCIAL_WORKER, Role.ADMINISTRATOR):
        client = client_for(role)
        assert client.get(reverse("inhouse:rounds")).status_code == 403
        assert client.post(url, {"action": "ask", "carer": carer.pk}).status_code == 403
    assert not CarerEnquiry.objects.exists()
    with pytest.raises(DomainError, match="fostering service's duty worker"):
        services.carer_ask(search_round=in_house_round, carer=carer, actor=in_house_round.sent_by)


def test_only_in_house_rounds_are_worked_here(client_for, duty, in_house_round):
    from tests.providers.factories import ProviderFactory

    ProviderFactory(name="Framework 1")
    framework = sent_round(in_house_round.referral, in_house_round.sent_by)
    client = client_for(Role.FOSTERING_DUTY)
    assert client.get(reverse("inhouse:round", args=[framework.pk])).status_code == 404


def test_an_emergency_carers_72_hour_home_is_recorded_as_such(duty, in_house_round):
    emergency = household(duty, "FC-72", kinds=("emergency",))
    long_term = household(duty, "FC-80")
    asked = services.carer_ask(search_round=in_house_round, carer=emergency, actor=duty)
    services.carer_answer(enquiry=asked, answer="emergency", note="", actor=duty)
    asked.refresh_from_db()
    assert asked.answer == CarerEnquiry.Answer.EMERGENCY
    assert ChronologyEntry.objects.filter(
        referral=in_house_round.referral,
        text__endswith="carers FC-72 could offer an emergency home for up to 72 hours while a "
        "longer-term carer is found",
    ).exists()
    with pytest.raises(DomainError, match="already recorded"):
        services.carer_answer(enquiry=asked, answer="no", note="Changed mind", actor=duty)
    other = services.carer_ask(search_round=in_house_round, carer=long_term, actor=duty)
    with pytest.raises(DomainError, match="not approved for emergency care"):
        services.carer_answer(enquiry=other, answer="emergency", note="", actor=duty)
