"""zimgraph query: listing, table and JSON output, one-line errors that say what to type."""

import json

from click.testing import CliRunner

from zimgraph.cli import main


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_list_names_every_query():
    result = invoke("query", "--list")
    assert result.exit_code == 0
    assert "logins-from-ip" in result.output and "post-compromise-actions" in result.output


def test_json_output_on_the_example_case(example_case):
    truth, folder = example_case
    result = invoke("query", "logins-from-ip", "--param", f"ip={truth['attacker_ips'][0]}", "--case", str(folder), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == "logins-from-ip" and data["engine"] == "embedded"
    assert data["parameters"] == {"case_name": "", "ip": truth["attacker_ips"][0]}
    assert data["columns"][0] == "account" and data["rows"]
    assert {r["account"] for r in data["rows"]} <= set(truth["compromised_accounts"])
    table = invoke("query", "logins-from-ip", "--param", f"ip={truth['attacker_ips'][0]}", "--case", str(folder))
    assert table.exit_code == 0 and data["rows"][0]["account"] in table.output


def test_hostile_text_is_not_rich_markup(example_case, tmp_path):
    truth, folder = example_case
    query = tmp_path / "ua.cypher"
    query.write_text("MATCH (u:UserAgent) WHERE u.value CONTAINS '<img' RETURN '[bold red]x[/]' + u.value AS ua\n")
    result = invoke("query", str(query), "--case", str(folder))
    assert result.exit_code == 0, result.output
    assert "[bold red]x[/]" in result.output and "onerror=alert(1)" in result.output


def test_user_errors_are_one_line_with_exit_2(example_case, tmp_path):
    _, folder = example_case
    cases = [
        (["query", "no-such-hunt", "--case", str(folder)], "zimgraph query --list"),
        (["query", "logins-from-ip", "--case", str(folder)], "needs --param ip=VALUE"),
        (["query", "logins-from-ip", "--param", "ipp=1", "--case", str(folder)], "has no parameter 'ipp'"),
        (["query", "paths-from-ip", "--param", "ip=1.2.3.4", "--param", "max_hops=two", "--case", str(folder)],
         "max_hops is an integer"),
        (["query", "logins-from-ip", "--param", "ip=1.2.3.4"], "--case DIR"),
        (["query"], "zimgraph query --list"),
        (["query", "logins-from-ip", "--param", "ip", "--case", str(folder)], "NAME=VALUE"),
        (["query", str(tmp_path / "missing.cypher"), "--case", str(folder)], "no such query file"),
    ]
    for args, message in cases:
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    bad = tmp_path / "bad.cypher"
    bad.write_text("MATCH (n:IP) RETURN n.valu AS v")
    result = invoke("query", str(bad), "--case", str(folder))
    assert result.exit_code == 2 and "the embedded engine could not run bad" in result.output


def test_the_embedded_database_is_cached_and_rebuilt_when_the_case_changes(example_case, tmp_path):
    import shutil

    from zimgraph.query.embedded import META_NAME
    _, folder = example_case
    copy = tmp_path / "case"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("embedded.*"))
    args = ["query", "accounts-per-device", "--case", str(copy), "--json"]
    first = invoke(*args)
    stamp = (copy / META_NAME).read_text()
    mtime = (copy / "embedded.lbug").stat().st_mtime_ns
    assert invoke(*args).output == first.output
    assert (copy / "embedded.lbug").stat().st_mtime_ns == mtime          # reused, not rebuilt
    (copy / "overrides.json").write_text(json.dumps({"infrastructure_ips": ["192.0.2.10"]}))
    assert invoke(*args).exit_code == 0
    assert (copy / META_NAME).read_text() != stamp                          # the case changed: rebuilt
