"""The log sources zimgraph reads: a small explicit registry.

Each source module has ``NAME``, ``FILENAMES`` (base names, rotation suffixes stripped),
``FRAMING`` (``"log4j"``: a record is a timestamped line plus its continuation lines;
``"syslog"``: one line, amavis ``...`` continuations re-joined; ``"line"``: one line),
``sniff(line) -> bool`` for recognising a file by content, and the pure
``parse(record, ctx) -> list[dict] | Ignored``.

The order matters when content alone decides: more specific sources come first.

>>> sorted(SOURCES)[:3]
['access_log', 'audit', 'cbpolicyd']
"""

from __future__ import annotations

from typing import Final

import ast
from pathlib import Path
from types import ModuleType

from zimgraph.sources import (access_log, audit, cbpolicyd, clamd, convertd, freshclam, mailbox,
                              nginx_access, nginx_error, spamtrain, sync, zimbra_syslog)

SOURCES: Final[dict[str, ModuleType]] = {module.NAME: module for module in (
    audit, sync, mailbox, convertd,
    nginx_access, access_log, nginx_error,
    zimbra_syslog,
    cbpolicyd, clamd, freshclam, spamtrain,
)}

FRAMINGS: Final = ("log4j", "syslog", "line")


def by_file_name(base_name: str) -> ModuleType | None:
    """The source whose FILENAMES contain ``base_name`` (rotation suffixes already stripped)."""
    for module in SOURCES.values():
        if base_name in module.FILENAMES:
            return module
    return None


def summary(module: ModuleType) -> str:
    """The first line of a source module's docstring, read from its ``.py`` file.

    Read from the source because a module compiled with mypyc (setup.py) has no __doc__.
    """
    name = module.__name__.rsplit(".", 1)[-1]
    source = Path(module.__file__ or "").parent / f"{name}.py"
    try:
        doc = ast.get_docstring(ast.parse(source.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        doc = module.__doc__ or ""
    return doc.strip().split("\n", 1)[0]
