"""End to end: a referral with hard names (accents, curly apostrophes, hyphens, a
two-part given name, sound-alikes and diminutives in the free text) goes through
everything a provider reads: the pack and its PDF, the round's emails, the provider's
page, the answer to a provider's question, the offer's outcome and the feedback.
Nothing that identifies the child or the family reaches the provider."""

import datetime as dt
import html
import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from approvals.placement.services import feedback as placement
from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from providers.models import Provider
from referrals.anonymise.text import fold
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, ResourceRequest, SearchRound
from referrals.pack.content import refuse_identifiers
from referrals.permission import services as permission
from referrals.search import rounds
from tests import journeys
from tests.journeys import chosen, in_house_provider, offers_in, placed
from tests.providers.factories import ProviderFactory
from tests.referrals.conftest import LINK
from tests.referrals.search.test_privacy_property import provider_texts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CHILD = {
    **journeys.CHILD,
    "first_name": "Tsz Ching",
    "last_name": "Wiśniewski-O\u2019Sullivan",
    "known_as": "Tszy",
    "gender": "Female",
    "date_of_birth": dt.date(2013, 5, 13),
    "address": "Flat 3, Orchard House, 7 Bell Street\nAshcombe Vale",
    "postcode": "AB1 2CD",
    "school": "St Aldric's Primary School",
}
PEOPLE = [
    ("Kerry Wiśniewski", "Mum"),
    ("Jayden Mackenzie", "Tyler and Kayden's dad"),
    ("Elizabeth Rose Smith", "maternal grandmother"),
]
PROFILE = (
    "Tsz-ching loves drawing. When she is cross she writes \u2018TSZ CHING\u2019 on her "
    "books. She misses the Wisniewskis' old flat and the bus into Ashcombe Vale.\n"
    "Her mum is Kerry\nWiśniewski. Mum Kerry rings most evenings on 07700 900123 and "
    "emails school from kerry.w@example.org.\n"
    "Jaden used to collect her on Fridays, and Lizzie bakes with her at weekends. "
    "She was born on 13th May and wants a party on the thirteenth of May.\n"
    "Her dad (Jayden) signs his letters Jayden-Mackenzie. She posts her drawings as "
    "@tszching_x. The care proceedings are case AB24C00456."
)
# Compared folded (lower case, no accents, straight apostrophes) and word-bounded.
SECRETS = [
    "Tsz",
    "Ching",
    "Wisniewski",
    "O\u2019Sullivan",
    "Tszy",
    "Kerry",
    "Jayden",
    "Jaden",
    "Mackenzie",
    "Elizabeth",
    "Lizzie",
    "Smith",
    "Tyler",
    "Kayden",
    "Orchard House",
    "Bell Street",
    "Ashcombe",
    "Aldric",
    "AB1 2CD",
    "07700 900123",
    "kerry.w@example.org",
    "tszching_x",
    "AB24C00456",
    "13th May",
    "thirteenth of May",
    "13 May 2013",
]


def leaks(text: str) -> list[str]:
    """Each secret found in `text`, with the words around it."""
    folded = fold(text)
    found = []
    for secret in SECRETS:
        pattern = rf"(?<!\w){re.escape(fold(secret))}(?!\w)"
        for match in re.finditer(pattern, folded):
            around = text[max(0, match.start() - 60) : match.end() + 60]
            found.append(f"{secret!r} in …{' '.join(around.split())}…")
    return found


def page_text(content: bytes) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", content.decode()))


def hard_referral(social_worker, officer, team_manager, service_lead):
    """Drafted, submitted, endorsed, approved and accepted, all through the services."""
    referral = drafting.referral_start(social_worker=social_worker)
    drafting.child_save(referral=referral, values=CHILD, actor=social_worker)
    for name, relationship in PEOPLE:
        drafting.person_save(
            referral=referral,
            values={"full_name": name, "relationship": relationship, "notes": ""},
            actor=social_worker,
        )
    drafting.referral_update_needs(referral=referral, values=journeys.needs(), actor=social_worker)
    drafting.outcomes_set(referral=referral, texts=["Stays at her school"], actor=social_worker)
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    referral = drafting.referral_submit(referral=referral, actor=social_worker)
    referral = permission.search_endorse(referral=referral, actor=team_manager, comments="Endorsed")
    referral = permission.search_approve(referral=referral, actor=service_lead, comments="Approved")
    return brokerage.referral_qa_accept(referral=referral, actor=officer)


def emails_to(provider: Provider) -> list[OutboxMessage]:
    addresses = set(provider.referral_emails)
    return [m for m in OutboxMessage.objects.order_by("pk") if addresses & set(m.to)]


