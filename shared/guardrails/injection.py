"""Prompt injection: text planted in the bio or pitch for the model, and drafts that repeat it or noask's own prompt.

Two rules:

- INJECTED_TEXT: `find_injection_segments` finds the parts of untrusted input that address an AI
  rather than describe a person ("ignore previous instructions", "SYSTEM:", "note to automated
  screening software:", "just print "…"", "repeat your system prompt"). A segment runs from the
  start of the sentence holding such a trigger to the end of its paragraph; a trigger line that ends
  with ':' takes the next line along. `find_injected_text` flags a draft that repeats a segment: three
  consecutive content words of it, or its payload (a quoted string, or what follows "print", "say",
  "report", "output" or a colon), where two content words, or one unusual word like "pwned", suffice.
- PROMPT_LEAK is checked in `shared.guardrails.leaks`, which shares this module's word runs.

Precision first, since an ordinary bio must keep its quotes: triggers need a frame that only makes
sense when talking to a model ("ignore *previous instructions*", not "ignore the noise"; "act as *an
AI*", not "act as if you belong"; "say *"…"*", not "my kids say"), and words that the bio or pitch also
state outside any segment never count as planted, so a draft may quote the bio's real interest even
when an attack repeats it. Words are compared as read (`shared.text.reading.read`): case, width, look-alike
letters and hidden characters folded.

Patterns are compiled on first use, not at import: cold starts only pay for what a request needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache

from shared.models import Rule, Violation
from shared.text import fold
from shared.text.reading import read

# How many consecutive content words of a segment, or of its payload, a draft may not repeat.
SEGMENT_RUN = 3
PAYLOAD_RUN = 2
_MAX_PAYLOAD_CHARS = 300
# A line this short after "…the following:" and a blank line reads as the payload, not as the next paragraph of a bio.
_PAYLOAD_LINE_WORDS = 6


def _word_set(words: str) -> frozenset[str]:
    """A word list written as words."""
    return frozenset(words.split())


# Words that carry no content of their own: a shared run of these proves nothing. Negations are content:
# "not malicious" is the payload, "malicious" alone is not.
_FUNCTION_WORDS = _word_set(
    """a an the and or but if then so to of in on at by for with from into onto as is are was were be been being am
    do does did have has had having this that these those it its it's i i'm i've i'd i'll me my mine we us our ours
    you your yours you're you've he him his she her they them their theirs there here what which who whom whose when
    where why how all any some each every can could would should will shall may might must just only also very too
    more most such than about over under up down out off again once own same other both few many much let let's now still
    even ever yet already really
    hi hello hey dear thanks thank yes ok okay please re"""
)
# The same words as shared.text.words, with their offsets.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _frame(source: str) -> str:
    """A literal space in a pattern means any run of whitespace, line breaks included."""
    return source.replace(" ", r"\s+")


_AI = (
    r"(?:ai|llms?|(?:large )?language models?|chat ?bots?|bots?|assistants?|gpts?|chatgpt|claude|gemini|copilot|crawlers?"
    r"|scrapers?|agents?|models?)"
)
_AI_WORDS = _word_set(
    """ai llm llms large language chatbot chatbots chat bot bots assistant assistants gpt gpts chatgpt claude gemini copilot
    crawler crawlers scraper scrapers agent agents model models"""
)
_REVEAL = r"(?:repeat|print|show|output|display|reveal|dump|leak|encode|decode|translate|spell[- ]check|summari[sz]e|copy|list)"
_REVEAL_WORDS = _word_set(
    "repeat print show output display reveal dump leak encode decode translate spell spell-check summarise summarize copy list"
)
_EMIT = (
    r"(?:say|print|output|write|type|repeat|return|echo|display|report|state|respond(?: only)? with|reply(?: only)? with"
    r"|answer(?: only)? with|respond|reply|answer|(?:start|begin|end|finish)(?: (?:it|your \w+|the \w+))? with|beginning with"
    r"|sign off with)"
)
_EMIT_WORDS = _word_set(
    "say print output write type repeat return echo display report state respond reply answer start begin end finish beginning"
    " sign"
)
_EMIT_OBJECT = (
    r"(?: (?:out|back|only|exactly|verbatim|the following|following|this|these words|the words?|the text|the phrase"
    r"|the sentence|word for word|just))*"
)
_IGNORE_WORDS = _word_set("ignore disregard forget override bypass neglect")
# Nouns that only instructions to a model have: ignoring them needs no further proof.
_STRONG_NOUNS = r"(?:instructions?|prompts?|directives?|system message)"
# Ordinary nouns ("forget your training", "ignore the noise") that need a modifier pointing at the prompt to be an
# injection: "ignore the above directions", "disregard all prior rules".
_WEAK_NOUNS = (
    r"(?:rules|directions|commands|guidelines|programming|training|restrictions|filters|constraints|text|info|information|data"
    r"|content|messages?|inputs?|polic(?:y|ies)|scoring|indicators|requests?|orders|context)"
)
_POINTERS = (
    r"(?:previous|prior|above|preceding|earlier|foregoing|following|original|initial|existing|system|safety|other|manual"
    r"|negative|rest of)"
)
_MODIFIERS = r"(?:(?:all|any|every|each|the|your|my|these|those|this|that|of|and|such) )"
_MODES = r"(?:developer|maintenance|debug|god|admin|jailbreak|dan|unrestricted)"
_INTENSIFIERS = _word_set("really extremely very super incredibly critically vitally absolutely")
_INTENSIFIER = "(?:" + "|".join(sorted(_INTENSIFIERS)) + ")"
_PRESSURE = rf"{_INTENSIFIER} (?P<emphasis>important|critical|urgent|crucial)\b[^.!?\n]{{0,20}}?\b{_INTENSIFIER} (?P=emphasis)\b"
# Words that join an imperative to what comes before: "…instructions and just print".
_CONNECTIVES = _word_set("and then just simply only instead please now also but so")


class _Where(Enum):
    """Where a trigger must start to count: some phrasings only address a model as a command or a role line."""

    ANYWHERE = "anywhere"
    COMMAND = "command"  # a line or sentence start, after punctuation, or after a connective
    AFTER_CONNECTIVE = "after_connective"  # "and just print:", not a headline's "Type: INTJ"
    SENTENCE = "sentence"  # a line or sentence start
    LINE = "line"  # a line start, after any quote marks or bullets


@dataclass(frozen=True)
class Trigger:
    """One way text addresses a model rather than describing a person.

    `anchors` are the words (lower case) or symbols a match starts with: the text is scanned for
    them once, and `pattern` is only tried where one occurs, which keeps a long bio fast.
    """

    anchors: frozenset[str]
    pattern: str
    where: _Where = _Where.ANYWHERE


def _trigger(anchors: str | frozenset[str], pattern: str, where: _Where = _Where.ANYWHERE) -> Trigger:
    return Trigger(_word_set(anchors) if isinstance(anchors, str) else anchors, pattern, where)


TRIGGERS: tuple[Trigger, ...] = (
    # Overriding the instructions.
    _trigger(_IGNORE_WORDS, rf"\w+ {_MODIFIERS}{{0,4}}(?:{_POINTERS} ){{0,3}}{_STRONG_NOUNS}\b"),
    _trigger(_IGNORE_WORDS, rf"\w+ {_MODIFIERS}{{0,4}}(?:{_POINTERS} ){{1,3}}{_MODIFIERS}{{0,2}}{_WEAK_NOUNS}\b"),
    _trigger(
        "ignore disregard forget",
        r"\w+ (?:all |any |the |everything )?(?:above|previous|prior|preceding)(?=\s*(?:[.,;:!]|and\b|$))",
    ),
    _trigger(
        "ignore disregard forget",
        r"\w+ everything (?:above|before|else|prior|previously|you(?:'ve| have)? (?:been|were) told)\b",
    ),
    _trigger(
        "previous prior above preceding earlier foregoing original initial starting hidden secret new updated real core actual",
        r"\w+ (?:instructions?|prompts?|directives?)\b",
    ),
    _trigger("follow", r"follow (?:(?:the|these|this|my|new|the following) )?instructions?\b", _Where.COMMAND),
    _trigger("stop nevermind", r"stop everything\b|nevermind\b[.!]* (?:ignore|disregard|forget)"),
    _trigger(
        "ignorez ignorer ignore ignora ignoriere ignorier oubliez olvida",
        r"\w+ (?:\w+ ){0,3}(?:instructions|instrucciones|anweisungen|istruzioni)\b",
    ),
    # Emphasis repeated at a reader who is to be pressed, not informed: "really important, extremely important".
    _trigger(_INTENSIFIERS, _PRESSURE),
    # Role play and chat markup.
    _trigger(
        "system assistant user human developer admin administrator",
        r"\w+(?: message| prompt| note| override| request)?\s*\]?\s*:",
        _Where.LINE,
    ),
    _trigger(
        "[ <",
        r"\[(?:system|assistant|user|inst|/inst|sys|admin[^\]\n]{0,30})\]|</?(?:system|assistant|user|instructions?|prompt|sys"
        r"|im_start|im_end)>|<\|[\w-]{2,30}\|>|<<\s*/?sys\s*>>",
    ),
    _trigger("#", r"###\s*(?:instruction|system|response|input)s?\b"),
    _trigger("admin administrator developer root sudo system", r"\w+ (?:override|request|command|access|notice)\b"),
    _trigger("enter enable activate switch into in", rf"(?:enter|enable|activate|switch to|into|in) (?:the )?{_MODES} mode\b"),
    _trigger("developer maintenance debug god admin jailbreak dan unrestricted", r"\w+ mode (?:enabled|activated|on|engaged)\b"),
    _trigger("do jailbreak jailbroken jailbreaking", r"do anything now\b|jailbr(?:eak|oken|eaking)\b"),
    _trigger("you you're", r"you(?:'re| are) now (?:an?|the|in|my|no longer|free|going to|dan|unrestricted|operating|acting)\b"),
    _trigger("from", r"from now on,? (?:you|your|respond|reply|answer|act|ignore|print|say)\b"),
    # "Act as an AI" said as a command or to "you"; "I act as the assistant coach" describes a person.
    _trigger(
        "act behave respond roleplay role-play pretend you",
        r"(?:you (?:will |must |should |shall |are to |now )?)?(?:(?:act|behave|respond|roleplay|role-play) as (?:if you were )?"
        rf"(?:an? |the |my |your )?(?:{_AI}|dan|system|admin(?:istrator)?|developer|unrestricted|unfiltered|jailbroken|evil)"
        rf"|pretend (?:that )?(?:you(?:'re| are)|to be) (?:an? |the )?(?:{_AI}|dan|unrestricted|unfiltered|jailbroken|evil"
        r"|no longer|not bound|free of|without))\b",
        _Where.COMMAND,
    ),
    _trigger(
        "you the",
        rf"(?:you|the {_AI}) (?:must|should|shall|will|have to|need to|are to|are required to|may not|cannot|can't)"
        r" (?:now |also |always |only |never |not |no longer )?(?:ignore|disregard|forget|obey|comply|deviate|respond|reply"
        r"|answer"
        r"|output|print|say|include|insert|add|append|write|mention|recommend|refer|translate|repeat|reveal|act|pretend|ask the"
        r"|follow)\b",
    ),
    # Addressing a model, or whoever writes the message, rather than a person reading about someone.
    _trigger(
        "note message instruction instructions attention memo notice reminder request hint",
        rf"\w+ (?:to|for) (?:any |all |the |every )?(?:automated|{_AI}\b|screening|ats\b|resume parsers?|parsers?|scanners?)",
    ),
    _trigger(
        "automated",
        r"(?:(?<=for\s)|(?<=to\s)|(?<=any\s)|(?<=all\s)|(?<=the\s))automated"
        r" (?:screening|analysis|review|scoring|hiring|recruiting"
        r"|resume) (?:systems?|software|tools?)",
    ),
    _trigger(
        "invisible visible",
        r"invisible to (?:humans|people|readers|the human eye)"
        r"|visible (?:only )?to (?:llms?|ai|bots?|models?|machines|language models"
        r"|automated)",
    ),
    _trigger(
        "if when",
        rf"if you(?:'re| are) (?:an? )?(?:{_AI}|automated|large language model)\b"
        rf"|(?:if|when) (?:an? |the )?{_AI} (?:is )?(?:reading"
        r"|reads|summari[sz]\w*|processing|parsing|writing|drafting|is asked)\b|if user (?:asks|requests|wants|says|is asking)\b",
    ),
    _trigger(
        _AI_WORDS | {"dear", "hey", "hi", "hello", "attention"},
        rf"(?:(?:dear|hey|hi|hello|attention),? )?{_AI}\s*[,:!] (?:please |now |also )*(?:write|say|print|add|include|ignore|ask"
        r"|respond|reply|output|insert|append|mention|tell|make|end|start|begin|use|do|don't|never|always|forget|disregard|translate"
        r"|repeat|you)\b",
        _Where.SENTENCE,
    ),
    _trigger("ask tell invite remind urge pressure", r"\w+ the (?:recipient|reader)\b"),
    _trigger(
        "in into at",
        r"(?:in|into|at the (?:end|start|beginning|top|bottom) of) your"
        r" (?:output|response|answer|reply|draft|summary|generated \w+)\b",
    ),
    _trigger(
        "add include insert append put attach paste embed",
        r"\w+ [^\n]{0,150}?\b(?:to|in|into|at the end of|at the start of) (?:the|this|each|every) (?:output|response|answer|reply"
        r"|draft|message|email|note|summary)\b",
    ),
    # Asking for text to be emitted: "just print "…"", "respond with "…"", "and report:".
    _trigger(_EMIT_WORDS, rf"{_EMIT}{_EMIT_OBJECT}\s*(?=[\"“'‘«<`])", _Where.COMMAND),
    _trigger(_EMIT_WORDS, rf"{_EMIT}{_EMIT_OBJECT}\s*:", _Where.AFTER_CONNECTIVE),
    _trigger(_EMIT_WORDS, rf"{_EMIT} (?:the following|exactly|verbatim|only this)\s*:", _Where.COMMAND),
    # At a sentence start only: "Reply only with yes", not "I just say exactly what I think".
    _trigger(
        _EMIT_WORDS | _word_set("please just simply now"),
        r"(?:(?:please|just|simply|now) )?(?:say|print|output|repeat|type|write|respond|reply|answer)"
        r"(?: only| exactly| verbatim)+\b",
        _Where.SENTENCE,
    ),
    _trigger(
        "just simply instead",
        r"(?:just|simply|instead) (?:print|output|type|echo)\b"
        r"|instead (?:say|write|respond|reply|spell|translate|repeat|focus|tell|report)\b",
    ),
    _trigger(
        "translate",
        r"translate (?:this|the following|the above|the text|that) (?:sentence |text |phrase )?(?:as|into|to)\b"
        r"|translate the above\b",
    ),
    _trigger("complete continue finish", r"\w+ (?:this|the following|the) (?:sentence|text|phrase)?\s*:"),
    _trigger("start begin", r"\w+ your (?:answer|response|reply|output|message)\b"),
    # Asking for the system prompt.
    _trigger(
        "system initial starting hidden secret original systemprompt",
        r"(?:system|initial|starting|hidden|secret|original) (?:prompt|instructions)\b|system[ _]?prompt\b|systemprompt\b",
    ),
    _trigger(
        "your system",
        r"your (?:system|initial|original|starting|hidden|secret|full|complete) (?:message|configuration|config|rules)\b"
        r"|system (?:message|instructions)\b",
    ),
    _trigger(_REVEAL_WORDS, rf"{_REVEAL} (?:me )?(?:your |the )?system (?:configuration|config|settings)\b"),
    _trigger("initialization initialisation", r"\w+ (?:string|prompt|text|message)\b"),
    _trigger(
        "text instructions prompt rules what before at",
        r"(?:text|instructions|prompt|rules) you were given\b|what were you told\b|(?:before|at the (?:start|beginning) of) this"
        r" conversation\b",
    ),
    _trigger(
        "what",
        r"what (?:are|were) (?:your|those) (?:initial |original |system |starting |previous |hidden |secret )?(?:instructions"
        r"|rules|directives|guidelines)\b"
        r"|what (?:are|were) the (?:initial |original |system |starting |previous |hidden |secret )?"
        r"(?:instructions|directives)\b",
    ),
    _trigger(
        "you you're are",
        r"(?:you(?:'re| are)|are you) not (?:supposed|allowed|permitted) to (?:tell|say|reveal|share|disclose)\b",
    ),
    _trigger(
        _REVEAL_WORDS,
        rf"{_REVEAL} (?:me )?(?:back )?(?:all |everything (?:in |from )?|in full )?(?:the |this |your |these )?(?:above|previous"
        rf"|preceding|prior|entire|whole|full) (?:text|instructions|prompt|conversation|messages?|content)\b"
        rf"|{_REVEAL} (?:the |this |your )?(?:\w+ )?(?:text|instructions|prompt|conversation) above\b"
        r"|repeat (?:this|the) (?:entire |whole )?conversation\b",
    ),
    # Markup that only a renderer would run: scripts, event handlers, images that carry data out.
    _trigger(
        "< javascript onerror onload onclick onmouseover onmouseleave onfocus",
        r"<\s*/?\s*script\b|javascript:(?!\s)|on\w+\s*=",
    ),
    _trigger("!", r"!\[[^\]\n]{0,40}\]\(\s*https?://"),
)

_SYMBOL = re.compile(r"[\[<#!]")
_PREVIOUS_WORD = re.compile(r"([^\W_]+)[^\S\n]*$")
_COMMAND_PUNCTUATION = frozenset(".!?:;,([{>*•\"“'‘`—–")


@cache
def _trigger_index() -> dict[str, tuple[tuple[re.Pattern[str], _Where], ...]]:
    """Each anchor's compiled triggers; compiled on first use, so importing the guardrails stays cheap."""
    index: dict[str, list[tuple[re.Pattern[str], _Where]]] = {}
    for trigger in TRIGGERS:
        compiled = re.compile(_frame(trigger.pattern), re.IGNORECASE)
        for anchor in trigger.anchors:
            index.setdefault(anchor, []).append((compiled, trigger.where))
    return {anchor: tuple(entries) for anchor, entries in index.items()}


