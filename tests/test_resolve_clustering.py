"""Clustering safeguards, stable ids, EM recovery and term-frequency adjustments."""

from __future__ import annotations

import numpy as np
import pytest

from skiptrace.errors import ConfigError
from skiptrace.resolve.clustering import FirstName, Identity, cluster_pairs, compatible
from skiptrace.resolve.comparisons import LAST_NAME, SSN
from skiptrace.resolve.em import estimate_m_em
from skiptrace.resolve.model import ModelParams
from skiptrace.resolve.scoring import field_weights
from skiptrace.resolve.stable_ids import assign_ids


def full(value):  # type: ignore[no-untyped-def]
    """A 5-part identity from the short form ``(ssn, dob_digits, suffix)``."""
    if len(value) >= 5:
        return value
    ssn, dob, suffix = value
    return (ssn, dob, int(dob[:4]) if dob else None, suffix, None)


def cluster(ids, identities, links, sources=None, **kw):  # type: ignore[no-untyped-def]
    """Cluster with links given as (a, b, weight) and return the partition as frozensets."""
    a, b, w = (np.array(x) for x in zip(*links, strict=True))
    identities = {k: full(v) for k, v in identities.items()}
    result = cluster_pairs(np.array(ids), identities, a, b, w, sources, **kw)
    groups: dict[int, set[int]] = {}
    for rid, root in result.cluster_of.items():
        groups.setdefault(root, set()).add(rid)
    return {frozenset(g) for g in groups.values()}, result


def test_jr_and_sr_stay_apart_even_when_linked() -> None:
    parts, result = cluster([1, 2], {1: (None, None, "JR"), 2: (None, None, "SR")}, [(1, 2, 20.0)])
    assert parts == {frozenset({1}), frozenset({2})} and result.refused == 1


def test_twins_with_different_ssns_stay_apart() -> None:
    ids = {1: ("123456789", "19900101", None), 2: ("987001234", "19900101", None)}
    parts, _ = cluster([1, 2], ids, [(1, 2, 15.0)])
    assert len(parts) == 2


def test_ssn_typo_does_not_block_a_merge() -> None:
    ids = {1: ("123456789", "19900101", None), 2: ("123456798", "19900101", None)}
    parts, _ = cluster([1, 2], ids, [(1, 2, 15.0)])
    assert parts == {frozenset({1, 2})}


def test_dobs_years_apart_block_a_merge_but_a_digit_typo_does_not() -> None:
    far = {1: (None, "19500304", None), 2: (None, "19780304", None)}
    near = {1: (None, "19500304", None), 2: (None, "19500305", None)}
    assert len(cluster([1, 2], far, [(1, 2, 9.0)])[0]) == 2
    assert len(cluster([1, 2], near, [(1, 2, 9.0)])[0]) == 1


def test_a_chain_cannot_join_two_ssns_through_a_third_record() -> None:
    ids = {1: ("111223333", None, None), 3: ("999887777", None, None)}
    parts, _ = cluster([1, 2, 3], ids, [(1, 2, 12.0), (2, 3, 8.0)])
    assert parts == {frozenset({1, 2}), frozenset({3})}  # the stronger link wins


def test_birth_years_apart_block_a_merge_with_a_full_dob() -> None:
    voter = (None, None, 1981, None, None)  # year-only source
    father = (None, "19670312", 1967, None, None)
    assert len(cluster([1, 2], {1: voter, 2: father}, [(1, 2, 12.0)])[0]) == 2
    same = (None, "19810312", 1981, None, None)
    assert len(cluster([1, 2], {1: voter, 2: same}, [(1, 2, 12.0)])[0]) == 1


def test_conflicts_are_checked_against_every_member_not_only_the_linking_pair() -> None:
    # 1 and 3 carry DOBs 25 years apart; 2 (no DOB) links to both; 4 (no DOB) links to 3.
    ids = {1: (None, "19500101", None), 3: (None, "19750101", None)}
    links = [(1, 2, 15.0), (3, 4, 14.0), (2, 4, 13.0)]
    parts, result = cluster([1, 2, 3, 4], ids, links)
    assert parts == {frozenset({1, 2}), frozenset({3, 4})} and result.refused == 1


