"""Render the self-contained HTML: the graph view alone, or the full investigation report.

One file, every script and style embedded (vis-network from pyvis, our view script and CSS), a
Content-Security-Policy that forbids any network access, Jinja2 autoescaping for every value
placed in the markup, and the graph data as escaped JSON (see
:func:`zimgraph.report.graphview.script_json`).

>>> html = render_page({"nodes": [], "edges": [], "options": {}, "legend": [], "hidden": 0,
...                     "total_nodes": 0, "physics": True}, title="<b>x</b>")
>>> "<title>&lt;b&gt;x&lt;/b&gt;</title>" in html, "http" in html.split("<script")[0].replace("http-equiv", "")
(True, False)
"""

from __future__ import annotations

from importlib.resources import files

import jinja2

from zimgraph import __version__
from zimgraph.report.graphview import script_json, vis_network_css, vis_network_js

_ASSETS = files("zimgraph.report") / "assets"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                              loader=jinja2.FunctionLoader(lambda name: (_ASSETS / name).read_text(encoding="utf-8")))


def render_page(view: dict, *, title: str, subtitle: str = "", report: dict | None = None,
                evidence_lines: dict[str, str] | None = None) -> str:
    """The HTML page: the graph ``view`` (from :func:`~zimgraph.report.graphview.build_view`) and,
    when given, the ``report`` sections (from :func:`zimgraph.report.model.report_model`)."""
    template = _environment().get_template("page.html.j2")
    data = {"view": view, "evidence_lines": evidence_lines or {}}
    return template.render(
        title=title, subtitle=subtitle or f"zimgraph {__version__}", report=report,
        data_json=script_json(data), vis_js=vis_network_js(), vis_css=vis_network_css(),
        css=(_ASSETS / "report.css").read_text(encoding="utf-8"),
        view_js=(_ASSETS / "view.js").read_text(encoding="utf-8"))
