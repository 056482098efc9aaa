"""Offline composer: a deterministic, network-free no-ask draft from the bio and pitch.

Contract:

- compose_offline(request: DraftRequest) -> OfflineDraft
    OfflineDraft is a frozen dataclass with body: str, subject: str | None (email only),
    shared_interest: SharedInterest. The draft passes every guardrail in
    shared.guardrails.check_message for that request.
"""
