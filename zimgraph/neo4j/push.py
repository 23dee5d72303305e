"""Push a case graph into Neo4j: constraints, batched ``UNWIND $rows … MERGE``, a final count check.

Idempotent: every node is merged on ``(case_name, id)`` and every relationship on its two end
nodes and type, so pushing the same case twice changes nothing and a second case gets nodes of
its own. Resumable: completed batches are recorded in a checkpoint (the case folder's
``neo4j_push.json``); after a failure, the same command skips them and sends the rest (and
re-sending a batch would merge, not duplicate).

The driver is passed in (tests record exactly what is sent with a fake session):

>>> driver = open_driver("neo4j://localhost:7687", "neo4j", "secret")   # doctest: +SKIP
>>> report = push(graph, driver=driver, case_name="acme-2026", batch=1000)   # doctest: +SKIP
>>> report.counts_ok                                                      # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zimgraph.console import user_error
from zimgraph.neo4j import statements as S
from zimgraph.neo4j.rows import GraphRows, graph_rows

BOLT_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
#: a checkpoint of one push lives in the case folder under this name
CHECKPOINT_NAME = "neo4j_push.json"


@user_error
class Neo4jPushError(Exception):
    """Neo4j could not be reached, refused the credentials, or went away: one line saying what to do."""


@dataclass
class PushReport:
    """What a push did: rows sent, batches skipped from a checkpoint, the count check."""
    case_name: str
    nodes: int = 0
    relationships: int = 0
    batches_sent: int = 0
    batches_skipped: int = 0
    counts_ok: bool = False
    mismatches: list[str] = field(default_factory=list)
    other_cases: list[str] = field(default_factory=list)
    seconds: float = 0.0


class PushCheckpoint:
    """The batches of one (target, case, graph) already committed; other pushes start afresh.

    >>> cp = PushCheckpoint(None, target="bolt://x", case_name="c", fingerprint="f")
    >>> cp.mark("merge:IP#0"); "merge:IP#0" in cp.done
    True
    """

    def __init__(self, path: Path | None, *, target: str, case_name: str, fingerprint: str):
        self.path = path
        self.key = {"target": target, "case_name": case_name, "fingerprint": fingerprint}
        self.done: set[str] = set()
        if path is not None and path.is_file():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                saved = {}
            if saved.get("key") == self.key:
                self.done = set(saved.get("done", []))

    def mark(self, batch_key: str) -> None:
        self.done.add(batch_key)
        self._save(complete=False)

    def finish(self) -> None:
        self._save(complete=True)

    def _save(self, *, complete: bool) -> None:
        if self.path is None:
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"key": self.key, "complete": complete, "done": sorted(self.done)}),
                       encoding="utf-8")
        tmp.replace(self.path)


def rows_fingerprint(rows: GraphRows) -> str:
    """A hash of every row: a checkpoint only applies to the very graph it was made for."""
    digest = hashlib.sha256()
    for kind, kind_rows in sorted(rows.nodes.items()):
        digest.update(json.dumps([kind, kind_rows], sort_keys=True, default=str).encode())
    for triple, rel_rows in sorted(rows.relationships.items()):
        digest.update(json.dumps([triple, rel_rows], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _batches(rows: list[dict], size: int):
    for start in range(0, len(rows), size):
        yield start // size, rows[start:start + size]


def _driver_errors():
    from neo4j import exceptions
    gone = (exceptions.ServiceUnavailable, exceptions.SessionExpired, exceptions.TransientError, OSError)
    return exceptions, gone


def push(graph, *, driver, case_name: str, database: str | None = None, batch: int = 1000,
         progress: Callable[[int, int], None] | None = None,
         checkpoint: PushCheckpoint | None = None, rows: GraphRows | None = None) -> PushReport:
    """Send ``graph`` to Neo4j through ``driver`` under ``case_name``; returns a :class:`PushReport`.

    ``progress(done_rows, total_rows)`` is called after every batch; ``rows`` (the graph's
    :func:`graph_rows` for ``case_name``) saves converting the graph again. Raises
    :class:`Neo4jPushError` when the server goes away (re-run to complete).
    """
    if batch < 1:
        raise Neo4jPushError(f"--batch must be at least 1, not {batch}")
    started = time.monotonic()
    rows = rows if rows is not None else graph_rows(graph, case_name=case_name)
    total = rows.node_count() + rows.relationship_count()
    report = PushReport(case_name=case_name, nodes=rows.node_count(), relationships=rows.relationship_count())
    done_rows = 0
    exceptions, gone = _driver_errors()
    try:
        with driver.session(database=database) as session:
            for statement in [*S.CONSTRAINTS.values(), *S.VALUE_INDEXES.values()]:
                session.execute_write(_write, statement, {})
            report.other_cases = [r["case_name"] for r in
                                  session.execute_read(_read, S.OTHER_CASES, {"case_name": case_name})]
            plan = [(f"merge:{kind}", S.MERGE_NODES[kind], kind_rows) for kind, kind_rows in rows.nodes.items()]
            plan += [("merge:{}:{}->{}".format(*triple), S.MERGE_RELATIONSHIPS[triple], rel_rows)
                     for triple, rel_rows in rows.relationships.items()]
            for name, statement, all_rows in plan:
                for index, chunk in _batches(all_rows, batch):
                    key = f"{name}#{index}"
                    if checkpoint is not None and key in checkpoint.done:
                        report.batches_skipped += 1
                    else:
                        session.execute_write(_write, statement, {"case_name": case_name, "rows": chunk})
                        report.batches_sent += 1
                        if checkpoint is not None:
                            checkpoint.mark(key)
                    done_rows += len(chunk)
                    if progress is not None:
                        progress(done_rows, total)
            report.mismatches = _count_check(session, rows, case_name)
    except exceptions.AuthError as exc:
        raise Neo4jPushError(f"Neo4j refused the credentials ({exc.message or exc}): check --user/--password "
                             "or NEO4J_USER/NEO4J_PASSWORD") from None
    except gone as exc:
        raise Neo4jPushError(f"Neo4j went away after {done_rows:,} of {total:,} rows ({type(exc).__name__}): "
                             "run the same command again to complete the push (it resumes)") from None
    report.counts_ok = not report.mismatches
    if checkpoint is not None and report.counts_ok:
        checkpoint.finish()
    report.seconds = time.monotonic() - started
    return report


def _write(tx, statement: str, parameters: dict) -> None:
    tx.run(statement, parameters).consume()


def _read(tx, statement: str, parameters: dict) -> list[dict]:
    return tx.run(statement, parameters).data()


def _count_check(session, rows: GraphRows, case_name: str) -> list[str]:
    """Compare what Neo4j holds for this case with the graph; one sentence per difference."""
    mismatches = []
    params = {"case_name": case_name}
    for kind, kind_rows in rows.nodes.items():
        found = session.execute_read(_read, S.COUNT_NODES[kind], params)[0]["count"]
        if found != len(kind_rows):
            mismatches.append(f"{kind} nodes: {found:,} in Neo4j, {len(kind_rows):,} in the case graph")
    for triple, rel_rows in rows.relationships.items():
        found = session.execute_read(_read, S.COUNT_RELATIONSHIPS[triple], params)[0]["count"]
        if found != len(rel_rows):
            mismatches.append("{} -{}-> {} relationships: ".format(triple[1], triple[0], triple[2])
                              + f"{found:,} in Neo4j, {len(rel_rows):,} in the case graph")
    return mismatches


def open_driver(uri: str, user: str | None, password: str | None):
    """A connected ``neo4j`` driver, or :class:`Neo4jPushError` saying what is wrong with the URI or login."""
    from neo4j import GraphDatabase
    exceptions, gone = _driver_errors()
    if uri.split("://", 1)[0] not in BOLT_SCHEMES:
        raise Neo4jPushError(f"not a Neo4j Bolt URI: {uri!r}; write e.g. --uri neo4j://localhost:7687 "
                             f"(schemes: {', '.join(BOLT_SCHEMES)})")
    auth = (user or "neo4j", password) if password is not None else None
    try:
        driver = GraphDatabase.driver(uri, auth=auth)
    except (ValueError, exceptions.ConfigurationError) as exc:
        raise Neo4jPushError(f"not a Neo4j URI: {uri!r} ({exc}); write e.g. --uri neo4j://localhost:7687") from None
    try:
        driver.verify_connectivity()
    except exceptions.AuthError as exc:
        driver.close()
        raise Neo4jPushError(f"Neo4j at {uri} refused the credentials ({exc.message or exc}): check --user/--password "
                             "or NEO4J_USER/NEO4J_PASSWORD") from None
    except gone as exc:
        driver.close()
        raise Neo4jPushError(f"cannot reach Neo4j at {uri} ({type(exc).__name__}): is the server running "
                             "and the URI right (e.g. neo4j://localhost:7687)?") from None
    return driver
