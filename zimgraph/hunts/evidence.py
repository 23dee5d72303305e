"""The raw log lines behind evidence references (``FILE:LINE``), read-only, decompressed on the fly.

A reference names the evidence file as the manifest records it (the path given to ``zimgraph
ingest``); it is resolved through the case's manifest to the file's absolute path, so that
``zimgraph show`` works from any directory. Without a case the path is opened as typed.

>>> parse_ref("mta01/var/log/zimbra.log:12")
('mta01/var/log/zimbra.log', 12)
"""

from __future__ import annotations

import os
from pathlib import Path

from zimgraph.console import user_error
from zimgraph.ingest.framing import BadLine
from zimgraph.ingest.reader import EvidenceError, EvidenceReader


@user_error
class EvidenceRefError(ValueError):
    """A FILE:LINE reference that cannot be resolved (the message says what to type)."""


def parse_ref(ref: str) -> tuple[str, int]:
    """``FILE:LINE`` → (file, line); the file may contain colons (split on the last one)."""
    path, sep, line = ref.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise EvidenceRefError(f"{ref!r}: write FILE:LINE, e.g. zimgraph show mta01/var/log/zimbra.log:1234")
    return path, int(line)


def resolve_file(file: str, manifest: dict | None) -> Path:
    """The absolute path of an evidence file named as in the events (or the manifest, or a suffix of it)."""
    if not manifest:
        return Path(file)
    entries = manifest.get("files", [])
    absolute = os.path.abspath(file)
    for entry in entries:
        if file in (entry.get("path"), entry.get("abs_path")) or absolute == entry.get("abs_path"):
            return Path(entry.get("abs_path") or entry["path"])
    tail = "/" + file.lstrip("./")
    matches = sorted({entry.get("abs_path") or entry["path"] for entry in entries
                      if (entry.get("abs_path") or entry["path"]).endswith(tail)})
    if len(matches) == 1:
        return Path(matches[0])
    if matches:
        raise EvidenceRefError(f"{file!r} matches {len(matches)} evidence files; give more of the path: "
                               + ", ".join(matches[:5]))
    raise EvidenceRefError(f"{file!r} is not an evidence file of this case (see manifest.json 'path')")


def read_lines(path: Path, wanted: dict[int, int]) -> dict[int, str]:
    """Lines of ``path`` (1-based) for each ``{line: context}``: the line and ``context`` lines on
    each side. One pass over the file; compressed files are decompressed in memory."""
    if not wanted:
        return {}
    keep = set()
    for line, context in wanted.items():
        keep.update(range(max(1, line - context), line + context + 1))
    last = max(keep)
    out: dict[int, str] = {}
    try:
        reader = EvidenceReader(path)
        for number, text in enumerate(reader.lines(), start=1):
            if number in keep:
                out[number] = f"<{text.reason}> {text.text}" if isinstance(text, BadLine) else text
            if number >= last:
                break
    except FileNotFoundError:
        raise EvidenceRefError(f"{path}: the evidence file is no longer there (was it moved?)") from None
    except (OSError, EvidenceError) as exc:
        raise EvidenceRefError(f"{path}: cannot read it ({exc})") from None
    return out
