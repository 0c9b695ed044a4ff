"""No identifier survives into what providers see."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referrals.anonymise import (
    Redactor,
    initials,
    name_identifiers,
    people_replacements,
    residual_flags,
    text_identifiers,
)


def redactor(
    child="Jayden Lee O'Brien",
    mum="Kerry O'Brien",
    address="12 Mill Lane, Barnley",
    school="Barnley Academy",
):
    return Redactor(
        name_identifiers(child, initials(child))
        + name_identifiers(mum, "Mum")
        + text_identifiers(address, "[address]")
        + text_identifiers(school, "[school]")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jayden likes football.", "JLO likes football."),
        ("JAYDEN and jayden and Jayden's bike", "JLO and JLO and JLO's bike"),
        ("Jayden\u2019s mum", "JLO's mum"),
        ("Kerry came late.", "Mum came late."),
        ("Mrs O'Brien and Mrs O\u2019Brien", "[family name] and [family name]"),
        ("He goes to Barnley Academy.", "He goes to [school]."),
        ("Lives at 12 Mill Lane, Barnley.", "Lives at [address]."),
        ("Post to LE1 6ZG or le16zg.", "Post to [postcode] or [postcode]."),
        ("Call 07700 900123 or +44 7700 900123.", "Call [phone] or [phone]."),
        ("Email kerry.obrien@example.co.uk", "Email [email]"),
        (
            "Born 4/3/2013, 04-03-13, 2013-03-04, 4th March 2013, Mar 4, 2013.",
            "Born [date], [date], [date], [date], [date].",
        ),
        ("NHS 943 476 5919 and 9434765919", "NHS [NHS number] and [NHS number]"),
        ("NI QQ 12 34 56 C", "NI [NI number]"),
        ("Lives at 4a Station Rd near the park.", "Lives at [address] near the park."),
    ],
)
def test_known_identifiers_and_patterns_are_replaced(text, expected):
    assert redactor().redact(text).text == expected


def test_words_inside_other_words_are_left_alone():
    result = Redactor(name_identifiers("Al Kerr", "Dad")).redact("Always Kerrang, Al's hat")
    assert result.text == "Always Kerrang, Dad's hat"


def test_residual_check_flags_names_and_places_left_in_mid_sentence():
    text = "He sees Tyler at Hartwell Park on Saturdays. Mum says it helps with ADHD."
    assert [f.word for f in residual_flags(text)] == ["Tyler", "Hartwell", "Park"]


def test_people_shown_as_relationship_words_numbered_when_repeated_or_initials():
    people = [("Amy Ray", "Sibling"), ("Ben Ray", "sibling"), ("Kerry Ray", "Mum")]
    assert people_replacements(people, style="relationship") == [
        ("Amy Ray", "Sibling 1"),
        ("Ben Ray", "Sibling 2"),
        ("Kerry Ray", "Mum"),
    ]
    assert people_replacements(people, style="initials") == [
        ("Amy Ray", "AR"),
        ("Ben Ray", "BR"),
        ("Kerry Ray", "KR"),
    ]


# --- Property: for generated people, addresses and texts, nothing identifying survives ---

SYLLABLES = ["ka", "ri", "jo", "dan", "mel", "ton", "bre", "lu", "van", "sha", "zo", "fen"]
name_part = st.builds(
    lambda parts, mark: (mark[0] + "".join(parts) + mark[1]).title().replace("'S", "'s"),
    st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3),
    st.sampled_from([("", ""), ("O'", ""), ("Mc", ""), ("", "-Smythe")]),
)
full_name = st.lists(name_part, min_size=2, max_size=3).map(" ".join)
relationship = st.sampled_from(["Mum", "Dad", "Nan", "Sibling", "Uncle", "Social worker"])
street = st.tuples(st.integers(1, 300), name_part, st.sampled_from(["Road", "Lane", "Close"]))
casing = st.sampled_from([str, str.upper, str.lower, str.title])
decorate = st.sampled_from(["{}", "{}'s", "{}\u2019s", "Mrs {}", "Dr. {}", "({})", "{}."])


@settings(max_examples=150, deadline=None)
@given(
    child=full_name,
    people=st.lists(st.tuples(full_name, relationship), min_size=1, max_size=3),
    road=street,
    data=st.data(),
)
def test_no_identifier_survives(child, people, road, data):
    address = f"{road[0]} {road[1]} {road[2]}, Upper {road[1]}ton"
    shown = people_replacements(people, style="relationship")
    identifiers = name_identifiers(child, initials(child)) + text_identifiers(address, "[address]")
    for (name, _), (_, replacement) in zip(people, shown, strict=True):
        identifiers += name_identifiers(name, replacement)
    # Mention every identifier in varied casing and decoration, among ordinary words.
    mentions = []
    for identifier in identifiers:
        form = data.draw(decorate).format(data.draw(casing)(identifier.text))
        mentions.append(f"We spoke about {form} today.")
    phone = f"07{data.draw(st.integers(100000000, 999999999))}"
    text = " ".join(mentions) + f" Ring {phone} or write to someone@example.org on 3/4/2019."
    result = Redactor(identifiers).redact(text)
    leaked = [
        i.text
        for i in identifiers
        if len(i.text) >= 3
        and re.search(rf"(?<![\w'\u2019]){re.escape(i.text)}(?!\w)", result.text, re.IGNORECASE)
    ]
    assert not leaked, (leaked, result.text)
    for secret in (phone, "someone@example.org", "3/4/2019"):
        assert secret not in result.text
