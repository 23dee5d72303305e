"""The graph view data: caps, escaping, determinism (the browser tests are in test_browser.py)."""

from __future__ import annotations

import json
import re

import networkx as nx

from zimgraph.report.graphview import build_view, script_json, vis_network_js
from zimgraph.report.page import render_page

XSS_UA = "<img src=x onerror=alert(1)>"
XSS_NAME = '"><script>alert(2)</script>.html'


def star(leaves: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("ip:203.0.113.9", kind="IP", value="203.0.113.9", count=leaves)
    for i in range(leaves):
        node = f"account:u{i:05d}@x.gov"
        g.add_node(node, kind="Account", value=node[8:], count=1)
        g.add_edge("ip:203.0.113.9", node, key="AUTH_FAILED", type="AUTH_FAILED", count=1,
                   first_seen="2026-10-24T08:00:00.000Z", last_seen="2026-10-24T08:00:00.000Z")
    return g


def test_a_hub_keeps_its_scored_neighbours_and_says_how_many_more():
    g = star(100)
    info = {"account:u00077@x.gov": {"score": 0.9, "verdict": "compromised", "why": ["logged in"]}}
    view = build_view(g, roots=["ip:203.0.113.9"], info=info, max_neighbours=10)
    ids = {n["id"] for n in view["nodes"]}
    assert "account:u00077@x.gov" in ids and "ip:203.0.113.9" in ids
    [more] = [n for n in view["nodes"] if n["kind"] == "More"]
    assert more["label"] == "90 more not shown" and view["hidden"] == 90
    assert len(ids) == 12


def test_a_20000_leaf_hub_is_capped_to_a_usable_view():
    view = build_view(star(20_000), roots=["ip:203.0.113.9"])
    assert len(view["nodes"]) == 27 and view["hidden"] == 19_975


def test_a_20000_node_case_is_capped_under_the_node_limit_and_laid_out_in_python():
    from tests.report.big import big_graph
    g = big_graph(20_000)
    assert g.number_of_nodes() >= 20_000
    view = build_view(g, roots=["ip:198.51.100.1"])
    assert 300 < len(view["nodes"]) <= 1500 + 1500 and view["hidden"] > 0
    assert view["physics"] is False          # laid out in Python, not simulated in the browser


def test_every_node_has_a_position_and_the_seed_is_in_the_centre():
    view = build_view(star(30), roots=["ip:203.0.113.9"])
    positions = {n["id"]: (n["x"], n["y"]) for n in view["nodes"]}
    assert positions["ip:203.0.113.9"] == (0.0, 0.0)
    assert len(set(positions.values())) == len(positions)


def test_same_graph_same_view():
    assert json.dumps(build_view(star(60), roots=["ip:203.0.113.9"]), sort_keys=True) == \
        json.dumps(build_view(star(60), roots=["ip:203.0.113.9"]), sort_keys=True)


def test_log_strings_never_reach_the_markup_unescaped():
    g = nx.MultiDiGraph()
    g.add_node("ua:" + XSS_UA, kind="UserAgent", value=XSS_UA, count=1)
    g.add_node("sha1:" + "a" * 40, kind="Attachment", value="a" * 40, names=[XSS_NAME], count=1)
    g.add_edge("ua:" + XSS_UA, "sha1:" + "a" * 40, key="SUBMITTED", type="SUBMITTED", count=1)
    html = render_page(build_view(g, roots=[]), title=XSS_NAME)
    assert XSS_UA not in html and "<script>alert(2)" not in html
    # the only <script> elements are ours: the JSON data block and two inline scripts
    assert len(re.findall(r"<script\b", html.replace(vis_network_js(), ""))) == 3
    data = re.search(r'<script type="application/json" id="zg-data">(.*?)</script>', html, re.S)[1]
    assert XSS_UA in json.dumps(json.loads(data), ensure_ascii=False)     # intact as data


def test_script_json_cannot_close_the_script_element():
    text = script_json({"ua": "</script><script>alert(1)</script>", "sep": "\u2028"})
    assert "</" not in text and "<" not in text and json.loads(text)["ua"].startswith("</script>")


def test_the_page_requests_nothing_from_any_network():
    html = render_page(build_view(star(5), roots=[]), title="t")
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=""", html, re.I)
    assert "default-src 'none'" in html and "connect-src 'none'" in html
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", html)
    assert not re.search(r"""@import""", html)
