"""shared/text/patterns.py: RE2 behind the `re` methods guardrails use, with character offsets on any text."""

from __future__ import annotations

import re

import pytest

from shared.text.patterns import PatternError, PatternSet, Subject, compile_pattern


@pytest.mark.parametrize("text", ["would you like a coffee?", "¿Te apetece un café? café", "naïve café, then a ☕ café"])
def test_offsets_are_characters_and_agree_with_re(text: str) -> None:
    source = r"caf[eé]|coffee|\p{L}+\?"
    ours = [match.span() for match in compile_pattern(source).finditer(text)]
    theirs = [match.span() for match in re.finditer(r"caf[eé]|coffee|[^\W\d_]+\?", text)]
    assert ours == theirs
    subject = Subject(text)
    for start, end in ours:
        found = compile_pattern(source).search(subject, start)
        assert found is not None
        assert found.span() == (start, end)
        assert found.group() == text[start:end]


@pytest.mark.parametrize("text", ["would you like a coffee? no, tea", "¿Un café? ¿O té? café", "a ☕ café, then tea"])
def test_spans_without_match_objects_agree_with_the_match_objects(text: str) -> None:
    pattern = compile_pattern(r"(caf[eé]|coffee|tea)(\?)?")
    subject = Subject(text)
    expected = [[match.span(), match.span(1), match.span(2)] for match in pattern.finditer(text)]
    assert [list(spans) for spans in pattern.iter_spans(subject)] == expected
    first = pattern.search(subject, 3)
    assert first is not None
    assert pattern.search_spans(subject, 3) == [first.span(), first.span(1), first.span(2)]
    assert pattern.search_spans(subject, len(text)) is None


def test_named_groups_and_groups_that_did_not_take_part() -> None:
    found = compile_pattern(r"(?P<greeting>hi|hello)(?P<name> \p{L}+)?").search("oh, hello")
    assert found is not None
    assert found.group("greeting") == "hello"
    assert found.span("name") == (-1, -1)
    assert found.group("name") is None


def test_anchored_forms_and_substitution() -> None:
    pattern = compile_pattern(r"ab+")
    assert pattern.match("abbbc") is not None
    assert pattern.match("cab") is None
    assert pattern.fullmatch("abb") is not None
    assert pattern.fullmatch("abbc") is None
    assert pattern.sub("X", "ab café abb") == "X café X"


def test_look_around_and_backreferences_are_refused_with_a_reason() -> None:
    for source in (r"(?<!my )hiring", r"call(?= me)", r"(a)\1"):
        with pytest.raises(PatternError, match="RE2 cannot compile"):
            compile_pattern(source)


def test_a_set_reports_which_patterns_occur() -> None:
    patterns = PatternSet([r"coffee", r"caf[eé]", r"\bcall\b"])
    assert patterns.matching("un café?") == [1]
    assert patterns.matching("coffee or a call") == [0, 2]
    assert patterns.matching("recall") == []
