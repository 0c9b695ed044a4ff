import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.drafting.completeness import referral_missing_sections
from referrals.models import ChronologyEntry, PlacementType, Referral
from referrals.workflow import ALLOWED, transition
from tests.journeys import (
    CHILD,
    child_form,
    complete_draft,
    needs,
    needs_form,
    submitted,
)

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


# --- Services ---------------------------------------------------------------------


def test_start_needs_a_team(make_user):
    with pytest.raises(DomainError, match="in a team"):
        drafting.referral_start(social_worker=make_user(Role.SOCIAL_WORKER, team=None))


def test_a_new_draft_has_no_reference_and_a_chronology_entry(social_worker):
    referral = drafting.referral_start(social_worker=social_worker)
    assert referral.status == Status.DRAFT and referral.reference is None
    assert referral.team == social_worker.team
    assert [e.text for e in referral.chronology.all()] == ["Draft referral started: a placement"]


@pytest.mark.parametrize(
    ("undo", "section"),
    [
        (lambda r, a: r.children.all().delete(), "The child or children"),
        (lambda r, a: r.people.all().delete(), "People around the child"),
        (
            lambda r, a: drafting.referral_update_needs(
                referral=r, values={"location_restrictions": ""}, actor=a
            ),
            "What is needed",
        ),
        (lambda r, a: r.outcomes.all().delete(), "Desired outcomes"),
        (
            lambda r, a: drafting.referral_update_profile(
                referral=r, getting_to_know_me="  ", actor=a
            ),
            "Getting to know me",
        ),
    ],
)
def test_submit_refused_until_every_section_is_complete(social_worker, undo, section):
    referral = complete_draft(social_worker)
    undo(referral, social_worker)
    with pytest.raises(DomainError, match=section):
        drafting.referral_submit(referral=referral, actor=social_worker)
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_education_or_therapy_needs_details(social_worker):
    referral = complete_draft(social_worker)
    referral = drafting.referral_update_needs(
        referral=referral, values={"therapy_needed": True}, actor=social_worker
    )
    assert referral_missing_sections(referral) == ["What is needed"]


def test_sibling_group_must_say_whether_together(social_worker):
    referral = complete_draft(social_worker, children=2)
    referral = drafting.referral_update_needs(
        referral=referral, values={"siblings": ""}, actor=social_worker
    )
    assert referral_missing_sections(referral) == ["What is needed"]


def test_nobody_to_add_completes_the_people_section(social_worker):
    referral = complete_draft(social_worker)
    referral.people.all().delete()
    referral = drafting.people_confirm_none(referral=referral, actor=social_worker)
    assert referral_missing_sections(referral) == []


def test_outcomes_are_at_most_three_and_a_draft_may_have_none_yet(social_worker):
    referral = complete_draft(social_worker)
    with pytest.raises(DomainError):
        drafting.outcomes_set(referral=referral, texts=["a", "b", "c", "d"], actor=social_worker)
    drafting.outcomes_set(referral=referral, texts=["a", "b", "c"], actor=social_worker)
    assert [o.text for o in referral.outcomes.all()] == ["a", "b", "c"]
    drafting.outcomes_set(referral=referral, texts=[" ", ""], actor=social_worker)
    assert not referral.outcomes.exists()
    assert referral_missing_sections(referral) == ["Desired outcomes"]


def test_submit_gives_a_reference_records_it_and_emails_the_team_manager(
    social_worker, make_user, django_capture_on_commit_callbacks
):
    manager = make_user(Role.TEAM_MANAGER, email="tm@council.example")
    make_user(Role.TEAM_MANAGER, team=None, email="elsewhere@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        referral = submitted(social_worker)
    assert referral.status == Status.SUBMITTED
    assert referral.reference == f"PR{referral.created_at:%y}-{referral.pk:05d}"
    last = referral.chronology.last()
    assert (last.kind, last.from_status, last.to_status, last.actor) == (
        "transition",
        Status.DRAFT,
        Status.SUBMITTED,
        social_worker,
    )
    # The team's managers, and nobody outside the team.
    (sent,) = mail.outbox
    assert manager.email in sent.to and "elsewhere@council.example" not in sent.to
    assert referral.reference in mail.outbox[0].subject
    assert CHILD["last_name"] not in mail.outbox[0].body


def test_submitted_referral_cannot_be_edited(social_worker):
    referral = submitted(social_worker)
    with pytest.raises(DomainError, match="cannot be changed"):
        drafting.referral_update_profile(
            referral=referral, getting_to_know_me="x", actor=social_worker
        )
    with pytest.raises(DomainError):
        drafting.child_save(referral=referral, values=CHILD, actor=social_worker)


def test_edits_after_submission_are_in_the_chronology(social_worker):
    referral = submitted(social_worker)
    with transaction.atomic():
        transition(referral=referral, to=Status.RETURNED, actor=social_worker, text="Needs more")
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me="More.", actor=social_worker
    )
    assert referral.chronology.last().text == "Changed: Getting to know me"


