"""DynamoDB Local on 127.0.0.1, with the tables template.yaml defines.

The emulator jar comes from the Makefile (`make .local/dynamodb/DynamoDBLocal.jar`). DynamoDB
Local has no bind-address option, so a small Java launcher (DynamoDBLocalLauncher.java, compiled
once into .local/) binds its Jetty server to one address before it starts.

Tables are created from the template's own `AWS::DynamoDB::Table` definitions, so the local
schema cannot drift from the deployed one.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self

import yaml

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_HOME = REPO_ROOT / ".local" / "dynamodb"
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
LAUNCHER_SOURCE = Path(__file__).with_name("DynamoDBLocalLauncher.java")
LAUNCHER_CLASS = "DynamoDBLocalLauncher"

# Local names for the template's tables (docs/CONTRACTS.md); in AWS, CloudFormation names them.
LOCAL_TABLE_NAMES: Mapping[str, str] = {"HistoryTable": "noask-history", "IdempotencyTable": "noask-idempotency"}

# Keys of AWS::DynamoDB::Table properties that describe the schema and that CreateTable accepts as they are.
_CREATE_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput")
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be started."""


class DynamoDBLocal:
    """DynamoDB Local as a context manager: started on enter, stopped (no zombie) on exit.

    `port=0` lets the OS pick a free port; `endpoint_url` tells which. `in_memory=False` keeps
    the data in `db_path`. Every client sees the same tables, whatever its credentials or region.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        in_memory: bool = True,
        db_path: Path | None = None,
        host: str = "127.0.0.1",
        home: Path = DEFAULT_HOME,
        startup_timeout: float = 60.0,
    ) -> None:
        if not in_memory and db_path is None:
            raise ValueError("db_path is required when in_memory is False")
        self.host = host
        self.requested_port = port
        self.in_memory = in_memory
        self.db_path = db_path
        self.home = home
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        if self.port is None:
            raise DynamoDBLocalError("DynamoDB Local is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The emulator's process id while it runs."""
        return None if self._process is None else self._process.pid

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        if self._process is not None:
            raise DynamoDBLocalError("DynamoDB Local is already running")
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("Java is not installed: DynamoDB Local needs a Java 17+ runtime (`java` on PATH).")
        classes = _compiled_launcher(self.home)
        options = ["-sharedDb", "-disableTelemetry"]
        if self.in_memory:
            options.append("-inMemory")
        else:
            assert self.db_path is not None
            self.db_path.mkdir(parents=True, exist_ok=True)
            options += ["-dbPath", str(self.db_path)]
        command = [
            java,
            f"-Djava.library.path={self.home / 'DynamoDBLocal_lib'}",
            # One IPv4 socket: `ss` then shows 127.0.0.1 rather than its IPv6-mapped form.
            "-Djava.net.preferIPv4Stack=true",
            # The quick JIT tier only: it halves start-up (about 4.5 s to 2 s here), and a local
            # emulator spends more of its life starting than running hot loops.
            "-XX:TieredStopAtLevel=1",
            "-cp",
            os.pathsep.join([str(classes), str(self.home / "DynamoDBLocal.jar"), str(self.home / "DynamoDBLocal_lib" / "*")]),
            LAUNCHER_CLASS,
            self.host,
            str(self.requested_port),
            *options,
        ]
        # The log is a file, not a pipe: a pipe nobody drains would block the server once full.
        self._log = tempfile.NamedTemporaryFile(prefix="dynamodb-local-", suffix=".log")  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            command,
            cwd=self.home,
            stdin=subprocess.PIPE,  # closing it stops the server (see the launcher)
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DDB_LOCAL_TELEMETRY": "0"},
            # Its own session: Ctrl-C in a terminal reaches us, and we stop it in order.
            start_new_session=True,
        )
        try:
            self.port = self._wait_for_port()
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        self.port = None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()  # the launcher stops the server at end of input
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """What DynamoDB Local has printed so far (for error messages)."""
        if self._log is None:
            return ""
        return Path(self._log.name).read_text(errors="replace")

    def _wait_for_port(self) -> int:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            for line in self.log_text().splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[0] == "listening":
                    return int(parts[2])
            if self._process.poll() is not None:
                raise DynamoDBLocalError(f"DynamoDB Local exited with status {self._process.returncode}:\n{self.log_text()}")
            time.sleep(0.05)
        raise DynamoDBLocalError(f"DynamoDB Local did not start within {self.startup_timeout} s:\n{self.log_text()}")

    def _wait_until_answering(self) -> None:
        assert self.port is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
            try:
                connection.request("GET", "/")
                connection.getresponse().read()  # any HTTP answer will do: it is serving
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                connection.close()


