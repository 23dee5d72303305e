"""Meta-tests: every source and command is documented, every event kind is known."""

import ast
import re
from pathlib import Path

from zimgraph.cli import main
from zimgraph.events import COLUMNS, EVENT_KINDS, PARSER_COLUMNS
from zimgraph.sources.registry import FRAMINGS, SOURCES, summary

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_source_module_has_the_contract_and_a_docstring():
    for name, module in SOURCES.items():
        assert module.NAME == name
        assert module.FRAMING in FRAMINGS
        assert module.FILENAMES and all(isinstance(f, str) for f in module.FILENAMES)
        assert callable(module.parse) and callable(module.sniff)
        assert summary(module), f"{name} has no module docstring"


def test_every_source_is_documented_in_the_readme():
    for name, module in SOURCES.items():
        assert f"`{name}`" in README, f"README does not document source {name}"


def test_every_command_is_documented_in_the_readme():
    for name in main.list_commands(None):
        assert f"zimgraph {name}" in README, f"README does not document command {name}"


def test_every_event_kind_written_by_a_parser_is_in_the_vocabulary():
    """Scan the parsers' source for event="..." literals."""
    used = set()
    for path in (REPO / "zimgraph" / "sources").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'''["']event["']\s*:\s*["']([a-z_]+)["']''', text))
        used |= set(re.findall(r'''\bevent=["']([a-z_]+)["']''', text))
    assert used, "no event literals found: the scan is broken"
    assert used <= set(EVENT_KINDS), used - set(EVENT_KINDS)


def test_every_event_column_is_documented():
    for name, (typ, doc) in COLUMNS.items():
        assert doc, name
    assert {"ts", "node", "source", "file", "line", "event", "outcome", "account", "client_ip", "proxy_ip",
            "user_agent", "protocol", "device_id", "sender", "recipient", "message_id", "queue_id", "amavis_id",
            "sha1", "filename", "size", "content_type", "verdict", "score", "tests", "method", "url",
            "status", "soap_request", "detail"} <= set(COLUMNS)
    assert "ts" in PARSER_COLUMNS and "line" not in PARSER_COLUMNS


def test_parser_regexes_are_verbose_and_have_a_sample_above():
    """Module-level regexes are re.VERBOSE with a comment line just above (the sample)."""
    for path in (REPO / "zimgraph" / "sources").glob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and getattr(node.value.func, "attr", "") == "compile" and node.targets[0].id.isupper():
                source = ast.get_source_segment("\n".join(lines), node)
                assert "VERBOSE" in source, f"{path.name}:{node.lineno} {node.targets[0].id} is not re.VERBOSE"
                above = lines[node.lineno - 2].strip()
                assert above.startswith("#"), f"{path.name}:{node.lineno} {node.targets[0].id} has no sample comment above"


def test_every_source_and_shared_grammar_has_a_property_test():
    """Each parser module is fed arbitrary text by hypothesis in its own test file."""
    for name in [*SOURCES, "postfix", "amavis", "saslauthd", "log4j"]:
        path = REPO / "tests" / "sources" / f"test_{name}.py"
        assert path.is_file(), f"no tests for source {name}"
        assert "@given" in path.read_text(encoding="utf-8"), f"no property test for {name}"


def test_the_derived_model_is_documented():
    """docs/model.md names every node kind, edge type, message column and session column."""
    from zimgraph.correlate.messages import MESSAGE_COLUMNS, MESSAGE_SCHEMA
    from zimgraph.correlate.sessions import SESSION_SCHEMA
    from zimgraph.graph.model import EDGE_TYPES, NODE_KINDS
    model = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    for name in list(NODE_KINDS) + list(EDGE_TYPES) + list(MESSAGE_SCHEMA.names) + list(SESSION_SCHEMA.names):
        assert f"`{name}`" in model, f"docs/model.md does not document {name}"
    assert list(MESSAGE_SCHEMA.names) == list(MESSAGE_COLUMNS)


def test_every_command_help_ends_with_an_example():
    import click
    from click.testing import CliRunner

    def walk(group, prefix):
        # list_commands/get_command, not .commands: feature commands load on first use
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            if isinstance(command, click.Group):
                yield from walk(command, prefix + [name])
            else:
                yield prefix + [name]

    paths = list(walk(main, []))
    assert len(paths) >= 11, paths
    for path in paths:
        text = CliRunner().invoke(main, path + ["--help"]).output
        assert "Example:" in text, f"'zimgraph {' '.join(path)} --help' has no example"
        example = text.split("Example:", 1)[1].split("Options:", 1)[0]
        assert f"zimgraph {' '.join(path)}" in example, (path, example)