@pytest.mark.parametrize("from_status", Status.values)
@pytest.mark.parametrize("to_status", Status.values)
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    social_worker, from_status, to_status
):
    referral = drafting.referral_start(social_worker=social_worker)
    Referral.objects.filter(pk=referral.pk).update(status=from_status)  # the state under test
    allowed = to_status in ALLOWED[from_status]
    with transaction.atomic():
        if allowed:
            moved = transition(referral=referral, to=to_status, actor=social_worker)
            assert moved.status == to_status
        else:
            with pytest.raises(DomainError):
                transition(referral=referral, to=to_status, actor=social_worker)
    referral.refresh_from_db()
    assert referral.status == (to_status if allowed else from_status)


def test_withdraw_needs_a_reason_and_is_final(social_worker):
    referral = submitted(social_worker)
    with pytest.raises(DomainError, match="why"):
        drafting.referral_withdraw(referral=referral, reason=" ", actor=social_worker)
    referral = drafting.referral_withdraw(
        referral=referral, reason="Family placement found", actor=social_worker
    )
    assert referral.status == Status.WITHDRAWN and referral.closed_at
    assert referral.chronology.last().text == "Withdrawn: Family placement found"
    with pytest.raises(DomainError):
        drafting.referral_withdraw(referral=referral, reason="again", actor=social_worker)


