"""The case graph in Neo4j: push over Bolt (:mod:`.push`), or CSV files for ``neo4j-admin`` (:mod:`.export_csv`).

Every statement sent is in :mod:`.statements`; names come from :mod:`.vocabulary`.
"""