def _compiled_launcher(home: Path) -> Path:
    """Compile the launcher into home/launcher once (and again whenever its source changes)."""
    jar = home / "DynamoDBLocal.jar"
    if not jar.is_file():
        raise DynamoDBLocalError(f"{jar} is missing: run `make .local/dynamodb/DynamoDBLocal.jar`.")
    classes = home / "launcher"
    compiled = classes / f"{LAUNCHER_CLASS}.class"
    if compiled.is_file() and compiled.stat().st_mtime >= LAUNCHER_SOURCE.stat().st_mtime:
        return classes
    javac = shutil.which("javac")
    if javac is None:
        raise DynamoDBLocalError(
            "javac is not installed: the DynamoDB Local launcher needs a JDK 17+ (e.g. default-jdk-headless)."
        )
    # Compiled aside, then swapped in, so a concurrent start never sees half a class file.
    staging = Path(tempfile.mkdtemp(prefix="launcher-", dir=home))
    try:
        classpath = os.pathsep.join([str(jar), str(home / "DynamoDBLocal_lib" / "*")])
        subprocess.run(
            [javac, "-nowarn", "-cp", classpath, "-d", str(staging), str(LAUNCHER_SOURCE)], check=True, capture_output=True
        )
        classes.mkdir(exist_ok=True)
        for built in staging.iterdir():
            built.replace(classes / built.name)
    except subprocess.CalledProcessError as error:
        raise DynamoDBLocalError(
            f"Could not compile the DynamoDB Local launcher:\n{error.stderr.decode(errors='replace')}"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return classes


class _CloudFormationLoader(yaml.SafeLoader):
    """A safe YAML loader that reads CloudFormation's short tags (!Ref, !Sub, ...) as their long form."""


def _construct_intrinsic(loader: _CloudFormationLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """template.yaml as plain data, short-form intrinsics turned into their `{"Fn::...": ...}` form."""
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return document


def table_definitions(template: Mapping[str, Any], names: Mapping[str, str] = LOCAL_TABLE_NAMES) -> dict[str, dict[str, Any]]:
    """CreateTable arguments (plus "TimeToLiveSpecification") for every table in the template, by local name."""
    definitions: dict[str, dict[str, Any]] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        if logical_id not in names:
            raise ValueError(f"Table {logical_id} in the template has no local name: add it to LOCAL_TABLE_NAMES.")
        properties = resource.get("Properties", {})
        definition: dict[str, Any] = {"TableName": names[logical_id]}
        definition.update({key: properties[key] for key in _CREATE_TABLE_KEYS if key in properties})
        for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if index_kind in properties:
                definition[index_kind] = [
                    {key: index[key] for key in _INDEX_KEYS if key in index} for index in properties[index_kind]
                ]
        if "TimeToLiveSpecification" in properties:
            definition["TimeToLiveSpecification"] = properties["TimeToLiveSpecification"]
        definitions[names[logical_id]] = definition
    return definitions


def local_client(endpoint_url: str) -> DynamoDBClient:
    """A client for DynamoDB Local: fixed dummy credentials, so no real ones are ever sent to it."""
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - DynamoDB Local accepts any key
    )


def create_tables_from_template(
    endpoint_url: str, template_path: Path = TEMPLATE_PATH, names: Mapping[str, str] = LOCAL_TABLE_NAMES
) -> list[str]:
    """Create every table the template defines (those that exist already are left alone); return their names."""
    client = local_client(endpoint_url)
    existing = set(client.list_tables()["TableNames"])
    definitions = table_definitions(load_template(template_path), names)
    for name, definition in definitions.items():
        if name in existing:
            continue
        ttl = definition.pop("TimeToLiveSpecification", None)
        client.create_table(**definition)
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        if ttl is not None:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    return sorted(definitions)
