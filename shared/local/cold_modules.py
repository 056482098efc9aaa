"""The installed modules a cold start and the first requests import: `make build` compiles bytecode for these only.

Lambda's code directory is read-only, so a module without bytecode in the artifact is compiled again on
every cold start that imports it. Compiling every module instead doubles the size of large libraries
(openai ships hundreds of type modules a draft never loads). The project's own modules are compiled
whole by the build; this lists the third-party files, relative to the folder they are installed in.

A cold start loads little (the routes import what they need when first called), so besides importing every
deployed module this runs what first requests run: the imports written inside functions, every request and
response model's validator (built on first use), the OpenAPI document, an API request's validation and the
language model.

Run by the build as `python -m shared.local.cold_modules`, in the development venv, whose pinned
packages match requirements.txt.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path

_PROJECT_PACKAGES = ("shared", "functions")
_NOT_DEPLOYED = ("shared.local", "shared.cli")


def _deployed_modules() -> Iterator[str]:
    for package_name in _PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        yield package_name
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not module.name.startswith(_NOT_DEPLOYED):
                yield module.name


def _imports_inside_functions(module_name: str) -> set[str]:
    """The absolute imports a module makes inside its functions, and the submodules `from x import y` may name."""
    location = getattr(sys.modules[module_name], "__file__", None)
    if not location:
        return set()
    names: set[str] = set()
    for function in ast.walk(ast.parse(Path(location).read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for statement in ast.walk(function):
            if isinstance(statement, ast.Import):
                names.update(alias.name for alias in statement.names)
            elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                names.add(statement.module)
                names.update(f"{statement.module}.{alias.name}" for alias in statement.names)
    return names


def _import_if_module(name: str) -> None:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        if importlib.util.find_spec(name.rpartition(".")[0] or name) is None:
            raise
        # `from package import name` named an attribute, not a submodule.


def _built_models() -> None:
    from pydantic import BaseModel

    def subclasses(base: type[BaseModel]) -> Iterator[type[BaseModel]]:
        for model in base.__subclasses__():
            yield model
            yield from subclasses(model)

    for model in set(subclasses(BaseModel)):
        if model.__module__.startswith(_PROJECT_PACKAGES):
            model.model_rebuild(force=True)


class _BuildContext:
    """The Lambda context fields the handler reads."""

    function_name = log_group_name = log_stream_name = aws_request_id = "build"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:build"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def _run_first_requests() -> None:
    """What a route does on its first call that no import does: models, the OpenAPI document, request validation, the
    language model."""
    from functions.draft_api.app import handler, openapi_json
    from shared.text.language import detect_language

    _built_models()
    openapi_json()
    # A validating route builds Powertools' request validation on its first call (the page and the document have none):
    # a check of an empty message is refused by it, before any dependency is built. The event is written out here, as
    # the local server's event and context builders would bring their own libraries into the list.
    empty_check = {
        "version": "2.0",
        "routeKey": "POST /checks",
        "rawPath": "/checks",
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "http": {"method": "POST", "path": "/checks", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": ""},
            "authorizer": {"jwt": {"claims": {"sub": "build"}, "scopes": None}},
            "requestId": "build",
            "routeKey": "POST /checks",
            "stage": "$default",
        },
        "body": '{"text": ""}',
        "isBase64Encoded": False,
    }
    if handler(empty_check, _BuildContext())["statusCode"] != 422:
        raise RuntimeError("the first API request did not reach request validation")
    detect_language("Weekends are for trail running in the mountains and baking sourdough bread with friends.")


def _import_everything_deployed() -> None:
    deployed = list(_deployed_modules())
    for module_name in deployed:
        importlib.import_module(module_name)
    for module_name in deployed:
        for name in sorted(_imports_inside_functions(module_name)):
            _import_if_module(name)
    _run_first_requests()
    # The model adapter imports openai lazily, and the client loads its resources on first use.
    import openai

    client = openai.OpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1")
    _ = client.chat.completions


def third_party_files() -> list[str]:
    project_root = Path(__file__).resolve().parents[2]
    installed = {Path(entry).resolve() for entry in sys.path if entry and "site-packages" in entry}
    roots = sorted(installed, key=lambda root: -len(str(root)))
    files = set()
    for module in list(sys.modules.values()):
        location = getattr(module, "__file__", None)
        if not location or not location.endswith(".py"):
            continue
        path = Path(location).resolve()
        if path.is_relative_to(project_root) and not any(part.startswith(".venv") for part in path.parts):
            continue
        for root in roots:
            if path.is_relative_to(root):
                files.add(str(path.relative_to(root)))
                break
    return sorted(files)


def main() -> None:
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "noask")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "noask")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    _import_everything_deployed()
    print("\n".join(third_party_files()))


if __name__ == "__main__":
    main()
