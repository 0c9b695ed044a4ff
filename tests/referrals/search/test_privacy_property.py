"""Property: whatever the names, relationships and addresses, and however the free text
mentions them, none of it reaches a provider: not the pack, its PDF, the emails, nor
the provider's page."""

import io
import json
import re

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from placements.models import OutboxMessage
from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import PackFlag, SearchRound
from referrals.pack import services as pack_services
from referrals.pdf import pack_pdf
from referrals.search import rounds
from tests import journeys
from tests.journeys import approved, in_house_provider
from tests.placements.factories import UserFactory
from tests.referrals.anonymise.test_anonymise import (
    casing,
    decorate,
    full_name,
    relationship,
    street,
)
from tests.referrals.conftest import LINK

pytestmark = pytest.mark.django_db
POSTCODES = ["LE1 6ZG", "NN17 1AB", "B15 2TT", "M1 1AE"]


class Rollback(Exception):
    pass


def provider_texts(referral, officer) -> dict[str, str]:
    """Everything a provider could read about this referral, by where it appears."""
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution=PackFlag.Resolution.OPEN):
        pack_services.pack_flag_accept(flag=flag, reason="Checked", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    (in_house,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=officer
    )
    rounds.round_send(search_round=in_house, actor=officer)
    email = OutboxMessage.objects.get(key__startswith="provider_request:")
    token = LINK.search(email.body_text).group(1)
    page = Client().get(f"/respond/{token}/").content.decode()
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pack_pdf(resource_request=pack))).pages
    )
    return {
        "pack": json.dumps(pack.content, ensure_ascii=False),
        "pdf": pdf,
        "email": email.subject + "\n" + email.body_text,
        "page": re.sub(r"<[^>]+>", " ", page),
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    child=full_name,
    people=st.lists(st.tuples(full_name, relationship), min_size=1, max_size=3),
    road=street,
    postcode=st.sampled_from(POSTCODES),
    data=st.data(),
)
def test_no_identifier_reaches_a_provider(team, child, people, road, postcode, data):
    first, *_, last = child.split()
    address = f"{road[0]} {road[1]} {road[2]}"
    school = f"{road[1]} Academy"
    street_name = f"{road[1]} {road[2]}"
    secrets = [first, last, address, street_name, postcode, school, "4 March 2013"]
    secrets += [part for name, _ in people for part in name.split()]

    def mention(text: str) -> str:
        return data.draw(decorate).format(data.draw(casing)(text))

    profile = (
        " ".join(f"We talked about {mention(secret)} today." for secret in [child, *secrets[2:6]])
        + " "
        + " ".join(f"{mention(name)} visits on Sundays." for name, _ in people)
    )
    try:
        with transaction.atomic():
            in_house_provider()
            social_worker = UserFactory(roles=[Role.SOCIAL_WORKER], team=team)
            officer = UserFactory(roles=[Role.BROKERAGE_OFFICER])
            original = journeys.CHILD.copy()
            journeys.CHILD.update(
                first_name=first,
                last_name=last,
                known_as="",
                address=address,
                postcode=postcode,
                school=school,
                health=f"Registered with a GP near {mention(address)}.",
            )
            try:
                referral = approved(social_worker)
            finally:
                journeys.CHILD.clear()
                journeys.CHILD.update(original)
            referral = brokerage.referral_qa_return(
                referral=referral, actor=officer, requests=["Tell us who visits"]
            )
            for name, relation in people:
                drafting.person_save(
                    referral=referral,
                    values={"full_name": name, "relationship": relation, "notes": ""},
                    actor=social_worker,
                )
            drafting.referral_update_profile(
                referral=referral, getting_to_know_me=profile, actor=social_worker
            )
            referral = drafting.referral_submit(
                referral=referral, actor=social_worker, response="Added"
            )
            referral = brokerage.referral_qa_accept(referral=referral, actor=officer)
            texts = provider_texts(referral, officer)
            raise Rollback
    except Rollback:
        pass
    for where, text in texts.items():
        leaked = [
            secret
            for secret in secrets
            if len(secret) >= 3
            and re.search(rf"(?<![\w'\u2019]){re.escape(secret)}(?![\w])", text, re.IGNORECASE)
        ]
        assert not leaked, (where, leaked, profile)
