"""One drafting scenario the LLM-path tests share: a bio, a pitch, and a clean model answer for them."""

from __future__ import annotations

from shared.models import DraftRequest

BIO = (
    "Staff engineer at a logistics startup. Outside work I'm out bouldering most weekends, "
    "and I volunteer at a Saturday code club for kids."
)
PITCH = "I'm a backend developer who builds routing services in Go, and I'm moving into platform engineering."
CLEAN_BODY = (
    "Hi Dana, bouldering most weekends sounds like a great reset, and the Saturday code club for kids is a lovely "
    "thing to give time to. I'm a backend developer who builds routing services in Go, and I'm moving into platform "
    "engineering. Happy to share my notes on routing services if they're ever useful. Sam"
)
CLEAN = {"subject": None, "body": CLEAN_BODY, "shared_interest_topic": "bouldering", "bio_evidence": "bouldering most weekends"}


def draft_request(**changes: object) -> DraftRequest:
    fields: dict[str, object] = {"target_bio": BIO, "pitch": PITCH, "target_name": "Dana", "sender_name": "Sam", **changes}
    return DraftRequest.model_validate(fields)
