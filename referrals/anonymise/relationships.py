"""Relationship words: what a person around the child is called in the pack, and which
words mean the same relationship ("Mum Kerry" reads "Mum", not "Mum Mother")."""

import re

from referrals.anonymise.text import fold

# Each group: words for one relationship, the first is how the pack shows it.
GROUPS = [
    ["mum", "mother", "mummy", "mam", "mom", "mommy", "birth mother", "birth mum", "mama"],
    ["dad", "father", "daddy", "birth father", "birth dad", "papa"],
    ["stepdad", "stepfather", "step-dad", "step-father", "step dad", "step father"],
    ["stepmum", "stepmother", "step-mum", "step-mother", "step mum", "step mother"],
    ["nan", "nana", "nanny", "gran", "granny", "grandma", "grandmother", "nan nan"],
    ["grandad", "grandpa", "grandfather", "granddad", "grampa", "gramps"],
    # One group: "my sister Amy" reads "my sister" whether Amy is "Sister" or "Sibling".
    [
        "sibling",
        "brother",
        "sister",
        "half-brother",
        "stepbrother",
        "half brother",
        "step-brother",
        "bro",
        "half-sister",
        "stepsister",
        "half sister",
        "step-sister",
        "sis",
        "half-sibling",
        "stepsibling",
        "half sibling",
        "twin",
    ],
    ["aunt", "auntie", "aunty", "great aunt", "great-aunt"],
    ["uncle", "great uncle", "great-uncle"],
    ["cousin"],
    ["partner", "boyfriend", "girlfriend", "husband", "wife", "ex-partner"],
    ["carer", "foster carer", "kinship carer", "special guardian", "guardian"],
    ["friend", "family friend", "neighbour"],
    ["teacher", "head teacher", "headteacher", "senco"],
    ["social worker", "support worker", "key worker", "youth worker"],
]
_GROUP_OF = {fold(word): n for n, group in enumerate(GROUPS) for word in group}
# Words that may stand around relationship words without naming anyone.
CONNECTING = {
    "of",
    "the",
    "a",
    "and",
    "my",
    "his",
    "her",
    "their",
    "child's",
    "s",
    "maternal",
    "paternal",
    "birth",
    "step",
    "half",
    "great",
    "former",
    "ex",
    "adoptive",
    "foster",
    "family",
    "in-law",
    "in",
    "law",
    "previous",
    "current",
    "older",
    "younger",
    "eldest",
    "oldest",
    "youngest",
    "twin",
    "mum's",
    "dad's",
    "mother's",
    "father's",
    "long-term",
}
_WORDS = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def group_of(word: str) -> int | None:
    """Which relationship a word or phrase names: "Mum's partner" is a partner,
    "Maternal grandmother" a grandmother."""
    folded = fold(" ".join(word.split()))
    if folded in _GROUP_OF:
        return _GROUP_OF[folded]
    last = _WORDS.findall(folded)
    return _GROUP_OF.get(last[-1]) if len(last) > 1 else None


def relationship_word(relationship: str) -> str:
    """What the pack calls someone, from what the social worker typed. Only words of a
    closed list ever come out: "father of Poppy" is "Father", "Tyler and Kayden's dad"
    is "Dad", "Maternal grandmother" stays as it is; anything else is "Family member"."""
    words = _WORDS.findall(" ".join(relationship.split()))
    if words and fold(" ".join(words)) in _GROUP_OF:
        text = " ".join(words)
        return text[0].upper() + text[1:].lower()
    folded = [fold(w) for w in words]
    plain = [w[:-2] if w.endswith("'s") else w for w in folded]
    if words and all(w in _GROUP_OF or w in CONNECTING for w in plain):
        text = " ".join(words)
    else:
        found = [words[i] for i, w in enumerate(plain) if w in _GROUP_OF]
        if not found:
            return "Family member"
        text = found[-1]
        text = text[:-2] if fold(text).endswith("'s") else text
    return text[0].upper() + text[1:].lower()


# Every relationship word, longest first, for spotting one next to a name.
ALL_WORDS = sorted(_GROUP_OF, key=len, reverse=True)
