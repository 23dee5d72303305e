"""The ``//`` header of a library query (``queries/*.cypher``) and its strict schema.

A header is the block of ``// key: value`` lines at the top of the file; a line starting with
``//`` and two or more spaces continues the previous value; the first line that is not a ``//``
comment ends it. Keys: ``name`` (= the file name without ``.cypher``), ``title``,
``description``, ``answers`` (the hunt or question of the investigation it answers), ``tags``
(comma separated, from :data:`TAGS`), and one ``param`` line per ``$parameter``:
``// param: NAME (TYPE, required): what it is`` or ``// param: NAME (TYPE, default JSON): what it is``
with TYPE one of :data:`PARAM_TYPES` (``list`` is a list of strings, given as ``--param K=a,b,c``).

>>> text = '''// name: demo
... // title: Demo
... // description: Shows the header.
... // answers: none
... // tags: pivot
... // param: ip (string, required): the client IP
... // param: limit (integer, default 10): at most this many rows
... MATCH (i:IP {value: $ip}) RETURN i.value AS ip LIMIT $limit
... '''
>>> q = parse_query(text, name="demo")
>>> [(p.name, p.type, p.required, p.default) for p in q.params]
[('ip', 'string', True, None), ('limit', 'integer', False, 10)]
>>> q.used_params()
['ip', 'limit']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from zimgraph.console import user_error

KEYS = ("name", "title", "description", "answers", "tags", "param")
REQUIRED_KEYS = ("name", "title", "description", "answers", "tags")
PARAM_TYPES = {"string": str, "integer": int, "float": float, "boolean": bool, "list": list}
TAGS = ("initial-access", "brute-force", "phishing", "spoofing", "web", "pivot", "post-compromise",
        "activesync", "attachments", "mail-flow", "infrastructure", "clusters")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINE_RE = re.compile(r"^//\s?(?P<key>[a-z_]+):\s*(?P<value>.*)$")
_CONTINUATION_RE = re.compile(r"^//\s{2,}(?P<value>\S.*)$")
_PARAM_RE = re.compile(r"""^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+\(\s*(?P<type>[a-z]+)\s*,\s*
                           (?:(?P<required>required)|default\s+(?P<default>.+?))\s*\)\s*:\s*(?P<doc>\S.*)$""",
                        re.VERBOSE)
# the Cypher body without comments or string literals, for finding the $parameters it uses
_STRIP_RE = re.compile(r"""//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`""", re.DOTALL)
_USED_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@user_error
class QueryHeaderError(ValueError):
    """A library query's header does not follow the schema (queries/README.md)."""


@dataclass(frozen=True)
class Param:
    """One declared parameter: its Cypher name, type, default (None when required) and meaning."""
    name: str
    type: str
    required: bool
    default: object
    doc: str

    def convert(self, text: str):
        """The typed value of ``--param NAME=text``; ValueError saying what to type otherwise.

        >>> Param("k", "integer", False, 2, "hops").convert("3"), Param("x", "boolean", True, None, "").convert("yes")
        (3, True)
        """
        if self.type == "string":
            return text
        if self.type == "list":
            return [item.strip() for item in text.split(",") if item.strip()]
        if self.type == "boolean":
            lowered = text.strip().lower()
            if lowered in ("true", "yes", "1"):
                return True
            if lowered in ("false", "no", "0"):
                return False
            raise ValueError(f"--param {self.name}={text}: {self.name} is a boolean, write true or false")
        try:
            return PARAM_TYPES[self.type](text)
        except ValueError:
            raise ValueError(f"--param {self.name}={text}: {self.name} is an {self.type}, e.g. "
                             f"--param {self.name}={'3' if self.type == 'integer' else '0.5'}") from None


