"""Matching carers who could offer a home, as the fostering service does it: the carers'
profile shared with the child's social worker, who says whether they are happy; the
social workers and IROs of children already with the carers asked; the matching form
completed, and signed off by a team manager of the referral's team once all agree."""

import pytest
from django.urls import reverse

from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.inhouse import matching, services
from referrals.models import CarerMatch, ChronologyEntry, MatchConsultation
from referrals.selectors import referral_endorsers
from tests.placements.factories import TeamFactory
from tests.referrals.inhouse.builders import carer_child, household, in_house_round_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(make_user):
    return make_user(Role.FOSTERING_DUTY, team=None, full_name="Fran Fostering")


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER, full_name="Sam Social")


@pytest.fixture
def in_house_round(make_user, social_worker):
    return in_house_round_for(social_worker, make_user(Role.BROKERAGE_OFFICER, team=None))


@pytest.fixture
def team_manager(in_house_round):
    return referral_endorsers(in_house_round.referral).people[0]


def offered(duty, search_round, carer, answer="yes"):
    enquiry = services.carer_ask(search_round=search_round, carer=carer, actor=duty)
    return services.carer_answer(enquiry=enquiry, answer=answer, note="", actor=duty)


def matching_url(match):
    referral = match.enquiry.search_round.referral
    return reverse("referrals:matching", args=[referral.pk, match.pk])


def test_a_match_through_every_step_in_the_browser_shape(
    client, duty, social_worker, team_manager, in_house_round
):
    carer = household(duty, "FC-10", at_once=3, room=1)
    carer_child(duty, carer, "JT")
    enquiry = offered(duty, in_house_round, carer)
    referral = in_house_round.referral

    client.force_login(duty)
    round_url = reverse("inhouse:round", args=[in_house_round.pk])
    started = client.post(round_url, {"action": "match", "enquiry": enquiry.pk})
    match = CarerMatch.objects.get()
    url = matching_url(match)
    assert started["Location"] == url
    # The child's social worker and IRO were asked, with nothing of the child matched.
    asked = {c.asked: c for c in match.consultations.all()}
    assert set(asked) == {"social_worker", "iro"}
    emails = OutboxMessage.objects.filter(key__startswith="match_consultation:")
    assert sorted(m.to[0] for m in emails) == [
        "iro.jt@elsewhere.example",
        "sw.jt@elsewhere.example",
    ]
    for email in emails:
        assert "FC-10" in email.subject and "JT" in email.body_text
        for child in referral.children.all():
            assert child.first_name not in email.body_text
        assert referral.reference not in email.body_text

    # The social worker does not read the carers' profile before it is shared.
    client.force_login(social_worker)
    before = client.get(url).content.decode()
    assert "Carers FC-10" not in before and "has not shared the carers' profile" in before
    refused = client.post(url, {"action": "view", "view-view": "happy"}, follow=True)
    assert "That cannot be done on this page now" in refused.content.decode()
    with pytest.raises(DomainError, match="has not been shared with you yet"):
        matching.social_worker_view(match=match, view="happy", note="", actor=social_worker)

    client.force_login(duty)
    client.post(url, {"action": "share"})
    match.refresh_from_db()
    assert match.profile_shared_at is not None
    shared = OutboxMessage.objects.get(key=f"carer_profile_shared:{referral.pk}:match-{match.pk}")
    assert shared.to == [social_worker.email] and url in shared.body_text

    client.force_login(social_worker)
    page = client.get(url).content.decode()
    assert "Carers FC-10" in page and "JT, aged 9" in page
    unhappy = client.post(url, {"action": "view", "view-view": "not_happy"})
    assert "Say why you are not happy with the match" in unhappy.content.decode()
    assert "Error: " in unhappy.content.decode().split("</title>")[0]
    client.post(url, {"action": "view", "view-view": "happy", "view-note": "Met them Tuesday"})
    match.refresh_from_db()
    assert (match.social_worker_view, match.social_worker_by) == ("happy", social_worker)

    client.force_login(duty)
    sw = asked["social_worker"]
    client.post(
        url,
        {
            "action": "consult",
            "consultation": sw.pk,
            f"consult-{sw.pk}-answer": "concerns",
            f"consult-{sw.pk}-note": "JT finds new arrivals hard",
        },
    )
    iro = asked["iro"]
    client.post(
        url,
        {"action": "consult", "consultation": iro.pk, f"consult-{iro.pk}-answer": "no_concerns"},
    )
    blank = client.post(url, {"action": "form", "form-needs": "", "form-skills": ""})
    assert blank.context["matching_form"].errors["needs"] == ["Describe the child's needs"]
    client.post(
        url,
        {
            "action": "form",
            "form-needs": "Stability; trauma-informed care",
            "form-skills": "PACE training; ten years fostering",
            "form-support": "",
        },
    )
    match.refresh_from_db()
    assert match.form_by == duty
    # Still waiting: JT's social worker has concerns.
    client.force_login(team_manager)
    waiting = client.get(url).context["waiting_for"]
    assert waiting == ["JT's social worker (Sol Worker JT) has concerns"]
    client.post(url, {"action": "sign-off"})
    match.refresh_from_db()
    assert match.signed_off_at is None
    assert not OutboxMessage.objects.filter(key__startswith="match_ready:").exists()

    # The concern is talked through: JT's social worker is content after all.
    client.force_login(duty)
    client.post(
        url,
        {
            "action": "consult",
            "consultation": sw.pk,
            f"consult-{sw.pk}-answer": "no_concerns",
            f"consult-{sw.pk}-note": "Content after a visit",
        },
    )
    ready = OutboxMessage.objects.get(
        key__startswith=f"match_ready:{referral.pk}:match-{match.pk}-"
    )
    assert ready.to == sorted(u.email for u in referral_endorsers(referral).people)
    assert team_manager.email in ready.to
    client.force_login(team_manager)
    client.post(url, {"action": "sign-off"})
    match.refresh_from_db()
    assert match.signed_off_by == team_manager
    assert OutboxMessage.objects.filter(key__startswith="match_signed_off:").get().to == sorted(
        {social_worker.email, duty.email}
    )
    notes = list(
        ChronologyEntry.objects.filter(
            referral=referral, text__startswith="Matching with carers FC-10"
        ).values_list("text", flat=True)
    )
    assert notes[0] == "Matching with carers FC-10: started; 2 social workers and IROs asked"
    assert notes[-1] == "Matching with carers FC-10: matching form signed off"
    with pytest.raises(DomainError, match="signed off"):
        matching.match_end(match=match, reason="Changed", actor=duty)
    # The referral's page links to it for those who see the referral.
    assert url in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()


