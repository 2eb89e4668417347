// starling report: the charts over time and the selector above them. The
// whole run draws from the run's own series (one point a round); one
// journey, service or request draws from its track (the coarser shared
// axis of results version 2). A version 1 file has no tracks: the
// selector then offers the whole run only, and says why.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;
  var C = global.StarlingCharts;

  function seconds(ms) {
    return (ms || []).map(function (v) { return U.num(v) / 1000; });
  }

  /** Per second over each interval: interval i runs from point i-1 to i. */
  function perSecond(counts, elapsedMs) {
    return (counts || []).map(function (n, i) {
      var span = U.num(elapsedMs[i]) - (i > 0 ? U.num(elapsedMs[i - 1]) : 0);
      return span > 0 ? (U.num(n) * 1000) / span : null;
    });
  }

  /** The run's own series (columns in the page data). */
  function runColumns(data) {
    var ts = U.obj(data.timeseries);
    return {
      x: seconds(ts.elapsed_ms),
      users: ts.active_users || [],
      rps: ts.rps || [],
      fps: ts.failures_per_s || [],
      p50: ts.p50_us || [],
      p95: ts.p95_us || [],
      p99: ts.p99_us || [],
      p99c: ts.p99_corrected_us || ts.p99_us || [],
    };
  }

  /** One name's track (`kind`: journeys, services, requests); empty if absent. */
  function trackColumns(data, kind, name) {
    var tracks = U.obj(data.tracks);
    var track = U.own(tracks[kind], name);
    var elapsed = tracks.elapsed_ms || [];
    if (!track) return { x: [], rate: [], failRate: [], p50: [], p95: [], p99: [], p99c: [], success: [] };
    var corrected = track.p99_corrected_us && track.p99_corrected_us.length ? track.p99_corrected_us : track.p99_us;
    return {
      x: seconds(elapsed),
      rate: perSecond(track.count, elapsed),
      failRate: perSecond(track.failures, elapsed),
      p50: track.p50_us || [],
      p95: track.p95_us || [],
      p99: track.p99_us || [],
      p99c: corrected || [],
      success: (track.count || []).map(function (n, i) {
        return U.num(n) > 0 ? 1 - U.num(track.failures[i]) / U.num(n) : null;
      }),
    };
  }

  /** Journey success over every journey, per track point; null without tracks. */
  function journeySuccess(data) {
    var tracks = U.obj(data.tracks);
    var names = U.keys(tracks.journeys);
    var elapsed = tracks.elapsed_ms || [];
    if (!names.length || !elapsed.length) return null;
    var success = elapsed.map(function (_, i) {
      var finished = 0;
      var failed = 0;
      names.forEach(function (name) {
        var t = tracks.journeys[name];
        finished += U.num((t.count || [])[i]);
        failed += U.num((t.failures || [])[i]);
      });
      return finished > 0 ? 1 - failed / finished : null;
    });
    return { x: seconds(elapsed), success: success };
  }

  var KINDS = [
    ["journey", "journeys", "Journeys"],
    ["service", "services", "Services"],
    ["request", "requests", "Requests"],
  ];

  /** What the selector offers: the whole run, then every name with a track. */
  function choices(runs) {
    var list = [{ kind: "run", name: null, label: "Whole run" }];
    KINDS.forEach(function (kind) {
      var seen = new Set();
      runs.forEach(function (data) {
        U.keys(U.obj(data.tracks)[kind[1]]).forEach(function (name) {
          if (seen.has(name)) return;
          seen.add(name);
          list.push({ kind: kind[0], name: name, label: name, group: kind[2] });
        });
      });
    });
    return list;
  }

  function build(section, state) {
    var parts = {
      heading: U.el("h2", "", "Over time"),
      select: U.el("select", "selector"),
      note: U.el("p", "note"),
      grid: U.el("div", "charts"),
      charts: {},
      key: null,
      list: [],
    };
    parts.select.setAttribute("aria-label", "what the charts show");
    var label = U.el("label", "selector-label", "Show ");
    label.appendChild(parts.select);
    U.append(section, parts.heading, U.append(U.el("div", "controls"), label), parts.note, parts.grid);
    ["users", "traffic", "latency", "success"].forEach(function (id) {
      var box = U.el("div", "chart chart-" + id);
      var title = U.el("h3");
      var plot = U.el("div", "plot");
      U.append(parts.grid, U.append(box, title, plot));
      parts.charts[id] = { box: box, title: title, plot: plot };
    });
    parts.select.addEventListener("change", function () {
      var choice = parts.list[Number(parts.select.value)];
      if (choice) state.selection = { kind: choice.kind, name: choice.name };
      if (state.ctx) render(section, state.ctx);
    });
    section._parts = parts;
    return parts;
  }

  /** Rebuilds the options only when the names changed; keeps the choice. */
  function updateSelector(parts, state, runs) {
    var list = choices(runs);
    var key = JSON.stringify(list.map(function (c) { return [c.kind, c.name]; }));
    var selected = 0;
    list.forEach(function (c, i) {
      if (c.kind === state.selection.kind && c.name === state.selection.name) selected = i;
    });
    if (key !== parts.key) {
      parts.key = key;
      parts.list = list;
      U.clear(parts.select);
      var groups = {};
      list.forEach(function (c, i) {
        var option = U.el("option", "", c.label);
        option.value = String(i);
        if (!c.group) {
          parts.select.appendChild(option);
          return;
        }
        if (!groups[c.group]) {
          groups[c.group] = U.el("optgroup");
          groups[c.group].label = c.group;
          parts.select.appendChild(groups[c.group]);
        }
        groups[c.group].appendChild(option);
      });
    }
    parts.select.value = String(selected);
    state.selection = { kind: list[selected].kind, name: list[selected].name };
    return list.length > 1;
  }

  function line(label, color, unit, scale) {
    return { label: label, color: color, unit: unit, scale: scale || "y" };
  }

  /** The four charts for what is selected: a title and a spec each (null: none). */
  function specs(ctx, selection) {
    var colors = C.colors;
    var open = ctx.runs.some(function (d) { return U.obj(d.run).model === "open"; });
    var whole = selection.kind === "run";
    var what = whole ? "" : ": " + selection.kind + " " + selection.name;
    var journey = selection.kind === "journey";
    var cols = ctx.runs.map(function (d) {
      return whole ? runColumns(d) : trackColumns(d, selection.kind + "s", selection.name);
    });
    var latency = [line("p50", colors.p50, "us"), line("p95", colors.p95, "us"), line("p99", colors.p99, "us")];
    if (open) latency.push(line("p99 corrected", colors.p99c, "us"));
    var users = ctx.runs.map(runColumns);
    var success = whole ? ctx.runs.map(journeySuccess) : cols;
    var hasSuccess = success.some(function (s) { return s && s.x.length; });
    return {
      users: {
        title: "Active users" + (whole ? "" : " (whole run)"),
        series: [line("users", colors.users, "count")],
        runs: users.map(function (c) { return { x: c.x, ys: [c.users] }; }),
      },
      traffic: {
        title: (journey ? "Journeys finished/s and failed/s" : "Requests/s and failures/s") + what,
        series: [
          line(journey ? "finished/s" : "requests/s", colors.requests, "rate"),
          line(journey ? "failed/s" : "failures/s", colors.failures, "rate"),
        ],
        runs: cols.map(function (c) { return { x: c.x, ys: [whole ? c.rps : c.rate, whole ? c.fps : c.failRate] }; }),
      },
      latency: {
        title: (journey ? "Journey duration" : "Latency") + what,
        series: latency,
        runs: cols.map(function (c) { return { x: c.x, ys: [c.p50, c.p95, c.p99, c.p99c] }; }),
      },
      success: hasSuccess
        ? {
            title: (whole || journey ? "Journey success rate" : "Request success rate") + what,
            series: [line("success", colors.success, "ratio")],
            runs: success.map(function (s) { return s ? { x: s.x, ys: [s.success] } : { x: [], ys: [[]] }; }),
          }
        : null,
    };
  }

  function render(section, ctx) {
    var state = ctx.state;
    var parts = section._parts || build(section, state);
    var perName = updateSelector(parts, state, ctx.runs);
    parts.note.textContent = perName
      ? ""
      : "Charts per journey, service and request need a results file of version 2 or later; this one has the whole run only.";
    parts.note.hidden = perName;
    var all = specs(ctx, state.selection);
    Object.keys(parts.charts).forEach(function (id) {
      var chart = parts.charts[id];
      var spec = all[id];
      chart.box.hidden = !spec;
      if (!spec) {
        C.release(chart.plot);
        return;
      }
      chart.title.textContent = spec.title;
      spec.runLabels = ctx.labels;
      spec.height = 220;
      C.draw(chart.plot, spec);
    });
  }

  global.StarlingTimeline = {
    render: render,
    runColumns: runColumns,
    trackColumns: trackColumns,
    journeySuccess: journeySuccess,
  };
})(window);
