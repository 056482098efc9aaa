"""GET/PUT /profile and /profile/addresses: the defaults of the email path, and the addresses it drafts from.

An address is drafted from only once verified: it is the caller's own sign-in email that Cognito
verified, or the caller entered the code noask mailed to it. Claiming one locks nobody out, and the
answer to a claim never tells whether another account uses the address (only its mailbox learns that).
"""

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Annotated
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Depends, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from functions import dependencies
from functions.draft_api.errors import ApiError, documented_errors
from functions.draft_api.identity import caller_id, verified_email
from shared.api_models import MAX_EMAIL_CHARS, AddressRequest, AddressView, ProfileRequest, ProfileView, VerifyRequest
from shared.history import HistoryStore, Profile
from shared.usecases.sender_addresses import AddressProblem, SenderAddress, SenderAddresses

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

Store = Annotated[HistoryStore, Depends(dependencies.history)]
Addresses = Annotated[SenderAddresses, Depends(dependencies.sender_addresses)]
AddressInPath = Annotated[str, Path(alias="address", max_length=3 * MAX_EMAIL_CHARS)]

# How each refusal of the use case reads over HTTP.
_PROBLEM_STATUS = {
    "taken": HTTPStatus.CONFLICT,
    "rate_limited": HTTPStatus.TOO_MANY_REQUESTS,
    "too_many_addresses": HTTPStatus.CONFLICT,
    "no_claim": HTTPStatus.NOT_FOUND,
    "expired": HTTPStatus.GONE,
    "wrong_code": HTTPStatus.UNPROCESSABLE_ENTITY,
    "too_many_attempts": HTTPStatus.TOO_MANY_REQUESTS,
}
_ADDRESS_ERRORS = {401: "No user identity", 422: "A field is invalid"}
# A claim answers "taken" only to a caller whose verified sign-in email the address is: anyone else gets a pending claim.
_CLAIM_ERRORS = {
    **_ADDRESS_ERRORS,
    400: "Malformed JSON",
    409: "Too many addresses, or your verified sign-in email is used by another account",
    429: "Too many codes sent lately",
}


@router.get("/profile", summary="Your email-path profile", responses=documented_errors({401: "No user identity"}))
def get_profile(user_id: Annotated[str, Depends(caller_id)], store: Store, addresses: Addresses) -> ProfileView:
    return _view(store.get_profile(user_id) or Profile(user_id=user_id), addresses.addresses(user_id))


@router.put(
    "/profile",
    summary="Save your defaults for drafts from forwarded email",
    description="Pitch, name, interests and offer used when a forwarded email's note does not give them. "
    "An email given here is claimed as POST /profile/addresses does: it is drafted from only once verified.",
    responses=documented_errors(_CLAIM_ERRORS),
)
def put_profile(
    profile_request: Annotated[ProfileRequest, Body()],
    user_id: Annotated[str, Depends(caller_id)],
    signed_in_as: Annotated[str | None, Depends(verified_email)],
    store: Store,
    addresses: Addresses,
) -> ProfileView:
    profile = Profile(user_id=user_id, **profile_request.model_dump(exclude={"email"}))
    store.put_profile(profile)
    if profile_request.email is not None:
        _claim(addresses, user_id, profile_request.email, signed_in_as)
    return _view(profile, addresses.addresses(user_id))


@router.post(
    "/profile/addresses",
    summary="Add an address to send from",
    description="Your verified sign-in email is verified at once; any other address gets a six-digit code by email, "
    "valid for 15 minutes: confirm it with POST /profile/addresses/{address}/verify. An address another account "
    "uses is answered the same way, and its mailbox is told instead how to move it.",
    responses={
        201: {"description": "The address and its state", "content": {content_types.APPLICATION_JSON: {"model": AddressView}}},
        **documented_errors(_CLAIM_ERRORS),
    },
)
def add_address(
    address_request: Annotated[AddressRequest, Body()],
    user_id: Annotated[str, Depends(caller_id)],
    signed_in_as: Annotated[str | None, Depends(verified_email)],
    addresses: Addresses,
) -> Response[AddressView]:
    claim = _claim(addresses, user_id, address_request.email, signed_in_as)
    return Response(status_code=HTTPStatus.CREATED, content_type=content_types.APPLICATION_JSON, body=_address_view(claim))


@router.post(
    "/profile/addresses/<address>/verify",
    summary="Confirm an address with the code mailed to it",
    responses=documented_errors(
        {
            404: "No code is waiting for this address",
            # Only with the code mailed to the address, that is to whoever reads its mail.
            409: "Another account verified this address first",
            410: "The code expired",
            429: "Too many wrong codes",
            **_ADDRESS_ERRORS,
        }
    ),
)
def verify_address(
    address: AddressInPath,
    verify_request: Annotated[VerifyRequest, Body()],
    user_id: Annotated[str, Depends(caller_id)],
    addresses: Addresses,
) -> AddressView:
    try:
        return _address_view(addresses.verify(user_id, unquote(address), verify_request.code))
    except AddressProblem as problem:
        raise _api_error(problem, field="code") from problem


@router.delete(
    "/profile/addresses/<address>",
    summary="Stop sending from an address",
    description="Mail from it is no longer drafted for you, and anyone may claim it again.",
    responses={204: {"description": "Removed"}, **documented_errors({401: "No user identity", 404: "No such address"})},
)
def remove_address(address: AddressInPath, user_id: Annotated[str, Depends(caller_id)], addresses: Addresses) -> Response[None]:
    if not addresses.release(user_id, unquote(address)):
        raise ApiError(HTTPStatus.NOT_FOUND, "not_found", "You have not added this address.")
    return Response(status_code=HTTPStatus.NO_CONTENT)


def _claim(addresses: SenderAddresses, user_id: str, email: str, signed_in_as: str | None) -> SenderAddress:
    try:
        return addresses.claim(user_id, email, signed_in_as=signed_in_as)
    except AddressProblem as problem:
        raise _api_error(problem, field="email") from problem


def _api_error(problem: AddressProblem, *, field: str) -> ApiError:
    headers = {"Retry-After": str(problem.retry_after)} if problem.retry_after else None
    return ApiError(_PROBLEM_STATUS[problem.kind], problem.kind, problem.message, field=field, headers=headers)


def _address_view(claim: SenderAddress) -> AddressView:
    expires = None
    if claim.state == "pending" and claim.code_expires_at is not None:
        expires = datetime.fromtimestamp(claim.code_expires_at, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return AddressView(email=claim.address, state=claim.state, verified_by=claim.verified_by, code_expires_at=expires)


def _view(profile: Profile, claims: list[SenderAddress]) -> ProfileView:
    return ProfileView(
        pitch=profile.pitch,
        sender_name=profile.sender_name,
        sender_interests=profile.sender_interests,
        offer=profile.offer,
        addresses=[_address_view(claim) for claim in claims],
    )
