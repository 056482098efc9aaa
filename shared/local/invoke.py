"""`noask invoke`: run a function from template.yaml the way `sam local invoke` does, without a container.

What is read from the template, as SAM reads it: the handler path, CodeUri, Timeout, MemorySize and
the Environment variables (Globals merged with the function's own; `!Ref` to a parameter resolves to
its default, to a resource to its logical id, as SAM does). Values then come, highest first, from
`--env-vars` (SAM's format: {"Parameters": {...}, "<LogicalId>": {...}}), then the shell, then the
template; only declared variables are set, plus the AWS_* ones SAM sets. The function runs in a child
process with exactly that environment, so it sees nothing the container would not. Its logs go to
stderr and its result to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from shared.local.dynamodb import LOCAL_TABLE_NAMES, TEMPLATE_PATH, DynamoDBLocal, create_tables_from_template, load_template

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
# SAM's defaults for a function that sets neither, and its placeholders when no credentials are in the shell.
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_MB = 128
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"
_DEFAULT_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "defaultkey", "AWS_SECRET_ACCESS_KEY": "defaultsecret"}
# Seconds the child gets beyond the function's timeout to start Python and report back.
_STARTUP_GRACE_SECONDS = 10
_STDERR_FD = 2  # the descriptor itself: sys.stderr may be a Python-level stand-in without one
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class InvokeError(Exception):
    """The function could not be found, started or run: reported in one line, no traceback."""


@dataclass(frozen=True)
class FunctionSpec:
    """One function as the template declares it."""

    logical_id: str
    handler: str
    code_dir: Path
    timeout_seconds: int
    memory_mb: int
    variables: dict[str, str]

    @property
    def module_and_attribute(self) -> tuple[str, str]:
        """Split as the Lambda runtime splits it: functions/draft_api/app.handler -> (functions.draft_api.app, handler)."""
        module_path, _, attribute = self.handler.rpartition(".")
        if not module_path or not attribute:
            raise InvokeError(f"{self.logical_id}: handler {self.handler!r} is not of the form module.function")
        return module_path.replace("/", "."), attribute


class LambdaContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    def __init__(self, function_name: str, memory_mb: int, timeout_seconds: float, *, request_id: str | None = None) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{function_name}"
        self.aws_request_id = request_id or str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "$LATEST"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def function_spec(logical_id: str, template_path: Path = TEMPLATE_PATH) -> FunctionSpec:
    template = load_template(template_path)
    resources = template.get("Resources", {})
    resource = resources.get(logical_id)
    if resource is None or resource.get("Type") not in FUNCTION_TYPES:
        functions = sorted(name for name, found in resources.items() if found.get("Type") in FUNCTION_TYPES)
        raise InvokeError(f"{template_path.name} has no function {logical_id!r}; it has: {', '.join(functions)}")
    globals_ = template.get("Globals", {}).get("Function", {})
    properties = {**globals_, **resource.get("Properties", {})}
    declared = {
        **(globals_.get("Environment", {}).get("Variables") or {}),
        **(resource.get("Properties", {}).get("Environment", {}).get("Variables") or {}),
    }
    resolve = _Resolver(template)
    handler = properties.get("Handler")
    if not isinstance(handler, str):
        raise InvokeError(f"{logical_id} has no Handler")
    return FunctionSpec(
        logical_id=logical_id,
        handler=handler,
        code_dir=(template_path.parent / str(properties.get("CodeUri", "."))).resolve(),
        timeout_seconds=int(resolve(properties.get("Timeout", DEFAULT_TIMEOUT_SECONDS)) or DEFAULT_TIMEOUT_SECONDS),
        memory_mb=int(resolve(properties.get("MemorySize", DEFAULT_MEMORY_MB)) or DEFAULT_MEMORY_MB),
        variables={name: resolve(value) for name, value in declared.items()},
    )


def function_environment(
    spec: FunctionSpec, *, host_environment: Mapping[str, str], overrides: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """The environment SAM would give the function: AWS_* variables, then each declared variable from
    the env-vars file, else the shell, else the template. Undeclared names in the file are ignored."""
    file_values: dict[str, Any] = {}
    if overrides:
        for section in overrides.values():
            if not isinstance(section, dict):
                raise InvokeError("--env-vars: every top-level value must be an object of variables")
        file_values.update(overrides.get("Parameters", {}))
        file_values.update(overrides.get(spec.logical_id, {}))
    region = host_environment.get("AWS_REGION") or host_environment.get("AWS_DEFAULT_REGION") or LOCAL_REGION
    environment = {
        "AWS_SAM_LOCAL": "true",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(spec.timeout_seconds),
        "AWS_LAMBDA_FUNCTION_HANDLER": spec.handler,
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"aws/lambda/{spec.logical_id}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "$LATEST",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCOUNT_ID": LOCAL_ACCOUNT_ID,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        **{name: host_environment.get(name) or default for name, default in _DEFAULT_CREDENTIALS.items()},
    }
    if host_environment.get("AWS_SESSION_TOKEN"):
        environment["AWS_SESSION_TOKEN"] = host_environment["AWS_SESSION_TOKEN"]
    for name, template_value in spec.variables.items():
        value: Any = template_value
        if name in host_environment:
            value = host_environment[name]
        if name in file_values:
            value = file_values[name]
        environment[name] = _stringify(value)
    return environment


def runtime_environment(spec: FunctionSpec, environment: Mapping[str, str]) -> dict[str, str]:
    """The function's environment plus what the Lambda runtime itself sets in the container."""
    return {
        **environment,
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "PYTHONPATH": str(spec.code_dir),
        "_HANDLER": spec.handler,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": os.defpath,
    }