@pytest.mark.postgres
def test_chronology_is_append_only_on_postgres(social_worker):
    referral = drafting.referral_start(social_worker=social_worker)
    entry = referral.chronology.get()
    for attempt in (
        lambda: ChronologyEntry.objects.filter(pk=entry.pk).update(text="rewritten"),
        lambda: ChronologyEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.text == "Draft referral started: a placement"
    assert connection.vendor == "postgresql"


# --- Pages ------------------------------------------------------------------------


def test_social_worker_starts_a_referral_from_the_list(social_worker_client):
    response = social_worker_client.post(reverse("referrals:start"), {"service": "placement"})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    page = social_worker_client.get(response["Location"]).content.decode()
    assert "You have completed 0 of 5 sections" in page


def test_a_new_child_without_a_first_name_is_not_saved(social_worker_client):
    referral = drafting.referral_start(social_worker=social_worker_client.user)
    url = reverse("referrals:child-add", kwargs={"pk": referral.pk})
    response = social_worker_client.post(url, child_form(first_name=""))
    page = response.content.decode()
    assert "Enter the child&#x27;s first name" in page and "govuk-error-summary" in page
    assert "Nothing has been saved yet. A child is saved once you give their first name." in page
    assert not referral.children.exists()


def test_child_form_accepts_none_and_tidies_the_postcode(social_worker_client):
    referral = drafting.referral_start(social_worker=social_worker_client.user)
    url = reverse("referrals:child-add", kwargs={"pk": referral.pk})
    social_worker_client.post(url, child_form(postcode="le16zg", behaviours="None"))
    child = referral.children.get()
    assert child.postcode == "LE1 6ZG" and child.behaviours == "None"


def test_needs_form_saves(social_worker_client):
    referral = drafting.referral_start(social_worker=social_worker_client.user)
    placement_type = needs()["placement_type"]
    url = reverse("referrals:needs", kwargs={"pk": referral.pk})
    response = social_worker_client.post(url, needs_form(placement_type, weekly_budget="4500.50"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.placement_type == placement_type
    assert str(referral.weekly_budget) == "4500.50"


def test_check_answers_then_submit(social_worker_client):
    referral = complete_draft(social_worker_client.user)
    url = reverse("referrals:submit", kwargs={"pk": referral.pk})
    page = social_worker_client.get(url).content.decode()
    assert "Check your answers before submitting" in page and "Jayden" in page
    response = social_worker_client.post(url)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    confirmation = reverse("referrals:submitted", kwargs={"pk": referral.pk})
    assert response["Location"] == confirmation  # refreshing cannot send it twice
    assert referral.reference.encode() in social_worker_client.get(confirmation).content
    # A second post (a refresh of the old form) is refused with a clear message.
    again = social_worker_client.post(url, follow=True)
    assert b"cannot be changed" in again.content


def test_withdraw_page(social_worker_client):
    referral = submitted(social_worker_client.user)
    url = reverse("referrals:withdraw", kwargs={"pk": referral.pk})
    response = social_worker_client.post(url, {"reason": ""})
    assert b"Enter why the referral is being withdrawn" in response.content
    social_worker_client.post(url, {"reason": "Returned home"})
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN


# --- Who sees what --------------------------------------------------------------------


EDIT_URLS = [
    "children",
    "child-add",
    "people",
    "person-add",
    "needs",
    "outcomes",
    "profile",
    "exclusions",
    "submit",
    "withdraw",
]


def test_another_teams_social_worker_cannot_see_or_change_it(client_for, other_team, make_user):
    owner = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(owner)
    outsider = client_for(Role.SOCIAL_WORKER, team=other_team)
    assert outsider.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).status_code == 404
    for name in EDIT_URLS:
        url = reverse(f"referrals:{name}", kwargs={"pk": referral.pk})
        assert outsider.get(url).status_code == 404, name
        posted = outsider.post(url, {"reason": "x", "getting_to_know_me": "hacked"})
        assert posted.status_code in (404, 405), name  # 405: a page that only shows
    referral.refresh_from_db()
    assert referral.getting_to_know_me == "I like football." and referral.status == Status.DRAFT
    assert referral not in outsider.get(reverse("referrals:list")).context["page"]


def test_same_team_social_worker_can_help_with_the_draft(client_for, make_user):
    referral = complete_draft(make_user(Role.SOCIAL_WORKER))
    colleague = client_for(Role.SOCIAL_WORKER)
    assert colleague.get(reverse("referrals:needs", kwargs={"pk": referral.pk})).status_code == 200


def test_team_manager_sees_submitted_but_not_drafts_and_cannot_edit(client_for, make_user):
    owner = make_user(Role.SOCIAL_WORKER)
    draft = complete_draft(owner)
    sent = submitted(owner)
    manager = client_for(Role.TEAM_MANAGER)
    assert manager.get(reverse("referrals:detail", kwargs={"pk": draft.pk})).status_code == 404
    assert manager.get(reverse("referrals:detail", kwargs={"pk": sent.pk})).status_code == 200
    assert manager.get(reverse("referrals:needs", kwargs={"pk": sent.pk})).status_code == 403


def test_brokerage_sees_open_referrals_but_never_drafts(client_for, make_user):
    owner = make_user(Role.SOCIAL_WORKER)
    draft, sent = complete_draft(owner), submitted(owner)
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    assert officer.get(reverse("referrals:detail", kwargs={"pk": sent.pk})).status_code == 200
    assert officer.get(reverse("referrals:detail", kwargs={"pk": draft.pk})).status_code == 404


def test_service_lead_sees_their_services_referrals_only(client_for, make_user, other_team):
    sent = submitted(make_user(Role.SOCIAL_WORKER))
    lead = client_for(Role.SERVICE_LEAD)
    assert lead.get(reverse("referrals:detail", kwargs={"pk": sent.pk})).status_code == 200
    elsewhere = client_for(Role.SERVICE_LEAD, team=other_team)
    assert elsewhere.get(reverse("referrals:detail", kwargs={"pk": sent.pk})).status_code == 404


def test_after_submission_edit_pages_say_why_not(social_worker_client):
    referral = submitted(social_worker_client.user)
    response = social_worker_client.get(
        reverse("referrals:needs", kwargs={"pk": referral.pk}), follow=True
    )
    assert b"cannot be changed" in response.content


def test_roles_without_referrals_get_403(client_for):
    assert client_for(Role.ADMINISTRATOR).get(reverse("referrals:list")).status_code == 403


def test_approvers_see_only_referrals_that_came_to_cost_approval(client_for, make_user):

    director = client_for(Role.DIRECTOR)
    referral = submitted(make_user(Role.SOCIAL_WORKER))
    assert director.get(reverse("referrals:list")).status_code == 200
    assert referral.reference not in director.get(reverse("referrals:list")).content.decode()
    detail = reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert director.get(detail).status_code == 404


def test_withdrawal_by_brokerage_tells_the_social_worker(
    make_user, django_capture_on_commit_callbacks
):
    social_worker = make_user(Role.SOCIAL_WORKER, email="sw@council.example")
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = submitted(social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        drafting.referral_withdraw(referral=referral, reason="Placed with family", actor=officer)
    assert [m.subject for m in mail.outbox if m.to == ["sw@council.example"]] == [
        f"Referral {referral.reference} has been withdrawn"
    ]


def test_withdrawal_by_the_social_worker_tells_the_assigned_officer(
    make_user, django_capture_on_commit_callbacks
):
    social_worker = make_user(Role.SOCIAL_WORKER, email="sw@council.example")
    officer = make_user(Role.BROKERAGE_OFFICER, team=None, email="officer@council.example")
    referral = submitted(social_worker)
    Referral.objects.filter(pk=referral.pk).update(assigned_officer=officer)
    with django_capture_on_commit_callbacks(execute=True):
        drafting.referral_withdraw(referral=referral, reason="Staying home", actor=social_worker)
    assert [m.to for m in mail.outbox] == [["officer@council.example"]]


def test_officer_withdraws_from_the_page(client_for, make_user):
    referral = submitted(make_user(Role.SOCIAL_WORKER))
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    detail = officer.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    assert b"Withdraw this referral" in detail.content
    officer.post(
        reverse("referrals:withdraw", kwargs={"pk": referral.pk}), {"reason": "Not needed"}
    )
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN


def test_administrator_manages_placement_types(administrator_client, social_worker_client):

    url = reverse("referrals:placement-types")
    response = administrator_client.post(url, {"name": ""})
    assert b"Enter the name of the placement type" in response.content
    administrator_client.post(url, {"name": "Staying close", "is_active": "on"})
    created = PlacementType.objects.get(name="Staying close")
    assert created.is_active and created.slug == "staying-close"
    response = administrator_client.post(url, {"name": "staying CLOSE", "is_active": "on"})
    assert b"There is already a placement type called staying CLOSE" in response.content
    edit = reverse("referrals:placement-type-edit", kwargs={"type_pk": created.pk})
    administrator_client.post(edit, {"name": "Staying close"})  # unticked: retired
    created.refresh_from_db()
    assert not created.is_active
    assert social_worker_client.post(url, {"name": "Sneaky", "is_active": "on"}).status_code == 403
    assert not PlacementType.objects.filter(name="Sneaky").exists()


def test_child_form_works_on_29_february(make_user):

    social_worker = make_user(Role.SOCIAL_WORKER)
    with time_machine.travel(dt.datetime(2028, 2, 29, 10, tzinfo=dt.UTC), tick=False):
        client = Client()
        client.force_login(social_worker)
        referral = drafting.referral_start(social_worker=social_worker)
        url = reverse("referrals:child-add", kwargs={"pk": referral.pk})
        response = client.post(url, child_form())
        assert response["Location"] == reverse("referrals:children", kwargs={"pk": referral.pk})
    assert referral.children.count() == 1


def test_renaming_a_child_reads_as_one_change_with_old_and_new(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(social_worker)
    child = referral.children.get()
    drafting.child_save(
        referral=referral, child=child, values={**CHILD, "first_name": "Jay"}, actor=social_worker
    )
    changes = FieldChange.objects.filter(object_id=referral.pk, field__contains="First name")
    latest = changes.order_by("-pk").first()
    assert (latest.field, latest.old_value, latest.new_value) == (
        "Jayden O'Brien: First name",
        "Jayden",
        "Jay",
    )
    assert not FieldChange.objects.filter(
        object_id=referral.pk, field__contains="School", old_value="Barnley Academy"
    ).exists()


def test_messages_naming_a_child_stay_out_of_cookies(social_worker_client):
    referral = complete_draft(social_worker_client.user)
    child = referral.children.get()
    response = social_worker_client.post(
        reverse("referrals:child-remove", kwargs={"pk": referral.pk, "child_pk": child.pk})
    )
    assert "messages" not in response.cookies
