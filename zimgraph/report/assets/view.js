/* zimgraph graph view: every string from the logs reaches the DOM through textContent only. */
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("zg-data").textContent);
  var view = payload.view;
  var lines = payload.evidence_lines || {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function tip(text) { var d = el("div", "zg-tip", text); return d; }

  var nodes = new vis.DataSet(view.nodes.map(function (n) {
    var copy = Object.assign({}, n); copy.title = tip(n.title); return copy;
  }));
  var edges = new vis.DataSet(view.edges.map(function (e) {
    var copy = Object.assign({}, e); copy.title = tip(e.title); return copy;
  }));

  // --- filters: kinds, time window, search --------------------------------------------------
  var hiddenKinds = {};
  var stamps = [];
  view.edges.forEach(function (e) {
    if (e.first_seen) { stamps.push(Date.parse(e.first_seen)); }
    if (e.last_seen) { stamps.push(Date.parse(e.last_seen)); }
  });
  var tMin = stamps.length ? Math.min.apply(null, stamps) : 0;
  var tMax = stamps.length ? Math.max.apply(null, stamps) : 0;
  var window_ = [tMin, tMax];
  var visibleByTime = null;

  function edgeInWindow(e) {
    if (!e.first_seen || !stamps.length) { return true; }
    return Date.parse(e.last_seen || e.first_seen) >= window_[0] && Date.parse(e.first_seen) <= window_[1];
  }
  function recomputeTime() {
    if (window_[0] <= tMin && window_[1] >= tMax) { visibleByTime = null; return; }
    visibleByTime = {};
    view.edges.forEach(function (e) {
      if (e.type !== "MORE" && edgeInWindow(e)) { visibleByTime[e.from] = true; visibleByTime[e.to] = true; }
    });
  }
  function nodeFilter(n) {
    if (hiddenKinds[n.kind]) { return false; }
    if (visibleByTime && !n.seed && !visibleByTime[n.id]) { return false; }
    return true;
  }
  function edgeFilter(e) { return e.type === "MORE" || edgeInWindow(e); }

  var nodesView = new vis.DataView(nodes, { filter: nodeFilter });
  var edgesView = new vis.DataView(edges, { filter: edgeFilter });
  var container = document.getElementById("zg-graph");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, view.options);
  var status = document.getElementById("zg-status");

  function report() {
    status.textContent = nodesView.length + " nodes, " + edgesView.length + " edges shown" +
      (view.hidden ? " (" + view.hidden + " more not shown: capped)" : "");
    document.body.setAttribute("data-nodes-shown", String(nodesView.length));
  }
  function refresh() { nodesView.refresh(); edgesView.refresh(); report(); }

  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    document.body.setAttribute("data-graph-stable", "yes");
  });
  if (!view.physics) { document.body.setAttribute("data-graph-stable", "yes"); }
  network.once("afterDrawing", function () { document.body.setAttribute("data-graph-drawn", "yes"); });

  // legend with kind toggles
  var legend = document.getElementById("zg-legend");
  view.legend.forEach(function (item) {
    var label = el("label", "zg-legend-item");
    var box = el("input"); box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", item.kind);
    box.addEventListener("change", function () { hiddenKinds[item.kind] = !box.checked; refresh(); });
    var swatch = el("span", "zg-swatch zg-shape-" + item.shape); swatch.style.background = item.colour;
    label.appendChild(box); label.appendChild(swatch);
    label.appendChild(el("span", null, item.kind + " (" + item.count + ")"));
    legend.appendChild(label);
  });

  // time window
  var from = document.getElementById("zg-from"), to = document.getElementById("zg-to");
  var fromLabel = document.getElementById("zg-from-label"), toLabel = document.getElementById("zg-to-label");
  function iso(t) { return t ? new Date(t).toISOString().replace(".000Z", "Z") : "-"; }
  function onRange() {
    var a = Number(from.value), b = Number(to.value);
    if (a > b) { var c = a; a = b; b = c; }
    window_ = [tMin + (tMax - tMin) * a / 1000, tMin + (tMax - tMin) * b / 1000];
    fromLabel.textContent = iso(window_[0]); toLabel.textContent = iso(window_[1]);
    recomputeTime(); refresh();
  }
  from.addEventListener("input", onRange); to.addEventListener("input", onRange);
  fromLabel.textContent = iso(tMin); toLabel.textContent = iso(tMax);

  // search
  var search = document.getElementById("zg-search");
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    var q = search.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); return; }
    var hits = nodesView.getIds({ filter: function (n) { return String(n.text).toLowerCase().indexOf(q) >= 0; } });
    network.selectNodes(hits);
    if (hits.length) { network.focus(hits[0], { scale: 1.2, animation: false }); show(hits[0]); }
    status.textContent = hits.length + " match(es) for the search";
  });

  // click a node: its details and the evidence of its edges
  var panel = document.getElementById("zg-panel");
  function show(id) {
    var n = nodes.get(id);
    panel.textContent = "";
    if (!n) { return; }
    panel.appendChild(el("h3", null, n.kind + ": " + n.text));
    var facts = el("dl");
    [["verdict", n.verdict], ["score", n.score ? n.score.toFixed(2) : null], ["first seen", n.first_seen],
     ["last seen", n.last_seen], ["infrastructure", n.infrastructure ? "yes" : null]].forEach(function (kv) {
      if (kv[1]) { facts.appendChild(el("dt", null, kv[0])); facts.appendChild(el("dd", null, kv[1])); }
    });
    panel.appendChild(facts);
    if (n.why && n.why.length) {
      var why = el("ul", "zg-why");
      n.why.forEach(function (s) { why.appendChild(el("li", null, s)); });
      panel.appendChild(why);
    }
    var rows = view.edges.filter(function (e) { return e.from === id || e.to === id; });
    var table = el("table", "zg-edges");
    var head = el("tr");
    ["relation", "other end", "records", "first", "last", "evidence"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    rows.forEach(function (e) {
      var other = nodes.get(e.from === id ? e.to : e.from);
      var tr = el("tr");
      tr.appendChild(el("td", null, (e.from === id ? "→ " : "← ") + e.type));
      tr.appendChild(el("td", null, other ? other.text : ""));
      tr.appendChild(el("td", null, e.count));
      tr.appendChild(el("td", null, e.first_seen || ""));
      tr.appendChild(el("td", null, e.last_seen || ""));
      var cell = el("td");
      (e.evidence || []).slice(0, 5).forEach(function (ref) {
        cell.appendChild(el("div", "zg-ref", ref));
        if (lines[ref]) { cell.appendChild(el("pre", "zg-line", lines[ref])); }
      });
      tr.appendChild(cell);
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }
  network.on("click", function (params) { if (params.nodes.length) { show(params.nodes[0]); } });
  report();
  window.zimgraphView = { network: network, nodes: nodesView, edges: edgesView, show: show };
})();
