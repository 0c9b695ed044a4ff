"""No identifier survives into what providers see."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referrals.anonymise import (
    Redactor,
    initials,
    name_identifiers,
    people_replacements,
    relationship_identifiers,
    residual_flags,
    text_identifiers,
)
from referrals.anonymise.text import fold
from referrals.models import Child
from referrals.pack.content import redactor_for


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


def hard_redactor():
    """A family with hard names: accents, a double-barrelled surname, a given name of
    two words, a relationship that names a sibling, a birthday."""
    people = [
        ("Kerry Wiśniewski-O'Sullivan", "Mum"),
        ("Robert Lee", "Tyler and Tsz Ching's dad"),
        ("Elizabeth Rose Smith", "maternal grandmother"),
    ]
    identifiers = name_identifiers("Tsz Ching Wong", "TCW", "the child's name")
    for (name, relationship), (_, shown) in zip(
        people, people_replacements(people, style="relationship"), strict=True
    ):
        identifiers += name_identifiers(name, shown, f"{shown}'s name")
        identifiers += relationship_identifiers(relationship)
    identifiers += text_identifiers("7 Kettlewick Road\nAshcombe Vale", "[address]")
    identifiers += text_identifiers("St Aldric's Primary School", "[school]")
    return Redactor(
        identifiers,
        births=[(dt.date(2013, 5, 13), "[date of birth]")],
        protected=["Northshire County Council"],
        safe=["Northshire County Council", "Northshire"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Quotes and brackets, straight and curly.
        ("She wrote 'Tsz Ching' and \u2018Kerry\u2019.", "She wrote 'TCW' and \u2018Mum\u2019."),
        ("(Kerry) and [Robert]", "(Mum) and [Dad]"),
        # Hyphens, slashes and a name split by a line break.
        ("Tsz-ching and Tsz-Ching", "TCW and TCW"),
        ("Kerry/Robert", "Mum/Dad"),
        ("Kerry\nWiśniewski-O'Sullivan", "Mum"),
        ("the Wiśniewski side", "the Mum side"),
        # Plurals and possessives, any apostrophe; a plural surname is the family.
        ("the Smiths came", "the [family name] came"),
        ("the O\u2019Sullivans' car", "the [family name]'s car"),
        ("Robert\u2019s van", "Dad's van"),
        # Any case and accents either way.
        ("WISNIEWSKI and wisniewski and Wiśniewski", "Mum and Mum and Mum"),
        ("ROBERT and robert", "Dad and Dad"),
        # Diminutives and other spellings of a given name.
        (
            "Bobby, Rob and Liz and Lizzie",
            "Dad, Dad and Maternal grandmother and Maternal grandmother",
        ),
        # A name written into a relationship.
        ("Tyler is 9.", "[name] is 9."),
        # The birthday with or without its year, in figures or in words.
        ("born on 13th May", "born on [date of birth]"),
        ("the thirteenth of May two thousand and thirteen", "[date of birth]"),
        (
            "May 13 and 13/05 and 13.5.2013",
            "[date of birth] and [date of birth] and [date of birth]",
        ),
        ("13-May and May-13", "[date of birth] and [date of birth]"),
        # Other full dates, in figures or in words.
        ("seen on 2 June 2024 and the fourth of March 2019", "seen on [date] and [date]"),
        # Readable: the relationship word once, not "Mum Mum".
        ("Mum Kerry rang", "Mum rang"),
        ("his dad Robert and his nan, Elizabeth,", "his dad and his nan, Maternal grandmother,"),
        ("Robert (Tsz Ching's dad) came", "Dad came"),
        # The council's own name stays, though the address shares none of it.
        (
            "Northshire County Council and Northshire Family Court",
            "Northshire County Council and Northshire Family Court",
        ),
        # A school by its short name; a place within a bigger name goes whole.
        ("goes to St Aldric's", "goes to [school]"),
        ("plays for Ashcombe Vale Rovers", "plays for [place]"),
        ("lives off Kettlewick", "lives off [address]"),
    ],
)
def test_every_spelling_of_a_known_identifier_goes(text, expected):
    assert hard_redactor().redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Case no. LE24C00456 at court", "Case no. [case number] at court"),
        ("crime ref CR/0123456/24", "crime ref [reference]"),
        ("incident 1234 of 12/03/2024", "incident [reference] of [date]"),
        ("PNC 24/123456X", "PNC [reference]"),
        ("hospital number RX12345678, MRN 4567891", "hospital number [reference], MRN [reference]"),
        ("HO ref D4567890/2 and B1234567", "HO ref [reference] and [reference]"),
        (
            "a grey car, AB12 CDE, and ab12cde",
            "a grey car, [vehicle registration], and [vehicle registration]",
        ),
        ("her snap is @jayden_x.", "her snap is [handle]."),
        (
            "see https://example.com/a?b=1, www.gofundme.com/f/x and tiktok.com/@kay",
            "see [link], [link] and [link]",
        ),
        ("UPN A123456789012", "UPN [reference]"),
        ("Flat 3, Orchard House", "[address], Orchard House"),
        # Not identifiers: ranges, years, quantities, times, money, school years.
        *[
            (text, text)
            for text in [
                "In 2024/25, Year 6, KS2, PS5, COVID-19, 1000mg",
                "£2,710 a week at 5pm, ages 8-12, seen on 14/03",
            ]
        ],
    ],
)
def test_identifiers_by_their_shape(text, expected):
    assert Redactor([]).redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "flagged", "why"),
    [
        ("Jayden, her brother, visits on Sundays at Braunstone.", ["Jayden", "Braunstone"], None),
        ("jayden visits", ["jayden"], "looks like a name"),
        ("Émile and Şule met Đức.", ["Émile", "Şule", "Đức"], None),
        ("A boy called Will. Will has a car.", ["Will", "Will"], "looks like a name"),
        ("Mason and Hunter are his mates.", ["Mason", "Hunter"], "looks like a name"),
        ("She calls him 'Dom'.", ["Dom"], None),
        ("He was at the Cedars unit.", ["Cedars"], None),
        ("He shops at Tackle Den on Fridays.", ["Tackle Den"], None),
        ("Near Mill Lane and Hartwell Park.", ["Mill Lane", "Hartwell Park"], "looks like a place"),
        ("Dr Omer Kaya saw him.", ["Dr Omer Kaya"], None),
        ("Her code is Z9Q8W7X6.", ["Z9Q8W7X6"], "looks like a reference number"),
        ("They moved from Derby to Hull.", ["Derby", "Hull"], None),
        # Ordinary words, safe words and the council's vocabulary are not flagged.
        ("Reading is her thing. She loves art, Minecraft and Forest School.", [], None),
        (
            "He is Kurdish, from Iran, and speaks Sorani-Kurdish? No: Pashto-speaking.",
            ["Sorani-Kurdish"],
            None,
        ),
        ("The IRO, CAMHS and the Virtual School met in Year 8 about his EHCP and PEP.", [], None),
        ("She was anoying and recieved a warning.", [], None),
    ],
)
def test_the_residual_check_flags_what_may_identify_and_says_why(text, flagged, why):
    flags = residual_flags(text)
    assert [f.word for f in flags] == flagged
    if why:
        assert {f.reason for f in flags} == {why}


def test_a_word_the_council_allows_is_not_flagged_but_a_known_name_still_goes():
    redactor = Redactor(name_identifiers("Tyler Brook", "TB"), safe=["Tyler", "Braunstone"])
    result = redactor.redact("Tyler went to Braunstone with Kayla.")
    assert result.text == "TB went to Braunstone with Kayla."
    assert [f.word for f in result.flags] == ["Kayla"]


def test_a_known_name_that_is_a_common_word_is_flagged_in_lower_case_not_lost():
    redactor = Redactor(name_identifiers("Grace Hill", "GH", "the child's name"))
    result = redactor.redact("Grace said grace was kind; a two-week grace period.")
    assert result.text.startswith("GH said grace was kind")
    assert [(f.word, f.reason) for f in result.flags] == [
        ("grace", "may be the name in the child's name")
    ]


def test_each_replacement_says_which_field_it_came_from():
    result = hard_redactor().redact("Kerry rang about Tsz Ching on 13th May.")
    sources = {(r.original, r.replacement, r.source) for r in result.replacements if r.original}
    assert sources == {
        ("Kerry", "Mum", "Mum's name"),
        ("Tsz Ching", "TCW", "the child's name"),
        ("13th May", "[date of birth]", "a date of birth"),
    }


def test_a_relationship_that_names_someone_shows_only_relationship_words():
    people = [
        ("A B", "father of Poppy"),
        ("C D", "Tyler and Kayden's dad"),
        ("E F", "Maternal grandmother"),
        ("G H", "Jo"),
    ]
    assert [shown for _, shown in people_replacements(people, style="relationship")] == [
        "Father",
        "Dad",
        "Maternal grandmother",
        "Family member",
    ]


def test_words_inside_other_words_are_left_alone():
    result = Redactor(name_identifiers("Al Kerr", "Dad")).redact("Always Kerrang, Al's hat")
    assert result.text == "Always Kerrang, Dad's hat"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A known name after a particle and its apostrophe, any apostrophe, any case:
        # the particle goes with it.
        ("Jayden O'Jayden", "JLO JLO"),
        ("O'JAYDEN and D\u2019Kerry", "JLO and Mum"),
        # A place that grows over the next capitalised word stops at a known name, and
        # never at an apostrophe ("[place]'Brien" left the rest of the name).
        ("the Barnley O'Brien family", "the [place] [family name] family"),
        ("Barnley O\u2019Jayden", "[place] JLO"),
        ("Mill Lane O'Kerry", "[address] Mum"),
        # A name hyphenated to another, with an apostrophe in it, any dash.
        ("Jayden-O'Kerry", "JLO"),
        ("Kerry\u2013O\u2019Jayden", "Mum"),
    ],
)
def test_a_name_after_an_apostrophe_goes_whole(text, expected):
    assert redactor().redact(text).text == expected


def test_the_tail_of_a_contraction_is_no_name():
    result = Redactor(name_identifiers("Ve Re", "Dad")).redact("We're sure you've seen Re.")
    assert result.text == "We're sure you've seen Dad."


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # A particle written joined, spaced, hyphenated or with an apostrophe.
        ("Jo OKaka", "O'Kaka"),
        ("Jo OKaka", "O Kaka"),
        ("Jo O'Kaka", "O-Kaka"),
        ("Jo McKaka", "Mc Kaka"),
        ("Jo McKaka", "Mc-Kaka"),
        ("Jo Mc Kaka", "McKaka"),
        ("Jo MacKaka", "Mac Kaka"),
        # Each piece of a name with an apostrophe can appear alone, as each half of a
        # double-barrelled name can.
        ("Jo O'Kaka", "Kaka"),
        ("Jo D'Souza", "Souza"),
        ("Jo Dell'Acqua", "Acqua"),
        ("Jo O\u2019Sullivan", "Sullivan"),
    ],
)
def test_a_name_with_a_particle_goes_however_it_is_written(name, text):
    result = Redactor(name_identifiers(name, "JX")).redact(f"We saw {text} today.")
    assert result.text == "We saw JX today."


def test_each_piece_of_an_unusual_address_word_with_an_apostrophe_is_an_identifier():
    identifiers = text_identifiers("1 O'Kaka Road\n2 D'Souza Close", "[address]")
    result = Redactor(identifiers).redact("near O\u2019Kaka, and D'Souza, Souza")
    assert result.text == "near [address], and [address], [address]"


def test_the_referral_that_named_a_child_after_an_apostrophe_names_no_one():
    """The referral the provider's page gave away: "Kaka O" became a place and the
    "Kaka" after the apostrophe was left."""
    child = Child(
        first_name="Kaka",
        last_name="Kaka",
        address="1 Kaka Road",
        postcode="LE1 6ZG",
        school="Kaka Academy",
        date_of_birth=dt.date(2013, 3, 4),
    )
    redactor = redactor_for([child], [("Kaka Kaka", "Mum")], people_style="relationship")
    text = (
        "We talked about Kaka O'Kaka Kaka today. We talked about 1 Kaka Road today. "
        "We talked about Kaka Road today. We talked about LE1 6ZG today. "
        "We talked about Kaka Academy today. Kaka Kaka visits on Sundays."
    )
    result = redactor.redact(text)
    assert "kaka" not in result.text.casefold()
    assert result.text == (
        "We talked about [family name] [name] today. We talked about [address] today. "
        "We talked about [address] today. We talked about [postcode] today. "
        "We talked about [school] today. [name] visits on Sundays."
    )
    # With the middle name recorded, the whole of it is the child's.
    child.middle_names = "O\u2019Kaka"
    redactor = redactor_for([child], [("Kaka Kaka", "Mum")], people_style="relationship")
    assert redactor.redact(text).text.startswith("We talked about KK today.")


def test_residual_check_flags_names_and_places_left_in_mid_sentence():
    text = "He sees Tyler at Hartwell Park on Saturdays. Mum says it helps with ADHD."
    assert [(f.word, f.reason) for f in residual_flags(text)] == [
        ("Tyler", "looks like a name"),
        ("Hartwell Park", "looks like a place"),
    ]


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
ACCENTED = {"a": "á", "e": "é", "o": "ö", "s": "ş", "z": "ź", "n": "ñ", "l": "ł", "d": "đ"}
name_part = st.builds(
    lambda parts, mark: (mark[0] + "".join(parts) + mark[1]).title().replace("'S", "'s"),
    st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3),
    st.sampled_from([("", ""), ("O'", ""), ("Mc", ""), ("", "-Smythe")]),
)
full_name = st.lists(name_part, min_size=2, max_size=3).map(" ".join)
relationship = st.sampled_from(
    ["Mum", "Dad", "Nan", "Sibling", "Uncle", "Social worker", "father of Poppy", "Jo's mum"]
)
street = st.tuples(st.integers(1, 300), name_part, st.sampled_from(["Road", "Lane", "Close"]))


def accented(text: str) -> str:
    return "".join(ACCENTED.get(c, c) for c in text)


def strip_accents(text: str) -> str:
    return fold(text)


casing = st.sampled_from([str, str.upper, str.lower, str.title, accented, strip_accents])
decorate = st.sampled_from(
    [
        "{}",
        "{}'s",
        "{}\u2019s",
        "Mrs {}",
        "Dr. {}",
        "({})",
        "{}.",
        "'{}'",
        "\u2018{}\u2019",
        "\u201c{}\u201d",
        "{}-Smith",
        "the {}s",
        "the {}s'",
        "Mum {}",
        "{}/Mum",
        # After a particle and its apostrophe, alone or after the same word.
        "O\u2019{}",
        "{0} O'{0}",
    ]
)


def ordinal_suffix(day: int) -> str:
    return "th" if 10 <= day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def survives(secret: str, text: str) -> bool:
    """Whether `secret` is still in `text` as a word, in any case or accents, even after
    an apostrophe (the "Kaka" of "O'Kaka")."""
    return bool(
        re.search(rf"(?<![\w])({re.escape(fold(secret))})(?![\w])", fold(text), re.IGNORECASE)
    )


@settings(max_examples=150, deadline=None)
@given(
    child=full_name,
    people=st.lists(st.tuples(full_name, relationship), min_size=1, max_size=3),
    road=street,
    born=st.dates(dt.date(2008, 1, 1), dt.date(2025, 12, 31)),
    data=st.data(),
)
def test_no_identifier_survives(child, people, road, born, data):
    address = f"{road[0]} {road[1]} {road[2]}, Upper {road[1]}ton"
    shown = people_replacements(people, style="relationship")
    identifiers = name_identifiers(child, initials(child)) + text_identifiers(address, "[address]")
    for (name, _), (_, replacement) in zip(people, shown, strict=True):
        identifiers += name_identifiers(name, replacement)
    # Mention every identifier in varied casing and decoration, among ordinary words,
    # some split by a line break, and the date of birth without its year.
    mentions = []
    for identifier in identifiers:
        form = data.draw(decorate).format(data.draw(casing)(identifier.text))
        if data.draw(st.booleans()):
            form = form.replace(" ", "\n", 1)
        mentions.append(f"We spoke about {form} today.")
    birthday = data.draw(
        st.sampled_from(["{d} {B}", "the {o} of {B}", "{B} {d}", "{d}/{m:02d}", "{d}.{m}.{Y}"])
    ).format(
        d=born.day,
        m=born.month,
        Y=born.year,
        B=f"{born:%B}",
        o=f"{born.day}{ordinal_suffix(born.day)}",
    )
    phone = f"07{data.draw(st.integers(100000000, 999999999))}"
    text = (
        " ".join(mentions)
        + f" Her birthday is {birthday}."
        + f" Ring {phone} or write to someone@example.org on 3/4/2019."
    )
    result = Redactor(identifiers, births=[(born, "[date of birth]")]).redact(text)
    flagged = {fold(f.word) for f in result.flags}
    leaked = [
        i.text
        for i in identifiers
        if len(i.text) >= 3
        and survives(i.text, result.text)
        # A name that is also a common English word, left in lower case, is flagged
        # for the officer rather than taken out of every sentence.
        and fold(i.text) not in flagged
    ]
    assert not leaked, (leaked, result.text)
    for secret in (phone, "someone@example.org", "3/4/2019", birthday):
        assert secret not in result.text, (secret, result.text)
    # Relationship words come out as relationship words only.
    assert "Poppy" not in " ".join(r for _, r in shown)
