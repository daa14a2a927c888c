"""The code's layers, checked by tools: import-linter's contracts (pyproject.toml) hold, and they fail on an upward
import; settings.py is the only reader of the environment."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("llm_assets", "resources", "jobs", "sensors")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300, env={"PYTHONPATH": "."}
    )


def test_the_import_contracts_hold():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _copy_tree(dst: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dst / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")


def test_an_upward_import_breaks_the_contracts(tmp_path):
    """core importing a resource, a stage importing another stage and a resource importing a stage each fail."""
    _copy_tree(tmp_path)
    upward = {
        "llm_assets/core/lineage.py": "from resources.warehouse import DuckDBWarehouse\n",
        "llm_assets/serving/server.py": "from llm_assets.privacy.assets import anonymize_documents\n",
        "resources/anonymizer.py": "from llm_assets.modeling import assets\n",
    }
    for path, line in upward.items():
        target = tmp_path / path
        target.write_text(target.read_text() + "\n" + line)
    done = _lint(tmp_path)
    assert done.returncode != 0
    assert "llm_assets.core is not allowed to import resources" in done.stdout
    assert "llm_assets.serving is not allowed to import llm_assets.privacy" in done.stdout
    assert "resources is not allowed to import llm_assets.modeling" in done.stdout


def _environment_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            if node.attr in ("environ", "getenv", "putenv", "environb"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [f"{path.relative_to(ROOT)}:{node.lineno} from os import {a.name}" for a in node.names]
    return found


def test_settings_is_the_only_reader_of_the_environment():
    settings = ROOT / "llm_assets" / "settings.py"
    reads = [
        r for p in PACKAGES for f in sorted((ROOT / p).rglob("*.py")) if f != settings for r in _environment_reads(f)
    ]
    assert not reads, reads
    assert _environment_reads(settings)  # the scan sees what it looks for
