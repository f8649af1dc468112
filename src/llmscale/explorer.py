"""The interactive explorer: any benchmark and setting against any size measure.

:func:`points` joins the model table and the scores (one score per model, benchmark and
setting, from the highest-ranked source), keeping where each number came from.
:func:`select` is the filter the notebook's widgets drive; :func:`write_html` writes the
same chart as one self-contained page (plotly, its JavaScript inlined, no network) whose
controls run the same filter in the browser.

Plotly rather than Altair: its figures are plain JSON that a few lines of page script can
filter and redraw, one library serves the notebook and the page, the whole JavaScript can be
inlined (``include_plotlyjs=True``) so the page works offline, and hover text is a
template of the point's own fields.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .display import chance_level, display_name, plain_setting
from .errors import DataError
from .io import atomic_write_text, read_table
from .settings import benchmark_label
from .tables import MODELS, SCORES

MEASURES = {"total": "total_params_b", "active": "active_params_b", "non-embedding": "non_embedding_params_b"}
MEASURE_WORDS = {"total": "Total parameters", "active": "Active parameters per token",
                 "non-embedding": "Non-embedding parameters"}
DIV_ID = "llmscale-explorer"  # fixed, so that the page is the same bytes from the same data
COLUMNS = ["model_id", "name", "weights", "architecture", "release_date", "benchmark", "benchmark_name", "setting",
           "setting_words", "score", "score_ref", *MEASURES.values(), *(f"{c}_ref" for c in MEASURES.values())]


def points(processed_dir) -> pd.DataFrame:
    """One row per model, benchmark and setting with at least one known size: the score with
    its source row, each size with its ``_ref``, open/closed and the release date."""
    from .predict_params import _one_per_model  # the same one-score-per-model rule as the fits

    pdir = Path(processed_dir)
    scores = _one_per_model(read_table(pdir / SCORES, dtype={"source_row": str}))
    models = read_table(pdir / MODELS, dtype=str)
    for c in MEASURES.values():
        models[c] = pd.to_numeric(models[c])
    d = scores.merge(models.drop(columns=["variant"], errors="ignore"), on="model_id", how="inner")
    d = d[d[list(MEASURES.values())].notna().any(axis=1)].copy()
    d["non_embedding_params_b_ref"] = d["non_embedding_params_b"].notna().map(
        {True: "computed: total - vocab x hidden (x2 if untied), from this row's refs", False: None})
    d["name"] = [display_name(n if isinstance(n, str) else m) for n, m in zip(d["name"], d["model_id"])]
    d["benchmark_name"] = d["benchmark"].map(benchmark_label)
    d["setting_words"] = d["setting"].map(plain_setting)
    d["score"] = d["value"].astype(float).round(2)
    d["score_ref"] = d["source"] + ":" + d["source_row"].astype(str)
    d["weights"] = d["weights"].fillna("unknown")
    d["architecture"] = d["architecture"].fillna("not stated")
    out = d[COLUMNS].sort_values(["benchmark", "setting", "model_id"], kind="mergesort").reset_index(drop=True)
    return out


def options(data: pd.DataFrame) -> dict:
    """The choices the controls offer: every benchmark with its settings (most models first)."""
    per = data.groupby(["benchmark", "setting"]).size().rename("n").reset_index()
    per = per.sort_values(["benchmark", "n", "setting"], ascending=[True, False, True], kind="mergesort")
    order = per.groupby("benchmark")["n"].sum().sort_values(ascending=False, kind="mergesort").index
    return {b: per.loc[per["benchmark"] == b, "setting"].tolist() for b in order}


def defaults(data: pd.DataFrame) -> dict:
    """The first view: the benchmark and setting with the most models, total size, all weights, all dates."""
    per = data.groupby(["benchmark", "setting"]).size().sort_index()
    bench, setting = per.idxmax()
    return {"benchmark": bench, "setting": setting, "measure": "total", "weights": ["open", "closed", "unknown"],
            "date_from": "", "date_to": ""}


def select(data: pd.DataFrame, benchmark: str, setting: str, measure: str = "total", weights=("open", "closed", "unknown"),
           date_from: str = "", date_to: str = "") -> pd.DataFrame:
    """The points of one view. Dates are YYYY-MM-DD (blank: no bound); a model without a
    release date is shown only when no date bound is set."""
    if measure not in MEASURES:
        raise DataError("explorer", None, "measure", measure, f"one of {sorted(MEASURES)}")
    col = MEASURES[measure]
    d = data[(data["benchmark"] == benchmark) & (data["setting"] == setting) & data[col].notna()
             & data["weights"].isin(list(weights))]
    dates = d["release_date"].fillna("")
    if date_from:
        d = d[(dates != "") & (dates >= date_from)]
        dates = d["release_date"].fillna("")
    if date_to:
        d = d[(dates != "") & (dates <= date_to)]
    return d


def _hover(measure: str) -> str:
    return ("<b>%{customdata[0]}</b> (%{customdata[1]} weights)<br>"
            f"{MEASURE_WORDS[measure]}: %{{x:.3g}}B  <i>%{{customdata[2]}}</i><br>"
            "Score: %{y:.1f}  <i>%{customdata[3]}</i><br>Setting: %{customdata[4]}<br>Released: %{customdata[5]}"
            "<extra></extra>")


def custom(d: pd.DataFrame, measure: str) -> list[list[str]]:
    col = MEASURES[measure]
    return [[n, w, r if isinstance(r, str) else "", s, st, dt if isinstance(dt, str) else "not stated"]
            for n, w, r, s, st, dt in zip(d["name"], d["weights"], d[f"{col}_ref"], d["score_ref"], d["setting_words"],
                                          d["release_date"])]


def figure(data: pd.DataFrame, benchmark: str, setting: str, measure: str = "total", **filters):
    """The explorer's chart for one view (log size against score, open and closed apart)."""
    import plotly.graph_objects as go

    d = select(data, benchmark, setting, measure, **filters)
    fig = go.Figure()
    for weights, symbol in (("open", "circle"), ("closed", "diamond"), ("unknown", "square")):
        part = d[d["weights"] == weights]
        fig.add_trace(go.Scatter(x=part[MEASURES[measure]].tolist(), y=part["score"].tolist(), mode="markers",
                                 name=f"{weights} weights", marker={"symbol": symbol, "size": 9},
                                 customdata=custom(part, measure), hovertemplate=_hover(measure)))
    chance = chance_level(benchmark)
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dot", line_color="#555", annotation_text=f"chance ({chance:g} %)",
                      annotation_position="bottom left")
    fig.update_layout(template="plotly_white", height=620, margin={"t": 70},
                      title={"text": f"{MEASURE_WORDS[measure]} vs {benchmark_label(benchmark)}<br>"
                                     f"<sub>{plain_setting(setting)} · {len(d)} models</sub>"},
                      xaxis={"type": "log", "title": f"{MEASURE_WORDS[measure]} (billions, log scale)"},
                      yaxis={"title": f"{benchmark_label(benchmark)} score (%)"}, legend={"title": "weights"})
    return fig


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>llmscale explorer</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em; color: #222; }}
#controls {{ display: flex; flex-wrap: wrap; gap: 1em 1.5em; align-items: end; margin-bottom: 0.5em; }}
#controls label {{ display: flex; flex-direction: column; font-size: 0.9em; }}
#status {{ font-size: 0.9em; color: #444; }}
footer {{ font-size: 0.85em; color: #555; margin-top: 1em; }}
</style>
</head>
<body>
<h1>Model size vs benchmark score</h1>
<p>Pick a benchmark and the setting it was run in (scores are only compared within one setting),
a size measure, open or closed weights and a release-date range. Hover a point for the model,
its size and score, and where each number comes from (<code>source:row</code> in
<code>data/raw/MANIFEST.csv</code>, or the maker's page).</p>
<div id="controls">
<label>Benchmark <select id="benchmark"></select></label>
<label>Setting <select id="setting"></select></label>
<label>Size measure <select id="measure"></select></label>
<label>Weights <span><input type="checkbox" id="w-open" checked> open
<input type="checkbox" id="w-closed" checked> closed <input type="checkbox" id="w-unknown" checked> not stated</span></label>
<label>Released from <input type="date" id="date-from"></label>
<label>to <input type="date" id="date-to"></label>
</div>
<div id="status" data-points=""></div>
{plot}
<footer>{credit}</footer>
<script type="application/json" id="explorer-data">{data}</script>
<script>
{script}
</script>
</body>
</html>
"""

_SCRIPT = """
(function () {
  var D = JSON.parse(document.getElementById("explorer-data").textContent);
  var cols = D.columns, rows = D.rows, col = {};
  cols.forEach(function (c, i) { col[c] = i; });
  var $ = function (id) { return document.getElementById(id); };
  function fill(sel, values, labels, chosen) {
    sel.innerHTML = "";
    values.forEach(function (v, i) {
      var o = document.createElement("option"); o.value = v; o.textContent = labels[i];
      if (v === chosen) { o.selected = true; } sel.appendChild(o);
    });
  }
  var benches = Object.keys(D.options);
  fill($("benchmark"), benches, benches.map(function (b) { return D.benchmark_names[b]; }), D.defaults.benchmark);
  function fillSettings(chosen) {
    var s = D.options[$("benchmark").value];
    fill($("setting"), s, s.map(function (v) { return D.setting_words[v] + " (" + D.counts[$("benchmark").value + "|" + v] + ")"; }), chosen);
  }
  fillSettings(D.defaults.setting);
  var measures = Object.keys(D.measures);
  fill($("measure"), measures, measures.map(function (m) { return D.measure_words[m]; }), D.defaults.measure);
  function select() {
    var b = $("benchmark").value, s = $("setting").value, m = D.measures[$("measure").value];
    var from = $("date-from").value, to = $("date-to").value;
    var w = { open: $("w-open").checked, closed: $("w-closed").checked, unknown: $("w-unknown").checked };
    return rows.filter(function (r) {
      var d = r[col.release_date] || "";
      return r[col.benchmark] === b && r[col.setting] === s && r[col[m]] !== null && w[r[col.weights]] &&
        (!from || (d && d >= from)) && (!to || (d && d <= to));
    });
  }
  function draw() {
    var meas = $("measure").value, m = D.measures[meas], b = $("benchmark").value, sel = select();
    var traces = D.symbols.map(function (ws) {
      var part = sel.filter(function (r) { return r[col.weights] === ws[0]; });
      return { type: "scatter", mode: "markers", name: ws[0] + " weights", marker: { symbol: ws[1], size: 9 },
        x: part.map(function (r) { return r[col[m]]; }), y: part.map(function (r) { return r[col.score]; }),
        customdata: part.map(function (r) { return [r[col.name], r[col.weights], r[col[m + "_ref"]] || "",
          r[col.score_ref], r[col.setting_words], r[col.release_date] || "not stated"]; }),
        hovertemplate: D.hover[meas] };
    });
    var gd = $(D.div_id), layout = JSON.parse(JSON.stringify(gd.layout));
    layout.title.text = D.measure_words[meas] + " vs " + D.benchmark_names[b] + "<br><sub>" +
      D.setting_words[$("setting").value] + " · " + sel.length + " models</sub>";
    layout.xaxis.title.text = D.measure_words[meas] + " (billions, log scale)";
    layout.yaxis.title.text = D.benchmark_names[b] + " score (%)";
    var c = D.chance[b];
    layout.shapes = c === undefined ? [] : [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: c, y1: c,
      line: { dash: "dot", color: "#555" } }];
    layout.annotations = c === undefined ? [] : [{ xref: "paper", x: 0, y: c, yanchor: "top", xanchor: "left",
      text: "chance (" + c + " %)", showarrow: false }];
    Plotly.react(gd, traces, layout).then(function () {
      var shown = gd.querySelectorAll(".scatterlayer .point").length;
      $("status").setAttribute("data-points", String(shown));
      $("status").setAttribute("data-selected", String(sel.length));
      $("status").setAttribute("data-ms", String(Math.round(performance.now())));
      $("status").textContent = sel.length + " models shown.";
      document.title = "llmscale explorer: " + shown + " points";
    });
  }
  $("benchmark").addEventListener("change", function () { fillSettings(null); draw(); });
  ["setting", "measure", "w-open", "w-closed", "w-unknown", "date-from", "date-to"].forEach(function (id) {
    $(id).addEventListener("change", draw);
  });
  draw();
})();
"""


def page(data: pd.DataFrame, credit: str) -> str:
    """The explorer as one self-contained HTML page (plotly's JavaScript inlined)."""
    import plotly.io as pio

    first = defaults(data)
    fig = figure(data, first["benchmark"], first["setting"], first["measure"])
    plot = pio.to_html(fig, include_plotlyjs=True, full_html=False, div_id=DIV_ID, config={"responsive": True})
    opts = options(data)
    counts = data.groupby(["benchmark", "setting"]).size()
    settings = sorted({s for v in opts.values() for s in v})
    records = data.astype(object).where(data.notna(), None)
    payload = {
        "columns": COLUMNS, "rows": records.values.tolist(), "options": opts, "defaults": first, "div_id": DIV_ID,
        "benchmark_names": {b: benchmark_label(b) for b in opts},
        "setting_words": {s: plain_setting(s) for s in settings},
        "counts": {f"{b}|{s}": int(n) for (b, s), n in counts.items()},
        "measures": MEASURES, "measure_words": MEASURE_WORDS, "hover": {m: _hover(m) for m in MEASURES},
        "chance": {b: chance_level(b) for b in opts if chance_level(b) is not None},
        "symbols": [["open", "circle"], ["closed", "diamond"], ["unknown", "square"]],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    text = text.replace("</", "<\\/")  # no "</script>" inside the data block
    return _PAGE.format(plot=plot, credit=credit, data=text, script=_SCRIPT.strip())


def write_html(data: pd.DataFrame, path, credit: str) -> Path:
    return atomic_write_text(path, page(data, credit))
