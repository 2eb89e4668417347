// starling report: one table builder for every table of the page. It keeps
// the user's sort order and "show all" choice across renders, and renders
// at most `cap` rows until asked for all, so a run with 1,000 request
// names stays a page of 50 rows that redraws in a few milliseconds.
(function (global) {
  "use strict";
  var U = global.StarlingUtil;

  /**
   * Renders `def` into `holder` (re-rendering it when called again).
   *
   * def = {
   *   id: key of this table in `state.tables` (its sort and expansion),
   *   columns: [{key, label, num, sort(row), text(row), delta(row), cell(row, td)}],
   *   sort: the first sort ({key, desc}), before the user picks one,
   *   rows: [row], cap: rows shown before "show all", empty: text when none,
   *   rowClass(row), after(row, tbody, columnCount): extra rows below a row,
   *   done(): called after the rows are in the page (charts in cells)
   * }
   */
  function table(holder, state, def) {
    var view = state.tables[def.id] || (state.tables[def.id] = { sort: def.sort || null, expanded: false });
    view.def = def;
    var parts = holder._starlingTable || build(holder, state, def.id);
    header(parts, state, def, view);
    body(parts, def, view);
    footer(parts, def, view);
    if (def.done) def.done();
  }

  function build(holder, state, id) {
    var wrap = U.el("div", "table-wrap");
    var tableEl = U.el("table", "data");
    var thead = U.el("thead");
    var tbody = U.el("tbody");
    var foot = U.el("div", "table-foot");
    var shown = U.el("span", "shown");
    var toggle = U.el("button", "toggle");
    toggle.type = "button";
    toggle.addEventListener("click", function () {
      var view = state.tables[id];
      view.expanded = !view.expanded;
      table(holder, state, view.def);
    });
    U.append(foot, shown, toggle);
    U.append(wrap, U.append(tableEl, thead, tbody));
    U.append(holder, wrap, foot);
    holder._starlingTable = { thead: thead, tbody: tbody, foot: foot, shown: shown, toggle: toggle, key: null, holder: holder };
    return holder._starlingTable;
  }

  function header(parts, state, def, view) {
    var sortKey = view.sort ? view.sort.key + (view.sort.desc ? "-" : "+") : "";
    var key = JSON.stringify(def.columns.map(function (c) {
      return [c.key, c.label];
    })) + sortKey;
    if (parts.key === key) return;
    parts.key = key;
    U.clear(parts.thead);
    var tr = U.el("tr");
    def.columns.forEach(function (column) {
      var th = U.el("th", column.num ? "num" : "");
      if (!column.sort) {
        th.textContent = column.label;
      } else {
        var active = view.sort && view.sort.key === column.key;
        var button = U.el("button", "sort" + (active ? " active" : ""), column.label);
        button.type = "button";
        if (active) {
          button.appendChild(U.el("span", "arrow", view.sort.desc ? " ▼" : " ▲"));
          th.setAttribute("aria-sort", view.sort.desc ? "descending" : "ascending");
        }
        button.addEventListener("click", function () {
          var now = state.tables[def.id];
          var same = now.sort && now.sort.key === column.key;
          // Numbers sort largest first (what a load test looks for); a
          // second click reverses.
          now.sort = { key: column.key, desc: same ? !now.sort.desc : !!column.num };
          table(parts.holder, state, now.def);
        });
        th.appendChild(button);
      }
      tr.appendChild(th);
    });
    parts.thead.appendChild(tr);
  }

  function sorted(def, view) {
    var rows = def.rows.slice();
    var column = view.sort && def.columns.filter(function (c) {
      return c.key === view.sort.key && c.sort;
    })[0];
    if (!column) return rows;
    var order = view.sort.desc ? -1 : 1;
    var keyed = rows.map(function (row, i) {
      return { row: row, value: column.sort(row), i: i };
    });
    keyed.sort(function (a, b) {
      var c = compare(a.value, b.value);
      return c !== 0 ? c * order : a.i - b.i;
    });
    return keyed.map(function (k) {
      return k.row;
    });
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b));
  }

  function body(parts, def, view) {
    var tbody = parts.tbody;
    U.clear(tbody);
    var rows = sorted(def, view);
    var cap = def.cap || 50;
    var shown = view.expanded ? rows : rows.slice(0, cap);
    if (rows.length === 0) {
      var td = U.el("td", "empty", def.empty || "none");
      td.colSpan = def.columns.length;
      tbody.appendChild(U.append(U.el("tr"), td));
      return;
    }
    shown.forEach(function (row) {
      var tr = U.el("tr", def.rowClass ? def.rowClass(row) : "");
      tbody.appendChild(tr);
      def.columns.forEach(function (column) {
        var cell = U.el("td", column.num ? "num" : "");
        tr.appendChild(cell);
        if (column.cell) {
          column.cell(row, cell);
          return;
        }
        cell.textContent = column.text(row);
        var change = column.delta && column.delta(row);
        if (change) cell.appendChild(U.el("span", "delta " + change.cls, change.text));
      });
      if (def.after) def.after(row, tbody, def.columns.length);
    });
  }

  function footer(parts, def, view) {
    var total = def.rows.length;
    var cap = def.cap || 50;
    var more = total > cap;
    parts.foot.hidden = !more;
    if (!more) return;
    parts.shown.textContent = view.expanded
      ? "all " + U.count(total) + " rows"
      : U.count(cap) + " of " + U.count(total) + " rows";
    parts.toggle.textContent = view.expanded ? "show the first " + U.count(cap) : "show all " + U.count(total);
  }

  /**
   * A column of a figure of `row.now` (this run's entry): its value sorts,
   * its text is `format`ted, and with a base run a delta follows it.
   * `higherIsWorse`: true for latencies and failures, false for success,
   * undefined where neither way is bad.
   */
  function figure(key, label, get, format, higherIsWorse) {
    return {
      key: key,
      label: label,
      num: true,
      sort: function (row) {
        return row.now ? U.num(get(row.now)) : -1;
      },
      text: function (row) {
        return row.now ? format(get(row.now), row.now) : "gone";
      },
      delta: function (row) {
        if (!row.two || !row.now) return null;
        if (!row.base) return { text: "new", cls: "same" };
        var change = U.delta(get(row.base), get(row.now), higherIsWorse);
        // Unchanged figures say nothing: leave them bare so changes stand out.
        return change.text === "=" ? null : change;
      },
    };
  }

  /** The name column: plain text (it came from the scenario). */
  function name(label) {
    return {
      key: "name",
      label: label,
      sort: function (row) {
        return row.name;
      },
      text: function (row) {
        return row.name;
      },
    };
  }

  /**
   * Rows of a map (journeys, services, requests) in both runs: this run's
   * names in order, then those only the base has.
   */
  function pair(now, base, two) {
    now = U.obj(now);
    base = U.obj(base);
    var rows = U.keys(now).map(function (name) {
      return { name: name, now: now[name], base: two ? U.own(base, name) : null, two: two };
    });
    if (two) {
      U.keys(base).forEach(function (name) {
        if (!Object.prototype.hasOwnProperty.call(now, name)) {
          rows.push({ name: name, now: null, base: base[name], two: two });
        }
      });
    }
    return rows;
  }

  global.StarlingTables = { table: table, figure: figure, name: name, pair: pair };
})(window);
