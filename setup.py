"""Build script: compiles the parsers with mypyc (about twice as fast), pure Python otherwise.

Everything else about the package is in pyproject.toml. Set ZIMGRAPH_PURE_PYTHON=1 to skip
the compilation (for example while editing the parsers: a compiled module shadows its .py).
"""

import os
from glob import glob

from setuptools import setup

#: the per-line hot path: the parsers and the values they canonicalise
COMPILED = ["zimgraph/clock.py", "zimgraph/normalize.py", "zimgraph/ingest/framing.py",
            "zimgraph/ingest/loop.py",
            *sorted(p for p in glob("zimgraph/sources/*.py") if not p.endswith("__init__.py"))]


def ext_modules():
    if os.environ.get("ZIMGRAPH_PURE_PYTHON"):
        return []
    from mypyc.build import mypycify
    # modules outside COMPILED (pyarrow, pandas users) are analysed for types, not checked
    return mypycify(["--ignore-missing-imports", "--follow-imports=silent", *COMPILED], opt_level="3")


setup(ext_modules=ext_modules())
