"""Refit the locate parameters on one simulated world (oracle resolution).

    python bench/locate_fit.py --persons 5000 --seed 101 --root /tmp/worlds [--resolver skiptrace]

writes `skiptrace/locate/fitted/{identity,contacts,top}.json` (or `--out DIR`). Identity
is fitted on the world's accounts, as placed and thinned (`degrade`), candidate persons
labelled by the true debtor; contacts on every person's contact evidence, labelled by the
person's current truth contacts, and calibrated on the contacts of the accounts' debtors
(the best address's second stage, `top.json`, on out-of-fold scores).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from locate_world import (
    RESOLVERS,
    account_truth,
    build_world,
    contact_truth,
    degrade,
    load_queries,
    prepare_store,
)

from skiptrace.locate.evidence import contact_evidence, source_table, store_as_of
from skiptrace.locate.features import death_dates
from skiptrace.locate.fit import fit_contacts, fit_identity
from skiptrace.locate.locator import default_catalog
from skiptrace.locate.matching import candidate_levels
from skiptrace.locate.params import save_params
from skiptrace.locate.query_table import query_table


def fit_world(world: Path, store: Path, mapping: dict[str, str], out: Path | None) -> None:
    """Fit both parameter sets on `world` (resolved in `store`; `mapping`: resolved person
    -> true person) and save them."""
    queries = load_queries(world)
    queries += degrade(queries, seed=len(queries))  # fit on full and thin queries alike
    truth = account_truth(world)
    con = duckdb.connect(str(store), read_only=True)
    levels = candidate_levels(con, query_table(queries))
    qid = np.asarray(levels["qid"], dtype=np.int64)
    debtor = np.array([truth[q.account_id].person_id for q in queries])
    found = np.array([mapping.get(p, "") for p in levels["person_id"].to_pylist()])
    is_match = found == debtor[qid]
    identity = fit_identity(levels, is_match)
    persons = [r[0] for r in con.execute("SELECT DISTINCT person_id FROM person_values").fetchall()]
    evidence, flags = contact_evidence(
        con, persons, source_table(default_catalog()), precomputed=True
    )
    died = death_dates({row["person_id"]: row for row in flags.to_pylist()})
    current = contact_truth(world).current
    keys = zip(
        [mapping.get(p, "") for p in evidence["person_id"].to_pylist()],
        evidence["kind"].to_pylist(),
        evidence["value_key"].to_pylist(),
        strict=True,
    )
    is_current = np.array([k in current for k in keys])
    debtors = {t.person_id for t in truth.values()}
    is_debtor = np.array([mapping.get(p, "") in debtors for p in evidence["person_id"].to_pylist()])
    contacts = fit_contacts(evidence, store_as_of(con), is_current, is_debtor, died)
    con.close()
    save_params(identity, contacts, out)
    print(f"identity: {len(levels):,} candidate rows, {is_match.sum():,} true")
    for kind, model in contacts.kinds.items():
        rows = np.asarray(evidence["kind"].to_pylist()) == kind
        print(f"{kind}: {rows.sum():,} contacts, {is_current[rows].mean():.1%} current")
        for name, b in zip(model.features, model.beta[1:], strict=True):
            print(f"    {name:20s} {b:+.3f}")
    for source, days in sorted(contacts.refresh_days.items()):
        print(f"refresh interval {source}: {days:.0f} days")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", type=Path, default=Path("bench/.worlds"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--resolver", choices=RESOLVERS, default="oracle")
    args = parser.parse_args()
    world = build_world(args.root, args.persons, args.seed)
    fit_world(world, *prepare_store(world, args.root, args.resolver), args.out)


if __name__ == "__main__":
    main()