def test_a_match_waits_for_every_step_and_only_its_people_take_them(
    make_user, duty, social_worker, team_manager, in_house_round
):
    carer = household(duty, "FC-20")
    enquiry = offered(duty, in_house_round, carer)
    match = matching.match_start(enquiry=enquiry, actor=duty)
    assert not match.consultations.exists()  # nobody else lives with them
    assert matching.match_waiting_for(match, []) == [
        "the carers' profile to be shared with the social worker",
        "the social worker to say whether they are happy with the match",
        "the matching form to be completed",
    ]
    with pytest.raises(DomainError, match="cannot be signed off yet"):
        matching.match_sign_off(match=match, actor=team_manager)
    with pytest.raises(DomainError, match="already started"):
        matching.match_start(enquiry=enquiry, actor=duty)
    with pytest.raises(DomainError, match="fostering service's duty worker"):
        matching.profile_share(match=match, actor=social_worker)
    matching.profile_share(match=match, actor=duty)
    other_team_worker = make_user(Role.SOCIAL_WORKER, team=TeamFactory(name="Elsewhere"))
    with pytest.raises(DomainError, match="child's social worker"):
        matching.social_worker_view(match=match, view="happy", note="", actor=other_team_worker)
    matching.social_worker_view(match=match, view="happy", note="", actor=social_worker)
    matching.match_form_save(match=match, needs="Needs", skills="Skills", support="", actor=duty)
    other_manager = make_user(Role.TEAM_MANAGER, team=TeamFactory(name="Other"))
    with pytest.raises(DomainError, match="team manager of the child's team"):
        matching.match_sign_off(match=match, actor=other_manager)
    with pytest.raises(DomainError, match="team manager of the child's team"):
        matching.match_sign_off(match=match, actor=duty)
    matching.match_sign_off(match=match, actor=team_manager)

    # Another carers' match for the same referral cannot be signed off as well.
    second = matching.match_start(
        enquiry=offered(duty, in_house_round, household(duty, "FC-21")), actor=duty
    )
    matching.profile_share(match=second, actor=duty)
    matching.social_worker_view(match=second, view="happy", note="", actor=social_worker)
    matching.match_form_save(match=second, needs="N", skills="S", support="", actor=duty)
    with pytest.raises(DomainError, match="already signed off"):
        matching.match_sign_off(match=second, actor=team_manager)
    with pytest.raises(DomainError, match="Say why"):
        matching.match_end(match=second, reason=" ", actor=team_manager)
    ended = matching.match_end(match=second, reason="One home is enough", actor=team_manager)
    assert ended.status_label == "Not going ahead"
    with pytest.raises(DomainError, match="not going ahead"):
        matching.match_form_save(match=second, needs="N", skills="S", support="", actor=duty)


