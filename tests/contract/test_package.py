"""`pip install .` gives a working `noask`: the wheel carries the prompts and every data file the code reads."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA_SUFFIXES = (".toml", ".j2", ".json", ".txt")


def test_the_wheel_ships_prompts_and_every_data_file(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("noask-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    needed = {
        path.relative_to(REPO).as_posix()
        for folder in ("shared", "functions", "prompts")
        for path in (REPO / folder).rglob("*")
        if path.is_file() and (path.suffix in DATA_SUFFIXES or path.name == "VERSION") and "__pycache__" not in path.parts
    }
    needed |= {"functions/draft_api/static/app.js", "functions/draft_api/static/app.css"}
    assert needed - shipped == set()
    assert "prompts/system.j2" in shipped
