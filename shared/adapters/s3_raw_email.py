"""`shared.email.ports.RawEmailStore` over S3: the raw messages SES's receipt rule stores in the email bucket.

boto3 is imported by the caller's client factory, never at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.email.parsing import EmailTooLarge
from shared.email.ports import StoredEmail

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


class S3RawEmailStore:
    def __init__(self, client_factory: Callable[[], S3Client]) -> None:
        self._client_factory = client_factory
        self._client: S3Client | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> S3Client:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._client_factory()
        return self._client

    def fetch(self, bucket: str, key: str, *, max_bytes: int) -> StoredEmail:
        head = self.client.head_object(Bucket=bucket, Key=key)
        if head["ContentLength"] > max_bytes:
            raise EmailTooLarge(f"s3://{bucket}/{key} is {head['ContentLength']} bytes; the limit is {max_bytes}")
        # The same version that was measured, read no further than the limit even if it changed meanwhile.
        stored = self.client.get_object(Bucket=bucket, Key=key, IfMatch=head["ETag"])
        body = stored["Body"]
        try:
            data = body.read(max_bytes + 1)
        finally:
            body.close()
        if len(data) > max_bytes:
            raise EmailTooLarge(f"s3://{bucket}/{key} is larger than {max_bytes} bytes")
        # When SES stored the message: the time of receipt, which no event field or replay can change.
        last_modified = stored.get("LastModified")
        return StoredEmail(raw=data, stored_at=last_modified.timestamp() if last_modified is not None else None)
