"""Everything the code under test logs while a suite runs, as the lines that would reach CloudWatch, and more.

Two views are kept, so that a secret cannot hide in either:

- the output of every stream handler already installed (Powertools' JSON lines go there), redirected
  into the capture for the duration;
- a dump of every log record that is emitted (message, arguments, extra fields, exception text), taken
  at the root logger and at loggers that do not propagate to it.

The root logger is opened to INFO meanwhile (Python's default, WARNING, would hide the service's own INFO
lines); every other level stays as the code configured it, which is what a deployed function logs.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class _Buffer(io.TextIOBase):
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._parts.append(text)
        return len(text)

    def text(self) -> str:
        with self._lock:
            return "".join(self._parts)


class _RecordDump(logging.Handler):
    def __init__(self, buffer: _Buffer) -> None:
        super().__init__()
        self._buffer = buffer

    def emit(self, record: logging.LogRecord) -> None:
        extras = {name: value for name, value in vars(record).items() if name not in _STANDARD}
        dump = {
            "logger": record.name,
            "level": record.levelname,
            "message": record.getMessage(),
            "args": record.args,
            "extra": extras,
            "exception": logging.Formatter().formatException(record.exc_info) if record.exc_info else None,
        }
        self._buffer.write(json.dumps(dump, default=repr, ensure_ascii=False) + "\n")


class CapturedLogs:
    def __init__(self) -> None:
        self._buffer = _Buffer()

    @property
    def text(self) -> str:
        return self._buffer.text()

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    def lines_containing(self, needle: str) -> list[str]:
        return [line for line in self.lines if needle in line]


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    capture = CapturedLogs()
    dump = _RecordDump(capture._buffer)
    loggers = [
        logging.getLogger(),
        *(item for item in logging.root.manager.loggerDict.values() if isinstance(item, logging.Logger)),
    ]
    root = logging.getLogger()
    root_level = root.level
    root.setLevel(min(root_level, logging.INFO))
    streams: dict[logging.StreamHandler[io.TextIOBase], object] = {}
    dumped: list[logging.Logger] = []
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler and handler not in streams:
                streams[handler] = handler.setStream(capture._buffer)
        if logger is root or not logger.propagate:
            logger.addHandler(dump)
            dumped.append(logger)
    try:
        yield capture
    finally:
        for logger in dumped:
            logger.removeHandler(dump)
        for handler, stream in streams.items():
            handler.setStream(stream)  # type: ignore[arg-type]
        root.setLevel(root_level)
