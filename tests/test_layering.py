"""The one rule that keeps the layers apart, checked on the source (import-linter contracts)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHAT_LIBRARIES = {"telegram", "nio"}
# The composition root may know every layer (architecture.md).
COMPOSITION_ROOT = {"bot/runner.py", "bot/cli/run.py", "bot/app.py",
                    "bot/measure/delivery_bench.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_handlers_and_services_never_import_a_chat_library_or_adapter() -> None:
    offenders = []
    sources = [*REPO.glob("handlers/**/*.py")]
    sources += [p for p in REPO.glob("bot/**/*.py")
                if "adapters" not in p.parts
                and p.relative_to(REPO).as_posix() not in COMPOSITION_ROOT]
    for path in sources:
        for module in _imports(path):
            root = module.split(".")[0]
            if root in CHAT_LIBRARIES or module.startswith("bot.adapters"):
                offenders.append(f"{path.relative_to(REPO)} imports {module}")
    assert not offenders, offenders


def test_adapters_do_not_import_each_other() -> None:
    adapters = {p.stem for p in (REPO / "bot" / "adapters").glob("*.py") if p.stem != "__init__"}
    for name in adapters:
        imported = _imports(REPO / "bot" / "adapters" / f"{name}.py")
        others = {f"bot.adapters.{o}" for o in adapters - {name}}
        assert not (imported & others), f"{name} imports {imported & others}"


def test_import_linter_contracts() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
