"""Prompt leaks: a draft that repeats or talks about noask's own instructions to the model.

Three ways a draft leaks them:

- copied: six consecutive words of the instructions (the system prompt and the fixed wording of the user
  message, as the service rendered them), a whole line of four words or more, or an identifier from them
  (letters and digits mixed); words are compared as read, so hidden characters and look-alikes do not hide a copy;
- paraphrased or translated: a phrase that only a draft talking about its instructions uses ("my instructions
  say", "I was told not to ask", "as instructed by the system", "según mis instrucciones", "selon mes
  instructions", "laut meinen Anweisungen"), from the catalogue in prompt_leaks.toml, one list per covered language;
- restated: the writer bound by rules, then what the rules are about, in one sentence ("I've been asked to keep
  this free of any request", "mis pautas me impiden pedirte nada"), from the pairs in rule_talk.toml.

Quoted examples in the prompt ("happy to send the checklist if it's ever useful") are phrasing the model may use.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from shared.guardrails.injection import hit_spans, words_with_offsets
from shared.models import Rule, Violation
from shared.text import fold
from shared.text.reading import read

# Six words of the instructions in a row, or any whole line of them this long, is a leak.
LEAK_RUN = 6
LEAK_LINE_WORDS = 4
_MESSAGE = "Repeats part of noask's own instructions to the model, which no message may reveal."
_PARAPHRASE_MESSAGE = "Talks about noask's own instructions to the model (“{phrase}”), which no message may reveal."


@dataclass(frozen=True)
class _Prompt:
    runs: frozenset[tuple[str, ...]]
    lines: tuple[tuple[str, ...], ...]
    identifiers: frozenset[str]


_IDENTIFIER = re.compile(r"(?=[\w-]*\d)(?=[\w-]*[^\W\d_])[\w-]{8,}")


@lru_cache(maxsize=32)
def _prompt(system_prompt: str) -> _Prompt:
    words = words_with_offsets(system_prompt)
    # Quoted examples ("happy to send the checklist if it's ever useful") are phrasing the prompt hands the
    # model to use or avoid, not its secrets: a run that lies wholly inside one is no leak.
    quoted = [(found.start(), found.end()) for found in re.finditer(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»", system_prompt)]
    inside = [any(start <= word.start and word.end <= end for start, end in quoted) for word in words]
    runs = {
        tuple(word.text for word in words[index : index + LEAK_RUN])
        for index in range(len(words) - LEAK_RUN + 1)
        if not all(inside[index : index + LEAK_RUN])
    }
    lines = tuple(
        dict.fromkeys(
            tuple(word.text for word in words_with_offsets(line))
            for line in system_prompt.splitlines()
            if len(words_with_offsets(line)) >= LEAK_LINE_WORDS
        )
    )
    identifiers = frozenset(fold(found.group()) for found in _IDENTIFIER.finditer(system_prompt))
    return _Prompt(frozenset(runs), lines, identifiers)


def find_prompt_leaks(text: str, *, system_prompt: str) -> list[Violation]:
    """Places where `text` repeats `system_prompt`: six words in a row, a whole line, or an identifier of it."""
    if not text or not system_prompt.strip():
        return []
    prompt = _prompt(system_prompt)
    words = words_with_offsets(text)
    texts = [word.text for word in words]
    hit = [False] * len(words)
    for index in range(len(words) - LEAK_RUN + 1):
        if tuple(texts[index : index + LEAK_RUN]) in prompt.runs:
            hit[index : index + LEAK_RUN] = [True] * LEAK_RUN
    for line in prompt.lines:
        for index in range(len(words) - len(line) + 1):
            if tuple(texts[index : index + len(line)]) == line:
                hit[index : index + len(line)] = [True] * len(line)
    for index, word in enumerate(texts):
        if any(identifier in word for identifier in prompt.identifiers):
            hit[index] = True
    spans = list(hit_spans(text, words, hit))
    if not spans and any(identifier in fold(text) for identifier in prompt.identifiers):
        # An identifier that our words split ("run_marker_7f3a…") or that sits glued to other text: still a leak.
        spans = [(0, len(text))]
    copied = [
        Violation(rule=Rule.PROMPT_LEAK, message=_MESSAGE, span=text[start:end], start=start, end=end) for start, end in spans
    ]
    return sorted(copied + find_paraphrased_leaks(text) + find_restated_rules(text), key=lambda violation: violation.start or 0)


@cache
def paraphrase_catalogue() -> dict[str, dict[str, list[str]]]:
    """Per language: the phrases, and the drafts they must catch and the near-misses they must not."""
    return tomllib.loads((Path(__file__).parent / "prompt_leaks.toml").read_text(encoding="utf-8"))


@cache
def _paraphrase_pattern() -> re.Pattern[str]:
    phrases = {read(phrase).text for language in paraphrase_catalogue().values() for phrase in language["phrases"]}
    alternatives = "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in sorted(phrases, key=len, reverse=True))
    # Whole words: "my instructions" is no part of "my instructionsets", "als ki" none of "als KI-Forscherin".
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def find_paraphrased_leaks(text: str) -> list[Violation]:
    """Phrases by which `text` talks about the model's instructions, in any covered language."""
    if not text:
        return []
    reading = read(text)
    violations = []
    for found in _paraphrase_pattern().finditer(reading.text):
        start, end = reading.original_span(found.start(), found.end())
        violations.append(
            Violation(
                rule=Rule.PROMPT_LEAK,
                message=_PARAPHRASE_MESSAGE.format(phrase=text[start:end]),
                span=text[start:end],
                start=start,
                end=end,
            )
        )
    return violations