def test_two_parties_of_one_deed_are_never_one_person() -> None:
    ids = {1: (None, None, None, None, "deed:7"), 2: (None, None, None, None, "deed:7")}
    assert len(cluster([1, 2], ids, [(1, 2, 20.0)])[0]) == 2


def test_a_record_without_dob_that_fits_father_and_son_equally_is_left_alone() -> None:
    # 1 = father (DOB 1950), 2 = son (DOB 1978), 3 = same name and address, no DOB/SSN.
    ids = {1: (None, "19500304", None), 2: (None, "19780910", None)}
    links = [(1, 3, 16.0), (2, 3, 16.0), (1, 2, 18.0)]
    parts, result = cluster([1, 2, 3], ids, links, ambiguity_bits=0.0)
    assert parts == {frozenset({1}), frozenset({2}), frozenset({3})}
    assert result.ambiguous == 1
    clear = [(1, 3, 16.0), (2, 3, 4.0), (1, 2, 6.0)]  # 3 fits the father far better
    parts, _ = cluster([1, 2, 3], ids, clear, ambiguity_bits=0.0, namesake_bits=10.0)
    assert parts == {frozenset({1, 3}), frozenset({2})}
    namesakes = [(1, 3, 16.0), (2, 3, 4.0), (1, 2, 18.0)]  # father and son refused at 18 bits
    parts, _ = cluster([1, 2, 3], ids, namesakes, ambiguity_bits=0.0, namesake_bits=10.0)
    assert parts == {frozenset({1}), frozenset({2}), frozenset({3})}


def test_a_bare_record_is_not_attached_to_a_person_whose_records_say_jr() -> None:
    junior = (None, "19800101", 1980, "JR", None)
    bare = {1: junior}
    tagged = {1: junior, 2: (None, None, None, "JR", None)}
    assert len(cluster([1, 2], bare, [(1, 2, 15.0)], ambiguity_bits=0.0)[0]) == 2
    assert len(cluster([1, 2], tagged, [(1, 2, 15.0)], ambiguity_bits=0.0)[0]) == 1
    assert len(cluster([1, 2], bare, [(1, 2, 15.0)])[0]) == 1  # the pass is optional


def flags(links, marked):  # type: ignore[no-untyped-def]
    """A per-link boolean array: True for the (a, b) pairs in ``marked``."""
    return np.array([(a, b) in marked for a, b, _ in links])


def test_a_namesake_household_keeps_only_records_at_the_persons_own_address() -> None:
    # 1 = father (DOB 1950), 2 = son (DOB 1978), same name, both at street X (1-2 refused).
    # 3 (no DOB) is at X with the father; 4 (no DOB) is at Y, where only the father's 5 is.
    ids = {1: (None, "19500304", None), 2: (None, "19780910", None), 5: (None, "19500304", None)}
    links = [(1, 2, 6.0), (1, 3, 9.0), (2, 3, 5.0), (1, 5, 20.0), (4, 5, 9.0)]
    same_street = {(1, 2), (1, 3), (2, 3), (4, 5)}
    kw = {"ambiguity_bits": 0.0}
    parts, _ = cluster([1, 2, 3, 4, 5], ids, links, **kw)
    assert frozenset({1, 3, 4, 5}) in parts  # without the flags nothing is ambiguous
    parts, result = cluster([1, 2, 3, 4, 5], ids, links, coresident=flags(links, same_street), **kw)
    # 3's address is the son's too: left alone; 4's address is the father's alone: kept.
    assert parts == {frozenset({1, 4, 5}), frozenset({2}), frozenset({3})}
    assert result.ambiguous == 1


