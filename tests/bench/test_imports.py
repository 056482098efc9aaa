"""The bench's bytecode check accepts exactly the bytecode the import system would use as is."""

from __future__ import annotations

import os
import py_compile
import sys
from pathlib import Path

import pytest

from tests.bench.imports import bytecode_coverage, usable_bytecode

TAG = sys.implementation.cache_tag


@pytest.fixture
def source(tmp_path: Path) -> Path:
    module = tmp_path / "module.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    return module


@pytest.mark.parametrize(
    "mode",
    [
        py_compile.PycInvalidationMode.TIMESTAMP,
        py_compile.PycInvalidationMode.CHECKED_HASH,
        py_compile.PycInvalidationMode.UNCHECKED_HASH,
    ],
)
def test_fresh_bytecode_is_usable_in_every_mode(source: Path, mode: py_compile.PycInvalidationMode) -> None:
    py_compile.compile(str(source), invalidation_mode=mode, doraise=True)
    assert usable_bytecode(source, TAG)


def test_no_bytecode_is_not_usable(source: Path) -> None:
    assert not usable_bytecode(source, TAG)


def test_bytecode_for_another_interpreter_does_not_count_for_this_one(source: Path) -> None:
    py_compile.compile(str(source), doraise=True)
    assert not usable_bytecode(source, "cpython-312")


@pytest.mark.parametrize(
    ("mode", "usable_after_edit"),
    [
        (py_compile.PycInvalidationMode.TIMESTAMP, False),
        (py_compile.PycInvalidationMode.CHECKED_HASH, False),
        # What the build writes: used as is whatever the source says, as on Lambda's read-only code directory.
        (py_compile.PycInvalidationMode.UNCHECKED_HASH, True),
    ],
)
def test_edited_source(source: Path, mode: py_compile.PycInvalidationMode, usable_after_edit: bool) -> None:
    py_compile.compile(str(source), invalidation_mode=mode, doraise=True)
    source.write_text("VALUE = 22\n", encoding="utf-8")
    os.utime(source, (source.stat().st_atime, source.stat().st_mtime + 10))
    assert usable_bytecode(source, TAG) is usable_after_edit


def test_coverage_names_the_modules_without_bytecode(tmp_path: Path) -> None:
    compiled, missing = tmp_path / "compiled.py", tmp_path / "missing.py"
    for module in (compiled, missing):
        module.write_text("VALUE = 1\n", encoding="utf-8")
    py_compile.compile(str(compiled), doraise=True)
    coverage = bytecode_coverage([compiled, missing, tmp_path / "extension.so"], TAG, relative_to=tmp_path)
    assert (coverage.with_bytecode, coverage.modules, coverage.without) == (1, 2, ("missing.py",))
    assert coverage.describe(TAG) == f"1 of 2 modules loaded have {TAG} bytecode (none for missing.py)"