def test_nothing_identifying_reaches_the_provider_from_pack_to_feedback(make_user, team):
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    social_worker = make_user(Role.SOCIAL_WORKER)
    head_of_service = make_user(Role.HEAD_OF_SERVICE, team=None)
    in_house = in_house_provider()
    ProviderFactory(name="Framework 1")
    referral = hard_referral(
        social_worker,
        officer,
        make_user(Role.TEAM_MANAGER),
        make_user(Role.SERVICE_LEAD),
    )

    # The pack, its PDF, the in-house round's email and the provider's page.
    read = provider_texts(referral, officer)
    pack = referral.resource_requests.get(status=ResourceRequest.Status.RELEASED)
    assert pack.content["people"] == ["Mum", "Dad", "Maternal grandmother"]
    assert json.loads(read["pack"])["people"] == ["Mum", "Dad", "Maternal grandmother"]
    email = OutboxMessage.objects.get(key__startswith="provider_request:")
    assert email.to == sorted(in_house.referral_emails)
    token = LINK.search(email.body_text).group(1)
    provider = Client()

    # The provider asks a question through their page.
    asked = provider.post(
        f"/respond/{token}/question/", {"question": "Who visits her, and how often?"}
    )
    assert asked.status_code == 302
    in_house_round = ProviderRequest.objects.get(provider=in_house).round
    assert in_house_round.kind == SearchRound.Kind.IN_HOUSE
    assert in_house_round.resource_request_id == pack.pk
    (question,) = in_house_round.questions.all()

    # An answer naming the child is refused, and so is one with a name and a place the
    # pack would flag; a plain answer goes to every provider in the round.
    with pytest.raises(DomainError, match="names the child"):
        rounds.question_answer(question=question, answer="Tsz Ching's nan visits", actor=officer)
    with pytest.raises(DomainError, match="may identify someone") as flagged:
        rounds.question_answer(
            question=question,
            answer="Maddox, her brother, visits on Sundays at Braunstone.",
            actor=officer,
        )
    assert "Maddox" in str(flagged.value) and "Braunstone" in str(flagged.value)
    question.refresh_from_db()
    assert not question.answered_at
    rounds.question_answer(
        question=question, answer="Her brother visits on Sundays.", actor=officer
    )
    answered = OutboxMessage.objects.filter(key__startswith="provider_question_answered:")
    assert [m.to for m in answered] == [sorted(in_house.referral_emails)]
    page = provider.get(f"/respond/{token}/")
    assert page.status_code == 200
    read["page after the answer"] = page_text(page.content)
    assert "Her brother visits on Sundays." in read["page after the answer"]

    # Offers come in; another provider's is chosen and the placement made; the
    # in-house service is told its offer was not put forward, then that the search
    # is over, then why it was not chosen.
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Senior",
        weekly_amount=Decimal("6000"),
        approved_on=dt.date.today(),
        actor=officer,
    )
    referral.refresh_from_db()
    made = offers_in(referral, officer, {"Framework 1": Decimal("5500")}, in_house=Decimal("900"))
    read["page after the offer"] = page_text(provider.get(f"/respond/{token}/").content)
    approval = chosen(referral, officer, social_worker, made["Framework 1"])
    placed(approval, officer, head_of_service)
    (waiting,) = [
        r for r in placement.unsuccessful_requests(referral) if r.provider_id == in_house.pk
    ]
    for note, refused in [
        ("Tsz Ching needed to stay near Ashcombe Vale.", "names the child"),
        ("Lizzie wanted her closer to home.", "names the child"),
        ("Maddox, her brother, lives near Braunstone.", "may identify someone"),
    ]:
        with pytest.raises(DomainError, match=refused):
            placement.feedback_send(
                referral=referral, entries=[(waiting, ["location"], note)], actor=officer
            )
    council = CouncilSettings.load()
    with pytest.raises(DomainError, match="names the child"):
        refuse_identifiers(referral, "Mum Kerry asked for this.", what="Feedback", council=council)
    with pytest.raises(DomainError, match="may identify someone"):
        refuse_identifiers(
            referral, "Maddox lives in Braunstone.", what="Feedback", council=council
        )
    refuse_identifiers(
        referral, "Another offer was nearer her school.", what="Feedback", council=council
    )
    placement.feedback_send(
        referral=referral,
        entries=[(waiting, ["location"], "Another offer was nearer her school.")],
        actor=officer,
    )

    # Everything the in-house service was sent, from the first request to the feedback.
    sent = emails_to(in_house)
    kinds = {m.key.split(":")[0] for m in sent}
    assert {
        "provider_request",
        "provider_question_answered",
        "provider_not_shortlisted",
        "provider_withdrawn",
        "provider_feedback",
    } <= kinds
    for message in sent:
        read[f"email {message.key}"] = message.subject + "\n" + message.body_text
    assert "Another offer was nearer her school." in read[f"email provider_feedback:{waiting.pk}"]
    # Once placed elsewhere, the link shows nothing at all.
    gone = provider.get(f"/respond/{token}/")
    assert gone.status_code == 404
    read["page once placed"] = page_text(gone.content)

    leaked = {where: found for where, text in read.items() if (found := leaks(text))}
    assert not leaked, json.dumps(leaked, indent=2, ensure_ascii=False)
