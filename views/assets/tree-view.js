/* fulian-kg tree view: a federation tree laid out as a compact org chart on a vis-network canvas.
 *
 * Input: the JSON in #fulian-data (see views/tree.py): nodes with id, parent, label, tip,
 * depth, status, year; the palette of years; the styles of the other statuses.
 * Layout: a node's children sit side by side below it, unless they are all leaves, then they are
 * stacked in columns; the top rows wrap so the picture fits the window's shape. Connectors are
 * drawn on the canvas (beforeDrawing), so nodes are not draggable. Nodes below the opening depth
 * are collapsed (label ends in ▸ N); a click opens or closes a node. The year slider recolours:
 * federations adopting after the chosen year are drawn as "adopts later".
 * Test hooks: window.fulianTree (visible(), expandAll(), openTo(depth), setYear(y), check()).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fulian-data").textContent);
  var FONT = data.fontSize, PAD_X = 7, PAD_Y = 4, H = FONT + 2 * PAD_Y;
  var GAP_X = 14, GAP_Y = 34, STACK_INDENT = 18, STACK_GAP = 6, COL_GAP = 14, MAX_STACK = data.stacks[0];
  var SPINE = 20;
  var container = document.getElementById("fulian-graph");
  var byId = {}, roots = [];
  data.nodes.forEach(function (n) { n.kids = []; byId[n.id] = n; });
  data.nodes.forEach(function (n) {
    if (n.parent && byId[n.parent]) { byId[n.parent].kids.push(n); } else { roots.push(n); }
  });
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = FONT + "px " + data.font;

  function labelOf(n) {
    if (!n.kids.length) { return n.label; }
    return n.label + (n.open ? " ▾" : " ▸" + n.kids.length);
  }
  function size(n) {
    n.w = Math.ceil(measure.measureText(labelOf(n)).width) + 2 * PAD_X + 4;
    n.h = H;
  }

  // -- opening: every level that keeps at most data.visibleMax nodes on screen (at least one level);
  // when that leaves the picture sparse (under half the budget), nodes of the next level are opened
  // in tree order while the budget lasts
  var perDepth = [];
  data.nodes.forEach(function (n) { perDepth[n.depth] = (perDepth[n.depth] || 0) + 1; });
  var openDepth = 0, seen = 0;
  for (var d = 0; d < perDepth.length; d++) {
    if (seen + (perDepth[d] || 0) > data.visibleMax && d > 1) { break; }
    seen += perDepth[d] || 0;
    openDepth = d;
  }
  function openTo(depth) { data.nodes.forEach(function (n) { n.open = n.depth < depth; }); }
  openTo(openDepth);
  if (seen < data.visibleMax / 2) {
    data.nodes.forEach(function (n) {
      if (n.depth === openDepth && n.kids.length && seen + n.kids.length <= data.visibleMax) {
        n.open = true;
        seen += n.kids.length;
      }
    });
  }

  // -- layout --------------------------------------------------------------------------------
  function shown(n) { return n.open ? n.kids : []; }
  function leaf(n) { return !shown(n).length; }

  function extent(n) {  // n.sw, n.sh: the size of n's subtree as drawn
    size(n);
    var kids = shown(n);
    kids.forEach(extent);
    n.mode = !kids.length ? "leaf" : (kids.every(leaf) ? "stack" : "row");
    if (n.mode === "leaf") { n.sw = n.w; n.sh = n.h; return; }
    if (n.mode === "stack") {
      var cols = Math.ceil(kids.length / MAX_STACK), rows = Math.ceil(kids.length / cols);
      var colW = Math.max.apply(null, kids.map(function (k) { return k.w; })) + COL_GAP;
      n.stack = {cols: cols, rows: rows, colW: colW};
      n.sw = Math.max(n.w, STACK_INDENT + cols * colW - COL_GAP);
      n.sh = n.h + STACK_GAP + rows * (H + STACK_GAP) - STACK_GAP;
      return;
    }
    n.rows = [kids];
    rowSize(n);
  }
  function rowSize(n) {
    var wrapped = n.rows.length > 1, w = 0, h = n.h;
    n.rows.forEach(function (row) {
      var rw = row.reduce(function (s, k) { return s + k.sw; }, 0) + GAP_X * (row.length - 1);
      w = Math.max(w, rw);
      h += GAP_Y + Math.max.apply(null, row.map(function (k) { return k.sh; }));
    });
    n.sw = Math.max(n.w, w + (wrapped ? SPINE : 0));
    n.sh = h;
  }
  function split(kids, k) {  // k rows of about equal width, in order
    var total = kids.reduce(function (s, c) { return s + c.sw + GAP_X; }, 0), rows = [[]], acc = 0;
    kids.forEach(function (c) {
      if (rows[rows.length - 1].length && acc + c.sw / 2 > total * rows.length / k && rows.length < k) {
        rows.push([]);
      }
      rows[rows.length - 1].push(c);
      acc += c.sw + GAP_X;
    });
    return rows;
  }
  function fitScale(w, h) {
    return Math.min((container.clientWidth - 40) / Math.max(w, 1), (container.clientHeight - 40) / Math.max(h, 1));
  }
  function bestRows(n, kids) {  // the rows of kids (under n) that fit the window best; returns the scale
    var best = null;
    for (var k = 1; k <= Math.min(kids.length, 8); k++) {
      n.rows = split(kids, k);
      rowSize(n);
      var s = fitScale(n.sw, n.sh);
      if (!best || s > best.s * 1.02) { best = {s: s, rows: n.rows}; }
    }
    n.rows = best.rows;
    rowSize(n);
    return best.s;
  }
  function place(n, left, top) {  // n's subtree in the box from (left, top)
    n.y = top + n.h / 2;
    if (n.mode === "leaf") { n.x = left + n.w / 2; return; }
    if (n.mode === "stack") {
      n.x = left + n.w / 2;
      shown(n).forEach(function (k, i) {
        var col = Math.floor(i / n.stack.rows), row = i % n.stack.rows;
        place(k, left + STACK_INDENT + col * n.stack.colW, top + n.h + STACK_GAP + row * (H + STACK_GAP));
      });
      return;
    }
    var wrapped = n.rows.length > 1, y = top + n.h + GAP_Y;
    n.x = wrapped ? left + n.w / 2 : left + n.sw / 2;
    n.rows.forEach(function (row) {
      var rw = row.reduce(function (s, k) { return s + k.sw; }, 0) + GAP_X * (row.length - 1);
      var x = wrapped ? left + SPINE : left + (n.sw - rw) / 2;
      row.forEach(function (k) { place(k, x, y); x += k.sw + GAP_X; });
      y += GAP_Y + Math.max.apply(null, row.map(function (k) { return k.sh; }));
    });
  }
  var forest = {w: 0, h: -GAP_Y};  // several roots: rows of trees, no connector between them
  function arrange() {  // wrap the top row(s) of the tree for the window; returns the fitted scale
    roots.forEach(extent);
    if (roots.length === 1) {
      var r = roots[0];
      return r.mode === "row" ? bestRows(r, shown(r)) : fitScale(r.sw, r.sh);
    }
    return bestRows(forest, roots);
  }
  function layout() {
    if (!roots.length) { return; }
    var best = null;
    data.stacks.forEach(function (height) {  // the column height of stacked leaves that fits best
      MAX_STACK = height;
      var s = arrange();
      if (!best || s > best.s * 1.01) { best = {s: s, height: height}; }
    });
    MAX_STACK = best.height;
    arrange();
    if (roots.length === 1) { place(roots[0], 0, 0); return; }
    var y = 0;
    forest.rows.forEach(function (row) {
      var x = 0;
      row.forEach(function (k) { place(k, x, y); x += k.sw + GAP_X; });
      y += GAP_Y + Math.max.apply(null, row.map(function (k) { return k.sh; }));
    });
  }
  function visibleNodes() {
    var out = [];
    (function walk(list) { list.forEach(function (n) { out.push(n); walk(shown(n)); }); })(roots);
    return out;
  }

  // -- styles --------------------------------------------------------------------------------
  var year = data.years.length ? data.years[data.years.length - 1] : null;
  function style(n) {
    var s;
    if (n.status === "adopted" && n.year === null) { s = data.styles.unknown; }
    else if (n.status === "adopted" && (year === null || n.year <= year)) { s = data.palette[String(n.year)]; }
    else if (n.status === "adopted") { s = data.styles.later; }
    else { s = data.styles[n.status]; }
    return {
      color: {background: s.fill, border: s.border, highlight: {background: s.fill, border: "#000000"},
              hover: {background: s.fill, border: "#000000"}},
      font: {color: s.text, size: FONT, face: data.font},
      shapeProperties: {borderDashes: s.dashed ? [4, 3] : false, borderRadius: 3},
      borderWidth: n.depth === 0 ? 2.5 : 1.2
    };
  }
  function visRow(n, visible) {
    var row = style(n);
    row.id = n.id; row.label = labelOf(n); row.title = n.tip; row.hidden = !visible;
    if (visible) { row.x = n.x; row.y = n.y; }
    return row;
  }

  // -- the network ---------------------------------------------------------------------------
  layout();
  var visibleSet = {};
  visibleNodes().forEach(function (n) { visibleSet[n.id] = true; });
  var nodes = new vis.DataSet(data.nodes.map(function (n) { return visRow(n, !!visibleSet[n.id]); }));
  var options = {
    autoResize: true, physics: false, layout: {hierarchical: false, improvedLayout: false},
    nodes: {shape: "box", margin: {top: PAD_Y, bottom: PAD_Y, left: PAD_X, right: PAD_X}},
    interaction: {dragNodes: false, hover: true, tooltipDelay: 100, hideEdgesOnDrag: false, keyboard: false},
    edges: {}
  };
  var network = new vis.Network(container, {nodes: nodes, edges: new vis.DataSet([])}, options);
  window.fulianNetwork = network;

  function counts() {
    var v = visibleNodes();
    window.fulianNodeCount = v.length;
    window.fulianEdgeCount = v.filter(function (n) { return n.parent && byId[n.parent]; }).length;
    document.body.dataset.drawnNodes = String(v.length);
    var done = data.nodes.filter(function (n) { return n.status === "adopted" && n.year !== null && year !== null && n.year <= year; }).length;
    var el = document.getElementById("fulian-progress");
    if (el && year !== null) { el.textContent = "截至 " + year + " 年 by " + year + ": " + done + " / " + data.nodes.length + " 妇联 adopted"; }
  }
  function refresh(keepId) {
    var before = keepId ? network.canvasToDOM(network.getPosition(keepId)) : null;
    layout();
    var vis_ = {};
    visibleNodes().forEach(function (n) { vis_[n.id] = true; });
    nodes.update(data.nodes.map(function (n) { return visRow(n, !!vis_[n.id]); }));
    counts();
    if (before) {
      var scale = network.getScale(), now = network.getPosition(keepId), view = network.getViewPosition();
      var want = network.DOMtoCanvas(before);
      network.moveTo({position: {x: view.x + (now.x - want.x), y: view.y + (now.y - want.y)}, scale: scale,
                      animation: false});
    }
  }
  function fit() {
    network.fit({animation: false});
    if (network.getScale() > data.maxScale) {
      network.moveTo({scale: data.maxScale, animation: false});
    }
  }

  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.strokeStyle = "#adb5bd";
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    visibleNodes().forEach(function (n) {
      var kids = shown(n);
      if (!kids.length) { return; }
      var bottom = n.y + n.h / 2;
      if (n.mode === "stack") {
        var trunk = n.x - n.w / 2 + STACK_INDENT / 2;
        for (var c = 0; c < n.stack.cols; c++) {
          var colKids = kids.slice(c * n.stack.rows, (c + 1) * n.stack.rows), cx = trunk + c * n.stack.colW;
          var last = colKids[colKids.length - 1];
          if (c > 0) { ctx.moveTo(trunk, bottom + STACK_GAP / 2); ctx.lineTo(cx, bottom + STACK_GAP / 2); }
          ctx.moveTo(cx, c > 0 ? bottom + STACK_GAP / 2 : bottom);
          ctx.lineTo(cx, last.y);
          colKids.forEach(function (k) { ctx.moveTo(cx, k.y); ctx.lineTo(k.x - k.w / 2, k.y); });
        }
        return;
      }
      var wrapped = n.rows.length > 1, spine = n.x - n.w / 2 + SPINE / 2, lastBus = bottom;
      n.rows.forEach(function (row) {
        var bus = row[0].y - row[0].h / 2 - GAP_Y / 2;
        var xs = row.map(function (k) { return k.x; });
        var from = wrapped ? spine : Math.min(n.x, Math.min.apply(null, xs));
        var to = Math.max.apply(null, xs.concat(wrapped ? [] : [n.x]));
        ctx.moveTo(from, bus); ctx.lineTo(to, bus);
        row.forEach(function (k) { ctx.moveTo(k.x, bus); ctx.lineTo(k.x, k.y - k.h / 2); });
        lastBus = bus;
      });
      ctx.moveTo(wrapped ? spine : n.x, bottom);
      ctx.lineTo(wrapped ? spine : n.x, lastBus);
    });
    ctx.stroke();
    ctx.restore();
  });

  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var n = byId[params.nodes[0]];
    if (!n || !n.kids.length) { return; }
    n.open = !n.open;
    refresh(n.id);
  });

  // -- controls --------------------------------------------------------------------------------
  var slider = document.getElementById("fulian-year");
  var yearLabel = document.getElementById("fulian-year-label");
  function setYear(y) {
    year = y;
    if (slider) { slider.value = String(y); }
    if (yearLabel) { yearLabel.textContent = String(y); }
    nodes.update(data.nodes.map(function (n) { var r = style(n); r.id = n.id; return r; }));
    counts();
  }
  if (slider) { slider.addEventListener("input", function () { stop(); setYear(parseInt(slider.value, 10)); }); }
  var timer = null, play = document.getElementById("fulian-play");
  function stop() { if (timer) { clearInterval(timer); timer = null; if (play) { play.textContent = "▶ 播放 play"; } } }
  if (play) {
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      var i = 0;
      setYear(data.years[0]);
      play.textContent = "❚❚ 暂停 pause";
      timer = setInterval(function () {
        i += 1;
        if (i >= data.years.length) { stop(); return; }
        setYear(data.years[i]);
      }, 900);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-open-to]"), function (b) {
    b.addEventListener("click", function () { openTo(parseInt(b.dataset.openTo, 10)); refresh(null); fit(); });
  });
  var fitButton = document.getElementById("fulian-fit");
  if (fitButton) { fitButton.addEventListener("click", fit); }

  function check() {  // for the browser tests: what is on screen, and how it reads
    var scale = network.getScale(), w = container.clientWidth, h = container.clientHeight, off = 0, overlaps = 0;
    var boxes = visibleNodes().map(function (n) {
      var a = network.canvasToDOM({x: n.x - n.w / 2, y: n.y - n.h / 2});
      var b = network.canvasToDOM({x: n.x + n.w / 2, y: n.y + n.h / 2});
      if (a.x < -0.5 || a.y < -0.5 || b.x > w + 0.5 || b.y > h + 0.5) { off += 1; }
      return [a.x, a.y, b.x, b.y];
    });
    if (boxes.length <= 400) {
      for (var i = 0; i < boxes.length; i++) {
        for (var j = i + 1; j < boxes.length; j++) {
          var p = boxes[i], q = boxes[j];
          if (p[0] < q[2] - 0.5 && q[0] < p[2] - 0.5 && p[1] < q[3] - 0.5 && q[1] < p[3] - 0.5) { overlaps += 1; }
        }
      }
    }
    return {visible: boxes.length, total: data.nodes.length, fontPx: FONT * scale, scale: scale, offscreen: off,
            overlaps: overlaps, openDepth: openDepth, settleMs: parseFloat(document.body.dataset.settleMs || "0")};
  }
  window.fulianTree = {
    visible: function () { return visibleNodes().length; },
    expandAll: function () { data.nodes.forEach(function (n) { n.open = true; }); refresh(null); fit(); return check(); },
    openTo: function (depth) { openTo(depth); refresh(null); fit(); return check(); },
    toggle: function (id) { byId[id].open = !byId[id].open; refresh(id); return check(); },
    setYear: function (y) { setYear(y); return check(); },
    style: function (id) { return nodes.get(id); },
    check: check
  };

  counts();
  network.once("afterDrawing", function () {
    fit();
    document.body.dataset.settleMs = String(Math.round(performance.now()));  // since the page began to load
    requestAnimationFrame(function () { document.body.dataset.stabilized = "1"; });
  });
})();
