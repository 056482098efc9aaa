"""Hostile 8,000-character texts built from the obfuscation red team's shapes, timed against ordinary prose.

Run by hand (nothing here is a test; timings on a shared machine are noisy, so only ratios measured interleaved
in one run mean anything):

    PYTHONPATH=$PWD .venv/bin/python -m tests.redteam.obfuscation_timing [--url http://127.0.0.1:PORT] [--rounds N]

In process, each shape goes through `check_message` (message = bio, as tests/bench does) and an offline draft
with the shape as the bio; with --url, also through POST /checks and POST /drafts of a running `noask serve`.
Every call gets a text it has not seen (a distinct prefix), so no cache makes a repeat look free.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from tests.bench.drafting import HOSTILE_LENGTH, TYPICAL_PITCH, _distinct, _fill, _service, _timed, ordinary_prose

_ZALGO_MARKS = "".join(chr(code) for code in range(0x0300, 0x0340))


def _zalgo(text: str, depth: int) -> str:
    return "".join(char + (_ZALGO_MARKS[:depth] if char.isalpha() else "") for char in text)


def obfuscation_shapes() -> dict[str, str]:
    """Each HOSTILE_LENGTH characters long: the red team's disguises, repeated or pushed to their extreme."""
    sentence = "Would you be up for a quick phone call on Thursday? "
    return {
        "mathematical bold prose": _fill("".join(chr(0x1D41A + ord(c) - 97) if c.islower() else c for c in sentence)),
        "fullwidth prose": _fill("".join(chr(0xFF41 + ord(c) - 97) if c.islower() else c for c in sentence)),
        "Cyrillic look-alikes in every word": _fill("Соuld wе sеt uр а vіdео саll? "),
        "Cherokee small letters": _fill("ꮯꭺꮮꮮ ꮇꭼ ꮪꮻꮻꮑ "),
        "small capitals": _fill("ᴄᴏᴜʟᴅ ᴡᴇ sᴇᴛ ᴜᴘ ᴀ ᴠɪᴅᴇᴏ ᴄᴀʟʟ? "),
        "negative squared letters (some emoji)": _fill("🅲🅰🅻🅻 🅼🅴 🅾🅽 🅵🆁🅸🅳🅰🆈 "),
        "parenthesised letters": _fill("⒞⒜⒧⒧ ⒨⒠ "),
        "Zalgo, 3 marks a letter": _fill(_zalgo(sentence, 3)),
        "Zalgo, one letter under 7,999 marks": "c" + _fill(_ZALGO_MARKS, HOSTILE_LENGTH - 1),
        "letters glued by emoji": _fill("c✨a✨l✨l "),
        "single letters between emoji, no spaces": _fill("a🔹"),
        "letters on lines of their own": _fill("c\na\nl\nl\n"),
        "mixed separators": _fill("c.a-l_l "),
        "right-to-left overrides": _fill("\u202e?llac a rof pu uoy erA\u202c "),
        "tag characters": _fill("".join(chr(0xE0000 + ord(c)) for c in "send me a referral ")),
        "default-ignorable code points between letters": _fill("a\u2065b\u17b4"),
        "zero-width spaces between letters (for comparison)": _fill("a\u200bb\u200b"),
        "ASCII phone numbers (for comparison)": _fill("+1 415 555 0199 "),
        "Persian digits as phone numbers": _fill("۴۱۵ ۵۵۵ ۰۱۹۹ "),
        "Arabic-Indic and fullwidth digits mixed": _fill("+1 ٤١٥ ５５５ ٠١٩٩ "),
        "leetspeak": _fill("c0ff33 r3f3rr4l h1r1ng "),
        "five-word Dutch sentences": _fill("Zullen we volgende week bellen? "),
        "English with Greek names": _fill("I met Γιάννης Αντετοκούνμπο at the airport. "),
        "rule-talk cues, no act": _fill("my guidelines "),
        "rule-talk cue and act far apart": _fill("I was told to " + "x" * 90 + " ask. "),
    }


def _post(url: str, path: str, payload: dict[str, object]) -> float:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    request = urllib.request.Request(url.rstrip("/") + path, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status >= 300:
        STATUSES.setdefault(path, set()).add(status)
    return time.perf_counter() - started


# Answers other than 2xx by path: a shape the API refuses (413, 422) is timed too, but says so.
STATUSES: dict[str, set[int]] = {}


def measure(rounds: int, url: str | None) -> dict[str, dict[str, float]]:
    """Per shape and path: the median time over prose's median, all measured interleaved."""
    from shared.guardrails import check_message
    from shared.models import Channel, DraftRequest

    service = _service()
    paths: dict[str, Callable[[str], object]] = {
        "check": lambda text: check_message(text, channel=Channel.LINKEDIN_MESSAGE, bio=text, pitch=TYPICAL_PITCH),
        "draft": lambda text: service.draft(DraftRequest(target_bio=text, pitch=TYPICAL_PITCH), deadline=time.monotonic() + 30),
    }
    if url:
        paths["POST /checks"] = lambda text: _post(url, "/checks", {"text": text, "pitch": TYPICAL_PITCH})
        paths["POST /drafts"] = lambda text: _post(url, "/drafts", {"target_bio": text, "pitch": TYPICAL_PITCH})
    shapes = {"ordinary prose": ordinary_prose(), **obfuscation_shapes()}
    for call in paths.values():
        call("Warm-up: a teacher who hikes.")
    timings: dict[tuple[str, str], list[float]] = {}
    for round_number in range(rounds):
        for name, text in shapes.items():
            distinct = _distinct(text, round_number)
            for path, call in paths.items():
                timings.setdefault((path, name), []).append(_timed(call, distinct))
    ratios: dict[str, dict[str, float]] = {}
    for path in paths:
        floor = statistics.median(timings[(path, "ordinary prose")])
        ratios[path] = {name: statistics.median(timings[(path, name)]) / floor for name in shapes}
        ratios[path]["ordinary prose (ms)"] = floor * 1000
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running noask serve, e.g. http://127.0.0.1:3000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ratios = measure(args.rounds, args.url)
    paths = list(ratios)
    print("shape".ljust(48) + "".join(path.rjust(15) for path in paths))
    for name in next(iter(ratios.values())):
        print(name.ljust(48) + "".join(f"{ratios[path][name]:15.2f}" for path in paths))
    if STATUSES:
        print(f"answers other than 2xx: {STATUSES}")


if __name__ == "__main__":
    main()
