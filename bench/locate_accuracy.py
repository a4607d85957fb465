"""Locate accuracy: fit on one simulated world, evaluate on another seed, with a naive baseline.

    python bench/locate_accuracy.py --persons 5000 --fit-seed 101 --eval-seed 202 --root /tmp/w
    python bench/locate_accuracy.py ... --eval-world data/sample --resolver skiptrace

Prints a markdown table (paste into bench/results/locate.md) and writes the reliability
diagram `bench/locate_reliability.png`. Resolution is the oracle (perfect resolution) or the
library's resolver (`--resolver skiptrace`, fitted and evaluated with it); resolved persons
are mapped to true persons by their majority of observations.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import jellyfish
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locate_fit import fit_world
from locate_world import (
    RESOLVERS,
    AccountTruth,
    account_truth,
    build_world,
    contact_truth,
    degrade,
    load_queries,
    prepare_store,
)

from skiptrace.batch.policies import drop_unlikely_phones
from skiptrace.locate.calibration import brier_score, expected_calibration_error
from skiptrace.locate.evidence import UNIT_PATTERN
from skiptrace.locate.locator import DEFAULT_MIN_CONFIDENCE, Locator
from skiptrace.locate.results import AccountQuery, LocateResult

TRADE_OFF = (0.6, 0.7, 0.8, 0.9)
"""Confidences at which the top address is asserted, for the trade-off rows."""


def _rate(hits: int, total: int) -> str:
    return f"{hits / total:.1%} ({hits:,}/{total:,})" if total else "n/a"


def belonged(ever: Everything, person: str, kind: str, key: str) -> bool:
    """Whether a contact ever belonged to `person`; an address also when it is one of the
    person's addresses with a misspelt street or a missing unit (same number and ZIP):
    that reaches the debtor's door, not a third party's."""
    if (person, kind, key) in ever.items:
        return True
    if kind != "address":
        return False
    number, zip5 = key.split(" ")[0], key.split("|")[-1]
    street = re.sub(UNIT_PATTERN, "|", key)
    return any(
        jellyfish.jaro_winkler_similarity(street, re.sub(UNIT_PATTERN, "|", other)) >= 0.9
        for other in ever.addresses.get((person, number, zip5), ())
    )


class Everything:
    """Every contact key of every person, with addresses also by (person, number, ZIP)."""

    def __init__(self, ever: set[tuple[str, str, str]]) -> None:
        self.items = ever
        self.addresses: dict[tuple[str, str, str], list[str]] = {}
        for person, kind, key in ever:
            if kind == "address" and key:
                group = (person, key.split(" ")[0], key.split("|")[-1])
                self.addresses.setdefault(group, []).append(key)


def evaluate(
    results: list[LocateResult],
    truth: dict[str, AccountTruth],
    ever: Everything,
    guard: float,
    mapping: dict[str, str],
) -> dict[str, str]:
    """The issue's accuracy metrics over one run's results (`mapping`: resolved person ->
    true person)."""
    m: dict[str, list[int]] = {k: [0, 0] for k in (
        "top1_findable", "precision", "wrong_party", "wrong_party_exact_key", "phone_top1",
        "phone_top3",
        "no_hit_unfindable", "deceased_recall", "deceased_precision", "hit_rate",
    )}  # fmt: skip
    id_p, id_y, addr_p, addr_y, addr_f = [], [], [], [], []
    no_address = []
    for r in results:
        t = truth[r.account_id]
        found = mapping.get(r.candidates[0].person_id, "") if r.candidates else ""
        hit = r.status == "hit"
        top = r.addresses[0] if hit and r.addresses else None
        asserted = top is not None and top.confidence >= guard
        phones = drop_unlikely_phones(r).phones if hit else ()  # the batch's phone slots
        m["hit_rate"][0] += hit
        m["hit_rate"][1] += 1
        if r.candidates:
            id_p.append(r.candidates[0].identity_confidence)
            id_y.append(found == t.person_id)
        if top is None:
            no_address.append(t)
        else:
            addr_f.append(t.address_findable)
            addr_p.append(top.confidence)
            addr_y.append(top.key == t.address and found == t.person_id)
        if t.address_findable:
            m["top1_findable"][0] += asserted and top.key == t.address and found == t.person_id
            m["top1_findable"][1] += 1
        else:
            m["no_hit_unfindable"][0] += not asserted
            m["no_hit_unfindable"][1] += 1
        if asserted:
            m["precision"][0] += top.key == t.address and found == t.person_id
            m["precision"][1] += 1
        if hit:
            returned = [("address", top.key)] if asserted else []
            returned += [("phone", p.key) for p in phones[:3]]
            wrong = any(not belonged(ever, t.person_id, kind, key) for kind, key in returned)
            strict = any((t.person_id, kind, key) not in ever.items for kind, key in returned)
            m["wrong_party"][0] += wrong
            m["wrong_party"][1] += 1
            m["wrong_party_exact_key"][0] += strict
            m["wrong_party_exact_key"][1] += 1
        if t.findable_phones:
            keys = [p.key for p in phones]
            right = found == t.person_id
            m["phone_top1"][0] += right and bool(keys) and keys[0] in t.phones
            m["phone_top3"][0] += right and bool(set(keys[:3]) & t.phones)
            m["phone_top1"][1] += 1
            m["phone_top3"][1] += 1
        flagged = hit and bool(r.deceased)
        if t.death_in_sources:
            m["deceased_recall"][0] += flagged
            m["deceased_recall"][1] += 1
        if flagged:
            m["deceased_precision"][0] += t.deceased and found == t.person_id
            m["deceased_precision"][1] += 1
    out = {k: _rate(*v) for k, v in m.items()}
    for at in TRADE_OFF:  # top address asserted only at or above `at`
        right = sum(p >= at and y for p, y, f in zip(addr_p, addr_y, addr_f, strict=True) if f)
        quiet = sum(p < at for p, f in zip(addr_p, addr_f, strict=True) if not f)
        quiet += sum(not t.address_findable for t in no_address)
        findable = sum(t.address_findable for t in truth.values())
        out[f"assert at {at}: top1_findable / no_hit_unfindable"] = (
            f"{right / findable:.1%} / {quiet / (len(truth) - findable):.1%}"
        )
    out["identity ECE / Brier"] = (
        f"{expected_calibration_error(np.array(id_p), np.array(id_y)):.4f} / "
        f"{brier_score(np.array(id_p), np.array(id_y)):.4f}"
    )
    out["address ECE / Brier"] = (
        f"{expected_calibration_error(np.array(addr_p), np.array(addr_y)):.4f} / "
        f"{brier_score(np.array(addr_p), np.array(addr_y)):.4f}"
    )
    out["_curves"] = (id_p, id_y, addr_p, addr_y)  # type: ignore[assignment]
    return out


def naive(store: Path, queries: list[AccountQuery]) -> list[LocateResult]:
    """Baseline: exact full SSN -> that person (confidence 1), most recently seen address/phone."""
    from skiptrace.locate.results import ContactPoint, PersonMatch

    con = duckdb.connect(str(store), read_only=True)
    by_ssn = dict(
        con.execute(
            "SELECT ssn, min(person_id) FROM person_values WHERE ssn IS NOT NULL "
            "GROUP BY ssn HAVING count(DISTINCT person_id) = 1"
        ).fetchall()
    )
    latest = con.execute(
        """SELECT v.person_id, c.kind, arg_max(c.value_key,
                  greatest(c.first_seen, c.last_seen, c.end_date))
           FROM contacts c JOIN person_values v ON v.obs_id = c.obs_id
           WHERE c.kind IN ('address', 'phone') GROUP BY ALL"""
    ).fetchall()
    con.close()
    best = {(p, k): v for p, k, v in latest}
    results = []
    for q in queries:
        person = by_ssn.get(q.ssn.digits) if q.ssn is not None and q.ssn.ok else None
        if person is None:
            results.append(LocateResult(account_id=q.account_id, status="no_hit"))
            continue
        contacts = {
            kind: tuple(
                ContactPoint(kind=kind, value=v, key=v, confidence=1.0)
                for v in [best.get((person, kind))]
                if v
            )
            for kind in ("address", "phone")
        }
        results.append(
            LocateResult(
                account_id=q.account_id,
                status="hit",
                identity_confidence=1.0,
                candidates=(PersonMatch(person, 1.0),),
                addresses=contacts["address"],
                phones=contacts["phone"],
                deceased=False,
            )
        )
    return results


def plot(curves: tuple, path: Path) -> None:
    """Reliability diagram of identity and top-address confidence."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k:", label="perfect")
    for (p, y), label in zip(((curves[0], curves[1]), (curves[2], curves[3])),
                             ("identity", "top address x identity"), strict=True):  # fmt: skip
        p, y = np.asarray(p), np.asarray(y, dtype=float)
        bins = np.minimum((p * 10).astype(int), 9)
        xs = [p[bins == b].mean() for b in range(10) if (bins == b).any()]
        ys = [y[bins == b].mean() for b in range(10) if (bins == b).any()]
        ax.plot(xs, ys, "o-", label=label)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("locate calibration (evaluation seed)")
    ax.legend()
    fig.savefig(path, dpi=100, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--fit-seed", type=int, default=1)
    parser.add_argument("--eval-seed", type=int, default=2)
    parser.add_argument("--eval-world", type=Path, help="evaluate on this world (data/sample)")
    parser.add_argument("--resolver", choices=RESOLVERS, default="oracle")
    parser.add_argument("--root", type=Path, default=Path("bench/.worlds"))
    parser.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    parser.add_argument("--packaged", action="store_true", help="use the packaged parameters")
    parser.add_argument("--params", type=Path, help="use the parameters in this directory")
    parser.add_argument("--degrade", action="store_true", help="thin the queries (SSN, DOB...)")
    parser.add_argument("--png", type=Path, default=Path("bench/locate_reliability.png"))
    args = parser.parse_args()
    params_dir = args.params
    if not args.packaged and params_dir is None:
        fit = build_world(args.root, args.persons, args.fit_seed)
        params_dir = Path(tempfile.mkdtemp(prefix="locate_params_"))
        fit_world(fit, *prepare_store(fit, args.root, args.resolver), params_dir)
    world = args.eval_world or build_world(args.root, args.persons, args.eval_seed)
    store, mapping = prepare_store(world, args.root, args.resolver)
    queries = load_queries(world)
    if args.degrade:
        queries = degrade(queries, seed=args.eval_seed)
    truth = account_truth(world)
    ever = Everything(contact_truth(world).ever)
    with Locator(store, min_confidence=args.min_confidence,
                 params_dir=params_dir) as locator:  # fmt: skip
        start = time.perf_counter()
        results = locator.locate_many(queries)
        seconds = time.perf_counter() - start
    ours = evaluate(results, truth, ever, args.min_confidence, mapping)
    base = evaluate(naive(store, queries), truth, ever, args.min_confidence, mapping)
    plot(ours.pop("_curves"), args.png)  # type: ignore[arg-type]
    base.pop("_curves")
    mode = "thinned queries" if args.degrade else "queries as placed"
    fitted = (
        f"parameters {args.params}" if args.params
        else "packaged parameters" if args.packaged else f"fit seed {args.fit_seed}"
    )  # fmt: skip
    print(f"{mode}; {fitted}, eval world {world.name}, resolver {args.resolver}, "
          f"{len(mapping):,} resolved persons, {len(queries):,} accounts, "
          f"guard {args.min_confidence}, {len(queries) / seconds:,.0f} accounts/s\n")  # fmt: skip
    print("| metric | skiptrace | naive (exact SSN, most recent) |\n| --- | --- | --- |")
    for key in ours:
        print(f"| {key} | {ours[key]} | {base[key]} |")


if __name__ == "__main__":
    main()