# How far after a cue its act may come ("my guidelines say I can't mention"), and never past the sentence's end.
_RULE_TALK_REACH = 80
_SENTENCE_END = re.compile(r"[.!?;:\n]")
_RESTATED_MESSAGE = "Tells the reader what noask's instructions to the model say (“{phrase}”), which no message may reveal."


@cache
def rule_talk_catalogue() -> dict[str, dict[str, list[str]]]:
    """Per language: cues, acts and phrases, with the drafts they must catch and the near-misses they must not."""
    return tomllib.loads((Path(__file__).parent / "rule_talk.toml").read_text(encoding="utf-8"))


@cache
def _rule_talk_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]:
    catalogue = rule_talk_catalogue().values()
    cues = _whole_words({read(cue).text for language in catalogue for cue in language["cues"]})
    acts = _whole_words({read(act).text for language in catalogue for act in language["acts"]})
    acts_before = _whole_words({read(act).text for language in catalogue for act in language["acts_before"]})
    phrases = {read(phrase).text for language in catalogue for phrase in language["phrases"]}
    return cues, acts, acts_before, _whole_words(phrases) if phrases else None


def _whole_words(literals: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(literal).replace(r"\ ", r"\s+") for literal in sorted(literals, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def find_restated_rules(text: str) -> list[Violation]:
    """Sentences in which the writer tells what rules bind them about asking, mentioning or opening (any covered
    language). Each cue looks only a bounded distance around it, so the check is linear in the text."""
    if not text:
        return []
    reading = read(text)
    cues, acts, acts_before, phrases = _rule_talk_patterns()
    spans: list[tuple[int, int]] = []
    for cue in cues.finditer(reading.text):
        after = reading.text[cue.end() : cue.end() + _RULE_TALK_REACH]
        boundary = _SENTENCE_END.search(after)
        act = acts.search(after, 0, boundary.start() if boundary else len(after))
        if act:
            spans.append((cue.start(), cue.end() + act.end()))
            continue
        # "No favours requested here, those are the rules I write under": the act may come first.
        first = max(0, cue.start() - _RULE_TALK_REACH)
        before = reading.text[first : cue.start()]
        sentence_start = max((found.end() for found in _SENTENCE_END.finditer(before)), default=0)
        act = acts_before.search(before, sentence_start)
        if act:
            spans.append((first + act.start(), cue.end()))
    if phrases:
        spans += [(found.start(), found.end()) for found in phrases.finditer(reading.text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))  # two cues before one act: one restatement
        else:
            merged.append((start, end))
    violations = []
    for start, end in merged:
        first, last = reading.original_span(start, end)
        phrase = text[first:last]
        violations.append(
            Violation(rule=Rule.PROMPT_LEAK, message=_RESTATED_MESSAGE.format(phrase=phrase), span=phrase, start=first, end=last)
        )
    return violations
