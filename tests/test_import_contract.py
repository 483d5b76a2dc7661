"""The import contract (pyproject.toml, [tool.importlinter]): the apps depend in one direction,
the contract covers every package in the tree, and an upward import breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
NOT_SHIPPED = {"tests", "bench"}


def contract() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def packages_in_tree() -> set[str]:
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED and not path.parent.name.startswith(".")
    }


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
        timeout=120,
    )


def test_the_contract_holds_on_the_tree():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_package_in_the_tree_is_under_the_contract():
    # A new app that is not listed would escape the contract without anyone noticing.
    assert set(contract()["root_packages"]) == packages_in_tree()
    layered = {
        name.strip() for layer in contract()["contracts"][0]["layers"] for name in layer.split("|")
    }
    assert layered == packages_in_tree()


@pytest.mark.parametrize(
    ("module", "upward_import", "message"),
    [
        # The discussion calling a moderator's decision.
        (
            "forum/models.py",
            "from moderation import actions",
            "forum is not allowed to import moderation",
        ),
        # A leaf reaching up into an app (at run time, not only for types).
        (
            "review/queue.py",
            "from members.models import User",
            "review is not allowed to import members",
        ),
        # The accounts calling the discussion's verbs (only forum.models, for Specialty, is let).
        (
            "members/actions.py",
            "from forum import actions",
            "members is not allowed to import forum",
        ),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward_import, message):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in packages_in_tree():
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    with (tree / module).open("a") as source:
        source.write(f"\n{upward_import}  # a deliberate violation\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert message in result.stdout


def test_the_image_carries_every_package():
    # The Dockerfile copies packages one by one; a new one left out would fail only in
    # production, at its first import.
    copied = {
        line.split()[1]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and (ROOT / line.split()[1] / "__init__.py").exists()
    }
    assert copied == packages_in_tree()
