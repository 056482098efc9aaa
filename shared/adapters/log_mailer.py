"""`shared.email.ports.Mailer` for local runs (`noask serve`, `noask invoke`, `sam local`): the message is written
to a text stream (stderr) instead of being sent, so a developer reads the verification code there and
nothing ever reaches a real mail service."""

from __future__ import annotations

from email.message import EmailMessage
from typing import TextIO


class LogMailer:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._sent = 0

    def send(self, message: EmailMessage) -> str:
        self._sent += 1
        body = message.get_body(("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        headers = f"To: {message['To']}\nSubject: {message['Subject']}"
        self._stream.write(f"--- noask (local): not sent, written here instead ---\n{headers}\n\n{text}\n")
        self._stream.flush()
        return f"local-{self._sent}"
