"""Email parse time and peak memory for a 1 MB and a 30 MB forwarded message.

The messages are generated: a Gmail-style forward with an HTML alternative and an attachment that
brings the raw message to the size. Time is the median of a few parses (without tracing); peak
memory is measured in a separate parse under tracemalloc, which slows Python down.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from email import message_from_bytes, policy

from shared.email.parsing import parse_email
from tests.bench.figures import Figure, median
from tests.resilience.mail import as_bytes, forward, with_attachment

MB = 1024 * 1024
SIZES_MB = (1, 30)
RUNS = 3


def message_of_size(total_bytes: int) -> bytes:
    """A forward of about `total_bytes`: the attachment fills the room left (base64 makes it 4/3 of its size)."""
    message = forward("alex.kim@fabrikam.example")
    message.add_alternative("<div dir='ltr'>" + message.get_content().replace("\n", "<br>") + "</div>", subtype="html")
    room = total_bytes - len(as_bytes(message))
    return as_bytes(with_attachment(message, room * 3 // 4)) if room > 1024 else as_bytes(message)


def _seconds(parse: Callable[[bytes], object], raw: bytes) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        parse(raw)
        times.append(time.perf_counter() - started)
    return median(times)


def _peak_bytes(raw: bytes) -> int:
    tracemalloc.start()
    try:
        parse_email(raw)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def email_parsing() -> list[Figure]:
    figures = []
    for size in SIZES_MB:
        raw = message_of_size(size * MB)
        actual_mb = len(raw) / MB
        ours = _seconds(parse_email, raw)
        stdlib = _seconds(lambda data: message_from_bytes(data, policy=policy.default).get_body(), raw)
        figures.append(
            Figure(
                f"Email parse time, {size} MB message",
                ours * 1000,
                "ms",
                baseline_name="stdlib parse alone",
                baseline=stdlib * 1000,
                note=f"{actual_mb:.1f} MB forward with an attachment; median of {RUNS}",
            )
        )
        figures.append(
            Figure(
                f"Email parse peak memory, {size} MB message",
                _peak_bytes(raw) / MB,
                "MB",
                baseline_name="message size",
                baseline=actual_mb,
                note="tracemalloc peak of parse_email (Python allocations)",
            )
        )
    return figures
