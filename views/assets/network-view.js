(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fulian-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("fulian-graph"), {nodes: nodes, edges: edges}, data.options);
  window.fulianNetwork = network;
  window.fulianNodeCount = network.body.data.nodes.length;
  window.fulianEdgeCount = network.body.data.edges.length;
  document.body.dataset.drawnNodes = String(window.fulianNodeCount);
  var done = false;
  function settle(how) {
    if (done) { return; }
    done = true;
    network.setOptions({physics: false});
    network.fit({animation: false});
    document.body.dataset.settleMs = String(Math.round(performance.now()));
    document.body.dataset.stabilized = how;
  }
  network.once("stabilizationIterationsDone", function () { settle("1"); });
  network.once("stabilized", function () { settle("1"); });
  if (data.nodes.length === 0) { settle("1"); }
  setTimeout(function () { settle("timeout"); }, 60000);
})();
