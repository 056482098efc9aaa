"""Where the emoji of a text are: what `emoji.emoji_list` finds, in time linear in the text.

The `emoji` package's tokenizer keeps the zero-width joiners it skips (those that join emoji into a sequence
Unicode does not name, like "😀‍🎉") in a list, and looks every character up in that list: 8,000 characters of
such sequences took seconds. This is the same walk over the package's own search tree and data, step for step,
with the skipped joiners in a set and nothing built but the spans. tests/unit/test_text_emoji_scan.py compares the
two on random mixtures of emoji, joiners, modifiers, selectors and letters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_ZWJ = "\u200d"
_SELECTORS = "\ufe0e\ufe0f"


@cache
def _tables() -> tuple[dict[str, Any], dict[str, Any], int]:
    import emoji  # a large table: loaded only for text that may hold emoji
    from emoji.tokenizer import get_search_tree

    return get_search_tree(), emoji.EMOJI_DATA, emoji.unicode_codes.STATUS["component"]


def emoji_matches(text: str) -> dict[int, int]:
    """Start -> end of each emoji `emoji.emoji_list(text)` reports."""
    tree, data, component = _tables()
    found: dict[int, int] = {}
    if tree.keys().isdisjoint(text):
        return found  # no character that starts an emoji
    # Tokens not final yet (a joiner may still take the last one or two back): (start, end, is it an emoji).
    pending: list[tuple[int, int, bool]] = []
    skipped: set[int] = set()
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if index in skipped:
            index += 1
            continue
        consumed = False
        if char in tree:
            end = index + 1
            node = tree[char]
            while end < length and text[end] in node and end not in skipped:
                node = node[text[end]]
                end += 1
            if "data" in node:
                pending.append((index, end, True))
                index, consumed = end - 1, True
        elif char == _ZWJ and pending and text[pending[-1][0] : pending[-1][1]] in data and index > 0 and text[index - 1] in tree:
            # A joiner after an emoji, in no sequence the data knows: skip it and read what it joined again.
            skipped.add(index)
            start, end, _ = pending[-1]
            if data[text[start:end]]["status"] == component:
                index -= sum(token_end - token_start for token_start, token_end, _ in pending[-2:])
                if text[index] == _ZWJ:
                    index += 1
                    del pending[-1]
                else:
                    del pending[-2:]
            else:
                index -= end - start
                del pending[-1]
            continue
        elif pending:
            _keep_emoji(pending, found)
            pending = []
        if not consumed and char not in _SELECTORS:
            pending.append((index, index + 1, False))
        index += 1
    _keep_emoji(pending, found)
    return found


def _keep_emoji(tokens: list[tuple[int, int, bool]], found: dict[int, int]) -> None:
    for start, end, is_emoji in tokens:
        if is_emoji:
            found[start] = end
