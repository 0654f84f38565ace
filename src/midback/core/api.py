"""POST /api/v1/plans/preview: an intake in, a plan out, exactly as `midback plan` prints it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from midback.care.api_errors import ErrorOut, error_response
from midback.care.programs import current_library
from midback.plans.intake import Intake, IntakeError, parse_intake
from midback.plans.planner import plan

router = Router(tags=["tailoring"])


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace local `#/$defs/...` references with the definitions themselves.

    pydantic's references are relative to its own schema; inside the OpenAPI document they would
    point at nothing.
    """
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return dict(resolve(schema))


@router.post(
    "plans/preview",
    response={200: dict[str, Any], 400: ErrorOut, 422: ErrorOut},
    summary="Tailor a plan from an intake (nothing is stored)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(Intake.model_json_schema())}},
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
