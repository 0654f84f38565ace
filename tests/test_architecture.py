"""The shape of the code: one auth class for the patient API; views never write to the record."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.test import Client

from midback.api import api


def test_every_me_route_answers_401_in_the_api_shape_without_a_device(db: None) -> None:
    schema = api.get_openapi_schema()
    me = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/me/")}
    assert len(me) >= 8  # the patient app's routes and the reminders'
    client = Client()
    for path, operations in me.items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"DeviceCookie": []}], (method, path)
            url = path.replace("{block_id}", "0930").replace("{day}", "2026-01-01")
            url = url.replace("{session_id}", "00000000-0000-0000-0000-000000000000")
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json")
            assert response.status_code == 401, (method, url)
            assert response.json() == {
                "error": "Sign in first",
                "field": None,
                "code": "unauthorized",
            }


# Modules that answer requests. They validate input and call a `do_*` action of `care`; they
# never write to the record themselves.
VIEW_MODULES = [
    "src/midback/clinic/views/",
    "src/midback/clinic/admin.py",
    "src/midback/practice/views.py",
    "src/midback/practice/api.py",
    "src/midback/practice/signup.py",
    "src/midback/reminders/views.py",
    "src/midback/reminders/api.py",
    "src/midback/core/views.py",
    "src/midback/core/api.py",
    "src/midback/core/library_pages.py",
    "src/midback/core/library_api.py",
]
WRITES = re.compile(
    r"\.(save|create|get_or_create|update_or_create|bulk_create|bulk_update|update|delete)\("
)


def _care_model_names() -> set[str]:
    from django.apps import apps

    return {model.__name__ for model in apps.get_app_config("care").get_models()}


def _writes_to_care(path: Path, care_models: set[str]) -> list[str]:
    """Calls like `Patient.objects.create(...)`, `patient.save()` or `invites.update(...)` where
    the receiver is a care model, a variable named after one, or a queryset of one."""
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    lowered = {name.lower() for name in care_models}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not WRITES.fullmatch(f".{node.func.attr}("):
            continue
        receiver = ast.unparse(node.func.value)
        names = set(re.findall(r"[A-Za-z_]+", receiver))
        if names & care_models or {n.lower() for n in names} & lowered:
            found.append(f"{path}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_view_module_writes_to_the_record() -> None:
    root = Path(__file__).resolve().parent.parent
    care_models = _care_model_names()
    assert {"Patient", "ProgramTemplate", "Invite", "AuditEvent"} <= care_models
    files: list[Path] = []
    for entry in VIEW_MODULES:
        path = root / entry
        assert path.exists(), entry
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    found = [hit for path in files for hit in _writes_to_care(path, care_models)]
    assert not found, "views write to care models; call a do_* action instead:\n" + "\n".join(found)


def test_the_record_check_sees_a_write(tmp_path: Path) -> None:
    """The check above is not blind: a view that saves a patient is caught."""
    sample = tmp_path / "sample_view.py"
    sample.write_text(
        "def view(request, patient):\n"
        "    patient.archived_at = None\n"
        "    patient.save()\n"
        "    ProgramTemplate.objects.filter(pk=1).delete()\n"
        "    context.update(a=1)\n"
    )
    hits = _writes_to_care(sample, _care_model_names())
    assert len(hits) == 2, hits
