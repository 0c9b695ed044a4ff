"""Siblings who cannot all be placed together: why, recorded by whoever finds it; who
stays with whom, said by their social worker and agreed by a team manager; the in-house
round then looks for a home for each group."""

import pytest
from django.urls import reverse

from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.inhouse import siblings
from referrals.models import ChronologyEntry, SiblingSplit
from referrals.selectors import referral_endorsers
from tests.journeys import complete_draft
from tests.placements.factories import TeamFactory
from tests.referrals.inhouse.builders import household, in_house_round_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER, full_name="Sam Social")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None)


@pytest.fixture
def three(social_worker, officer):
    """The in-house round of a referral for three siblings (to be placed together): two
    on the draft, a third as it is completed."""
    draft = complete_draft(social_worker, children=2)
    return in_house_round_for(social_worker, officer, draft=draft)


def test_siblings_apart_from_raising_to_agreement(client, make_user, social_worker, officer, three):
    referral = three.referral
    a, b, c = referral.children.all()
    url = reverse("referrals:siblings", args=[referral.pk])
    client.force_login(officer)
    assert "Nothing says the children cannot all be placed together" in (
        client.get(url).content.decode()
    )
    blank = client.post(url, {"action": "raise", "raise-reason": ""})
    assert blank.context["raise_form"].errors["reason"] == [
        "Say why the children cannot all be placed together"
    ]
    client.post(url, {"action": "raise", "raise-reason": "No home has room for three"})
    split = SiblingSplit.objects.get()
    assert (split.status, split.raised_by) == ("raised", officer)
    told = OutboxMessage.objects.get(key=f"siblings_plan_needed:{referral.pk}:split-{split.pk}")
    assert told.to == [social_worker.email]
    with pytest.raises(DomainError, match="already waiting"):
        siblings.split_raise(referral=referral, reason="Again", actor=officer)

    client.force_login(social_worker)
    plan = {"action": "plan", "plan-note": "The twins share a room"}
    # Everyone in one group is not apart.
    same = client.post(
        url, {**plan, f"plan-child_{a.pk}": 1, f"plan-child_{b.pk}": 1, f"plan-child_{c.pk}": 1}
    )
    assert "two groups at least" in same.content.decode()
    missing = client.post(url, {**plan, f"plan-child_{a.pk}": 1, f"plan-child_{b.pk}": 2})
    assert missing.context["plan_form"].errors[f"child_{c.pk}"] == [
        f"Choose {c.first_name} (child 3)'s group"
    ]
    client.post(
        url, {**plan, f"plan-child_{a.pk}": 2, f"plan-child_{b.pk}": 1, f"plan-child_{c.pk}": 1}
    )
    split.refresh_from_db()
    assert (split.status, split.groups) == ("proposed", [[b.pk, c.pk], [a.pk]])
    managers = referral_endorsers(referral).people
    proposed = OutboxMessage.objects.get(key__startswith=f"siblings_plan_proposed:{referral.pk}:")
    assert proposed.to == sorted(m.email for m in managers)

    # Another team's manager finds nothing; the team's own sends it back, then agrees.
    client.force_login(make_user(Role.TEAM_MANAGER, team=TeamFactory(name="Elsewhere")))
    assert client.get(url).status_code == 404
    manager = managers[0]
    client.force_login(manager)
    no_comment = client.post(url, {"action": "decide", "decide-decision": "return"})
    assert "Say what should change" in no_comment.content.decode()
    client.post(
        url,
        {"action": "decide", "decide-decision": "return", "decide-comment": "Ask the children"},
    )
    split.refresh_from_db()
    assert (split.status, split.manager_comment) == ("raised", "Ask the children")
    client.force_login(social_worker)
    client.post(
        url, {**plan, f"plan-child_{a.pk}": 1, f"plan-child_{b.pk}": 2, f"plan-child_{c.pk}": 2}
    )
    client.force_login(manager)
    client.post(url, {"action": "decide", "decide-decision": "agree"})
    split.refresh_from_db()
    assert (split.status, split.decided_by, split.groups) == (
        "agreed",
        manager,
        [[a.pk], [b.pk, c.pk]],
    )
    assert siblings.agreed_split(referral) == split
    page = client.get(url).content.decode()
    assert f"Group 1:</strong> {a.first_name} (child 1)</li>" in page
    assert ChronologyEntry.objects.filter(
        referral=referral, text="Who should stay with whom agreed"
    ).exists()
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "agreed, to be placed apart" in detail


