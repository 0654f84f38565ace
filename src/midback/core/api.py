"""POST /api/v1/plans/preview: an intake in, a plan out, exactly as `midback plan` prints it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from midback.api import ErrorOut, error_response
from midback.clinic.programs import current_library
from midback.plans.intake import Intake, IntakeError, parse_intake
from midback.plans.planner import plan

router = Router(tags=["tailoring"])


@router.post(
    "plans/preview",
    response={200: dict[str, Any], 400: ErrorOut, 422: ErrorOut},
    summary="Tailor a plan from an intake (nothing is stored)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": Intake.model_json_schema()}},
        }
    },
)
def preview_plan(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    if request.content_type != "application/json":
        return error_response(
            request, 400, "Send the intake as JSON (Content-Type: application/json)", "bad_request"
        )
    try:
        intake = parse_intake(request.body)
    except IntakeError as exc:
        return error_response(request, 422, f"{exc.field}: {exc.message}", exc.code, exc.field)
    return plan(intake, current_library()).to_json()
