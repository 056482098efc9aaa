"""POST /checks: the guardrails on a message the user wrote themselves. No LLM, nothing stored."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from functions.draft_api.errors import documented_errors
from functions.draft_api.identity import caller_id
from shared.api_models import CheckReport, CheckRequest
from shared.models import Rule

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated


@router.post(
    "/checks",
    summary="Check your own message",
    description=(
        "Explains every guardrail the message breaks. Give the bio, pitch and channel to check grounding, pitch and length "
        "too; the names, your interests and your offer are facts the message may use."
    ),
    responses=documented_errors({400: "Malformed JSON", 401: "No user identity", 422: "A field is invalid"}),
)
def check(
    check_request: Annotated[CheckRequest, Body()],
    _caller: Annotated[str, Depends(caller_id)],
) -> CheckReport:
    # Imported here: the guardrails (lexicons, patterns, re2) load when a check is asked for, not at a cold start.
    from shared.guardrails import check_message, check_outcomes, rules_checked

    bio, pitch, channel = check_request.bio or None, check_request.pitch or None, check_request.channel
    sender_interests = check_request.sender_interests or None
    violations = check_message(
        check_request.text,
        channel=channel,
        bio=bio,
        pitch=pitch,
        known_names=check_request.known_names,
        sender_interests=sender_interests,
        offer=check_request.offer or None,
    )
    rules = rules_checked(channel=channel, bio=bio, pitch=pitch, sender_interests=sender_interests)
    return CheckReport(
        passed=not violations,
        ask=any(violation.rule is Rule.ASK for violation in violations),
        violations=violations,
        checks=check_outcomes(violations, rules=rules),
    )
