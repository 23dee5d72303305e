"""One file's batch of event columns to an Arrow table in SCHEMA."""

import pyarrow as pa

from zimgraph.events import SCHEMA
from zimgraph.ingest.worker import events_table


def test_columns_become_the_schema_with_provenance_and_nulls():
    table = events_table({"ts": [1_000, 2_000], "event": ["auth", "http"], "size": [None, 7]},
                         [3, 9], [1, 2], node="mbx01", source="mailbox", file="mailbox.log")
    assert table.schema == SCHEMA and table.num_rows == 2
    assert table["ts"].to_pylist()[0].timestamp() == 1.0
    assert table["node"].to_pylist() == ["mbx01", "mbx01"] and table["line"].to_pylist() == [3, 9]
    assert table["size"].to_pylist() == [None, 7] and table["account"].null_count == 2


def test_a_slipped_type_is_converted_leniently_not_lost():
    table = events_table({"ts": [1, 2, 3], "size": ["12", "x", 3.0], "account": [5, None, "a"],
                          "score": [1, "2.5", object()]}, [1, 2, 3], [1, 1, 1], node="n", source="s", file="f")
    assert table["size"].to_pylist() == [12, None, 3]
    assert table["account"].to_pylist() == ["5", None, "a"]
    assert table["score"].to_pylist() == [1.0, 2.5, None]
    assert table.schema.field("score").type == pa.float64()