def test_an_agreed_split_has_the_in_house_round_look_for_each_group(
    client_for, make_user, social_worker, officer, three
):
    referral = three.referral
    a, b, c = referral.children.all()
    duty = make_user(Role.FOSTERING_DUTY, team=None)
    household(duty, "FC-1", room=1)
    household(duty, "FC-2", room=2)
    client = client_for(Role.FOSTERING_DUTY)
    url = reverse("inhouse:round", args=[three.pk])
    [together] = client.get(url).context["groups"]
    assert [row["fit"].fits for row in together["rows"]] == [False, False]  # room for 3 needed

    split = siblings.split_raise(referral=referral, reason="No room for three", actor=duty)
    siblings.split_propose(
        split=split, groups=[[a.pk], [b.pk, c.pk]], note="Why", actor=social_worker
    )
    siblings.split_decide(
        split=split, agree=True, comment="", actor=referral_endorsers(referral).people[0]
    )
    first, second = client.get(url).context["groups"]
    assert [row["fit"].carer.reference for row in first["rows"] if row["fit"].fits] == [
        "FC-2",
        "FC-1",
    ]
    assert [row["fit"].carer.reference for row in second["rows"] if row["fit"].fits] == ["FC-2"]
    assert second["group"].children == [b, c]

    # They can be placed together after all: the agreed split stands no longer.
    siblings.split_together(referral=referral, reason="A home for three came up", actor=officer)
    assert siblings.agreed_split(referral) is None
    assert len(client.get(url).context["groups"]) == 1
    with pytest.raises(DomainError, match="Nothing says"):
        siblings.split_together(referral=referral, reason="Again", actor=officer)


def test_a_plan_puts_every_child_in_one_group(social_worker, officer, three):
    referral = three.referral
    a, b, c = (child.pk for child in referral.children.all())
    split = siblings.split_raise(referral=referral, reason="Apart", actor=officer)
    for groups, message in (
        ([[a, b], [b, c]], "one group only"),
        ([[a], [b]], "every child"),
        ([[a, b, c]], "two groups at least"),
        ([[a], [b, c, 99999]], "this referral's children"),
    ):
        with pytest.raises(DomainError, match=message):
            siblings.split_propose(split=split, groups=groups, note="Why", actor=social_worker)
    with pytest.raises(DomainError, match="Say why"):
        siblings.split_propose(split=split, groups=[[a], [b, c]], note=" ", actor=social_worker)
    with pytest.raises(DomainError, match="social worker"):
        siblings.split_propose(split=split, groups=[[a], [b, c]], note="Why", actor=officer)
    split.refresh_from_db()
    assert (split.status, split.groups) == ("raised", [])


def test_who_may_decide(make_user, social_worker, officer, three):
    referral = three.referral
    a, b, c = (child.pk for child in referral.children.all())
    split = siblings.split_raise(referral=referral, reason="Apart", actor=social_worker)
    with pytest.raises(DomainError, match="no plan waiting"):
        siblings.split_decide(
            split=split, agree=True, comment="", actor=referral_endorsers(referral).people[0]
        )
    siblings.split_propose(split=split, groups=[[a], [b, c]], note="Why", actor=social_worker)
    with pytest.raises(DomainError, match="with a team manager"):
        siblings.split_propose(split=split, groups=[[a, b], [c]], note="No", actor=social_worker)
    manager = referral_endorsers(referral).people[0]
    with pytest.raises(DomainError, match="changed since you read it"):
        siblings.split_decide(split=split, agree=True, comment="", actor=manager, seen="1")
    for someone in (
        officer,
        social_worker,
        make_user(Role.TEAM_MANAGER, team=TeamFactory(name="Other")),
    ):
        with pytest.raises(DomainError, match="team manager of the children's team"):
            siblings.split_decide(split=split, agree=True, comment="", actor=someone)
    # Nobody outside the search records that they cannot be together.
    with pytest.raises(DomainError, match="Only those looking"):
        siblings.split_together(
            referral=referral, reason="x", actor=make_user(Role.SENIOR_MANAGER, team=None)
        )


def test_one_child_has_no_siblings_to_place(client, social_worker, officer):
    one = in_house_round_for(social_worker, officer)
    with pytest.raises(DomainError, match="for one child"):
        siblings.split_raise(referral=one.referral, reason="Apart", actor=officer)
    client.force_login(officer)
    page = client.get(reverse("referrals:siblings", args=[one.referral.pk]))
    assert "This referral is for one child" in page.content.decode()
