import datetime as dt

import pytest

from placements.models import PeopleInPack
from placements.roles import Role
from referrals.drafting import services as drafting
from referrals.pack.content import build_pack, postcode_district
from tests.journeys import CHILD, complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(social_worker)
    drafting.referral_update_profile(
        referral=referral,
        getting_to_know_me=(
            "I'm Jayden but everyone calls me Jay. Kerry O'Brien (Mum) phones me on "
            "07700 900123. I was born on 4 March 2013 and go to Barnley Academy. "
            "We live at 12 Mill Lane, Barnley, LE1 6ZG. Mrs O'Brien says Jayden's "
            "favourite thing is football with Tyler."
        ),
        actor=social_worker,
    )
    return drafting.referral_submit(referral=referral, actor=social_worker)


def test_the_pack_has_no_identifier_of_the_child_or_the_people(referral):
    pack = build_pack(referral)
    everything = pack.plain_text()
    for secret in (
        "Jayden",
        "Jay ",
        "O'Brien",
        "Kerry",
        "2013",
        "Mill Lane",
        "Barnley Academy",
        "LE1 6ZG",
        "07700 900123",
    ):
        assert secret.casefold() not in everything.casefold(), secret
    child = pack.children[0]
    assert (child.initials, child.area) == ("JO", "LE1")
    assert child.age.endswith("years")
    assert pack.people == ["Mum"]
    profile = next(t for t in pack.texts if t.label == "Getting to know me")
    assert "Mum" in profile.text and "[phone]" in profile.text
    assert [f.word for _label, f in pack.flags] == ["Tyler"]


def test_people_as_initials_when_the_council_says_so(referral):
    pack = build_pack(referral, people_style=PeopleInPack.INITIALS)
    assert pack.people == ["KO"]
    assert "KO" in next(t for t in pack.texts if t.label == "Getting to know me").text


def test_babies_ages_are_in_months(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = drafting.referral_start(social_worker=social_worker)
    born = dt.date.today() - dt.timedelta(days=200)
    drafting.child_save(
        referral=referral, values={**CHILD, "date_of_birth": born}, actor=social_worker
    )
    assert build_pack(referral).children[0].age.endswith("months")


@pytest.mark.parametrize(
    ("postcode", "district"), [("LE1 6ZG", "LE1"), ("sw1a1aa", "SW1A"), ("B11 1AA", "B11")]
)
def test_postcode_district(postcode, district):
    assert postcode_district(postcode) == district
