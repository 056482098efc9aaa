"""What the contract tests read from template.yaml: functions, their handlers and their declared environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shared.local.dynamodb import TEMPLATE_PATH, load_template

REPO = TEMPLATE_PATH.parent


@cache
def template() -> dict[str, Any]:
    return load_template(TEMPLATE_PATH)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    module: str  # dotted, relative to code_dir, as Lambda imports it from /var/task
    attribute: str
    environment: frozenset[str]

    @property
    def module_file(self) -> Path:
        return self.code_dir.joinpath(*self.module.split(".")).with_suffix(".py")

    @property
    def handler_package_dir(self) -> Path:
        """The handler's own folder, e.g. functions/draft_api."""
        return self.module_file.parent


def functions() -> list[FunctionSpec]:
    globals_function = template().get("Globals", {}).get("Function", {})
    global_variables = globals_function.get("Environment", {}).get("Variables", {})
    specs = []
    for logical_id, resource in template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        code_uri = properties.get("CodeUri", globals_function.get("CodeUri"))
        handler_path, attribute = properties["Handler"].rsplit(".", 1)
        variables = {**global_variables, **properties.get("Environment", {}).get("Variables", {})}
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                code_dir=(REPO / code_uri).resolve(),
                module=handler_path.replace("/", "."),
                attribute=attribute,
                environment=frozenset(variables),
            )
        )
    return specs


def local_environment(spec: FunctionSpec, overrides: dict[str, str]) -> dict[str, str]:
    """The function's declared variables with plain values: parameter defaults for Refs, "" for the rest."""
    parameters = template().get("Parameters", {})
    globals_variables = template().get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    resource_variables = template()["Resources"][spec.logical_id]["Properties"].get("Environment", {}).get("Variables", {})
    environment = {}
    for name, value in {**globals_variables, **resource_variables}.items():
        if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in parameters:
            value = parameters[value["Ref"]].get("Default", "")
        environment[name] = str(value) if not isinstance(value, dict) else ""
    return {**environment, **overrides}
