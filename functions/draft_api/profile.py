"""GET /profile, PUT /profile: the address a user forwards email from, and their default pitch."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from functions.draft_api.errors import ApiError, documented_errors
from functions.draft_api.identity import caller_id
from shared import composition
from shared.api_models import ProfileRequest, ProfileView
from shared.history import Profile

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated


@router.get(
    "/profile",
    summary="Your email-path profile",
    responses=documented_errors({401: "No user identity", 404: "No profile yet"}),
)
def get_profile(user_id: Annotated[str, Depends(caller_id)]) -> ProfileView:
    profile = composition.history_store().get_profile(user_id)
    if profile is None:
        raise ApiError(HTTPStatus.NOT_FOUND, "not_found", "You have not registered a sending address yet: PUT /profile.")
    return ProfileView(email=profile.email, pitch=profile.pitch, sender_name=profile.sender_name)


@router.put(
    "/profile",
    summary="Register the address you forward from and your default pitch",
    responses=documented_errors(
        {
            400: "Malformed JSON",
            401: "No user identity",
            409: "Another user registered this address",
            422: "A field is invalid",
        }
    ),
)
def put_profile(profile_request: Annotated[ProfileRequest, Body()], user_id: Annotated[str, Depends(caller_id)]) -> ProfileView:
    try:
        # The store claims the address and saves the profile in one transaction: a taken address is refused there.
        composition.history_store().put_profile(Profile(user_id=user_id, **profile_request.model_dump()))
    except ValueError as error:
        raise ApiError(
            HTTPStatus.CONFLICT, "email_taken", "Another account already registered this address.", field="email"
        ) from error
    return ProfileView(**profile_request.model_dump())
