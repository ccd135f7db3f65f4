"""The GitHub workflows: actionlint finds nothing, and they do what the README says.

actionlint checks the workflow syntax, expressions, the inputs and outputs of
the actions used (and that none runs on a retired Node version), and runs
shellcheck over every ``run:`` step. Both tools come pinned from PyPI
(pyproject.toml), so the result is the same on every machine.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursetest.pages import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed in {BIN}; run `pip install -e .` (it is a pinned dependency)", pytrace=False)
    return str(path)


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def run_steps(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])


def test_actionlint_finds_nothing():
    files = sorted(str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.y*ml"))
    assert len(files) >= 2, f"expected the test and pages workflows in {WORKFLOWS.relative_to(ROOT)}"
    result = subprocess.run(
        [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), "-pyflakes=", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


def test_every_push_and_pull_request_runs_the_suite_on_the_stack():
    workflow = load("test.yml")
    assert {"push", "pull_request"} <= set(workflow["on"]), "the test workflow must run on push and pull_request"
    steps = run_steps(workflow)
    assert "docker compose up -d --wait" in steps and "pytest --codeblocks" in steps
    assert steps.index("docker compose up -d --wait") < steps.index("pytest --codeblocks")
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("setup-chrome" in u for u in uses), "the browser tests need a Chromium on the runner"
    assert "COURSE_CHROMIUM" in (WORKFLOWS / "test.yml").read_text(encoding="utf-8")


def test_the_site_is_built_strictly_and_deployed_from_main():
    workflow = load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    steps = run_steps(workflow)
    assert "mkdocs build --strict" in steps and " -q" not in steps, "build with --strict, never with -q"
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
