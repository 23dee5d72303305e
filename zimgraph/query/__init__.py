"""Run the Cypher hunt library (``queries/``) on the case: embedded engine by default, or Neo4j.

:mod:`.header` parses and checks query headers, :mod:`.library` finds queries, :mod:`.embedded`
builds and caches the embedded database, :mod:`.run` binds parameters and runs.
"""