def local_dynamodb_overrides(endpoint_url: str) -> dict[str, str]:
    """Variables that point a function at DynamoDB Local and its tables (named as docs/CONTRACTS.md says)."""
    return {
        "NOASK_DYNAMODB_ENDPOINT": endpoint_url,
        "NOASK_HISTORY_TABLE": LOCAL_TABLE_NAMES["HistoryTable"],
        "NOASK_IDEMPOTENCY_TABLE": LOCAL_TABLE_NAMES["IdempotencyTable"],
    }


def load_handler(spec: FunctionSpec) -> Callable[[Any, Any], Any]:
    module_name, attribute = spec.module_and_attribute
    if str(spec.code_dir) not in sys.path:
        sys.path.insert(0, str(spec.code_dir))
    handler = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(handler):
        raise InvokeError(f"{spec.handler}: {module_name} has no callable {attribute!r}")
    return handler  # type: ignore[no-any-return]


def invoke(spec: FunctionSpec, event: Any, environment: Mapping[str, str]) -> tuple[Any, bool]:
    """Run the handler once in a fresh child process; (result, True) or (Lambda's error object, False)."""
    with tempfile.TemporaryDirectory(prefix="noask-invoke-") as scratch:
        event_path, result_path = Path(scratch, "event.json"), Path(scratch, "result.json")
        event_path.write_text(json.dumps(event), encoding="utf-8")
        command = [sys.executable, "-m", "shared.local.invoke", "--child", spec.logical_id, str(event_path), str(result_path)]
        try:
            # The function's stdout (its logs) goes to our stderr, as `sam local invoke` prints it.
            completed = subprocess.run(
                command,
                cwd=spec.code_dir,
                env=runtime_environment(spec, environment),
                stdout=_STDERR_FD,
                timeout=spec.timeout_seconds + _STARTUP_GRACE_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return _error_object("Sandbox.Timedout", f"Task timed out after {spec.timeout_seconds}.00 seconds"), False
        if not result_path.is_file():
            return _error_object("Runtime.ExitError", f"The function's process exited with status {completed.returncode}"), False
        outcome = json.loads(result_path.read_text(encoding="utf-8"))
        return outcome["result"], outcome["ok"]


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "logical_id", metavar="LogicalId", help="the function's logical id in template.yaml, e.g. DraftApiFunction"
    )
    parser.add_argument("-e", "--event", default=None, help="event JSON file ('-' for stdin); default: {}")
    parser.add_argument("-n", "--env-vars", default=None, help="JSON file of variable overrides, in sam local invoke's format")
    parser.add_argument("-t", "--template", type=Path, default=TEMPLATE_PATH, help="the SAM template (default: template.yaml)")
    parser.add_argument(
        "--dynamodb-local",
        action="store_true",
        help="start DynamoDB Local with the template's tables for this run and point the function at it "
        "(without it, name one with NOASK_DYNAMODB_ENDPOINT in the shell or --env-vars, or the function calls AWS)",
    )
    return parser


# Event sources InboundEmailFunction is never triggered by, and where its real trigger comes from.
_NOT_ITS_TRIGGER = {
    "aws:ses": "an SES receipt event: SES stores the message in S3 and the S3 event triggers InboundEmailFunction",
    "aws:sqs": "an SQS message: the queue only keeps events that failed every retry; replay the S3 event it holds",
    "aws:sns": "an SNS notification: InboundEmailFunction is triggered by S3 events only",
}


def check_event(logical_id: str, event: Any) -> None:
    """Refuse, in one line, an event the function could never receive, before starting it."""
    if logical_id != "InboundEmailFunction":
        return
    from shared.local.email_sandbox import SandboxError, find_sample

    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list) or not records:
        raise InvokeError("InboundEmailFunction takes an S3 event with Records: see events/inbound_email/*.json.")
    for record in records:
        source = record.get("eventSource") or record.get("EventSource") if isinstance(record, dict) else None
        if source in _NOT_ITS_TRIGGER:
            raise InvokeError(f"This is {_NOT_ITS_TRIGGER[source]} (see events/inbound_email/*.json).")
        key = record.get("s3", {}).get("object", {}).get("key") if isinstance(record, dict) else None
        if source != "aws:s3" or not isinstance(key, str):
            raise InvokeError("InboundEmailFunction takes S3 ObjectCreated records: see events/inbound_email/*.json.")
        try:
            find_sample(Path(unquote_plus(key)).name)
        except SandboxError as error:
            raise InvokeError(f"The event's object key {key!r} names no local sample email: {error}.") from None


