"""The HTML in real headless Chromium: it draws, fast, offline, without running log strings."""

from __future__ import annotations

import networkx as nx

from tests.report.big import big_graph
from tests.report.browser import visit
from zimgraph.report.graphview import build_view
from zimgraph.report.page import render_page

XSS_UA = "<img src=x onerror=alert(1)>"
XSS_NAME = '"><script>alert(2)</script>.html'


def test_a_20000_node_graph_loads_capped_in_under_5_seconds(tmp_path):
    g = big_graph(20_000)
    page = tmp_path / "big.html"
    page.write_text(render_page(build_view(g, roots=["ip:198.51.0.1"]), title="20,000 nodes"), encoding="utf-8")
    result = visit(page, screenshot="graph-20000-nodes.png",
                   evaluate={"shown": "window.zimgraphView.nodes.length",
                             "more": "document.getElementById('zg-status').textContent"})
    assert result.errors == []
    assert result.seconds_to_draw < 5, result.seconds_to_draw
    assert 300 < result.facts["shown"] <= 3000
    assert "more not shown" in result.facts["more"]
    assert result.requests == [page.resolve().as_uri()]


def test_log_strings_show_as_text_and_never_run(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("ua:" + XSS_UA, kind="UserAgent", value=XSS_UA, count=1)
    g.add_node("sha1:" + "a" * 40, kind="Attachment", value="a" * 40, names=[XSS_NAME], count=1)
    g.add_edge("ua:" + XSS_UA, "sha1:" + "a" * 40, key="SUBMITTED", type="SUBMITTED", count=1,
               evidence=[XSS_NAME + ":1"])
    page = tmp_path / "xss.html"
    page.write_text(render_page(build_view(g, roots=["ua:" + XSS_UA]), title=XSS_NAME,
                                evidence_lines={XSS_NAME + ":1": XSS_UA}), encoding="utf-8")
    result = visit(page, screenshot="graph-xss.png", evaluate={
        "panel": f"(window.zimgraphView.show({('ua:' + XSS_UA)!r}), document.getElementById('zg-panel').textContent)",
        "images": "document.querySelectorAll('img').length",
        "title": "document.title",
    })
    assert result.dialogs == [] and result.errors == []
    assert XSS_UA in result.facts["panel"] and result.facts["images"] == 0
    assert result.facts["title"] == XSS_NAME
