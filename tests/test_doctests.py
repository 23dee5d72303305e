"""The examples in the docstrings run (every module, from its source).

The parsers may be compiled with mypyc (see setup.py), and doctest cannot look inside
compiled functions; so each module's source is loaded afresh as pure Python under a
private name and its docstring examples are run there. The behaviour of the compiled
modules themselves is what the rest of the suite tests.
"""

import doctest
import importlib.util
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zimgraph"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_docstring_examples(path):
    result = run_examples(path)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {path.name}"


def run_examples(path: Path) -> doctest.TestResults:
    name = "_doctest_" + "_".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module            # dataclasses look their module up here
    try:
        spec.loader.exec_module(module)
        return doctest.testmod(module, verbose=False, report=True)
    finally:
        del sys.modules[name]


def test_the_doctest_runner_finds_examples():
    assert run_examples(PACKAGE / "clock.py").attempted >= 5
