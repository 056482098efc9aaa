"""Deterministic guardrails: every draft passes these before anyone sees it.

Contract (other modules rely on exactly these names):

- find_asks(text) -> list[Violation]
    every request of the recipient (rule ASK), with the offending span.
- check_message(body, *, channel=None, bio=None, pitch=None, subject=None,
                bio_evidence=None, known_names=()) -> list[Violation]
    all rules that the given inputs allow: ask always; placeholders always; length when
    channel is known; links/emails not in bio+pitch when either is known; pitch present
    when pitch is known; grounding (evidence quote in bio, no invented hobby/employer/
    school/fact) when bio is known. known_names are the target's and sender's names,
    which may appear without being in the bio.
- check_outcomes(violations, *, rules) -> list[CheckOutcome]
    one plain-English outcome per rule that was checked.
- rules_checked(*, channel, bio, pitch) -> list[Rule]
    which rules check_message applies for those inputs.
"""
