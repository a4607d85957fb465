"""Verification evidence in SQL: what the store says about each application's elements.

One row per application (`qid`) with facts about (a) every resolved person holding the
application's SSN, (b) the matched person (the *subject*: name, DOB and years of birth, SSNs,
addresses, phones, employers on file), and (c) other persons linked to the application's
phone, told apart into household members (shared an address with the subject), namesakes
(reported under the applicant's own name: an unmerged record of the applicant) and other
identities, and (d) how many persons any source reports working for the application's
employer, anywhere and in the application address's ZIP3 area (employer existence and
geography).
Only sources in `vf_sources` (the caller's permitted sources) are read. Nothing here
scores: `skiptrace.verify.model` turns the columns into features.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from skiptrace.locate.index import PERSON_VALUES

STREET_KEY = r"regexp_replace({col}, ' #[^|]*\|', '|')"
"""An address contact key without its unit (the store's `addr_street_key` form)."""
LAST_SIMILARITY = 0.9
EMPLOYER_SIMILARITY = 0.9
ADDRESS_SIMILARITY = 0.9
YEAR_SLACK = 1
"""A year of birth on file within this many years of the given one agrees (year-only sources
such as voter rolls are approximate)."""

_DOB_NEAR = """(v.dob_precision = 'day' AND a.dob IS NOT NULL AND year(v.dob) = year(a.dob) AND (
    v.dob = a.dob
    OR damerau_levenshtein(strftime(v.dob, '%m%d'), strftime(a.dob, '%m%d')) <= 1
    OR (month(v.dob) = day(a.dob) AND day(v.dob) = month(a.dob))))"""
"""A DOB on file agrees: same year, and month/day equal, swapped or one keystroke apart."""
_LAST_OK = f"""(v.last_name = a.last_name
    OR jaro_winkler_similarity(v.last_name, a.last_name) >= {LAST_SIMILARITY})"""
_ADDR_OK = f"""(c.kind = 'address' AND a.addr_street_key IS NOT NULL AND (
    {STREET_KEY.format(col="c.value_key")} = a.addr_street_key
    OR (split_part(c.value_key, '|', 2) = a.addr_zip5
        AND split_part(c.value_key, ' ', 1) = a.addr_number
        AND jaro_winkler_similarity({STREET_KEY.format(col="c.value_key")}, a.addr_street_key)
            >= {ADDRESS_SIMILARITY})))"""

_EMPLOYER_SAME = """({x} = {y} OR starts_with({x} || ' ', {y} || ' ')
    OR starts_with({y} || ' ', {x} || ' '))"""
"""Two employer keys name the same employer: equal, or one is the other plus trailing words
(a blocking-friendly subset of `_EMPLOYER_OK`: both share their first word)."""
_EMPLOYER_OK = f"""(v.employer_key = a.employer_key
    OR jaro_winkler_similarity(v.employer_key, a.employer_key) >= {EMPLOYER_SIMILARITY}
    OR starts_with(v.employer_key || ' ', a.employer_key || ' ')
    OR starts_with(a.employer_key || ' ', v.employer_key || ' '))"""
"""An employer on file agrees: same key, one keystroke-level variant, or one name is the other
plus trailing words ('HCA' / 'HCA HEALTHCARE', 'LOWES' / 'LOWES COMPANIES')."""

EVIDENCE_SQL = f"""
WITH a AS (SELECT * FROM vf_apps),
pv AS (SELECT * FROM {PERSON_VALUES} WHERE source IN (SELECT source FROM vf_sources)),
holders AS (
    SELECT a.qid, v.person_id,
           coalesce(bool_or(list_has_any(v.first_keys, a.first_keys)), false) AS first_ok,
           coalesce(bool_or({_LAST_OK}), false) AS last_ok,
           coalesce(bool_or({_DOB_NEAR}) FILTER (WHERE v.dob_precision = 'day'), true)
               AS dob_ok,
           bool_or(v.data_class = 'death_master') AS dead,
           max(v.event_date) FILTER (WHERE v.data_class = 'death_master') AS death_date
    FROM a JOIN pv v ON v.ssn = a.ssn
    GROUP BY a.qid, v.person_id),
ssn_f AS (
    SELECT h.qid, count(*) AS ssn_persons,
           count(*) FILTER (WHERE h.person_id IS DISTINCT FROM a.subject
                            AND NOT (h.first_ok AND h.last_ok AND h.dob_ok)) AS ssn_others,
           bool_or(h.first_ok OR h.last_ok) AS ssn_name_part,
           bool_or(h.dead) AS ssn_dead,
           max(h.death_date) AS ssn_death_date
    FROM holders h JOIN a USING (qid) GROUP BY h.qid),
subj AS (
    SELECT a.qid,
           count(DISTINCT v.source) AS subj_sources,
           bool_or(v.data_class = 'death_master') AS subj_dead,
           coalesce(bool_or(v.ssn = a.ssn), false) AS subj_ssn_exact,
           count(DISTINCT v.ssn) FILTER (WHERE damerau_levenshtein(v.ssn, a.ssn) > 1)
               AS subj_other_ssns,
           list(DISTINCT v.ssn_last4) FILTER (WHERE damerau_levenshtein(v.ssn, a.ssn) > 1)
               AS subj_other_last4,
           count(*) FILTER (WHERE v.dob_precision = 'day') AS subj_dobs,
           coalesce(bool_or({_DOB_NEAR}), false) AS subj_dob_ok,
           min(year(v.dob)) FILTER (WHERE v.dob_precision = 'day') AS subj_dob_year,
           count(v.birth_year) AS subj_years,
           coalesce(bool_or(abs(v.birth_year - year(a.dob)) <= {YEAR_SLACK}), false)
               AS subj_year_ok,
           list(DISTINCT v.birth_year ORDER BY v.birth_year)
               FILTER (WHERE v.birth_year IS NOT NULL) AS subj_birth_years,
           coalesce(bool_or(list_has_any(v.first_keys, a.first_keys)), false) AS subj_first_ok,
           coalesce(bool_or({_LAST_OK}), false) AS subj_last_ok,
           coalesce(bool_or(v.addr_state = a.addr_state), false) AS subj_state_seen,
           coalesce(bool_or(left(v.addr_zip5, 3) = left(a.addr_zip5, 3)), false)
               AS subj_zip3_seen,
           count(DISTINCT v.employer_key) AS subj_employers,
           coalesce(bool_or({_EMPLOYER_OK}), false) AS subj_employer_ok
    FROM a JOIN pv v ON v.person_id = a.subject GROUP BY a.qid),
sc AS (
    SELECT a.qid, c.kind, {_ADDR_OK} AS addr_ok,
           c.kind = 'phone' AND list_contains(a.phones, c.value_key) AS phone_ok,
           c.role, c.first_seen, greatest(c.first_seen, c.last_seen, c.end_date) AS seen
    FROM a JOIN pv v ON v.person_id = a.subject JOIN contacts c ON c.obs_id = v.obs_id
    WHERE c.source IN (SELECT source FROM vf_sources)),
contact_f AS (
    SELECT qid,
           min(first_seen) AS subj_first_seen,
           coalesce(bool_or(addr_ok), false) AS subj_addr_ok,
           max(seen) FILTER (WHERE addr_ok) AS addr_last_seen,
           max(seen) FILTER (WHERE kind = 'address') AS subj_addr_last_seen,
           max(first_seen) FILTER (WHERE kind = 'address' AND NOT addr_ok
                                   AND role NOT IN ('mailing', 'old')) AS other_addr_first_seen,
           max(seen) FILTER (WHERE kind = 'employer') AS employer_last_seen,
           coalesce(bool_or(phone_ok), false) AS subj_phone_ok,
           max(seen) FILTER (WHERE kind = 'phone' AND NOT phone_ok) AS subj_other_phone_seen
    FROM sc GROUP BY qid),
ap AS (SELECT qid, subject, unnest(phones) AS phone FROM a WHERE phones IS NOT NULL),
po AS (
    SELECT ap.qid, pr.person_id::VARCHAR AS person_id,
           max(greatest(c.first_seen, c.last_seen, c.end_date)) AS seen
    FROM ap JOIN contacts c ON c.kind = 'phone' AND c.value_key = ap.phone
    JOIN person_records pr ON pr.obs_id = c.obs_id
    WHERE c.source IN (SELECT source FROM vf_sources)
      AND pr.person_id::VARCHAR IS DISTINCT FROM ap.subject
    GROUP BY ap.qid, pr.person_id),
addr_f AS (
    SELECT a.qid, count(DISTINCT pr.person_id) AS addr_persons
    FROM a JOIN contacts c ON c.kind = 'address'
     AND split_part(c.value_key, '|', 2) = a.addr_zip5
     AND {STREET_KEY.format(col="c.value_key")} = a.addr_street_key
    JOIN person_records pr ON pr.obs_id = c.obs_id
    WHERE c.source IN (SELECT source FROM vf_sources)
    GROUP BY a.qid),
subj_streets AS (
    SELECT DISTINCT a.qid, {STREET_KEY.format(col="c.value_key")} AS street_key
    FROM a JOIN pv v ON v.person_id = a.subject JOIN contacts c ON c.obs_id = v.obs_id
    WHERE c.kind = 'address'),
po_kind AS (
    SELECT po.qid, po.person_id, po.seen,
           EXISTS (SELECT 1 FROM pv w JOIN contacts c ON c.obs_id = w.obs_id
                   JOIN subj_streets s ON s.qid = po.qid
                    AND s.street_key = {STREET_KEY.format(col="c.value_key")}
                   WHERE w.person_id = po.person_id AND c.kind = 'address') AS coresident,
           EXISTS (SELECT 1 FROM pv v JOIN a ON a.qid = po.qid
                   WHERE v.person_id = po.person_id AND list_has_any(v.first_keys, a.first_keys)
                     AND {_LAST_OK}) AS namesake
    FROM po),
app_employers AS (
    SELECT DISTINCT employer_key AS key, left(addr_zip5, 3) AS zip3 FROM a
    WHERE employer_key IS NOT NULL),
employees AS MATERIALIZED (
    SELECT DISTINCT v.person_id, v.zip3, e.key
    FROM (SELECT DISTINCT key FROM app_employers) e
    JOIN pv v ON split_part(v.employer_key, ' ', 1) = split_part(e.key, ' ', 1)
    WHERE {_EMPLOYER_SAME.format(x="v.employer_key", y="e.key")}),
employer_anywhere AS (
    SELECT key, count(DISTINCT person_id) AS employer_persons FROM employees GROUP BY key),
employer_area AS (
    SELECT e.key, e.zip3, count(DISTINCT w.person_id) AS employer_persons_area
    FROM app_employers e JOIN employees w ON w.key = e.key AND w.zip3 = e.zip3
    GROUP BY e.key, e.zip3),
employer_f AS (
    SELECT a.qid, coalesce(w.employer_persons, 0) AS employer_persons,
           coalesce(r.employer_persons_area, 0) AS employer_persons_area
    FROM a LEFT JOIN employer_anywhere w ON w.key = a.employer_key
    LEFT JOIN employer_area r ON r.key = a.employer_key AND r.zip3 = left(a.addr_zip5, 3)
    WHERE a.employer_key IS NOT NULL),
po_f AS (
    SELECT qid, count(*) AS phone_others,
           count(*) FILTER (WHERE coresident) AS phone_coresidents,
           count(*) FILTER (WHERE namesake AND NOT coresident) AS phone_namesakes,
           max(seen) FILTER (WHERE NOT namesake AND NOT coresident) AS phone_other_seen
    FROM po_kind GROUP BY qid)
SELECT a.qid, ssn_f.* EXCLUDE (qid), subj.* EXCLUDE (qid), contact_f.* EXCLUDE (qid),
       po_f.* EXCLUDE (qid), addr_f.* EXCLUDE (qid), employer_f.* EXCLUDE (qid)
FROM a LEFT JOIN ssn_f USING (qid) LEFT JOIN subj USING (qid) LEFT JOIN addr_f USING (qid)
LEFT JOIN contact_f USING (qid) LEFT JOIN po_f USING (qid) LEFT JOIN employer_f USING (qid)
ORDER BY a.qid
"""


def application_evidence(
    con: duckdb.DuckDBPyConnection, apps: pa.Table, sources: list[str]
) -> pa.Table:
    """Evidence columns per application; `apps` is a `query_table` plus `subject` (VARCHAR).

    `sources` are the source names the caller may read (compliance gating).
    """
    con.register("vf_apps", apps)
    con.register("vf_sources", pa.table({"source": pa.array(sources, pa.string())}))
    try:
        return con.sql(EVIDENCE_SQL).to_arrow_table()
    finally:
        con.unregister("vf_apps")
        con.unregister("vf_sources")
