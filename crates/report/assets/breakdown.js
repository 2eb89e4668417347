// starling report: the run broken down by name: journeys with their
// funnels (where iterations stop), services (which received how much load
// and which slowed, each with its rate and p95 over time) and requests.
// With two runs every figure carries its change from the base.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var T = global.StarlingTables;
  var C = global.StarlingCharts;
  var S = (global.StarlingSections = global.StarlingSections || {});
  var figure = T.figure;

  function latencyColumns(prefix, get, quantiles) {
    return quantiles.map(function (q) {
      return figure(prefix + q, q, function (e) { return U.obj(get(e))[q + "_us"]; }, function (v, e) {
        return U.latency(v, U.obj(get(e)).count);
      }, true);
    });
  }

  /** A section's heading and the holder its table renders into, made once. */
  function holder(section, title, note) {
    if (!section._holder) {
      section.appendChild(U.el("h2", "", title));
      if (note) section.appendChild(U.el("p", "note", note));
      section._holder = U.el("div");
      section.appendChild(section._holder);
    }
    return section._holder;
  }

  S.journeys = function (section, ctx) {
    var rows = T.pair(ctx.now.journeys, ctx.base && ctx.base.journeys, ctx.two);
    var columns = [
      T.name("journey"),
      {
        key: "user_type",
        label: "user type",
        sort: function (row) { return U.obj(row.now || row.base).user_type || ""; },
        text: function (row) { return U.obj(row.now || row.base).user_type || ""; },
      },
      figure("started", "started", function (j) { return j.started; }, U.count),
      figure("succeeded", "succeeded", function (j) { return j.succeeded; }, U.count),
      figure("failed", "failed", function (j) { return j.failed; }, U.count, true),
      figure("success", "success", function (j) { return j.success_ratio; }, function (v, j) {
        return U.num(j.succeeded) + U.num(j.failed) === 0 ? "-" : U.percent(v);
      }, false),
    ].concat(latencyColumns("duration_", function (j) { return j.duration; }, ["p50", "p95", "p99"]));
    T.table(holder(section, "Journeys", "Each journey's funnel: how many iterations reached and passed each top-level step."), ctx.state, {
      id: "journeys",
      columns: columns,
      rows: rows,
      cap: 25,
      empty: "No journeys.",
      after: function (row, tbody, span) {
        if (!row.now || !(row.now.funnel || []).length) return;
        var td = U.el("td", "funnel-cell");
        td.colSpan = span;
        td.appendChild(funnel(row.now, row.base));
        tbody.appendChild(U.append(U.el("tr", "funnel-row"), td));
      },
    });
  };

  /** Bars of reached (light) and passed (solid), scaled to the first step. */
  function funnel(journey, base) {
    var steps = journey.funnel || [];
    var top = 0;
    steps.forEach(function (s) { top = Math.max(top, U.num(s.reached)); });
    var box = U.el("div", "funnel");
    steps.forEach(function (step, i) {
      var line = U.el("div", "step");
      line.appendChild(U.el("span", "step-label", i + 1 + ". " + step.label));
      var bar = U.el("span", "bar");
      var reached = U.el("span", "reached");
      var passed = U.el("span", "passed");
      reached.style.width = (top ? (U.num(step.reached) / top) * 100 : 0) + "%";
      passed.style.width = (top ? (U.num(step.passed) / top) * 100 : 0) + "%";
      U.append(bar, reached, passed);
      line.appendChild(bar);
      var share = U.num(step.reached) ? U.percent(U.num(step.passed) / U.num(step.reached)) : "-";
      var text = U.count(step.reached) + " reached · " + U.count(step.passed) + " passed (" + share + ")";
      var then = base && (base.funnel || [])[i];
      if (then) text += " · base " + U.count(then.passed) + " passed";
      line.appendChild(U.el("span", "step-count", text));
      box.appendChild(line);
    });
    return box;
  }

  /** The service with the highest p95 that received requests. */
  function slowest(services) {
    var worst = null;
    var worstP95 = -1;
    U.keys(services).forEach(function (name) {
      var s = services[name];
      var p95 = U.num(U.obj(s.latency).p95_us);
      if (U.num(s.requests) > 0 && p95 > worstP95) {
        worst = name;
        worstP95 = p95;
      }
    });
    return worst;
  }

  S.services = function (section, ctx) {
    var state = ctx.state;
    var rows = T.pair(ctx.now.services, ctx.base && ctx.base.services, ctx.two);
    var worst = rows.length > 1 ? slowest(U.obj(ctx.now.services)) : null;
    var name = T.name("service");
    name.cell = function (row, td) {
      td.appendChild(U.text(row.name));
      if (row.name === worst) td.appendChild(U.el("span", "tag slow", "slowest p95"));
    };
    var columns = [
      name,
      figure("requests", "requests", function (s) { return s.requests; }, U.count),
      figure("rps", "rate", function (s) { return s.rps; }, function (v) { return U.rate(v) + "/s"; }),
      figure("errors", "errors", function (s) { return s.failure_ratio; }, U.percent, true),
    ].concat(latencyColumns("", function (s) { return s.latency; }, ["p50", "p95", "p99"]));
    columns.push({
      key: "chart",
      label: "rate and p95 over time",
      cell: function (row, td) {
        var spec = serviceSpec(ctx, row.name);
        if (!spec) {
          td.textContent = "-";
          return;
        }
        var box = state.mini.get(row.name);
        if (!box) {
          box = U.el("div", "mini");
          state.mini.set(row.name, box);
        }
        td.appendChild(box);
        C.draw(box, spec);
      },
    });
    T.table(holder(section, "Services", "The load each service received, and when it slowed: the slowest (highest p95) is marked."), state, {
      id: "services",
      columns: columns,
      rows: rows,
      cap: 12,
      empty: "No services.",
      rowClass: function (row) { return row.name === worst ? "slowest" : ""; },
      done: function () {
        // Rows no longer shown give their charts back.
        state.mini.forEach(function (box, key) {
          if (!box.isConnected) {
            C.release(box);
            state.mini.delete(key);
          }
        });
      },
    });
  };

  /** The small chart of one service: requests/s and p95, per run. */
  function serviceSpec(ctx, name) {
    var runs = ctx.runs.map(function (data) {
      return global.StarlingTimeline.trackColumns(data, "services", name);
    });
    if (runs.every(function (r) { return r.x.length === 0; })) return null;
    var colors = C.colors;
    return {
      series: [
        { label: "req/s", color: colors.requests, scale: "y", unit: "rate" },
        { label: "p95", color: colors.p95, scale: "y2", unit: "us" },
      ],
      runs: runs.map(function (r) {
        return { x: r.x, ys: [r.rate, r.p95] };
      }),
      runLabels: ctx.labels,
      small: true,
      width: 220,
      height: 48,
    };
  }

  S.requests = function (section, ctx) {
    var rows = T.pair(ctx.now.requests, ctx.base && ctx.base.requests, ctx.two);
    var columns = [
      T.name("request"),
      {
        key: "service",
        label: "service",
        sort: function (row) { return U.obj(row.now || row.base).service || ""; },
        text: function (row) { return U.obj(row.now || row.base).service || ""; },
      },
      figure("count", "count", function (r) { return r.count; }, U.count),
      figure("failures", "failures", function (r) { return r.failures; }, U.count, true),
      figure("rps", "rate", function (r) { return r.rps; }, function (v) { return U.rate(v) + "/s"; }),
    ].concat(latencyColumns("", function (r) { return r.total; }, ["p50", "p90", "p95", "p99", "max"]));
    T.table(holder(section, "Requests", "Click a column to sort."), ctx.state, {
      id: "requests",
      columns: columns,
      rows: rows,
      cap: 50,
      empty: "No requests.",
    });
  };
})(window);
