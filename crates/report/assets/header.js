// starling report: the top of the page: what ran (scenario, target, start,
// duration, load shape, seed, version, totals) and what the thresholds
// said of it (the verdict, each threshold with its actual value and limit).
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var T = global.StarlingTables;
  var S = (global.StarlingSections = global.StarlingSections || {});

  /** Rows of the facts table: a label and, per run, the value's text. */
  function factRows(ctx) {
    var header = U.obj(ctx.options.header);
    var rows = [];
    function add(label, get, higherIsWorse) {
      var values = ctx.runs.map(function (run) {
        return get(run);
      });
      if (values.every(function (v) { return v === null || v === undefined || v === ""; })) return;
      rows.push({ label: label, values: values, worse: higherIsWorse, get: get });
    }
    function run(field) {
      return function (data) {
        return U.obj(data.run)[field];
      };
    }
    add("scenario", run("scenario"));
    add("target", function () { return header.target; });
    add("started", function (d) { return U.dateTime(U.obj(d.run).started_at_unix_ms); });
    add("duration", function (d) { return U.duration(U.num(U.obj(d.run).duration_ms) * 1000); });
    add("load", function () { return header.load_shape; });
    add("model", function (d) { return U.obj(d.run).model === "open" ? "open (arrival rate)" : U.obj(d.run).model; });
    add("peak users", function (d) { return U.count(U.obj(d.run).peak_users); });
    add("workers", function (d) { return U.count(U.obj(d.run).workers); });
    add("seed", function (d) {
      var seed = U.obj(d.run).seed;
      return seed === null || seed === undefined ? "random" : String(seed);
    });
    add("host", run("host"));
    add("segment", function (d) {
      var seg = U.obj(d.run).segment;
      return seg ? seg.index + 1 + " of " + seg.count : null;
    });
    add("starling", function () { return header.version; });
    return rows;
  }

  /** Totals with a delta in the two-run page: what changed at a glance. */
  var TOTALS = [
    ["requests", function (t) { return t.requests; }, U.count, undefined],
    ["requests/s", function (t) { return t.rps; }, U.rate, undefined],
    ["failed", function (t) { return t.failure_ratio; }, U.percent, true],
    ["p50", function (t) { return U.obj(t.latency).p50_us; }, U.duration, true],
    ["p95", function (t) { return U.obj(t.latency).p95_us; }, U.duration, true],
    ["p99", function (t) { return U.obj(t.latency).p99_us; }, U.duration, true],
    ["journeys started", function (t) { return t.journeys_started; }, U.count, undefined],
    ["journeys failed", function (t) { return t.journeys_failed; }, U.count, true],
  ];

  S.header = function (section, ctx) {
    U.clear(section);
    var now = ctx.now;
    var header = U.obj(ctx.options.header);
    var title = header.title || "starling: " + (U.obj(now.run).scenario || "run");
    if (ctx.options.setTitle !== false) document.title = title;
    section.appendChild(U.el("h1", "", title));
    var flags = [];
    ctx.runs.forEach(function (data, r) {
      var info = U.obj(data.run);
      var who = ctx.two ? ctx.labels[r] + ": " : "";
      if (info.partial) flags.push(who + "a checkpoint, not the final results");
      if (info.stopped_early) flags.push(who + "stopped early (Ctrl-C or SIGTERM)");
      if (info.aborted_by) flags.push(who + "aborted by threshold " + info.aborted_by);
      (info.errors || []).forEach(function (e) { flags.push(who + "internal error: " + e); });
    });
    flags.forEach(function (f) { section.appendChild(U.el("p", "warning", f)); });

    var facts = factsTable(ctx, "run");
    factRows(ctx).forEach(function (row) {
      var tr = U.el("tr");
      tr.appendChild(U.el("th", "", row.label));
      row.values.forEach(function (v) {
        tr.appendChild(U.el("td", "", v === null || v === undefined ? "-" : v));
      });
      facts.body.appendChild(tr);
    });
    var totals = factsTable(ctx, "totals");
    TOTALS.forEach(function (total) {
      var tr = U.el("tr");
      tr.appendChild(U.el("th", "", total[0]));
      ctx.runs.forEach(function (data) {
        tr.appendChild(U.el("td", "num", total[2](total[1](U.obj(data.totals)))));
      });
      if (ctx.two) {
        var change = U.delta(total[1](U.obj(ctx.base.totals)), total[1](U.obj(now.totals)), total[3]);
        tr.appendChild(U.append(U.el("td", "num"), U.el("span", "delta " + change.cls, change.text)));
      }
      totals.body.appendChild(tr);
    });
    section.appendChild(U.append(U.el("div", "header-grid"), facts.table, totals.table));
  };

  /** A facts table whose head names the runs (with two): {table, body}. */
  function factsTable(ctx, title) {
    var table = U.el("table", "facts");
    var head = U.el("tr");
    head.appendChild(U.el("th", "", title));
    if (ctx.two) {
      head.appendChild(U.el("th", "", ctx.labels[0]));
      head.appendChild(U.el("th", "", ctx.labels[1]));
    }
    table.appendChild(U.append(U.el("thead"), head));
    var body = U.el("tbody");
    table.appendChild(body);
    return { table: table, body: body };
  }

  /** A threshold's value in its unit: durations, shares or rates. */
  function thresholdValue(metric, value) {
    if (value === null || value === undefined) return "no data";
    switch (U.obj(metric).metric) {
      case "percentile":
      case "mean":
      case "max":
        return U.duration(value);
      case "rps":
        return U.rate(value) + "/s";
      default:
        return U.percent(value);
    }
  }

  var MARKS = { pass: "✓", fail: "✗", no_data: "✗" };

  S.verdict = function (section, ctx) {
    var state = ctx.state;
    var parts = section._parts;
    if (!parts) {
      parts = section._parts = { badge: U.el("p", "verdict"), table: U.el("div") };
      U.append(section, U.el("h2", "", "Verdict"), parts.badge, parts.table);
    }
    U.clear(parts.badge);
    ctx.runs.forEach(function (data, r) {
      var verdict = String(data.verdict || "pass");
      var text = verdict.toUpperCase();
      if (verdict === "aborted" && U.obj(data.run).aborted_by) text += " (" + data.run.aborted_by + ")";
      if (ctx.two) parts.badge.appendChild(U.el("span", "run-label", ctx.labels[r]));
      parts.badge.appendChild(U.el("span", "badge " + verdict.replace(/[^a-z_]/g, ""), text));
    });
    var base = {};
    if (ctx.two) {
      (ctx.base.thresholds || []).forEach(function (t) { base[" " + t.label] = t; });
    }
    var rows = (ctx.now.thresholds || []).map(function (t) {
      return { t: t, base: ctx.two ? base[" " + t.label] || null : null };
    });
    var columns = [
      {
        key: "status",
        label: "",
        cell: function (row, td) {
          var status = String(row.t.status);
          td.className = "mark " + status.replace(/[^a-z_]/g, "");
          td.textContent = MARKS[status] || "?";
          td.title = status.replace("_", " ");
        },
      },
      { key: "label", label: "threshold", text: function (row) { return row.t.label; } },
      {
        key: "actual",
        label: "actual",
        num: true,
        text: function (row) {
          return thresholdValue(row.t.metric, row.t.actual);
        },
      },
      {
        key: "limit",
        label: "limit",
        num: true,
        text: function (row) {
          var floor = ["success", "rps"].indexOf(U.obj(row.t.metric).metric) >= 0;
          return (floor ? "≥ " : "≤ ") + thresholdValue(row.t.metric, row.t.limit);
        },
      },
    ];
    if (ctx.two) {
      columns.push({
        key: "base",
        label: ctx.labels[0],
        num: true,
        text: function (row) {
          return row.base ? thresholdValue(row.base.metric, row.base.actual) : "-";
        },
      });
    }
    T.table(parts.table, state, {
      id: "thresholds",
      columns: columns,
      rows: rows,
      cap: 50,
      empty: "No thresholds were declared: the run passes.",
      rowClass: function (row) {
        return row.t.status === "pass" ? "" : "bad";
      },
    });
  };
})(window);