def test_two_parties_of_one_deed_do_not_make_a_namesake_household() -> None:
    # 1 and 2 are one person split by a deed row (2 shares a row with 4, now in 1's
    # person); 3 (no identifiers) is at their street: no identifiers conflict, so no
    # namesake lives there and 3 stays with its best link.
    ids = {
        1: (None, "19500304", 1950, None, None),
        2: (None, "19500304", 1950, None, "deed:7"),
        4: (None, None, None, None, "deed:7"),
    }
    links = [(1, 4, 12.0), (1, 3, 9.0), (1, 2, 6.0), (2, 3, 5.0)]
    same_street = {(1, 2), (1, 3), (2, 3)}
    parts, result = cluster(
        [1, 2, 3, 4], ids, links, coresident=flags(links, same_street), ambiguity_bits=0.0
    )
    assert parts == {frozenset({1, 3, 4}), frozenset({2})} and result.ambiguous == 0


def test_a_jr_keeps_a_bare_record_at_an_address_attested_for_him_alone() -> None:
    # 1 and 2 (DOB / SSN, both JR) are one person; 3 (no identifiers) is at their address.
    # 4 is the father (SR, DOB 1955), refused a merge with the son.
    def parts_of(suffix: str, same_street: set[tuple[int, int]], father: bool = False):  # type: ignore[no-untyped-def]
        ids = {
            1: (None, "19800101", 1980, suffix, None),
            2: ("123456789", None, None, suffix, None),
            4: (None, "19550101", 1955, "SR", None),
        }
        links = [(1, 2, 20.0), (1, 3, 12.0), (2, 3, 11.0), (1, 4, 9.0)]
        links += [(3, 4, 5.0)] if father else []
        kw = {"ambiguity_bits": 0.0, "coresident": flags(links, same_street)}
        return cluster([1, 2, 3, 4], ids, links, **kw)[0]

    both = {(1, 3), (2, 3)}
    assert parts_of("JR", both) == {frozenset({1, 2, 3}), frozenset({4})}
    assert frozenset({3}) in parts_of("JR", {(1, 3)})  # one identified record: not attested
    assert frozenset({3}) in parts_of("JR", both, father=True)  # it also links to the father
    assert frozenset({3}) in parts_of("SR", both)  # the household the son grew up in


def test_a_record_sharing_a_phone_only_with_its_person_is_never_ambiguous() -> None:
    junior = (None, "19800101", 1980, "JR", None)
    links = [(1, 2, 15.0)]
    bare = {1: junior}
    assert len(cluster([1, 2], bare, links, ambiguity_bits=0.0)[0]) == 2
    same_phone = flags(links, {(1, 2)})
    parts, _ = cluster([1, 2], bare, links, ambiguity_bits=0.0, personal=same_phone)
    assert parts == {frozenset({1, 2})}


def named(first: str, keys: tuple[str, ...] = (), **kw) -> Identity:  # type: ignore[no-untyped-def]
    """An identity with a first name (nickname keys default to the name itself)."""
    return Identity(first=first, first_keys=list(keys or (first,)), last="JONES", **kw)


def test_first_name_compatibility() -> None:
    def fn(name: str, *keys: str, last: str = "JONES") -> FirstName:
        return FirstName(name, frozenset(keys or (name,)), None, last)

    assert compatible(fn("BILL", "BILL", "WILLIAM"), fn("WILLIAM"))  # nickname
    assert compatible(fn("JAMES"), fn("JMAES"))  # a typo
    assert compatible(fn("ROY"), fn("RYO"))  # one edit in a short name
    assert compatible(fn("J"), fn("JAMES")) and not compatible(fn("J"), fn("MEGAN"))
    assert compatible(fn("R"), fn("BOBBY", "BOBBY", "ROBERT"))  # initial of the full name
    assert compatible(fn("MARTINEZ", last="CAROL"), fn("CAROL", last="MARTINEZ"))  # swapped
    assert not compatible(fn("BARBARA"), fn("BENJAMIN"))
    assert not compatible(fn("NANCY"), fn("RONALD"))


