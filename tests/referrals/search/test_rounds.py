"""Rounds sent at once, chased once, closed at the deadline, extended, revoked."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from placements.calendar import LONDON
from placements.links import token_hash
from placements.models import OutboxMessage
from placements.services import SENT_SENSITIVE_BODY, DomainError, outbox_deliver
from referrals.drafting import services as drafting
from referrals.models import ProviderLink, ProviderRequest, SearchRound
from referrals.search import answers, rounds, scan
from tests.journeys import CHILD, ensure_placement_types, searchable, sent_round
from tests.providers.factories import ProviderFactory
from tests.referrals.conftest import links_in_outbox

pytestmark = pytest.mark.django_db
Kind = SearchRound.Kind
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=LONDON)
CHASE = dt.datetime(2026, 11, 27, 17, tzinfo=LONDON)
DEADLINE = dt.datetime(2026, 11, 30, 17, tzinfo=LONDON)
PERSONAL = [
    CHILD["first_name"],
    CHILD["last_name"],
    CHILD["known_as"],
    "Kerry",
    "Mill Lane",
    "LE1 6ZG",
    "Barnley Academy",
    "2013",
]


def offer_values(**overrides):
    values = {
        "carer_reference": "Carer 17",
        "weekly_fee": 950,
        "education_weekly": 0,
        "therapy_weekly": 120,
        "wraparound_weekly": 0,
        "transport_weekly": 40,
        "one_off_costs": 0,
        "one_off_details": "",
        "available_from": dt.date(2026, 12, 7),
        "needs_met": "Experienced carers near his school.",
        "ofsted_urn": "SC123456",
    }
    values.update(overrides)
    return values


@pytest.fixture
def framework(ready, officer):
    with time_machine.travel(MONDAY, tick=False):
        return sent_round(ready, officer)


def test_sending_writes_one_request_link_and_email_per_provider(framework, framework_providers):
    requests = list(framework.requests.select_related("provider", "message"))
    assert sorted(r.provider.name for r in requests) == [p.name for p in framework_providers]
    for request in requests:
        assert request.message.to == request.provider.referral_emails
        assert request.message.key == f"provider_request:{request.pk}:sent"
        assert request.links.count() == 1
    assert framework.status == SearchRound.Status.OPEN
    assert framework.referral.chronology.filter(text__contains="sent to 4 providers").exists()


def test_provider_emails_carry_no_personal_data(framework):
    messages = OutboxMessage.objects.filter(key__startswith="provider_request:")
    assert messages.count() == 5  # the in-house round's and the framework round's
    for message in messages:
        for word in PERSONAL:
            assert word not in message.subject + message.body_text, word
        assert framework.referral.reference in message.body_text
        assert "aged 11 to 15" in message.body_text
        assert "17:00 on Monday 30 November 2026" in message.body_text


def test_only_the_tokens_hash_is_stored(framework):
    tokens = links_in_outbox("provider_request")
    stored = set(ProviderLink.objects.values_list("token_hash", flat=True))
    for token in tokens.values():
        assert token not in stored
        assert token_hash(token) in stored


def test_a_sensitive_email_body_is_blanked_once_sent(framework):

    message = framework.requests.first().message
    assert "/respond/" in message.body_text
    assert outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.sent_at and message.body_text == SENT_SENSITIVE_BODY


def test_a_round_cannot_be_sent_twice(framework, officer):
    with pytest.raises(DomainError, match="already been sent"):
        rounds.round_send(search_round=framework, actor=officer)
    assert framework.requests.count() == 4


def test_a_changed_referral_stops_the_send_until_the_pack_is_checked_again(
    ready, officer, social_worker
):
    sent_round(ready, officer, kind=Kind.IN_HOUSE)
    (draft,) = rounds.round_start(referral=ready, kind=Kind.FRAMEWORK, actor=officer)
    # Brokerage records a change the social worker asked for: the child's health.
    child = ready.children.get()
    type(child).objects.filter(pk=child.pk).update(health="Asthma and eczema")
    with pytest.raises(DomainError, match="changed since the pack was released"):
        rounds.round_send(search_round=draft, actor=officer)
    assert not draft.requests.exists()


# --- Chasers ------------------------------------------------------------------------------


def chasers():
    return OutboxMessage.objects.filter(key__startswith="provider_chaser:")


def test_the_chaser_goes_once_to_silent_providers_a_working_day_before(framework):
    first, second, *_ = framework.requests.order_by("pk")
    with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
        answers.no_option_give(
            provider_request=second, responder_name="Ann", reason="No carers free"
        )
    with time_machine.travel(CHASE - dt.timedelta(minutes=1), tick=False):
        assert scan.search_scan() == {"chased": 0, "closed": 0}
    with time_machine.travel(CHASE, tick=False):
        # Three silent in the framework round, and the in-house round's one provider.
        assert scan.search_scan() == {"chased": 4, "closed": 0}
        assert scan.search_scan() == {"chased": 0, "closed": 0}
    assert chasers().count() == 4
    assert not chasers().filter(to=second.provider.referral_emails).exists()
    # The chaser carries a fresh link that works, besides the first one.
    token = links_in_outbox("provider_chaser")[first.provider.referral_emails[0]]
    with time_machine.travel(CHASE, tick=False):
        assert answers.link_resolve(token).item == first
    assert first.links.count() == 2


def test_a_chased_round_is_not_read_again_by_later_scans(framework, django_assert_num_queries):
    with time_machine.travel(CHASE, tick=False):
        # Four in the framework round and the in-house round's one provider.
        assert scan.chasers_send() == 5
    framework.refresh_from_db()
    assert framework.chasers_sent_at == CHASE
    # The steady state every quarter of an hour: the settings and one look for due rounds.
    with django_assert_num_queries(2), time_machine.travel(CHASE + dt.timedelta(hours=1)):
        assert scan.chasers_send() == 0


def test_extending_after_the_chaser_chases_nobody_twice(framework, officer):
    with time_machine.travel(CHASE, tick=False):
        scan.chasers_send()
        rounds.round_extend(
            search_round=framework, day=dt.date(2026, 12, 4), reason="Asked", actor=officer
        )
    framework.refresh_from_db()
    assert framework.chasers_sent_at is None
    with time_machine.travel(dt.datetime(2026, 12, 3, 17, tzinfo=LONDON), tick=False):
        assert scan.chasers_send() == 0
    assert chasers().count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_chase_each_provider_once(social_worker, officer, in_house):

    ensure_placement_types()  # an earlier transactional test may have flushed them
    for n in range(30):
        ProviderFactory(name=f"Racing {n}")
    referral = searchable(social_worker, officer)
    with time_machine.travel(MONDAY, tick=False):
        framework = sent_round(referral, officer)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run_scan():
        try:
            barrier.wait()
            results.append(scan.chasers_send(now=CHASE))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Thirty on the framework and the in-house provider, each chased by one scan only.
    assert sum(results) == 31
    assert chasers().count() == 31
    assert framework.requests.filter(chased_at__isnull=True).count() == 0


# --- Closing and extending ------------------------------------------------------------------


def test_the_round_closes_at_its_deadline_and_the_officer_is_told_the_counts(framework, officer):
    first, second, third, _fourth = framework.requests.order_by("pk")
    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        answers.link_opened(
            answers.link_resolve(
                links_in_outbox("provider_request")[first.provider.referral_emails[0]]
            )
        )
        answers.offer_make(provider_request=first, responder_name="Ann", values=offer_values())
        answers.no_option_give(provider_request=second, responder_name="Bo", reason="Full")
        answers.link_opened(
            answers.link_resolve(
                links_in_outbox("provider_request")[third.provider.referral_emails[0]]
            )
        )
    with time_machine.travel(DEADLINE - dt.timedelta(seconds=1), tick=False):
        assert scan.rounds_close_due() == 0
    with time_machine.travel(DEADLINE, tick=False):
        assert scan.rounds_close_due() == 2  # the in-house round closes too
        assert scan.rounds_close_due() == 0
    framework.refresh_from_db()
    assert framework.status == SearchRound.Status.CLOSED
    assert framework.summary == {
        "sent": 4,
        "opened": 2,
        "offers": 1,
        "no_option": 1,
        "withdrawn": 0,
        "silent": 2,
    }
    told = OutboxMessage.objects.get(key__endswith=f":round-closed-{framework.pk}")
    assert told.to == [officer.email]
    assert "Offers: 1" in told.body_text and "No answer: 2" in told.body_text
    assert framework.referral.chronology.filter(
        text__contains="1 offer, 1 no option, 2 silent"
    ).exists()


def test_extending_moves_the_deadline_and_tells_every_provider(framework, officer):
    with time_machine.travel(MONDAY, tick=False):
        with pytest.raises(DomainError, match="working day"):
            rounds.round_extend(
                search_round=framework, day=dt.date(2026, 12, 5), reason="x", actor=officer
            )
        with pytest.raises(DomainError, match="after the current one"):
            rounds.round_extend(
                search_round=framework, day=dt.date(2026, 11, 27), reason="x", actor=officer
            )
        rounds.round_extend(
            search_round=framework,
            day=dt.date(2026, 12, 2),
            reason="Two providers asked for time",
            actor=officer,
        )
    framework.refresh_from_db()
    assert framework.deadline_at == dt.datetime(2026, 12, 2, 17, tzinfo=LONDON)
    assert framework.chase_at == dt.datetime(2026, 12, 1, 17, tzinfo=LONDON)
    told = OutboxMessage.objects.filter(key__startswith="provider_extended:")
    assert told.count() == 4
    assert all("17:00 on Wednesday 2 December 2026" in m.body_text for m in told)
    assert all("Two providers" not in m.body_text for m in told)


# --- Questions ----------------------------------------------------------------------------------


def test_a_question_is_answered_to_every_provider_in_the_round(framework, officer):
    first = framework.requests.order_by("pk").first()
    with time_machine.travel(MONDAY, tick=False):
        question = answers.question_ask(provider_request=first, question="Is a pet dog a problem?")
        assert OutboxMessage.objects.filter(key__startswith="provider_question:").get().to == [
            officer.email
        ]
        with pytest.raises(DomainError, match="names the child"):
            rounds.question_answer(question=question, answer="Jayden loves dogs", actor=officer)
        rounds.question_answer(question=question, answer="No: he loves dogs.", actor=officer)
    answered = OutboxMessage.objects.filter(key__startswith="provider_question_answered:")
    assert answered.count() == 4
    question.refresh_from_db()
    assert question.answer == "No: he loves dogs." and question.answered_by == officer


# --- The referral ends ------------------------------------------------------------------------


def test_withdrawing_revokes_every_link_and_tells_providers_without_the_reason(
    framework, social_worker
):
    token = next(iter(links_in_outbox("provider_request").values()))
    with time_machine.travel(MONDAY, tick=False):
        drafting.referral_withdraw(
            referral=framework.referral,
            reason="Jayden is going home to Kerry",
            actor=social_worker,
        )
        assert answers.link_resolve(token).state == "revoked"
    assert ProviderRequest.objects.filter(revoked_at__isnull=True).count() == 0
    told = OutboxMessage.objects.filter(key__startswith="provider_withdrawn:")
    assert told.count() == 5  # the in-house round's provider too
    for message in told:
        assert "Jayden" not in message.body_text and "Kerry" not in message.body_text
        assert "/respond/" not in message.body_text
    framework.refresh_from_db()
    assert framework.status == SearchRound.Status.CLOSED
