"""A draft keeps what the social worker gives it, section by section.

Saving a section stores every answer that passes its checks, even when others are blank
(still to complete) or wrong (shown as an error, not saved). Completeness is checked
when the referral is submitted, and each missing answer is named with a link to it."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.models import Referral
from referrals.workflow import transition
from tests.journeys import CHILD, child_form, complete_draft, needs, needs_form

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 20_001


def url(name, referral, **kwargs):
    return reverse(f"referrals:{name}", kwargs={"pk": referral.pk, **kwargs})


def history(referral) -> list[tuple[str, str, str]]:
    return sorted(
        (change.field, change.old_value, change.new_value)
        for change in FieldChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Referral), object_id=referral.pk
        )
    )


def success(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def draft(social_worker_client):
    return drafting.referral_start(social_worker=social_worker_client.user)


@pytest.fixture
def placement_type(db):
    return needs()["placement_type"]


# --- What is needed (answers on the referral itself) -----------------------------------


def test_needs_half_answered_saves_what_is_given_and_says_what_is_still_to_complete(
    social_worker_client, draft, placement_type
):
    half = needs_form(
        placement_type,
        placement_type="",
        date_needed_0="",
        date_needed_1="",
        date_needed_2="",
        location_restrictions="",
    )
    response = social_worker_client.post(url("needs", draft), half, follow=True)
    draft.refresh_from_db()
    assert (draft.kind, draft.expected_duration, draft.location_preferences) == (
        "planned",
        "Long term",
        "None",
    )
    assert draft.placement_type is None and draft.date_needed is None
    assert success(response) == [
        "Saved. 3 answers still to complete: the type of placement; the date needed; "
        "location restrictions."
    ]
    page = response.content.decode()
    assert "Still needed: the type of placement; the date needed; location restrictions" in page
    # Coming back to the section shows what was kept, and what is still to complete.
    again = social_worker_client.get(url("needs", draft)).content.decode()
    assert 'value="Long term"' in again
    assert "Still to complete before you submit" in again
    assert 'href="#id_date_needed_0"' in again


@pytest.mark.parametrize(
    ("wrong", "message", "field", "kept"),
    [
        (
            {"date_needed_0": "31", "date_needed_1": "2"},
            "Date needed must be a real date",
            "date_needed",
            None,
        ),
        (
            {"date_needed_2": "2020"},
            "The date needed must be today or in the future",
            "date_needed",
            None,
        ),
        ({"weekly_budget": "lots"}, "Enter the weekly budget as a number", "weekly_budget", None),
        (
            {"location_preferences": TOO_LONG},
            "Location preferences must be 20,000 characters or fewer",
            "location_preferences",
            "",
        ),
        ({"date_needed_1": ""}, "Enter the month", "date_needed", None),
    ],
)
def test_a_wrong_needs_answer_is_refused_and_the_others_are_saved(
    social_worker_client, draft, placement_type, wrong, message, field, kept
):
    response = social_worker_client.post(url("needs", draft), needs_form(placement_type, **wrong))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page
    assert "Your other answers have been saved." in page
    draft.refresh_from_db()
    assert getattr(draft, field) == kept  # the wrong answer is not saved
    assert draft.kind == "planned" and draft.placement_type == placement_type
    assert draft.expected_duration == "Long term"


def test_a_wrong_answer_leaves_what_was_saved_before(social_worker_client, draft, placement_type):
    social_worker_client.post(url("needs", draft), needs_form(placement_type))
    draft.refresh_from_db()
    saved_date = draft.date_needed
    social_worker_client.post(
        url("needs", draft),
        needs_form(
            placement_type, date_needed_0="31", date_needed_1="2", expected_duration="6 months"
        ),
    )
    draft.refresh_from_db()
    assert draft.date_needed == saved_date and draft.expected_duration == "6 months"


def test_education_or_therapy_details_may_wait_until_submit(
    social_worker_client, draft, placement_type
):
    response = social_worker_client.post(
        url("needs", draft), needs_form(placement_type, therapy_needed="True"), follow=True
    )
    draft.refresh_from_db()
    assert draft.therapy_needed is True
    assert "details of the education or therapy" in success(response)[0]


def test_unanswered_urgency_stays_as_it_was(social_worker_client, draft, placement_type):
    form = needs_form(placement_type)
    del form["is_urgent"]
    social_worker_client.post(url("needs", draft), form)
    draft.refresh_from_db()
    assert draft.is_urgent is False and draft.kind == "planned"


# --- The child ------------------------------------------------------------------------


def test_a_child_with_only_a_first_name_is_saved_with_the_rest_still_to_complete(
    social_worker_client, draft
):
    blank = {name: "" for name in child_form()}
    response = social_worker_client.post(
        url("child-add", draft), {**blank, "first_name": "Jayden", "health": "Asthma"}, follow=True
    )
    child = draft.children.get()
    assert (child.first_name, child.health, child.date_of_birth) == ("Jayden", "Asthma", None)
    (message,) = success(response)
    assert message.startswith("Child saved. 14 answers still to complete: last name; date of birth")
    page = response.content.decode()
    assert "Still to complete: last name, date of birth" in page
    # The task list counts the child as started but not complete.
    detail = social_worker_client.get(url("detail", draft)).content.decode()
    assert "Still needed: Jayden: 14 answers" in detail
    # The child's page lists what is still to complete, linked to each answer.
    edit = social_worker_client.get(url("child-edit", draft, child_pk=child.pk)).content.decode()
    assert 'href="#id_date_of_birth_0">Date of birth</a>' in edit
    assert 'value="Asthma"' not in edit and "Asthma</textarea>" in edit


@pytest.mark.parametrize(
    ("wrong", "message", "field", "kept"),
    [
        (
            {"date_of_birth_2": str(timezone.localdate().year + 1)},
            "Date of birth must be in the past",
            "date_of_birth",
            None,
        ),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "2"},
            "Date of birth must be a real date",
            "date_of_birth",
            None,
        ),
        ({"postcode": "not a postcode"}, "Enter a real postcode", "postcode", ""),
        ({"health": TOO_LONG}, "Health must be 20,000 characters or fewer", "health", ""),
    ],
)
def test_a_wrong_answer_about_a_new_child_is_refused_and_the_child_is_added_with_the_others(
    social_worker_client, draft, wrong, message, field, kept
):
    response = social_worker_client.post(url("child-add", draft), child_form(**wrong))
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert "Jayden O&#x27;Brien has been added with your other answers." in page
    child = draft.children.get()
    assert getattr(child, field) == kept
    assert (child.last_name, child.risks) == ("O'Brien", CHILD["risks"])


def test_correcting_a_new_child_after_a_refusal_changes_that_child_not_a_second(
    social_worker_client, draft
):
    first = social_worker_client.post(url("child-add", draft), child_form(postcode="nope"))
    token = first.context["adding"]
    assert f'name="adding" value="{token}"' in first.content.decode()
    # The corrected form goes back with its token; so does a refresh of the first post.
    social_worker_client.post(url("child-add", draft), child_form(postcode="nope", adding=token))
    response = social_worker_client.post(
        url("child-add", draft), child_form(postcode="le16zg", adding=token)
    )
    assert response["Location"] == url("children", draft)
    child = draft.children.get()
    assert child.postcode == "LE1 6ZG"
    # A new Add page is a new child.
    fresh = social_worker_client.get(url("child-add", draft)).context["adding"]
    assert fresh != token
    social_worker_client.post(url("child-add", draft), child_form(first_name="Mia", adding=fresh))
    assert draft.children.count() == 2


def test_an_add_token_cannot_reach_another_referrals_child(social_worker_client, draft):
    first = social_worker_client.post(url("child-add", draft), child_form(postcode="nope"))
    token = first.context["adding"]
    other = drafting.referral_start(social_worker=social_worker_client.user)
    social_worker_client.post(url("child-add", other), child_form(first_name="Mia", adding=token))
    assert draft.children.get().first_name == "Jayden"
    assert other.children.get().first_name == "Mia"


def test_changing_a_child_keeps_the_valid_answers_and_refuses_the_wrong_ones(
    social_worker_client, draft
):
    social_worker_client.post(url("child-add", draft), child_form())
    child = draft.children.get()
    edit = url("child-edit", draft, child_pk=child.pk)
    response = social_worker_client.post(
        edit, child_form(first_name="", health="Asthma and eczema", postcode="nope")
    )
    page = response.content.decode()
    assert "Enter the child&#x27;s first name" in page and "Enter a real postcode" in page
    assert "Your other answers have been saved." in page
    child.refresh_from_db()
    assert child.first_name == "Jayden"  # kept: a child always has a first name
    assert child.postcode == "LE1 6ZG" and child.health == "Asthma and eczema"


def test_the_action_list_and_summary_cope_with_a_child_not_yet_complete(
    social_worker_client, draft
):
    drafting.child_save(referral=draft, values={"first_name": "Jayden"}, actor=draft.social_worker)
    assert draft.who == "J (age not given)"
    page = social_worker_client.get(url("submit", draft)).content.decode()
    assert "Jayden" in page and "Not given" in page


def test_the_service_refuses_a_child_without_a_first_name(draft):
    with pytest.raises(DomainError, match="first name"):
        drafting.child_save(referral=draft, values={"health": "Asthma"}, actor=draft.social_worker)
    assert not draft.children.exists()


# --- People around the child -----------------------------------------------------------


def test_a_person_with_only_a_name_is_saved_and_their_relationship_is_still_to_complete(
    social_worker_client, draft
):
    response = social_worker_client.post(
        url("person-add", draft), {"full_name": "Kerry O'Brien", "relationship": ""}, follow=True
    )
    person = draft.people.get()
    assert (person.full_name, person.relationship) == ("Kerry O'Brien", "")
    assert success(response) == [
        "Person saved. 1 answer still to complete: relationship to the child."
    ]
    assert "Still to complete: relationship to the child" in response.content.decode()


def test_a_person_without_a_name_is_not_saved_and_a_wrong_answer_is_refused(
    social_worker_client, draft
):
    nameless = social_worker_client.post(
        url("person-add", draft), {"full_name": "", "relationship": "Mum"}
    )
    assert "Nothing has been saved yet. A person is saved once you give their full name." in (
        nameless.content.decode()
    )
    assert not draft.people.exists()
    wrong = social_worker_client.post(
        url("person-add", draft),
        {"full_name": "Kerry O'Brien", "relationship": "M" * 101, "notes": "Sees him weekly"},
    )
    page = wrong.content.decode()
    assert "Relationship to the child must be 100 characters or fewer" in page
    assert "Kerry O&#x27;Brien has been added with your other answers." in page
    person = draft.people.get()
    assert (person.relationship, person.notes) == ("", "Sees him weekly")


# --- Desired outcomes and getting to know me ---------------------------------------------


def test_outcomes_keep_what_is_valid(social_worker_client, draft):
    social_worker_client.post(url("outcomes", draft), {"outcome_1": "Stays at school"})
    response = social_worker_client.post(
        url("outcomes", draft),
        {"outcome_1": "Stays at his school", "outcome_2": TOO_LONG, "outcome_3": "Sees Mum"},
    )
    page = response.content.decode()
    assert "Outcome 2 (optional) must be 20,000 characters or fewer" in page
    assert "Your other answers have been saved." in page
    assert [o.text for o in draft.outcomes.all()] == ["Stays at his school", "Sees Mum"]


def test_outcomes_may_be_left_blank_in_a_draft(social_worker_client, draft):
    response = social_worker_client.post(
        url("outcomes", draft), {"outcome_1": "", "outcome_2": ""}, follow=True
    )
    assert success(response) == ["Saved. 1 answer still to complete: at least one desired outcome."]


def test_the_profile_may_be_blank_in_a_draft_but_not_too_long(social_worker_client):
    referral = complete_draft(social_worker_client.user)
    response = social_worker_client.post(url("profile", referral), {"getting_to_know_me": TOO_LONG})
    page = response.content.decode()
    assert "Getting to know me must be 20,000 characters or fewer" in page
    assert "Your other answers have been saved." not in page  # there are no others
    referral.refresh_from_db()
    assert referral.getting_to_know_me == "I like football."
    response = social_worker_client.post(
        url("profile", referral), {"getting_to_know_me": ""}, follow=True
    )
    referral.refresh_from_db()
    assert referral.getting_to_know_me == ""
    assert success(response) == [
        "Saved. 1 answer still to complete: the getting to know me profile."
    ]


# --- Submitting: completeness is checked here ---------------------------------------------


def test_submit_is_refused_naming_each_missing_answer(social_worker_client, draft, placement_type):
    social_worker = social_worker_client.user
    drafting.child_save(
        referral=draft, values={"first_name": "Jayden", "health": "Asthma"}, actor=social_worker
    )
    drafting.referral_update_needs(
        referral=draft,
        values={"kind": "planned", "placement_type": placement_type},
        actor=social_worker,
    )
    with pytest.raises(DomainError) as refused:
        drafting.referral_submit(referral=draft, actor=social_worker)
    said = str(refused.value)
    assert "The child or children (Jayden: last name, date of birth" in said
    assert "What is needed (the date needed; the expected duration" in said
    assert "Getting to know me (the getting to know me profile)" in said
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT and draft.reference is None

    # The check answers page lists them with links; submitting from it is refused.
    page = social_worker_client.get(url("submit", draft)).content.decode()
    assert "Still to complete before you can submit" in page
    assert "Submit referral" not in page
    child = draft.children.get()
    assert f'href="{url("child-edit", draft, child_pk=child.pk)}#id_last_name"' in page
    assert f'href="{url("needs", draft)}#id_date_needed_0"' in page
    response = social_worker_client.post(url("submit", draft))
    page = response.content.decode()
    assert "There is a problem" in page and "The referral has not been submitted" in page
    assert f'<a href="{url("profile", draft)}#id_getting_to_know_me">' in page
    assert "<title>Error: " in page
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT


def test_the_task_list_links_to_what_is_still_needed(social_worker_client, draft):
    page = social_worker_client.get(url("detail", draft)).content.decode()
    assert "Your answers are saved as you go" in page
    assert "Check your answers so far and what is still needed" in page
    assert "Check and submit" not in page


# --- History: what changed, and nothing else -------------------------------------------------


def test_history_records_what_changed_and_no_blank_to_blank(
    social_worker_client, draft, placement_type
):
    blank = {name: "" for name in child_form()}
    social_worker_client.post(url("child-add", draft), {**blank, "first_name": "Jayden"})
    assert history(draft) == [("Jayden: First name", "", "Jayden")]
    blank_needs = {name: "" for name in needs_form(placement_type)}
    social_worker_client.post(
        url("needs", draft), {**blank_needs, "expected_duration": "Long term"}
    )
    assert ("expected duration", "", "Long term") in history(draft)
    assert len(history(draft)) == 2
    # Saving the same half-answered section again records nothing.
    social_worker_client.post(
        url("needs", draft), {**blank_needs, "expected_duration": "Long term"}
    )
    assert len(history(draft)) == 2


def test_a_returned_referral_saves_partly_and_its_chronology_says_what_changed(
    social_worker_client,
):
    social_worker = social_worker_client.user
    referral = drafting.referral_submit(referral=complete_draft(social_worker), actor=social_worker)
    with transaction.atomic():
        transition(referral=referral, to=Referral.Status.RETURNED, actor=social_worker, text="More")
    child = referral.children.get()
    social_worker_client.post(
        url("child-edit", referral, child_pk=child.pk),
        child_form(risks="", health="Asthma, uses an inhaler"),
    )
    changed = referral.chronology.last().text
    assert changed == "Changed: Jayden O'Brien: Health, Jayden O'Brien: Risks"
    with pytest.raises(DomainError, match="risks"):
        drafting.referral_submit(referral=referral, actor=social_worker)


# --- Who may see and change a draft ----------------------------------------------------------


def test_another_teams_social_worker_cannot_save_any_part_of_the_draft(
    client_for, other_team, make_user, placement_type
):
    owner = make_user(Role.SOCIAL_WORKER)
    referral = drafting.referral_start(social_worker=owner)
    child = drafting.child_save(referral=referral, values={"first_name": "Jayden"}, actor=owner)
    person = drafting.person_save(referral=referral, values={"full_name": "Kerry"}, actor=owner)
    outsider = client_for(Role.SOCIAL_WORKER, team=other_team)
    posts = [
        (url("child-add", referral), child_form(first_name="Intruder")),
        (url("child-edit", referral, child_pk=child.pk), {"first_name": "Changed"}),
        (url("person-add", referral), {"full_name": "Intruder"}),
        (url("person-edit", referral, person_pk=person.pk), {"full_name": "Changed"}),
        (url("needs", referral), {"expected_duration": "Forever"}),
        (url("outcomes", referral), {"outcome_1": "Changed"}),
        (url("profile", referral), {"getting_to_know_me": "Changed"}),
        (url("submit", referral), {}),
    ]
    for address, data in posts:
        assert outsider.get(address).status_code == 404, address
        assert outsider.post(address, data).status_code == 404, address
    assert [c.first_name for c in referral.children.all()] == ["Jayden"]
    assert [p.full_name for p in referral.people.all()] == ["Kerry"]
    referral.refresh_from_db()
    assert referral.expected_duration == "" and not referral.outcomes.exists()
    assert referral.getting_to_know_me == ""
    manager = client_for(Role.TEAM_MANAGER)
    assert manager.get(url("detail", referral)).status_code == 404
    assert manager.post(url("needs", referral), {"expected_duration": "x"}).status_code == 403


def test_the_draft_age_is_not_given_until_the_date_of_birth_is(draft):
    child = drafting.child_save(
        referral=draft, values={"first_name": "Mia"}, actor=draft.social_worker
    )
    assert child.age_text == "age not given" and child.age_words == "age not given"
    child = drafting.child_save(
        referral=draft,
        child=child,
        values={"date_of_birth": timezone.localdate() - dt.timedelta(days=400)},
        actor=draft.social_worker,
    )
    assert child.age_words == "13 months"