def test_only_carers_who_offered_are_matched(duty, in_house_round):
    carer = household(duty, "FC-30")
    enquiry = services.carer_ask(search_round=in_house_round, carer=carer, actor=duty)
    with pytest.raises(DomainError, match="have not said they could offer a home"):
        matching.match_start(enquiry=enquiry, actor=duty)
    services.carer_answer(enquiry=enquiry, answer="no", note="Full", actor=duty)
    with pytest.raises(DomainError, match="have not said they could offer a home"):
        matching.match_start(enquiry=enquiry, actor=duty)
    assert not CarerMatch.objects.exists()


def test_an_emergency_home_is_matched_as_one(client, duty, in_house_round):
    carer = household(duty, "FC-72", kinds=("emergency",))
    match = matching.match_start(
        enquiry=offered(duty, in_house_round, carer, answer="emergency"), actor=duty
    )
    client.force_login(duty)
    page = client.get(matching_url(match)).content.decode()
    assert "An emergency home for up to 72 hours while a longer-term carer is found" in page


def test_who_may_see_a_match(client, make_user, duty, social_worker, in_house_round):
    """The duty worker, and those who see the referral; another team's people find
    nothing, an administrator is refused, and a match is not found through another
    referral."""
    match = matching.match_start(
        enquiry=offered(duty, in_house_round, household(duty, "FC-40")), actor=duty
    )
    url = matching_url(match)
    for user, status in (
        (duty, 200),
        (social_worker, 200),
        (make_user(Role.BROKERAGE_OFFICER, team=None), 200),
        (make_user(Role.SOCIAL_WORKER, team=TeamFactory(name="North")), 404),
        (make_user(Role.TEAM_MANAGER, team=TeamFactory(name="South")), 404),
        (make_user(Role.ADMINISTRATOR, team=None), 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    # Another referral's match through this referral: not found.
    other_round = in_house_round_for(
        make_user(Role.SOCIAL_WORKER), make_user(Role.BROKERAGE_OFFICER, team=None)
    )
    other = matching.match_start(
        enquiry=offered(duty, other_round, household(duty, "FC-41")), actor=duty
    )
    client.force_login(duty)
    wrong = reverse("referrals:matching", args=[in_house_round.referral.pk, other.pk])
    assert client.get(wrong).status_code == 404
    # Brokerage reads it but takes no step: posting shares nothing.
    client.force_login(make_user(Role.BROKERAGE_OFFICER, team=None))
    client.post(url, {"action": "share"})
    match.refresh_from_db()
    assert match.profile_shared_at is None


def test_a_consultation_answer_needs_the_concerns_said(duty, in_house_round):
    carer = household(duty, "FC-50", at_once=3)
    carer_child(duty, carer, "KL")
    match = matching.match_start(enquiry=offered(duty, in_house_round, carer), actor=duty)
    consultation = match.consultations.get(asked=MatchConsultation.Asked.IRO)
    with pytest.raises(DomainError, match="Say what their concerns are"):
        matching.consultation_answer(
            consultation=consultation, answer="concerns", note="", actor=duty
        )
    with pytest.raises(DomainError, match="Say whether they have concerns"):
        matching.consultation_answer(
            consultation=consultation, answer="waiting", note="", actor=duty
        )
    consultation.refresh_from_db()
    assert consultation.answer == MatchConsultation.Answer.WAITING


def ready(match, duty, social_worker):
    """Every step but the sign-off."""
    matching.profile_share(match=match, actor=duty)
    matching.social_worker_view(match=match, view="happy", note="", actor=social_worker)
    matching.match_form_save(match=match, needs="N", skills="S", support="", actor=duty)
    return match


def test_each_group_of_siblings_apart_and_an_emergency_home_are_signed_off_on_their_own(
    make_user, duty, social_worker
):
    from referrals.inhouse import siblings
    from tests.journeys import complete_draft

    in_house_round = in_house_round_for(
        social_worker,
        make_user(Role.BROKERAGE_OFFICER, team=None),
        draft=complete_draft(social_worker, children=1),
    )
    referral = in_house_round.referral
    manager = referral_endorsers(referral).people[0]
    first, second = (child.pk for child in referral.children.all())
    split = siblings.split_raise(referral=referral, reason="Apart", actor=duty)
    siblings.split_propose(split=split, groups=[[first], [second]], note="Why", actor=social_worker)
    siblings.split_decide(split=split, agree=True, comment="", actor=manager)
    homes = [
        matching.match_start(
            enquiry=offered(duty, in_house_round, household(duty, f"FC-6{n}")),
            actor=duty,
            children=[child],
        )
        for n, child in enumerate((first, second))
    ]
    emergency = matching.match_start(
        enquiry=offered(
            duty, in_house_round, household(duty, "FC-69", kinds=("emergency",)), "emergency"
        ),
        actor=duty,
    )
    for match in (*homes, emergency):
        matching.match_sign_off(match=ready(match, duty, social_worker), actor=manager)
    assert CarerMatch.objects.filter(signed_off_at__isnull=False).count() == 3
    # A second home for the first group is one too many.
    again = matching.match_start(
        enquiry=offered(duty, in_house_round, household(duty, "FC-70")),
        actor=duty,
        children=[first],
    )
    with pytest.raises(DomainError, match="a home for these children is already signed off"):
        matching.match_sign_off(match=ready(again, duty, social_worker), actor=manager)
    with pytest.raises(DomainError, match="this referral's children"):
        matching.match_start(
            enquiry=offered(duty, in_house_round, household(duty, "FC-71")),
            actor=duty,
            children=[999999],
        )


def test_a_child_who_came_after_matching_started_is_asked_about_before_sign_off(
    duty, social_worker, team_manager, in_house_round
):
    carer = household(duty, "FC-80", at_once=3)
    match = ready(
        matching.match_start(enquiry=offered(duty, in_house_round, carer), actor=duty),
        duty,
        social_worker,
    )
    carer_child(duty, carer, "NW")
    with pytest.raises(DomainError, match="NW came to live with the carers after matching"):
        matching.match_sign_off(match=match, actor=team_manager)
    assert matching.match_consult_new(match=match, actor=duty) == 2
    with pytest.raises(DomainError, match="NW's social worker"):
        matching.match_sign_off(match=match, actor=team_manager)
    for consultation in match.consultations.all():
        matching.consultation_answer(
            consultation=consultation, answer="no_concerns", note="", actor=duty
        )
    with pytest.raises(DomainError, match="changed since you read it"):
        matching.match_sign_off(match=match, actor=team_manager, seen="12345")
    consultations = list(match.consultations.select_related("child"))
    stamp = matching.match_stamp(match, consultations)
    assert matching.match_sign_off(match=match, actor=team_manager, seen=stamp).signed_off_at


def test_the_other_childrens_details_are_for_the_fostering_service_and_the_managers(
    client, make_user, duty, social_worker, team_manager, in_house_round
):
    carer = household(duty, "FC-90", at_once=3)
    carer_child(duty, carer, "QZ")
    match = matching.match_start(enquiry=offered(duty, in_house_round, carer), actor=duty)
    consultation = match.consultations.first()
    matching.consultation_answer(
        consultation=consultation, answer="concerns", note="QZ is unsettled", actor=duty
    )
    matching.profile_share(match=match, actor=duty)
    url = matching_url(match)
    for user in (social_worker, make_user(Role.BROKERAGE_OFFICER, team=None)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "sw.qz@elsewhere.example" not in page and "QZ is unsettled" not in page
        assert "1 of 2 social workers and IROs asked have answered; 1 with concerns" in page
    for user in (duty, team_manager):
        client.force_login(user)
        assert "QZ is unsettled" in client.get(url).content.decode()
    chronology = " ".join(
        ChronologyEntry.objects.filter(referral=in_house_round.referral).values_list(
            "text", flat=True
        )
    )
    assert "QZ" not in chronology
    assert "of a child living with the carers: has concerns" in chronology


def test_matching_stops_with_the_search(duty, social_worker, in_house_round):
    from referrals.drafting import services as drafting

    enquiry = offered(duty, in_house_round, household(duty, "FC-95"))
    match = matching.match_start(enquiry=enquiry, actor=duty)
    drafting.referral_withdraw(
        referral=in_house_round.referral, reason="Family found", actor=social_worker
    )
    with pytest.raises(DomainError, match="while the search is open"):
        matching.profile_share(match=match, actor=duty)
    matching_ended = CarerMatch.objects.get(pk=match.pk)
    assert matching_ended.profile_shared_at is None


def test_an_id_that_is_not_plain_digits_is_not_found(client, duty, in_house_round):
    client.force_login(duty)
    url = reverse("inhouse:round", args=[in_house_round.pk])
    for odd in ("\u00b2", "9" * 5000):
        assert client.post(url, {"action": "match", "enquiry": odd}).status_code == 404
