"""neo4j-admin import files: one per kind and triple, typed headers, lists joined by U+001F, the command."""

import csv

from zimgraph.neo4j.export_csv import ARRAY_DELIMITER, export_csv

from tests.neo4j.graphs import ATTACKER_IP, small_case_graph


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_files_headers_and_rows(tmp_path):
    graph = small_case_graph()
    graph.add_node("ua:evil\",\nnext", kind="UserAgent", value="evil\",\nnext" + ARRAY_DELIMITER, count=1)
    export = export_csv(graph, tmp_path / "out", case_name="acme")
    names = sorted(p.name for p in export.files)
    assert "nodes_IP.csv" in names and "rels_USED_UA_IP_UserAgent.csv" in names and "constraints.cypher" in names
    assert (export.nodes, export.relationships) == (16, 25)
    ips = read(tmp_path / "out" / "nodes_IP.csv")
    assert ips[0] == ["id:ID", "case_name", "kind", "value", "first_seen", "last_seen", "count:long",
                      "infrastructure:boolean", "role", "private:boolean", "accounts:long"]
    assert [r[3] for r in ips[1:]] == ["10.0.0.5", "192.0.2.10", ATTACKER_IP]      # sorted by id
    assert ips[1][7:] == ["true", "proxy", "", ""] and ips[1][1] == "acme"
    attachments = read(tmp_path / "out" / "nodes_Attachment.csv")
    assert attachments[0][-3:] == ["names:string[]", "content_types:string[]", "size:long"]
    # hostile text survives the CSV round trip; the delimiter itself is replaced
    uas = {r[0]: r for r in read(tmp_path / "out" / "nodes_UserAgent.csv")[1:]}
    assert uas["ua:evil\",\nnext"][3] == "evil\",\nnext\ufffd"
    rels = read(tmp_path / "out" / "rels_LOGGED_IN_IP_Account.csv")
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and "protocols:string[]" in rels[0]
    assert {(r[0], r[2]) for r in rels[1:]} >= {(f"ip:{ATTACKER_IP}", "LOGGED_IN")}


def test_the_command_names_every_file(tmp_path):
    export = export_csv(small_case_graph(), tmp_path, case_name="acme", database="case1")
    assert export.command.startswith("neo4j-admin database import full --array-delimiter=U+001F")
    assert export.command.endswith(" case1")
    assert f"--nodes=IP={tmp_path / 'nodes_IP.csv'}" in export.command
    assert f"--relationships={tmp_path / 'rels_SYNCED_Account_Device.csv'}" in export.command
    assert export.command in (tmp_path / "import.sh").read_text()
    constraints = (tmp_path / "constraints.cypher").read_text().splitlines()
    assert len(constraints) == 16 and all(line.endswith(";") for line in constraints)
