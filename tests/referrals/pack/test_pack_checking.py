"""Preparing, checking and releasing the anonymised pack."""

import pytest

from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import AllowedWord, PackFlag, ResourceRequest
from referrals.pack import services as pack_services
from tests.journeys import approved

pytestmark = pytest.mark.django_db
PROFILE = "Jayden plays football with Tyler at Hartwell Park. Kerry O'Brien takes him."


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None)


@pytest.fixture
def referral(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = approved(social_worker)
    brokerage.referral_qa_return(
        referral=referral,
        actor=make_user(Role.BROKERAGE_OFFICER),
        requests=["Add who he plays with"],
    )
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    return drafting.referral_submit(referral=referral, actor=social_worker, response="Added")


def _child_values(child):
    skip = {"id", "referral", "created_at"}
    return {
        f.name: getattr(child, f.name) for f in child._meta.concrete_fields if f.name not in skip
    }


def profile_of(request):
    return next(t["text"] for t in request.content["texts"] if t["key"] == "profile")


def test_prepare_stores_the_anonymised_pack_and_what_to_check(referral, officer):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    assert request.version == 1 and request.status == ResourceRequest.Status.CHECKING
    assert profile_of(request) == "JO plays football with Tyler at Hartwell Park. Mum takes him."
    # A place's name is one word to check, and each flag says why.
    assert sorted(request.flags.values_list("word", "looks_like")) == [
        ("Hartwell Park", "looks like a place"),
        ("Tyler", "looks like a name"),
    ]
    assert "Jayden" not in str(request.content) and "O'Brien" not in str(request.content)


def test_release_waits_for_every_flag(referral, officer):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    with pytest.raises(DomainError, match="2 words still to check"):
        pack_services.pack_release(resource_request=request, actor=officer)
    # Rewriting the passage resolves the words taken out; an officer cannot put a
    # known name back in, because the passage is redacted again.
    request = pack_services.pack_edit_text(
        resource_request=request,
        key="profile",
        text="Jayden plays football with a friend at a local park. Kerry takes him.",
        actor=officer,
    )
    assert profile_of(request) == "JO plays football with a friend at a local park. Mum takes him."
    flags = {f.word: f.resolution for f in request.flags.all()}
    assert flags == {w: PackFlag.Resolution.CHANGED for w in ("Hartwell Park", "Tyler")}
    released = pack_services.pack_release(resource_request=request, actor=officer)
    assert released.status == ResourceRequest.Status.RELEASED
    assert referral.chronology.last().text == "Anonymised pack version 1 checked and released"


def test_accepting_a_word_needs_a_reason(referral, officer):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    flag = request.flags.get(word="Tyler")
    with pytest.raises(DomainError, match="why"):
        pack_services.pack_flag_accept(flag=flag, reason=" ", actor=officer)
    pack_services.pack_flag_accept(flag=flag, reason="Tyler is his dog", actor=officer)
    flag.refresh_from_db()
    assert (flag.resolution, flag.reason, flag.resolved_by) == (
        PackFlag.Resolution.ACCEPTED,
        "Tyler is his dog",
        officer,
    )


def test_a_word_in_many_passages_is_one_flag_and_an_allowed_word_is_not_flagged_again(
    referral, officer
):
    brokerage.referral_qa_return(referral=referral, actor=officer, requests=["Health?"])
    child = referral.children.get()
    drafting.child_save(
        referral=referral,
        child=child,
        values={**_child_values(child), "health": "Sees the nurse at Hartwell Park clinic."},
        actor=referral.social_worker,
    )
    drafting.referral_submit(referral=referral, actor=referral.social_worker, response="Added")
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    park = request.flags.get(word="Hartwell Park")
    assert set(park.label.split("; ")) == {"Getting to know me", "JO: health"}
    pack_services.pack_flag_accept(
        flag=park, reason="A county park everyone knows", actor=officer, remember=True
    )
    assert AllowedWord.objects.get().word == "Hartwell Park"
    again = pack_services.pack_prepare(referral=referral, actor=officer)
    assert list(again.flags.values_list("word", flat=True)) == ["Tyler"]


def test_a_changed_referral_means_preparing_again(referral, officer, make_user):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in request.flags.all():
        pack_services.pack_flag_accept(flag=flag, reason="Checked", actor=officer)
    # Brokerage asks for more; the social worker changes the referral and sends it back.
    brokerage.referral_qa_return(referral=referral, actor=officer, requests=["Which school?"])
    drafting.referral_update_profile(
        referral=referral,
        getting_to_know_me=PROFILE + " I go to a big school.",
        actor=referral.social_worker,
    )
    drafting.referral_submit(referral=referral, actor=referral.social_worker, response="Done")
    with pytest.raises(DomainError, match="changed since this pack was prepared"):
        pack_services.pack_release(resource_request=request, actor=officer)
    again = pack_services.pack_prepare(referral=referral, actor=officer)
    request.refresh_from_db()
    assert again.version == 2 and request.status == ResourceRequest.Status.SUPERSEDED
    with pytest.raises(DomainError, match="no longer being checked"):
        pack_services.pack_release(resource_request=request, actor=officer)


def test_a_word_changed_away_and_typed_back_is_to_check_again(referral, officer):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    pack_services.pack_flag_accept(
        flag=request.flags.get(word="Hartwell Park"), reason="A county park", actor=officer
    )
    request = pack_services.pack_edit_text(
        resource_request=request,
        key="profile",
        text="JO plays football. Mum takes him.",
        actor=officer,
    )
    assert request.flags.get(word="Tyler").resolution == PackFlag.Resolution.CHANGED
    request = pack_services.pack_edit_text(
        resource_request=request,
        key="profile",
        text="JO plays football with Tyler at Hartwell Park. Mum takes him.",
        actor=officer,
    )
    # Tyler is back and must be checked again; the accepted park stays accepted.
    assert list(
        request.flags.filter(resolution=PackFlag.Resolution.OPEN).values_list("word", flat=True)
    ) == ["Tyler"]
    with pytest.raises(DomainError, match="1 word still to check"):
        pack_services.pack_release(resource_request=request, actor=officer)


def test_a_persons_name_cannot_be_allowed_in_every_pack_from_a_flag(referral, officer):
    request = pack_services.pack_prepare(referral=referral, actor=officer)
    tyler = request.flags.get(word="Tyler")
    with pytest.raises(DomainError, match="looks like a person's name"):
        pack_services.pack_flag_accept(flag=tyler, reason="His dog", actor=officer, remember=True)
    tyler.refresh_from_db()
    assert tyler.resolution == PackFlag.Resolution.OPEN and not AllowedWord.objects.exists()
