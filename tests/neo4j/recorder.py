"""A fake ``neo4j.Driver`` that records every statement and its parameters.

It answers the push's count queries with the number of distinct rows merged for that label or
triple, so the count check passes when every batch was sent. It checks what is *sent*, not how
Neo4j would run it: tests/neo4j/test_live.py does that against a real server (``NEO4J_URI``).
"""

from __future__ import annotations

from zimgraph.neo4j import statements as S


class RecordingDriver:
    """A stand-in for ``neo4j.Driver`` that records every statement and its parameters.

    It answers count queries with the number of rows that were merged for that label or
    triple, so the count check passes when every batch was sent. It checks what is *sent*,
    not how Neo4j would run it: the live test in tests/neo4j does that.
    """

    def __init__(self, *, fail_after: int | None = None, server: dict | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.databases: list[str | None] = []
        self.fail_after = fail_after
        #: what the "server" holds, by label or triple; pass the same dict to model one server across drivers
        self._merged: dict[str, set] = {} if server is None else server

    def session(self, database=None):
        self.databases.append(database)
        return _RecordingSession(self)

    def run(self, statement: str, parameters: dict):
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            from neo4j.exceptions import ServiceUnavailable
            raise ServiceUnavailable("connection lost (simulated)")
        self.calls.append((statement, parameters))
        for name, merge in S.MERGE_NODES.items():
            if statement == merge:
                self._merged.setdefault(name, set()).update(row["id"] for row in parameters["rows"])
        node_ids = set().union(*self._merged.values()) if self._merged else set()
        for triple, merge in S.MERGE_RELATIONSHIPS.items():
            if statement == merge:      # like Neo4j, MATCH finds no end node that was never merged
                self._merged.setdefault(str(triple), set()).update(
                    (row["source"], row["target"]) for row in parameters["rows"]
                    if row["source"] in node_ids and row["target"] in node_ids)
        for name, count in {**S.COUNT_NODES, **{str(k): v for k, v in S.COUNT_RELATIONSHIPS.items()}}.items():
            if statement == count:
                return _RecordedResult([{"count": len(self._merged.get(name, ()))}])
        return _RecordedResult([])


class _RecordingSession:
    def __init__(self, driver: RecordingDriver):
        self.driver = driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_write(self, fn, *args):
        return fn(self.driver, *args)

    execute_read = execute_write


class _RecordedResult:
    def __init__(self, records: list[dict]):
        self.records = records

    def consume(self):
        return None

    def data(self):
        return self.records
