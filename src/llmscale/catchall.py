"""Scores whose setting a source does not state, reconciled with the stated ones.

A score is *stated* when its variant (base / instruct) and its shots are known; otherwise it
sits in a catch-all setting ("variant not stated", "shots not stated"). A catch-all score of
a model and benchmark that equals (within :data:`SAME`) a stated score of the same model and
benchmark, in a setting that agrees with whatever the catch-all does state, is the same
measurement passed on without its setting: the stated row is kept, the catch-all row is
dropped, and the kept row's ``note`` names it. A catch-all score that differs from every
such stated score is kept apart in its own setting and listed in ``conflicts.csv`` (kind
``setting``). Catch-all scores with no stated score to compare with are left as they are.
"""

from __future__ import annotations

import pandas as pd

from .reconcile import CONFLICT_COLUMNS, _rank
from .settings import setting_label

SAME = 0.1  # points: equal within rounding
KEYS = ["model_id", "benchmark"]


def stated(scores: pd.DataFrame) -> pd.Series:
    """Whether each score's variant and shots are both stated."""
    return scores["variant"].isin(["base", "instruct"]) & scores["shots"].notna()


def reconcile_settings(scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(scores with merged catch-all rows dropped and noted, the merges, the kept-apart conflicts).

    The merges table has one row per dropped score: its source, source_row and benchmark, and
    the source and source_row of the stated score it was merged into."""
    s = scores.reset_index(drop=True)
    is_stated = stated(s)
    catch = s[~is_stated].reset_index().rename(columns={"index": "_i"})
    full = s[is_stated].reset_index().rename(columns={"index": "_j"})
    pairs = catch.merge(full, on=KEYS, suffixes=("", "_s"))
    ok = ((pairs["variant"] == "unknown") | (pairs["variant"] == pairs["variant_s"])) \
        & (pairs["shots"].isna() | (pairs["shots"] == pairs["shots_s"])) \
        & (pairs["cot"].isna() | pairs["cot_s"].isna() | (pairs["cot"] == pairs["cot_s"]))
    pairs = pairs[ok.fillna(False).astype(bool)].copy()
    pairs["diff"] = (pairs["value"] - pairs["value_s"]).abs()
    pairs["rank_s"] = pairs["source_s"].map(_rank)
    pairs = pairs.sort_values(["_i", "diff", "rank_s", "source_s", "source_row_s"], kind="mergesort")
    best = pairs.drop_duplicates("_i", keep="first")
    same = best[best["diff"] <= SAME + 1e-9]
    apart = best[best["diff"] > SAME + 1e-9]

    merges = pd.DataFrame({
        "source": same["source"], "source_row": same["source_row"], "benchmark": same["benchmark"],
        "model_id": same["model_id"], "value": same["value"], "setting": setting_label(same),
        "into_source": same["source_s"], "into_source_row": same["source_row_s"], "into_setting": setting_label(
            same[["variant_s", "shots_s", "cot_s"]].set_axis(["variant", "shots", "cot"], axis=1)),
        "_j": same["_j"],
    })
    out = s.copy()
    if len(merges):
        added = merges.assign(txt="same value as " + merges["source"] + ":" + merges["source_row"] + " (" + merges["setting"] + ")")
        added = added.sort_values(["_j", "source", "source_row"], kind="mergesort").groupby("_j")["txt"].agg("; ".join)
        old = out.loc[added.index, "note"]
        out.loc[added.index, "note"] = [f"{o}; {a}" if isinstance(o, str) and o else a for o, a in zip(old, added)]
        out = out.drop(index=same["_i"].to_numpy())
    conflicts = pd.DataFrame({
        "model_id": apart["model_id"], "kind": "setting",
        "item": apart["benchmark"] + " (" + setting_label(apart) + ")",
        "value_used": apart["value_s"].map("{:g}".format),
        "ref_used": apart["source_s"] + ":" + apart["source_row_s"],
        "value_other": apart["value"].map("{:g}".format),
        "ref_other": apart["source"] + ":" + apart["source_row"],
        "reason": [f"its setting is not stated and it differs by {d:.1f} points from the closest stated score "
                   f"({st}): kept apart as its own setting" for d, st in zip(apart["diff"], setting_label(
                       apart[["variant_s", "shots_s", "cot_s"]].set_axis(["variant", "shots", "cot"], axis=1)))],
    }, columns=CONFLICT_COLUMNS)
    return out.reset_index(drop=True), merges.drop(columns="_j").reset_index(drop=True), conflicts.reset_index(drop=True)
