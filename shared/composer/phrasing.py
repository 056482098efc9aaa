"""The draft's sentences for a hook: openers, closers, greeting, sign-off and email subject, from data/wording.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from shared.composer.hook import Hook, Mood, counted, is_agent, same_stem
from shared.composer.retell import first_name, full_name, is_verb
from shared.composer.wording import Variation, capitalise, keeps_capital, looks_english, variants
from shared.interests import Overlap, activity_of
from shared.models import Channel, DraftRequest


def shared_agent(overlap: Overlap) -> str | None:
    """The person noun for the pursuit both share, in the sender's own words: a sender who swims is a "swimmer", never
    the bio's narrower "open-water swimmer"; None when the sender's words name no person ("cello" is no "violinist")."""
    sender_words = " ".join(overlap.sender_mention.split()).lower()
    agent = overlap.interest.agent
    if not agent:
        return None
    words = agent.split()
    # The bio's qualifiers ("open-water", "sea") the sender did not write are theirs alone.
    kept = " ".join([word for word in words[:-1] if word.lower() in sender_words] + words[-1:])
    # Or the very pursuit the sender named in another language ("klettern" and "climber").
    same_pursuit = kept == agent and overlap.topic == overlap.interest.topic
    if same_stem(kept, sender_words) or (same_pursuit and same_stem(kept, overlap.interest.mention)):
        return kept
    return None


def _shared_openers(hook: Hook, clause: str, variation: Variation, *, note: bool) -> list[str]:
    """ "Fellow climber here ..." openers: only for an interest the sender's own interests or pitch name, and named in
    the sender's words; an opener that does not retell the bio's clause names the bio's pursuit instead ({x})."""
    overlap = hook.overlap
    if overlap is None:
        return []
    section = "note_shared" if note else "shared"
    sender_words = " ".join(overlap.sender_mention.split())
    openers: list[str] = []
    # A clause that only names the pursuit ("you're into climbing", "you're a keen climber") adds nothing to
    # "fellow climber here": say it once, with the bio's name for it.
    bare = _BARE_CLAUSE.match(clause) is not None and hook.name is not None
    if hook.pet is not None:
        pets = variation.order("shared-pet", variants(section, "with_pet"))
        return [template.format(pet=hook.pet, c=clause) for template in pets]
    # "glad to see the guitar in your profile", not "… see playing the guitar …".
    theirs = re.sub(r"^playing (?=the )", "", _detail(hook, overlap) or hook.name or overlap.activity)
    activity = sender_words if sender_words.isupper() else sender_words.lower()
    english = activity_of(overlap.topic)
    if not same_stem(english, activity):
        # Their words may be in another language ("klettern"): the draft names it in English.
        activity = english
    # "I'm into hockey too, so I was glad to see hockey in your profile" says it twice: then the variants without {x}.
    same = theirs.lower() == activity.lower()
    agent = shared_agent(overlap)
    if agent:
        # "Fellow gardener here, so gardening in your profile ..." too.
        said_once = same or (same_stem(agent, theirs) and " " not in theirs)
        slot = ("bare_agent_same" if said_once else "bare_agent") if bare else "with_agent"
        openers += [
            template.format(agent=agent, c=clause, x=theirs)
            for template in variation.order("shared-agent", variants(section, slot))
        ]
    slot = ("bare_activity_same" if same else "bare_activity") if bare else "with_activity"
    openers += [
        template.format(activity=activity, Activity=capitalise(activity), c=clause, x=theirs)
        for template in variation.order("shared-activity", variants(section, slot))
    ]
    return openers


_PAST = re.compile(r"[a-z]+ed|" + "|".join(re.escape(word) for word in variants("readings", "irregular_past")))


def _detail(hook: Hook, overlap: Overlap) -> str | None:
    """The bio's own word for the pursuit when it says more than its name ("parkrun" for running), to quote in an
    opener that cannot retell the bio's clause; None when it is a verb, another language or the pursuit's name."""
    mention = " ".join(overlap.interest.mention.split())
    first = mention.split()[0].lower() if mention else ""
    if not first or not looks_english(overlap.interest.evidence) or is_verb(first) or _PAST.fullmatch(first):
        return None
    named = (hook.name or "", overlap.activity, overlap.interest.agent or "")
    if any(same_stem(word, mention) for word in named if word):
        return None
    kept = mention if mention.isupper() or keeps_capital(mention.split()[0], overlap.interest.evidence) else mention.lower()
    return counted(kept)


_BARE_CLAUSE = re.compile(r"^you(?:'re| are) (?:into [^ ]+(?: [^ ]+)?|an? (?:[^ ]+ )?[^ ]+)$")


def shared_openers(hook: Hook, variation: Variation, *, note: bool) -> list[str]:
    """The openers that say the pursuit is shared ("Fellow climber here ..."), best first; none without an overlap."""
    return [opener for clause in hook.clauses for opener in _shared_openers(hook, clause, variation, note=note)]


