"""Every environment variable the settings read is documented in README's configuration table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READERS = {"env_bool", "env_list", "get", "getenv"}  # env_bool("X", ...), os.environ.get("X")


def _variables_read(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            if name in READERS and receiver in {"", "os.environ", "os"} and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names


def _documented(readme: str) -> set[str]:
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_the_reader_finds_every_way_settings_read_the_environment():
    source = (
        'A = os.environ.get("ONE", "1")\nB = env_bool("TWO", True)\nC = env_list("THREE", "")\n'
        'D = os.environ["FOUR"]\nE = os.getenv("FIVE")\nF = {}.get("NOT_ENV")\n'
    )
    assert _variables_read(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE"}


def test_every_environment_variable_is_in_the_readme_table():
    read = _variables_read((ROOT / "config" / "settings.py").read_text())
    assert {"SECRET_KEY", "TRUSTED_PROXIES", "EMAIL_TIMEOUT"} <= read  # the reader still works
    missing = read - _documented((ROOT / "README.md").read_text())
    assert not missing, f"README's configuration table lacks {sorted(missing)}"
