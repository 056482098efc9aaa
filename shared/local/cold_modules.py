"""The installed modules a cold start and a draft import: `make build` compiles bytecode for these only.

Lambda's code directory is read-only, so a module without bytecode in the artifact is compiled again on
every cold start that imports it. Compiling every module instead doubles the size of large libraries
(openai ships hundreds of type modules a draft never loads). The project's own modules are compiled
whole by the build; this lists the third-party files, relative to the folder they are installed in.

Run by the build as `python -m shared.local.cold_modules`, in the development venv, whose pinned
packages match requirements.txt.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path

_PROJECT_PACKAGES = ("shared", "functions")
_NOT_DEPLOYED = ("shared.local", "shared.cli")


def _import_everything_deployed() -> None:
    for package_name in _PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not module.name.startswith(_NOT_DEPLOYED):
                importlib.import_module(module.name)
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