def test_a_household_members_record_does_not_join_on_address_and_phone() -> None:
    # 1 = BENJAMIN with SSN and DOB; 2 = BARBARA's utility row (name, address, phone only)
    # links to him through the shared address and phone more strongly than to her own 3.
    ids = {
        1: named("BENJAMIN", ssn="123456789", dob="19790304", year=1979),
        2: named("BARBARA"),
        3: named("BARBARA", dob="19800707", year=1980),
    }
    links = [(1, 2, 14.0), (2, 3, 7.0), (1, 3, 2.0)]
    parts, result = cluster([1, 2, 3], ids, links, ambiguity_bits=0.0)
    assert parts == {frozenset({1}), frozenset({2, 3})} and result.ambiguous == 0
    # the same SSN overrides a first-name conflict (a nickname missing from the table)
    same = {1: named("SUSAN", ssn="123456789"), 2: named("SUZY", ssn="123456789")}
    assert len(cluster([1, 2], same, [(1, 2, 9.0)])[0]) == 1
    assert len(cluster([1, 2], {1: named("SUSAN"), 2: named("SUZY")}, [(1, 2, 9.0)])[0]) == 2


def test_an_initial_cannot_chain_two_first_names_into_one_person() -> None:
    ids = {1: named("JENNIFER"), 2: named("J", dob="19870327", year=1987), 3: named("JOSHUA")}
    parts, _ = cluster([1, 2, 3], ids, [(2, 3, 9.0), (1, 2, 6.0)])
    assert parts == {frozenset({2, 3}), frozenset({1})}


def test_a_phone_shared_with_an_unidentified_record_does_not_keep_a_bare_record() -> None:
    # 1 = the JR (DOB); 2 and 3 = bare records sharing a phone (the father's telco and
    # utility rows at the family address): the phone says nothing about who they are.
    ids = {1: (None, "19950703", 1995, "JR", None)}
    links = [(1, 2, 10.0), (1, 3, 11.0), (2, 3, 18.0)]
    phone = flags(links, {(2, 3)})
    parts, result = cluster([1, 2, 3], ids, links, ambiguity_bits=0.0, personal=phone)
    assert parts == {frozenset({1}), frozenset({2}), frozenset({3})} and result.ambiguous == 2


def test_a_mixed_file_with_the_fathers_ssn_and_the_sons_phone_is_left_alone() -> None:
    # 1 = father (SSN A, DOB 1950); 2 = son (SSN B, DOB 1984, phone P); 3 = a credit file
    # of the son's carrying the father's SSN A, no DOB, the son's phone P.
    ids = {
        1: named("JESUS", ssn="111223333", dob="19500922", year=1950),
        2: named("JESUS", ssn="444556666", dob="19840101", year=1984),
        3: named("JESUS", ssn="111223333"),
    }
    links = [(1, 3, 13.5), (2, 3, 9.0), (1, 2, 6.0)]
    parts, _ = cluster([1, 2, 3], ids, links, ambiguity_bits=0.0)
    assert frozenset({1, 3}) in parts  # the SSN wins without the phone flags
    phone = flags(links, {(2, 3)})
    parts, result = cluster([1, 2, 3], ids, links, ambiguity_bits=0.0, personal=phone)
    assert parts == {frozenset({1}), frozenset({2}), frozenset({3})} and result.ambiguous == 1


def test_one_record_per_source_when_linking_deduplicated_files() -> None:
    links = [(1, 2, 10.0), (1, 3, 9.0)]
    sources = {1: "A", 2: "B", 3: "B"}
    parts, _ = cluster([1, 2, 3], {}, links, sources)
    assert parts == {frozenset({1, 2}), frozenset({3})}
    assert len(cluster([1, 2, 3], {}, links)[0]) == 1


def test_stable_ids_keep_merge_and_split() -> None:
    previous = {10: 10, 11: 10, 20: 20, 21: 20}
    same, events = assign_ids({10: [10, 11], 20: [20, 21]}, previous)
    assert same == {10: 10, 20: 20} and events == []
    merged, events = assign_ids({10: [10, 11, 20, 21, 30]}, previous)
    assert merged == {10: 10} and [e.kind for e in events] == ["merge"]
    split, events = assign_ids({10: [10, 11, 20], 21: [21]}, previous)
    assert split == {10: 10, 21: 20}  # record 20 joined person 10; 21 keeps person 20
    assert sorted(e.kind for e in events) == ["merge", "split"]
    fresh, events = assign_ids({30: [30, 31]}, previous)
    assert fresh == {30: 30} and [e.kind for e in events] == ["create"]


