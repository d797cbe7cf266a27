"""The documentation's code runs, and the API reference lists every public name.

The Python blocks of the README and of the user guide (docs/guide/*.md) are executed in order,
page by page, so an example that drifts from the API fails here; the gallery (examples/) runs
when the site is built (`sphinx-build -W`, in .ci/run).
"""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

import acsym

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = BLOCK.findall(page.read_text())
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, start=1):
        if "fills.csv" in block:  # needs the reader's own file
            continue
        try:
            exec(compile(block, f"{page.name}, python block {number}", "exec"), namespace)
        except Exception as error:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{page.name}, python block {number} fails: {error!r}\n{block}")


def test_api_reference_lists_every_public_name() -> None:
    text = (ROOT / "docs" / "api.rst").read_text()
    listed = set(re.findall(r"^   ([\w.]+)$", text, flags=re.MULTILINE))
    missing = sorted(set(acsym.__all__) - listed - {"formulas"})
    assert missing == [], f"add to docs/api.rst: {missing}"
    assert "formulas" in listed


#: modules for developers (the derivation, its verification, the command line's plumbing)
#: rather than for users: their reference is docs/derivation.md and docs/accuracy.md
INTERNAL = ("derivation", "verification", "cli", "verify", "__main__")


def test_api_reference_lists_every_public_module() -> None:
    text = (ROOT / "docs" / "api.rst").read_text()
    listed = set(re.findall(r"^   ([\w.]+)$", text, flags=re.MULTILINE))
    modules = {
        info.name.removeprefix("acsym.")
        for info in pkgutil.walk_packages(acsym.__path__, prefix="acsym.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
    public = {
        name for name in modules if name.split(".")[0] not in INTERNAL and name not in {"testing", "models"}
    }
    missing = sorted(public - listed)
    assert missing == [], f"add to the Modules section of docs/api.rst: {missing}"
