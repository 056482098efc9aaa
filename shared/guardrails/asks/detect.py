"""find_asks: run the catalogue over what a reader reads, then drop negated and open-door mentions.

Decisions worth knowing (the data files carry the phrasings and their proofs):

- The check runs on `read(text).text`: zero-width characters, look-alike letters, fullwidth
  or mathematical letters, soft hyphens, spaced or leet letters and emoji cannot hide an ask.
  Spans are mapped back to the caller's text.
- Negation is clause-aware: "I won't ask for a coffee chat" and "no need to reply" pass,
  but "no pressure, but would you be open to a call?" fails, because the negator sits in an
  earlier clause. Hedges that only look negative ("not sure if you're hiring", "why don't we
  grab a coffee") do not negate. Each language has its own negators (data/*.toml).
- Open-door lines ("feel free to reach out") grant permission and expect nothing; bare
  imperatives that expect an answer ("let me know") are pressure to reply.
- Offers stated as offers pass ("happy to send the checklist"); offers turned into questions
  ("would you like me to send it?") fail, since they need an answer.

Cost: one RE2 set pass rejects most messages; only phrasings the set reports run on their own.
Every pattern is RE2 and every context window is bounded, so the check is linear in the text.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from typing import NamedTuple

from shared.guardrails.asks.catalogue import (
    CONTEXT_CHARS,
    AskKind,
    Negation,
    Phrasing,
    ask_kinds,
    negation,
    prefilter,
)
from shared.models import Rule, Violation
from shared.text.patterns import Subject, compile_pattern
from shared.text.reading import read

# Same length in and out: offsets in the mapped text are offsets in the reading.
_STRAIGHT_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# How far back a negator can reach: further than this it negates something else.
_NEGATION_REACH = 120
_SENTENCE_END = frozenset(".!?,;:—–\"')\n")
# An opening bracket or markdown mark opens a sentence of its own: "(coffee?)", "**Free Thursday?**", "# Quick ask".
_OPENERS = frozenset("([{*_>#`")
# A quotation within one line, of bounded length.
_QUOTATION = compile_pattern(r'"[^"\n]{1,240}"')
_QUOTE_CONTEXT = 80
# Words that mark a quotation as someone's reported words, not the sender's own request.
_REPORTING = compile_pattern(
    r"(?:^|[^\p{L}])(?:said|says|asked|asks|asking|wrote|writes|quoted|quotes|quoting|told|tells|heard|line|subject line"
    r"|opener|phrase|dm|email|message|messaged|texted|replied|joked|favourite|favorite|worst|cringe|cliché|cliche"
    # The same in es, fr, de, pt, it: "mi jefa siempre dice «¿tienes cinco minutos?»" reports someone else's ask.
    r"|dice|dices|dijo|dec[ií]a|pregunt[oó]|preguntaba|escribi[oó]|suelta|solt[oó]|mensaje|frase"
    r"|dit|disait|demandait|demandé|demandée|[eé]crit|[eé]crivait|lance|message"
    r"|sagt|sagte|fragt|fragte|schreibt|schrieb|nachricht|satz"
    r"|diz|disse|dizia|perguntou|perguntava|escreveu|mensagem"
    r"|diceva|disse|chiede|chiedeva|chiese|chiesto|scrive|scrisse|messaggio)(?:$|[^\p{L}])"
)
# Words that make a quotation the sender's own ask: 'as I said in my DM, "could you refer me?"', 'this message: "…"'.
_OWN_WORDS = compile_pattern(
    r"(?:^|[^\p{L}])(?:i(?:'m| am)? (?:said|say|asked|ask|asking|wrote|write|typed|texted|emailed|messaged|put it|meant)"
    r"|my (?:dm|message|email|note|line|question|ask|request|draft|words|subject line|opener)"
    r"|this (?:message|email|note|dm|line)|(?:the|my) ask|here(?:'s| is) (?:the|my) (?:message|question|ask|line|request))"
    r"(?:$|[^\p{L}])"
)
_OWN_AFTER = compile_pattern(r"\A\s*(?:is|was|'s) (?:what|how) i (?:wrote|said|meant|typed|put it|asked|wanted)")
# Characters a span never starts or ends with (a sentence-start group may sit after them).
_SPAN_TRIM = " \t\n"


class _Match(NamedTuple):
    """One phrasing's match (a tuple: a message makes several, and a tuple costs a third of a frozen dataclass)."""

    kind: AskKind
    language: str
    start: int
    end: int


