"""Reading emoji needs only the emoji package's English names and aliases.

The artifact drops the package's names in other languages (emoji/unicode_codes/emoji_*.json, about 1 MB
zipped; see the Makefile's build target): they load only when a language is asked for, and nothing here asks.
"""

import emoji
import emoji.unicode_codes
import pytest

from shared.guardrails import check_message
from shared.text import emoji_scan, reading


def test_reading_every_emoji_loads_no_other_language(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    monkeypatch.setattr(emoji.unicode_codes, "load_from_json", loaded.append)
    reading._emoji_words.cache_clear()
    every_emoji = " ".join(emoji.EMOJI_DATA)
    read = reading.read(every_emoji)
    assert "coffee" in read.text  # the English aliases and names were read
    assert emoji_scan.emoji_matches(every_emoji)
    check_message(f"Fellow climber here 🧗 — loved your post ☕. {every_emoji[:2000]}")
    assert loaded == []


def test_asking_for_another_language_is_what_would_load_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # The guard above can fail: reading a language's name goes through the patched loader.
    loaded: list[str] = []
    monkeypatch.setattr(emoji.unicode_codes, "load_from_json", loaded.append)
    monkeypatch.setattr(emoji.unicode_codes, "_loaded_keys", set(emoji.unicode_codes._loaded_keys) - {"es"})
    monkeypatch.delitem(emoji.EMOJI_DATA["☕"], "es", raising=False)
    with pytest.raises(KeyError):
        emoji.EMOJI_DATA["☕"]["es"]
    assert loaded == ["es"]
