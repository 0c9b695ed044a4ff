"""Words the council allows in what providers read: added by officers, removed by the
duty lead or an administrator, never a way round a known name."""

import pytest

from placements.roles import Role
from placements.services import DomainError
from referrals.models import AllowedWord
from referrals.pack import services as pack_services
from referrals.pack.content import referral_redactor
from tests.journeys import approved

pytestmark = pytest.mark.django_db


def test_an_officer_allows_a_word_with_a_reason_and_the_check_stops_flagging_it(client, make_user):
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    client.force_login(officer)
    response = client.post("/referrals/allowed-words/", {"word": "Deliveroo", "reason": ""})
    assert response.status_code == 200
    assert "Say why this word is safe to send to providers" in response.content.decode()
    assert not AllowedWord.objects.exists()
    response = client.post(
        "/referrals/allowed-words/", {"word": " Deliveroo ", "reason": "A brand"}, follow=True
    )
    assert "is allowed in every pack" in response.content.decode()
    assert AllowedWord.objects.get().word == "Deliveroo"
    referral = approved(make_user(Role.SOCIAL_WORKER))
    redactor = referral_redactor(referral, people_style="relationship")
    assert redactor.redact("Tea from Deliveroo with Zeynep.").flags[0].word == "Zeynep"
    assert [f.word for f in redactor.redact("Tea from Deliveroo.").flags] == []


def test_an_allowed_word_never_lets_a_known_identifier_through(make_user):
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = approved(make_user(Role.SOCIAL_WORKER))
    child = referral.children.get()
    town = child.address.split("\n")[-1].split(",")[-1].strip()
    pack_services.allowed_word_add(word=town, reason="Mistake", actor=officer)
    redacted = referral_redactor(referral, people_style="relationship").redact(
        f"{child.first_name} lives in {town}."
    )
    assert child.first_name not in redacted.text and town not in redacted.text


@pytest.mark.parametrize("word", ["Jayden", "Mrs Pennington", "Kayla Brooks"])
def test_a_persons_name_is_never_allowed_in_every_pack(make_user, word):
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    with pytest.raises(DomainError, match="looks like a person's name"):
        pack_services.allowed_word_add(word=word, reason="A friend", actor=officer)
    pack_services.allowed_word_add(word="Hartwell Park", reason="A county park", actor=officer)
    with pytest.raises(DomainError, match="already allowed"):
        pack_services.allowed_word_add(word="hartwell  park", reason="Again", actor=officer)


def test_only_the_duty_lead_or_an_administrator_removes_a_word(client, make_user):
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    allowed = pack_services.allowed_word_add(word="Greggs", reason="A bakery", actor=officer)
    client.force_login(officer)
    assert client.post(f"/referrals/allowed-words/{allowed.pk}/remove/").status_code == 403
    assert AllowedWord.objects.filter(pk=allowed.pk).exists()
    client.force_login(make_user(Role.DUTY_LEAD, team=None))
    client.post(f"/referrals/allowed-words/{allowed.pk}/remove/")
    assert not AllowedWord.objects.exists()
    assert client.post("/referrals/allowed-words/999/remove/").status_code == 404