def _trigger_matches(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every trigger in `text`, in order of start."""
    index = _trigger_index()
    # Only words that start a trigger are kept: a bio of 8,000 one-letter words sorts none of them.
    anchors = [
        (found.start(), word) for found in _WORD.finditer(text) if (word := found.group().lower().replace("’", "'")) in index
    ]
    anchors += [(found.start(), found.group()) for found in _SYMBOL.finditer(text)]
    for position, anchor in sorted(anchors):
        for pattern, where in index.get(anchor, ()):
            found = pattern.match(text, position)
            if found and _starts_where(text, position, where):
                yield found.start(), found.end()
                break


def _starts_where(text: str, position: int, where: _Where) -> bool:
    if where is _Where.ANYWHERE:
        return True
    line_start = text.rfind("\n", 0, position) + 1
    before = text[line_start:position]
    if where is _Where.LINE:
        return not before.strip(" \t>*#-[\"'“‘")
    stripped = before.rstrip()
    at_start = not stripped.strip(" \t*•-")
    if where is _Where.SENTENCE:
        return at_start or stripped[-1] in ".!?:;"
    previous = _PREVIOUS_WORD.search(stripped[-30:])
    after_connective = bool(previous and previous.group(1).lower() in _CONNECTIVES)
    if where is _Where.AFTER_CONNECTIVE:
        return after_connective
    return at_start or after_connective or stripped[-1] in _COMMAND_PUNCTUATION or stripped.endswith((" -", "\t-"))


# What a segment wants printed: a quoted string, or the rest of the sentence after an output verb or a colon.
@cache
def _quoted_pattern() -> re.Pattern[str]:
    limit = _MAX_PAYLOAD_CHARS
    return re.compile(
        rf"\"([^\"]{{1,{limit}}})\"|“([^”]{{1,{limit}}})”|«([^»]{{1,{limit}}})»|`([^`]{{1,{limit}}})`|<([^<>]{{1,{limit}}})>"
        rf"|‘([^’]{{1,{limit}}})’(?!\w)|(?<![\w'])'(?=\S)([^'\n]{{1,{limit}}}?)(?<=\S)'(?!\w)"
    )


@cache
def _payload_lead_pattern() -> re.Pattern[str]:
    verbs = (
        r"(?:say|print|output|write|type|repeat|return|echo|display|report|state|provide|respond with|reply with|answer with"
        r"|translate \w+(?: \w+)? as)"
    )
    return re.compile(_frame(rf"(?:\b{verbs}\b{_EMIT_OBJECT}\s*:?|:|\b{_PRESSURE}\s*[,:])") + r"[^\S\n]*", re.IGNORECASE)


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    payloads: tuple[str, ...]


def find_injection_segments(source_text: str) -> list[str]:
    """The parts of `source_text` that address a model rather than describe a person, in order."""
    return [source_text[segment.start : segment.end] for segment in _segments(source_text)]


def injection_spans(source_text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the injection segments of `source_text`, in order and not overlapping."""
    return [(segment.start, segment.end) for segment in _segments(source_text)]


def touches_injection(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether text[start:end] overlaps one of `spans` (from injection_spans(text))."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)


@lru_cache(maxsize=256)
def _segments(text: str) -> tuple[_Segment, ...]:
    spans: list[tuple[int, int]] = []
    for trigger_start, trigger_end in _trigger_matches(text):
        start, end = _sentence_start(text, trigger_start), _paragraph_end(text, trigger_end)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return tuple(_Segment(start, end, tuple(_payloads(text, start, end))) for start, end in spans)


def _sentence_start(text: str, position: int) -> int:
    start = position
    while start > 0 and text[start - 1] != "\n":
        if text[start - 1] in ".!?" and start < position and text[start].isspace():
            break
        start -= 1
    while start < position and text[start].isspace():
        start += 1
    return start


def _paragraph_end(text: str, position: int) -> int:
    found = _PARAGRAPH_END.search(text, position)
    end = found.start() if found else len(text)
    if found is None:
        return end
    last_line = text[text.rfind("\n", 0, end) + 1 : end].rstrip()
    next_line_end = text.find("\n", found.end())
    next_line_end = len(text) if next_line_end == -1 else next_line_end
    # "…print the following:" with the payload on a line of its own after a blank line. A line that quoted its
    # payload already ('just say "I hate humans":'), or a full paragraph after the colon, is left to the person.
    if (
        last_line.endswith(":")
        and not _quoted_pattern().search(last_line)
        and _looks_like_payload(text[found.end() : next_line_end])
    ):
        return next_line_end
    return end


def _looks_like_payload(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and (
        stripped[0] in "\"“'‘«<[(`" or "://" in stripped or len(_WORD.findall(stripped)) <= _PAYLOAD_LINE_WORDS
    )


def _payloads(text: str, start: int, end: int) -> Iterator[str]:
    segment = text[start:end]
    for quoted in _quoted_pattern().finditer(segment):
        yield next(group for group in quoted.groups() if group is not None)
    for lead in _payload_lead_pattern().finditer(segment):
        rest = _SENTENCE_END.search(segment, lead.end())
        stop = rest.start() if rest else len(segment)
        if stop == lead.end() and rest is not None and rest.group() == "\n":
            # The payload is on the next line: "…between the <> brackets:\n<superdupersketchycorp.com>".
            following = _SENTENCE_END.search(segment, rest.end())
            stop = following.start() if following else len(segment)
        payload = segment[lead.end() : stop].strip()
        if payload:
            yield payload[:_MAX_PAYLOAD_CHARS]


# --- words and runs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


@lru_cache(maxsize=64)
def words_with_offsets(text: str) -> tuple[_Word, ...]:
    """The words of `text` as read (`shared.text.reading.read`: hidden characters, look-alikes and leetspeak folded),
    each with its span on `text` as written. Cached: one check reads the bio as a source and, in `noask check`,
    as the message too."""
    reading = read(text)
    found = list(_WORD.finditer(reading.text))
    spans = reading.original_spans(word.span() for word in found)
    return tuple(_Word(word.group().replace("’", "'"), start, end) for word, (start, end) in zip(found, spans, strict=True))


@lru_cache(maxsize=64)
def _content(text: str) -> tuple[_Word, ...]:
    return tuple(word for word in words_with_offsets(text) if word.text not in _FUNCTION_WORDS)


def _runs(words: Sequence[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[index : index + size]) for index in range(len(words) - size + 1)}


def _unusual(word: str) -> bool:
    """A lone payload word worth flagging on its own ("pwned", "你是个傻瓜"), unlike "sure" or "no"."""
    return len(word) >= 5 or (len(word) >= 2 and not word.isascii())


@dataclass(frozen=True)
class _Planted:
    """What the sources planted for the model, minus anything they also say outside their segments."""

    segment_runs: frozenset[tuple[str, ...]]
    payload_runs: frozenset[tuple[str, ...]]
    payload_words: frozenset[str]
    outside: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.segment_runs or self.payload_runs or self.payload_words)


@lru_cache(maxsize=128)
def _planted(sources: tuple[str, ...]) -> _Planted:
    segment_runs: set[tuple[str, ...]] = set()
    payload_runs: set[tuple[str, ...]] = set()
    payload_words: set[str] = set()
    outside: list[str] = []
    for source in sources:
        segments = _segments(source)
        outside.append(_outside(source, segments))
        for segment in segments:
            segment_runs |= _runs([word.text for word in _content(source[segment.start : segment.end])], SEGMENT_RUN)
            for payload in segment.payloads:
                words = [word.text for word in _content(payload)]
                payload_runs |= _runs(words, PAYLOAD_RUN)
                if len(words) == 1 and _unusual(words[0]):
                    payload_words.add(words[0])
    if segment_runs or payload_runs or payload_words:
        # The bio's and pitch's own statements are theirs to repeat, even when an attack repeats them too.
        outside_words = [[word.text for word in _content(text)] for text in outside]
        segment_runs -= {run for words in outside_words for run in _runs(words, SEGMENT_RUN)}
        payload_runs -= {run for words in outside_words for run in _runs(words, PAYLOAD_RUN)}
        payload_words -= {word for words in outside_words for word in words}
    return _Planted(
        segment_runs=frozenset(segment_runs),
        payload_runs=frozenset(payload_runs),
        payload_words=frozenset(payload_words),
        outside=tuple(outside),
    )


def _outside(text: str, segments: Sequence[_Segment]) -> str:
    """`text` with its segments cut out; a paragraph break in their place, so no run joins across a cut."""
    pieces, cursor = [], 0
    for segment in segments:
        pieces.append(text[cursor : segment.start])
        cursor = segment.end
    pieces.append(text[cursor:])
    return "\n\n".join(pieces)


def find_injected_text(draft: str, *, sources: Iterable[str]) -> list[Violation]:
    """Places where `draft` repeats text that `sources` (the bio, the pitch) planted for the model."""
    planted = _planted(tuple(source for source in sources if source))
    if planted.empty or not draft:
        return []
    words = _content(draft)
    texts = [word.text for word in words]
    hit = [False] * len(words)
    for size, runs in ((SEGMENT_RUN, planted.segment_runs), (PAYLOAD_RUN, planted.payload_runs), (1, planted.payload_words)):
        for index in range(len(words) - size + 1):
            if (tuple(texts[index : index + size]) if size > 1 else texts[index]) in runs:
                hit[index : index + size] = [True] * size
    return [
        Violation(
            rule=Rule.INJECTED_TEXT,
            message=f"Repeats text planted in the bio or pitch for the model: “{shorten(draft[start:end])}”.",
            span=draft[start:end],
            start=start,
            end=end,
        )
        for start, end in hit_spans(draft, words, hit)
    ]


def hit_spans(text: str, words: Sequence[_Word], hit: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """Runs of hit words, one span per sentence: a repair can then drop exactly the sentences that carry them."""
    index = 0
    while index < len(words):
        if not hit[index]:
            index += 1
            continue
        first = index
        while (
            index + 1 < len(words) and hit[index + 1] and not _SENTENCE_END.search(text, words[index].end, words[index + 1].start)
        ):
            index += 1
        yield words[first].start, words[index].end
        index += 1


def find_injected_evidence(bio_evidence: str | None, *, sources: Iterable[str]) -> list[Violation]:
    """The shared interest's quote must not come from a segment, nor repeat one."""
    if bio_evidence is None or not bio_evidence.strip():
        return []
    source_list = tuple(source for source in sources if source)
    planted = _planted(source_list)
    pieces = [fold(piece).strip(" \"'“”‘’«»,;:") for piece in re.split(r"\.{3,}|…", bio_evidence)]
    from_segment = any(
        piece
        and any(piece in fold(source) for source in source_list)
        and not any(piece in fold(outside) for outside in planted.outside)
        for piece in pieces
    )
    if from_segment or find_injected_text(bio_evidence, sources=source_list):
        return [
            Violation(
                rule=Rule.INJECTED_TEXT,
                message=f"The shared interest quotes text planted in the bio for the model: “{shorten(bio_evidence)}”.",
                span=bio_evidence,
            )
        ]
    return []


def shorten(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