@dataclass(frozen=True)
class LibraryQuery:
    """A parsed query file: header fields, declared parameters, the Cypher text."""
    name: str
    title: str
    description: str
    answers: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str
    path: str = ""
    extra: dict = field(default_factory=dict)

    def used_params(self) -> list[str]:
        """The ``$parameters`` the Cypher body uses (comments and string literals ignored), sorted."""
        return sorted(set(_USED_RE.findall(_STRIP_RE.sub(" ", self.text))))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _parse_param(value: str, where: str) -> Param:
    match = _PARAM_RE.match(value)
    if not match:
        raise QueryHeaderError(f"{where}: write '// param: NAME (TYPE, required): meaning' or "
                               f"'// param: NAME (TYPE, default VALUE): meaning', not {value!r}")
    kind = match["type"]
    if kind not in PARAM_TYPES:
        raise QueryHeaderError(f"{where}: parameter type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    default = None
    if not match["required"]:
        try:
            default = json.loads(match["default"])
        except ValueError:
            raise QueryHeaderError(f"{where}: default {match['default']} is not a JSON value "
                                   '(strings in double quotes: default "")') from None
        expected = PARAM_TYPES[kind]
        wrong = type(default) is not expected and not (expected is float and type(default) is int)
        if wrong or (kind == "list" and not all(isinstance(item, str) for item in default)):
            raise QueryHeaderError(f"{where}: default {match['default']} is not a {kind}")
    return Param(match["name"], kind, bool(match["required"]), default, match["doc"])


def parse_query(text: str, *, name: str, path: str = "") -> LibraryQuery:
    """Parse and check a query file's header against the strict schema; the body follows it."""
    where = path or name
    fields: dict[str, list[str]] = {}
    last_key = None
    lines = text.splitlines()
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.rstrip()
        if not stripped.startswith("//"):
            body_start = index
            break
        continuation = _CONTINUATION_RE.match(stripped)
        if continuation and last_key:
            fields[last_key][-1] += " " + continuation["value"]
            continue
        if stripped.strip("/ ") == "":
            last_key = None
            continue
        match = _LINE_RE.match(stripped)
        if not match or match["key"] not in KEYS:
            raise QueryHeaderError(f"{where}:{index + 1}: header line {stripped!r} is not '// KEY: value' "
                                   f"with KEY one of {', '.join(KEYS)}")
        last_key = match["key"]
        fields.setdefault(last_key, []).append(match["value"].strip())
    for key in REQUIRED_KEYS:
        if key not in fields or not fields[key][0]:
            raise QueryHeaderError(f"{where}: the header has no '// {key}:' line")
        if len(fields[key]) > 1:
            raise QueryHeaderError(f"{where}: '// {key}:' appears {len(fields[key])} times")
    if fields["name"][0] != name or not NAME_RE.match(name):
        raise QueryHeaderError(f"{where}: name {fields['name'][0]!r} must equal the file name {name!r} "
                               "(lower case words joined by '-')")
    tags = tuple(tag.strip() for tag in fields["tags"][0].split(","))
    unknown = [tag for tag in tags if tag not in TAGS]
    if unknown:
        raise QueryHeaderError(f"{where}: unknown tag(s) {', '.join(unknown)}; tags are {', '.join(TAGS)}")
    params = tuple(_parse_param(value, where) for value in fields.get("param", []))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryHeaderError(f"{where}: a parameter is declared twice")
    body = "\n".join(lines[body_start:]).strip()
    if not body:
        raise QueryHeaderError(f"{where}: no Cypher after the header")
    if ";" in _STRIP_RE.sub(" ", body).rstrip().rstrip(";"):
        raise QueryHeaderError(f"{where}: one statement per file")
    query = LibraryQuery(name=name, title=fields["title"][0], description=fields["description"][0],
                         answers=fields["answers"][0], tags=tags, params=params, text=body.rstrip().rstrip(";"),
                         path=path)
    used = query.used_params()
    if sorted(names) != used:
        raise QueryHeaderError(f"{where}: declared parameters {sorted(names)} differ from those used {used}")
    return query