def test_em_recovers_m_from_aggregated_patterns() -> None:
    # 1,000 matches agreeing exactly on SSN 90% of the time, 99,000 non-matches at u.
    rng = np.random.default_rng(0)
    u = {"ssn": [0.97, 0.005, 0.005, 0.005, 0.005, 0.01]}
    true_m = [0.02, 0.02, 0.02, 0.02, 0.02, 0.90]
    levels = np.concatenate([rng.choice(6, 1000, p=true_m), rng.choice(6, 99000, p=u["ssn"])])
    last = np.concatenate(
        [
            rng.choice(6, 1000, p=[0.05, 0, 0, 0.05, 0, 0.9]),
            rng.choice(6, 99000, p=[0.9, 0.01, 0, 0.04, 0.04, 0.01]),
        ]
    )
    pat, counts = np.unique(np.stack([levels, last]), axis=1, return_counts=True)
    u["last_name"] = [0.9, 0.01, 1e-6, 0.04, 0.04, 0.01]
    params, _ = estimate_m_em({"ssn": pat[0], "last_name": pat[1]}, counts, (SSN, LAST_NAME), u)
    assert params.prior == pytest.approx(0.01, rel=0.1)
    assert params.m["ssn"][5] == pytest.approx(0.9, abs=0.03)
    again, _ = estimate_m_em({"ssn": pat[0], "last_name": pat[1]}, counts, (SSN, LAST_NAME), u)
    assert again.to_json() == params.to_json()


def test_rare_surname_agreement_outweighs_a_common_one() -> None:
    params = ModelParams(
        prior=0.01,
        m={"last_name": [0.1, 0.02, 0.02, 0.02, 0.04, 0.8]},
        u={"last_name": [0.9, 0.02, 0.02, 0.02, 0.02, 0.02]},
    )
    cols = {"last_name": np.array([5, 5]), "tf_last_name": np.array([0.01, 0.0001])}
    smith, szczepanski = field_weights((LAST_NAME,), params, cols)["last_name"]
    assert szczepanski > smith
    assert szczepanski - smith == pytest.approx(np.log2(100))


def test_malformed_parameters_are_a_config_error() -> None:
    with pytest.raises(ConfigError):
        ModelParams.from_json('{"prior": "x"}')


def test_two_typos_of_one_first_name_do_not_split_a_person() -> None:
    # MAR and MGRY are too far apart, but both are a typo away from the MARY they join
    ids = {
        1: named("MAR"),
        2: named("MARY", dob="20030326", year=2003),
        3: named("MGRY", dob="20030326", year=2003),
    }
    parts, _ = cluster([1, 2, 3], ids, [(2, 3, 12.0), (1, 2, 10.0)])
    assert parts == {frozenset({1, 2, 3})}
    alone = {1: named("MAR"), 3: named("MGRY")}
    assert len(cluster([1, 3], alone, [(1, 3, 10.0)])[0]) == 2


def test_a_suffix_no_other_record_of_its_person_names_is_left_alone() -> None:
    # 1: the father (SSN, DOB, no record says SR); 2: a JR deed line at his address
    father = {
        1: named("ROBERT", ssn="123456789", dob="19670101", year=1967),
        2: named("ROBERT", suffix="JR"),
    }
    parts, result = cluster([1, 2], father, [(1, 2, 11.0)], ambiguity_bits=0.0)
    assert len(parts) == 2 and result.ambiguous == 1
    # a JR line with the father's SSN but no DOB (a mixed credit file) is left alone too
    mixed = {**father, 2: named("ROBERT", suffix="JR", last4="6789")}
    assert len(cluster([1, 2], mixed, [(1, 2, 15.0)], ambiguity_bits=0.0)[0]) == 2
    # a person with a second record saying JR is the JR: the deed line stays
    junior = {
        1: named("ROBERT", dob="19810101", year=1981, suffix="JR"),
        2: named("ROBERT", suffix="JR"),
    }
    assert len(cluster([1, 2], junior, [(1, 2, 11.0)], ambiguity_bits=0.0)[0]) == 1
