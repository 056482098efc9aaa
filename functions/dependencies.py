"""Dependency providers for both functions: the only place handlers reach the composition root.

Routes declare what they need as `Annotated[X, Depends(provider)]`; tests replace a provider with
`app.dependency_overrides[provider] = lambda: fake` (the API's resolver, or the email function's
`app`), so route tests run on in-memory fakes or DynamoDB Local without environment variables.
Providers that only assemble (the use cases) depend on the others, so overriding the history store
alone puts every use case on it.

Powertools resolves these annotations at run time (a name it cannot resolve silently drops the
dependency), so the types named here are imported for real: protocols and small modules only, never
the drafting service, its guardrails or an SDK. It resolves them on every request, so this module and
the route modules keep real annotations (no `from __future__ import annotations`): string annotations
would be compiled again for each request (0.3 ms of a POST /drafts).
"""

from collections.abc import Callable
from typing import Annotated, Any, Protocol

from aws_lambda_powertools.event_handler import Depends

from shared import composition
from shared.email.ports import Mailer, RawEmailStore
from shared.history import HistoryStore
from shared.usecases.create_draft import CreateDraft, Drafter
from shared.usecases.sender_addresses import AddressStore, SenderAddresses


class Store(HistoryStore, AddressStore, Protocol):
    """The one table's store: drafts, quotas, profiles and sending addresses."""


def settings() -> composition.Settings:
    return composition.settings()


def history() -> Store:
    """Drafts, quotas, profiles and sending addresses (any object with the same methods will do in tests)."""
    return composition.history_store()


def drafter() -> Drafter:
    return composition.drafting_service()


def mailer() -> Mailer:
    return composition.mailer()


def code_mailer() -> Mailer:
    """Where verification codes go: SES when deployed, stderr when run locally."""
    return composition.code_mailer()


def raw_emails() -> RawEmailStore:
    return composition.raw_email_store()


def idempotency_store() -> Callable[[], Any]:
    """A factory of the BasePersistenceLayer, called only for requests that carry an Idempotency-Key (it brings
    boto3 in); typed loosely because importing that class here would load the idempotency utility."""
    return composition.idempotency_store


def create_draft(
    store: Annotated[Store, Depends(history)],
    draft_writer: Annotated[Drafter, Depends(drafter)],
    config: Annotated[composition.Settings, Depends(settings)],
) -> CreateDraft:
    return CreateDraft(draft_writer, store, daily_quota=config.daily_draft_quota)


def sender_addresses(
    store: Annotated[Store, Depends(history)],
    codes: Annotated[Mailer, Depends(code_mailer)],
    config: Annotated[composition.Settings, Depends(settings)],
) -> SenderAddresses:
    return SenderAddresses(store, codes, from_address=config.drafting_address, pepper=composition.code_pepper)
