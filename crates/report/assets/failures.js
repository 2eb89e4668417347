// starling report: what went wrong and where (category, count, the
// request or journey step, sampled examples with URL, status, body and
// error), and the open model's view: measured against corrected
// latencies, and the arrivals no virtual user could start.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var T = global.StarlingTables;
  var S = (global.StarlingSections = global.StarlingSections || {});

  /** One row per (where, category) of a run, with its examples. */
  function failureRows(data) {
    var rows = [];
    U.keys(data.requests).forEach(function (name) {
      var request = data.requests[name];
      var categories = U.obj(request.failure_categories);
      U.keys(categories).forEach(function (category) {
        rows.push({
          key: "r " + category + " " + name,
          category: category,
          count: U.num(categories[category]),
          where: "request " + name + (request.service ? " (service " + request.service + ")" : ""),
          examples: (request.examples || []).filter(function (e) { return e.category === category; }),
        });
      });
    });
    U.keys(data.journeys).forEach(function (name) {
      var journey = data.journeys[name];
      (journey.failures || []).forEach(function (f) {
        var category = String(f.category);
        rows.push({
          key: "j " + category + " " + f.step + " " + name,
          category: category,
          count: U.num(f.count),
          where: "journey " + name + ", step " + (U.num(f.step) + 1) + " " + f.label,
          examples: (journey.examples || []).filter(function (e) { return e.category === category; }),
        });
      });
    });
    return rows;
  }

  function example(e) {
    var box = U.el("div", "example");
    var line = U.el("div", "example-head");
    line.appendChild(U.el("span", "status", e.status === null || e.status === undefined ? "no response" : "status " + e.status));
    // Shown as text, never a link: a URL from the target may be anything.
    if (e.url) line.appendChild(U.el("code", "url", e.url));
    box.appendChild(line);
    if (e.error) box.appendChild(U.el("div", "error", e.error));
    if (e.body) box.appendChild(U.el("pre", "body", e.body));
    return box;
  }

  S.failures = function (section, ctx) {
    if (!section._holder) {
      section.appendChild(U.el("h2", "", "Failures"));
      section._holder = U.el("div");
      section.appendChild(section._holder);
    }
    var rows = failureRows(ctx.now);
    if (ctx.two) {
      var before = new Map();
      failureRows(ctx.base).forEach(function (r) { before.set(r.key, r.count); });
      rows.forEach(function (r) { r.base = before.has(r.key) ? before.get(r.key) : 0; });
    }
    var columns = [
      { key: "category", label: "category", sort: function (r) { return r.category; }, text: function (r) { return r.category; } },
      {
        key: "count",
        label: "count",
        num: true,
        sort: function (r) { return r.count; },
        text: function (r) { return U.count(r.count); },
        delta: function (r) {
          var change = ctx.two ? U.delta(r.base, r.count, true) : null;
          return change && change.text !== "=" ? change : null;
        },
      },
      { key: "where", label: "where", sort: function (r) { return r.where; }, text: function (r) { return r.where; } },
      {
        key: "examples",
        label: "examples",
        cell: function (r, td) {
          if (!r.examples.length) td.textContent = "-";
          r.examples.forEach(function (e) { td.appendChild(example(e)); });
        },
      },
    ];
    T.table(section._holder, ctx.state, {
      id: "failures",
      columns: columns,
      rows: rows,
      cap: 30,
      sort: { key: "count", desc: true },
      empty: "No failures.",
    });
  };

  function pairColumns(label) {
    function side(key, title, field, q) {
      return {
        key: key,
        label: title,
        num: true,
        text: function (row) {
          var l = U.obj(row[field]);
          return U.latency(l[q + "_us"], l.count);
        },
      };
    }
    var columns = [{ key: "scope", label: label, text: function (row) { return row.scope; } }];
    ["p50", "p95", "p99"].forEach(function (q) {
      columns.push(side("m" + q, q + " measured", "measured", q));
      columns.push(side("c" + q, q + " corrected", "corrected", q));
    });
    return columns;
  }

  S.openModel = function (section, ctx) {
    var open = ctx.runs.some(function (d) { return U.obj(d.run).model === "open"; });
    section.hidden = !open;
    if (!open) return;
    if (!section._parts) {
      section._parts = { dropped: U.el("p", "dropped"), table: U.el("div") };
      U.append(
        section,
        U.el("h2", "", "Open model: measured and corrected"),
        U.el("p", "note", "Corrected latencies count from when each request was due, so a slow system cannot hide its queue (coordinated omission)."),
        section._parts.dropped,
        section._parts.table
      );
    }
    var totals = U.obj(ctx.now.totals);
    var dropped = U.num(totals.dropped_arrivals);
    var arrivals = U.num(totals.journeys_started) + dropped;
    section._parts.dropped.textContent =
      U.count(dropped) + " dropped arrivals (" + (arrivals ? U.percent(dropped / arrivals) : "0%") + " of " + U.count(arrivals) + " arrivals): no virtual user was free to start them.";
    var rows = [{ scope: "every request", measured: totals.latency, corrected: totals.latency_corrected }];
    U.keys(ctx.now.journeys).forEach(function (name) {
      var j = ctx.now.journeys[name];
      rows.push({ scope: "journey " + name, measured: j.duration, corrected: j.duration_corrected });
    });
    U.keys(ctx.now.requests).forEach(function (name) {
      var r = ctx.now.requests[name];
      rows.push({ scope: "request " + name, measured: r.total, corrected: r.total_corrected });
    });
    T.table(section._parts.table, ctx.state, {
      id: "open",
      columns: pairColumns("scope"),
      rows: rows,
      cap: 20,
    });
  };
})(window);