def openers(hook: Hook, variation: Variation, *, note: bool) -> list[str]:
    """Opening sentences for `hook`, this request's favourite first, plainer fallbacks after."""
    section = "note_openers" if note else "openers"
    mood = hook.mood.value
    found = shared_openers(hook, variation, note=note)
    for clause in hook.clauses:
        templates = variation.order(f"open-{mood}", variants(section, mood))
        if "lov" in clause:
            # "loved reading that you love tennis" repeats itself: such pairings go last.
            templates.sort(key=lambda template: "lov" in template.lower())
        found += [template.format(c=clause) for template in templates]
    if hook.noun_phrase is not None:
        found += [template.format(p=hook.noun_phrase) for template in variation.order("open-phrase", variants(section, "phrase"))]
    if hook.interest is None:
        found += variation.order("hello", variants(section, "hello"))
    return found


def closer(hook: Hook, variation: Variation, offer: str | None) -> str:
    """An offer that needs nothing back when the sender gave one; else a light question about their pursuit."""
    if offer is not None:
        return variation.pick("close-offer", variants("closers", "offer")).format(o=offer)
    if hook.mood is Mood.HOBBY:
        if hook.plain_closing:
            return variation.pick("close-plain", variants("closers", "plain"))
        if hook.name is not None and not is_agent(hook.name):
            questions = variation.order("close-question", variants("closers", "question"))
            # "What keeps you coming back to keeping bees?" leans on one word twice: such a question goes last.
            questions.sort(key=lambda question: _shares_a_stem(question.replace("{x}", ""), hook.name or ""))
            return questions[0].format(x=hook.name)
        return variation.pick("close-hobby", variants("closers", "hobby"))
    if hook.mood in (Mood.CAUSE, Mood.RECENT):
        return variation.pick(f"close-{hook.mood.value}", variants("closers", hook.mood.value))
    return ""


def _shares_a_stem(first: str, second: str) -> bool:
    """True when a word of `first` and a word of `second` start with the same four letters ("keeps", "keeping")."""
    stems = {word[:4] for word in re.findall(r"[a-z]{4,}", first.lower())}
    return any(word[:4] in stems for word in re.findall(r"[a-z]{4,}", second.lower()))


# Stems a line must not repeat from the body it joins ("Wishing you all the best with it." then "All the best.").
_ECHO_STEMS: Final = ("hello", "week", "profile", "best", "wish", "just want", "introduc")
_PLEASANTRIES: Final = frozenset(
    line for slot in ("hobby", "plain", "cause", "recent", "pleasantries") for line in variants("closers", slot)
)


def is_pleasantry(line: str) -> bool:
    """True for a warm line that says nothing ("Hope all is going well with you."): a draft has one at most."""
    return line in _PLEASANTRIES


def fillers(variation: Variation, closing: str, *, offer: bool) -> list[str]:
    """Lines that may lengthen a short draft, in this request's order: asides (none after an offer, which already
    says no reply is needed) and pleasantries (none when the closing line is one)."""
    asides = [] if offer else list(variants("closers", "fillers"))
    pleasantries = [] if is_pleasantry(closing) else list(variants("closers", "pleasantries"))
    return variation.order("filler", [*asides, *pleasantries])


def echoes(filler: str, body: str) -> bool:
    """True when `filler` would repeat a word the body already leans on ("hello", "week", "profile", "best")."""
    return any(re.search(rf"(?i)\b{stem}", filler) and re.search(rf"(?i)\b{stem}", body) for stem in _ECHO_STEMS)


def nameless_sign_off(variation: Variation, closing: str = "") -> str:
    """ "All the best." or "Best wishes.", never one that repeats the closing line ("Wishing you all the best")."""
    options = variation.order("nameless-sign-off", variants("sign_offs", "nameless"))
    return next((option for option in options if not echoes(option, closing)), options[0])


@dataclass(frozen=True)
class Voice:
    greeting: str
    sign_off: str | None
    sender: str | None


def voice(request: DraftRequest, variation: Variation) -> Voice:
    first = first_name(request.target_name)
    sender = full_name(request.sender_name)
    if first:
        kind = "casual" if request.channel is not Channel.EMAIL else "formal"
        greeting = variation.pick("greeting", variants("greetings", kind)).format(n=first)
    else:
        greeting = variation.pick("greeting", variants("greetings", "nameless"))
    return Voice(greeting, variation.pick("sign-off", variants("sign_offs", "named")) if sender else None, sender)


def bridge(variation: Variation) -> str:
    return variation.pick("bridge", variants("bridges", "pitch"))


MAX_SUBJECT_CHARS = 80


def subject(hook: Hook, who: str | None, variation: Variation) -> str:
    """A short, specific email subject that asks for nothing: the shared pursuit, the interest, or who says hello."""
    options: list[str] = []
    overlap = hook.overlap
    agent = shared_agent(overlap) if overlap is not None else None
    if agent:
        options = [template.format(agent=agent) for template in variants("subjects", "shared")]
    elif hook.mood in (Mood.HOBBY, Mood.CAUSE) and hook.name is not None and not is_agent(hook.name):
        slot = "interest" if who else "interest_nameless"
        options = [
            template.format(Topic=capitalise(hook.name), topic=hook.name, who=who) for template in variants("subjects", slot)
        ]
    elif hook.mood is Mood.RECENT and who:
        options = [template.format(who=who) for template in variants("subjects", "recent")]
    if not options:
        slot = "hello" if who else "hello_nameless"
        options = [template.format(who=who) for template in variants("subjects", slot)]
    chosen = variation.pick("subject", options)
    return chosen if len(chosen) <= MAX_SUBJECT_CHARS else variants("subjects", "hello_nameless")[0]