class _Clauses:
    """Clause boundaries of one text in one language, for negation scope."""

    def __init__(self, subject: Subject, rules: Negation) -> None:
        self._length = len(subject.text)
        self._starts = [0]
        self._ends: list[int] = []
        for spans in rules.clause_break.iter_spans(subject):
            start, end = next(span for span in spans[1:] if span[0] >= 0)
            self._ends.append(start)
            self._starts.append(end)
        self._ends.append(self._length)

    def around(self, start: int, end: int) -> tuple[int, int]:
        index = bisect_right(self._starts, start) - 1
        clause_start = self._starts[index]
        following = bisect_right(self._ends, end - 1)
        clause_end = self._ends[following] if following < len(self._ends) else self._length
        return clause_start, max(clause_end, end)


class _Analysis:
    """One text's clauses per language, computed only for languages whose phrasings matched."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.text = subject.text
        self._clauses: dict[str, _Clauses] = {}
        self._cues: dict[str, bool] = {}

    def clauses(self, language: str) -> _Clauses:
        if language not in self._clauses:
            self._clauses[language] = _Clauses(self.subject, negation(language))
        return self._clauses[language]

    def has_cue(self, language: str) -> bool:
        if language not in self._cues:
            self._cues[language] = negation(language).cue.search(self.subject) is not None
        return self._cues[language]

    def is_negated(self, language: str, start: int, end: int) -> bool:
        rules, text = negation(language), self.text
        clause_start, clause_end = self.clauses(language).around(start, end)
        before = text[max(clause_start, start - _NEGATION_REACH) : start]
        if rules.negator.search(before):
            before = _blank(before, rules)
            negators = list(rules.negator.finditer(before))
            if negators and not rules.undone.search(before, negators[-1].end() - 1):
                return True
        return bool(rules.negated_after.search(text[end : min(clause_end, end + _NEGATION_REACH)]))

    def is_open_door(self, language: str, start: int, end: int) -> bool:
        clause_start, _ = self.clauses(language).around(start, end)
        return bool(negation(language).open_door.search(self.text[max(clause_start, start - _NEGATION_REACH) : start]))


def _blank(text: str, rules: Negation) -> str:
    """The text with phrases that only look negative ("not sure", "no rush") blanked out, same length."""
    pieces, last = [], 0
    for found in rules.false_negation.finditer(text):
        pieces += [text[last : found.start()], " " * (found.end() - found.start())]
        last = found.end()
    return "".join([*pieces, text[last:]])


def _at_sentence_start(text: str, position: int) -> bool:
    """At the start of the text or a line, or after sentence punctuation and a space."""
    before = text[max(0, position - 4) : position]
    if position == 0 or before.endswith("\n"):
        return True
    stripped = before.rstrip(" \t")
    if not stripped:
        return position == len(before)
    if stripped[-1] in _OPENERS:
        return True
    return len(stripped) < len(before) and stripped[-1] in _SENTENCE_END


def _is_word_start(text: str, start: int, language: str) -> bool:
    # An English phrasing never starts after an apostrophe ("'d love"); a French or Italian one may ("d'un café").
    before = text[start - 1] if start > 0 else " "
    # "_" joins words ("my_call") unless it opens markdown emphasis ("_any advice…_").
    joined = before == "_" and start > 1 and (text[start - 2].isalnum() or text[start - 2] == "_")
    return not (before.isalnum() or joined or (before == "'" and language == "en"))


def _accepted(phrasing: Phrasing, text: str, start: int, end: int, groups: list[int]) -> bool:
    if not _is_word_start(text, start, phrasing.language):
        return False
    if any(not _at_sentence_start(text, position) for position in groups if position >= 0):
        return False
    if phrasing.unless_before and phrasing.unless_before.search(text[max(0, start - CONTEXT_CHARS) : start]):
        return False
    if phrasing.unless_after and phrasing.unless_after.search(text[end : end + CONTEXT_CHARS]):
        return False
    return not (phrasing.unless_inside and phrasing.unless_inside.search(text[start:end]))


def _phrasing_matches(phrasing: Phrasing, subject: Subject, *, spelled: bool) -> list[tuple[int, int]]:
    """Where the phrasing occurs, word-bounded and meeting its context checks (overlaps allowed after a miss)."""
    text = subject.text
    spans: list[tuple[int, int]] = []
    position = 0
    regex, sentence_groups = (phrasing.spelled_regex if spelled else phrasing.regex), phrasing.sentence_groups
    while (found := regex.search_spans(subject, position)) is not None:
        start, end = found[1]
        groups = [found[index][0] for index in sentence_groups]
        if end > start and _accepted(phrasing, text, start, end, groups):
            spans.append((start, end))
            position = end
        else:
            position = start + 1
    return spans


def _quotations(subject: Subject) -> list[tuple[int, int]]:
    """Quotations the sender reports ('she asked me "are you hiring?"'): someone else's words, not asked.

    Only a quotation with a reporting word near it on its line counts; a line that is nothing but a
    quotation, or a quotation dropped into the sender's own request, is the sender asking.
    """
    text, found = subject.text, []
    for quote in _QUOTATION.finditer(subject):
        start, end = quote.span()
        # The sender's own words on the same line, looked for nearby only (bounded work per quotation).
        before = text[max(0, start - _QUOTE_CONTEXT) : start].rsplit("\n", 1)[-1]
        after = text[end : end + _QUOTE_CONTEXT].split("\n", 1)[0]
        context = before + " " + after
        own = _OWN_WORDS.search(before) or _OWN_AFTER.search(after)
        if _REPORTING.search(context) and not own:
            found.append((start, end))
    return found


def _candidates(subject: Subject) -> list[_Match]:
    matching, indexed = prefilter()
    indexes = matching.matching(subject)
    # Textspeak and typos ("cld u", "hirng") widen the phrasings; most texts hold none and run the plain ones.
    spelled = bool(indexes) and indexes[-1] == len(indexed)
    if spelled:
        matching, _ = prefilter(spelled=True)
        indexes = matching.matching(subject)
    found = []
    for index in indexes:
        kind, phrasing = indexed[index]
        found += [
            _Match(kind, phrasing.language, start, end) for start, end in _phrasing_matches(phrasing, subject, spelled=spelled)
        ]
    if found and '"' in subject.text:
        quoted = _quotations(subject)
        found = [match for match in found if not any(start <= match.start and match.end <= end for start, end in quoted)]
    return found


@cache
def _priority() -> dict[str, int]:
    return {kind.name: index for index, kind in enumerate(ask_kinds())}


def _merge_by_clause(matches: list[_Match], analysis: _Analysis) -> list[_Match]:
    """One match per asking clause: the union of its matches, named by the most specific kind."""
    priority = _priority()
    if len(matches) < 2:
        return matches
    merged: list[_Match] = []
    last_clause: tuple[str, int] = ("", -1)
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        clause = (match.language, analysis.clauses(match.language).around(match.start, match.end)[0])
        if merged and (match.start < merged[-1].end or clause == last_clause):
            last = merged[-1]
            kind = min(last.kind, match.kind, key=lambda k: priority[k.name])
            merged[-1] = _Match(kind, last.language, last.start, max(last.end, match.end))
        else:
            merged.append(match)
            last_clause = clause
    return merged


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SPAN_TRIM:
        start += 1
    while end > start and text[end - 1] in _SPAN_TRIM:
        end -= 1
    return start, end


def find_asks(text: str) -> list[Violation]:
    """Every request of the recipient in `text` (rule ASK), in order, with its span in `text`."""
    if not text.strip():
        return []
    reading = read(text)
    seen = reading.text.translate(_STRAIGHT_QUOTES)
    subject = Subject(seen)
    candidates = _candidates(subject)
    if not candidates:
        return []
    analysis = _Analysis(subject)
    kept = [
        match
        for match in candidates
        if not analysis.has_cue(match.language)
        or not (
            analysis.is_negated(match.language, match.start, match.end)
            or (match.kind.name == "reply" and analysis.is_open_door(match.language, match.start, match.end))
        )
    ]
    violations = []
    for match in _merge_by_clause(kept, analysis):
        start, end = reading.original_span(*_trimmed(seen, match.start, match.end))
        span = text[start:end]
        violations.append(
            Violation(
                rule=Rule.ASK,
                message=f"{match.kind.explanation[0].upper()}{match.kind.explanation[1:]}: “{' '.join(span.split())}”.",
                span=span,
                start=start,
                end=end,
            )
        )
    return violations