def _has_aws_target(environment: Mapping[str, str], overrides: Mapping[str, Any]) -> bool:
    """Whether the run could reach a DynamoDB: an endpoint given, or credentials that would reach AWS."""
    declared = [environment, *(value for value in overrides.values() if isinstance(value, dict))]
    if any(variables.get("NOASK_DYNAMODB_ENDPOINT") for variables in declared):
        return True
    if any(environment.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI")):
        return True
    return Path(environment.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials").is_file()


def run(args: argparse.Namespace) -> int:
    """The `noask invoke` verb: print the function's result as JSON; exit 1 when the function failed."""
    spec = function_spec(args.logical_id, args.template)
    event = _read_json(args.event, "--event") if args.event else {}
    overrides = _read_json(args.env_vars, "--env-vars") if args.env_vars else {}
    if not isinstance(overrides, dict):
        raise InvokeError("--env-vars: the file must hold a JSON object")
    check_event(spec.logical_id, event)
    # With no endpoint and no credentials the function could only fail against AWS: DynamoDB Local instead.
    if not args.dynamodb_local and not _has_aws_target(os.environ, overrides):
        print("No DynamoDB endpoint or AWS credentials set: using DynamoDB Local for this run.", file=sys.stderr)
        args.dynamodb_local = True
    if args.dynamodb_local:
        with DynamoDBLocal() as dynamodb:
            create_tables_from_template(dynamodb.endpoint_url, args.template)
            parameters = {**overrides.get("Parameters", {}), **local_dynamodb_overrides(dynamodb.endpoint_url)}
            environment = function_environment(
                spec, host_environment=os.environ, overrides={**overrides, "Parameters": parameters}
            )
            return _print_outcome(*invoke(spec, event, environment))
    return _print_outcome(*invoke(spec, event, function_environment(spec, host_environment=os.environ, overrides=overrides)))


class _Resolver:
    """The intrinsic functions SAM resolves locally: Ref (parameter default, pseudo parameter, or a
    resource's logical id), Fn::Sub and Fn::Join over those. Anything else becomes "", as in SAM."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self._parameters = {name: definition.get("Default", "") for name, definition in template.get("Parameters", {}).items()}
        self._resources = set(template.get("Resources", {}))
        self._pseudo = {
            "AWS::Region": LOCAL_REGION,
            "AWS::AccountId": LOCAL_ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "local",
        }

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, dict) or len(value) != 1:
            return value
        ((function, argument),) = value.items()
        if function == "Ref":
            return self._ref(argument)
        if function == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
            local = {name: _stringify(self(inner)) for name, inner in variables.items()}
            return _SUB_VARIABLE.sub(lambda match: local.get(match.group(1)) or _stringify(self._ref(match.group(1))), text)
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            return str(argument[0]).join(_stringify(self(part)) for part in argument[1])
        return ""

    def _ref(self, name: str) -> Any:
        if name in self._parameters:
            return self._parameters[name]
        if name in self._pseudo:
            return self._pseudo[name]
        return name if name in self._resources else ""


def _stringify(value: Any) -> str:
    """SAM's rule: unresolved intrinsics (dicts, lists) and None become "", booleans "true"/"false"."""
    if isinstance(value, dict | list | tuple) or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error_object(error_type: str, message: str, stack: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": stack or []}


def _read_json(path: str, option: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise InvokeError(f"{option}: cannot read {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise InvokeError(f"{option}: {path} is not JSON: {error}") from None


def _print_outcome(result: Any, ok: bool) -> int:
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if ok else 1


def _aws_stand_ins(logical_id: str, event: Any) -> contextlib.AbstractContextManager[object]:
    """InboundEmailFunction reads S3 and replies by SES: locally, moto's (see shared/local/email_sandbox.py)."""
    if logical_id != "InboundEmailFunction":
        return contextlib.nullcontext()
    from shared.local.email_sandbox import sandbox_for_event

    return sandbox_for_event(event, os.environ)


def _child(logical_id: str, event_path: str, result_path: str) -> None:
    """Inside the child: import the handler, call it once, write {"ok", "result"} to result_path."""
    environment = os.environ
    spec = FunctionSpec(
        logical_id=logical_id,
        handler=environment["_HANDLER"],
        code_dir=Path(environment["LAMBDA_TASK_ROOT"]),
        timeout_seconds=int(environment["AWS_LAMBDA_FUNCTION_TIMEOUT"]),
        memory_mb=int(environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
        variables={},
    )
    context = LambdaContext(logical_id, spec.memory_mb, spec.timeout_seconds)
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        with _aws_stand_ins(logical_id, event):
            outcome = {"ok": True, "result": load_handler(spec)(event, context)}
        text = json.dumps(outcome, default=str)
    except Exception as error:  # the function failed: report it as Lambda does, then exit cleanly
        stack = traceback.format_exception(error)
        print("".join(stack), file=sys.stderr)
        text = json.dumps({"ok": False, "result": _error_object(type(error).__name__, str(error), stack)})
    Path(result_path).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        sys.exit("shared.local.invoke is run by `noask invoke`")
