"""Reg F call windows: every candidate zone, DST transitions, split-zone exchanges."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skiptrace.comply.call_windows import (
    US_FALLBACK_ZONES,
    call_window,
    phone_zones,
    window_for_zones,
    zip_zone,
)
from skiptrace.errors import ComplianceError

NY_PHONE, NY_ZIP = "+12125550147", "10001"
LA_ZIP = "90012"
SPLIT_605 = "+16055550147"  # South Dakota: exchange spans Mountain and Central
SPLIT_208 = "+12085550147"  # Idaho: exchange spans Mountain (Boise) and Pacific


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def lawful_everywhere(at: dt.datetime, zones) -> bool:
    """Oracle: local wall-clock time in [08:00, 21:00) in every zone."""
    for name in zones:
        local = at.astimezone(ZoneInfo(name))
        if not (8 <= local.hour < 21):
            return False
    return True


def test_zone_sources():
    assert phone_zones(NY_PHONE) == ("America/New_York",)
    assert set(phone_zones(SPLIT_605)) == {"America/Denver", "America/North_Dakota/Center"}
    assert set(phone_zones(SPLIT_208)) == {"America/Boise", "America/Los_Angeles"}
    assert phone_zones("+15555550147") == () and phone_zones("not a phone") == ()
    assert (
        zip_zone(NY_ZIP) == "America/New_York" and zip_zone("90012-1234") == "America/Los_Angeles"
    )
    assert zip_zone("00000") is None and zip_zone(None) is None


def test_spring_forward_window_opens_at_local_eight():
    # 2026-03-08: New York moves from UTC-5 to UTC-4 at 02:00 local.
    before = call_window(NY_PHONE, NY_ZIP, at=utc(2026, 3, 8, 2, 30))  # 21:30 EST on the 7th
    assert not before.callable_now
    assert before.next_window_start == utc(2026, 3, 8, 12, 0)  # 08:00 EDT, not 13:00
    assert before.window_end == utc(2026, 3, 9, 1, 0)  # 21:00 EDT
    assert call_window(NY_PHONE, NY_ZIP, at=utc(2026, 3, 8, 12, 0)).callable_now
    assert not call_window(NY_PHONE, NY_ZIP, at=utc(2026, 3, 7, 12, 30)).callable_now  # 07:30 EST


def test_fall_back_window_opens_at_local_eight():
    # 2026-11-01: New York moves from UTC-4 to UTC-5 at 02:00 local.
    window = call_window(NY_PHONE, NY_ZIP, at=utc(2026, 11, 1, 1, 30))  # 21:30 EDT on the 31st
    assert not window.callable_now
    assert window.next_window_start == utc(2026, 11, 1, 13, 0)  # 08:00 EST
    assert not call_window(NY_PHONE, NY_ZIP, at=utc(2026, 11, 1, 12, 30)).callable_now
    assert call_window(NY_PHONE, NY_ZIP, at=utc(2026, 11, 2, 1, 59)).callable_now  # 20:59 EST


def test_phone_and_address_in_different_zones_narrow_the_window():
    window = call_window(NY_PHONE, LA_ZIP, at=utc(2026, 7, 1, 14, 0))  # 10:00 NY, 07:00 LA
    assert window.zones == ("America/Los_Angeles", "America/New_York")
    assert not window.callable_now
    assert window.window_start == utc(2026, 7, 1, 15, 0)  # 08:00 PDT
    assert window.window_end == utc(2026, 7, 2, 1, 0)  # 21:00 EDT


@pytest.mark.parametrize(
    ("phone", "at", "callable_now"),
    [
        (SPLIT_605, utc(2026, 7, 1, 13, 30), False),  # 07:30 MDT, 08:30 CDT
        (SPLIT_605, utc(2026, 7, 1, 14, 0), True),  # 08:00 MDT, 09:00 CDT
        (SPLIT_605, utc(2026, 7, 2, 1, 30), True),  # 19:30 MDT, 20:30 CDT
        (SPLIT_605, utc(2026, 7, 2, 2, 30), False),  # 20:30 MDT, 21:30 CDT
        (SPLIT_208, utc(2026, 1, 15, 15, 30), False),  # 08:30 MST, 07:30 PST
        (SPLIT_208, utc(2026, 1, 15, 16, 0), True),  # 09:00 MST, 08:00 PST
        (SPLIT_208, utc(2026, 1, 16, 3, 59), True),  # 20:59 MST, 19:59 PST
        (SPLIT_208, utc(2026, 1, 16, 4, 0), False),  # 21:00 MST
    ],
)
def test_split_zone_exchanges_need_every_zone(phone, at, callable_now):
    window = call_window(phone, None, at=at)
    assert len(window.zones) == 2
    assert window.callable_now is callable_now


def test_arizona_keeps_standard_time_next_to_denver():
    # July: Denver is on MDT (UTC-6), Phoenix stays on MST (UTC-7).
    window = call_window("+16025550147", "80202", at=utc(2026, 7, 1, 14, 30))
    assert window.zones == ("America/Denver", "America/Phoenix")
    assert window.callable_now is False  # 07:30 in Phoenix
    assert window.window_start == utc(2026, 7, 1, 15, 0)  # 08:00 MST
    assert window.window_end == utc(2026, 7, 2, 3, 0)  # 21:00 MDT


def test_unknown_zones_fall_back_to_all_us_zones():
    window = call_window(None, None, at=utc(2026, 7, 1, 12, 0))
    assert window.zones_unknown and window.zones == US_FALLBACK_ZONES
    assert window.window_start == utc(2026, 7, 1, 18, 0)  # 08:00 in Honolulu
    assert window.window_end == utc(2026, 7, 2, 1, 0)  # 21:00 in New York


def test_naive_instants_are_refused():
    with pytest.raises(ComplianceError, match="timezone-aware"):
        call_window(NY_PHONE, NY_ZIP, at=dt.datetime(2026, 7, 1, 12, 0))


ZONE_SETS = st.lists(
    st.sampled_from([*US_FALLBACK_ZONES, "America/Boise", "America/North_Dakota/Center"]),
    min_size=1,
    max_size=3,
    unique=True,
)
INSTANTS = st.datetimes(
    dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31), timezones=st.just(dt.UTC)
)


@settings(max_examples=150, deadline=None)
@given(zones=ZONE_SETS, at=INSTANTS)
def test_window_matches_a_brute_force_oracle(zones, at):
    window = window_for_zones(tuple(zones), at)
    assert window.callable_now == lawful_everywhere(at, zones)
    nxt = window.next_window_start
    assert nxt > at and lawful_everywhere(nxt, zones)
    assert not lawful_everywhere(nxt - dt.timedelta(minutes=1), zones)
    assert lawful_everywhere(window.window_start, zones)
    assert lawful_everywhere(window.window_end - dt.timedelta(minutes=1), zones)
    assert not lawful_everywhere(window.window_end, zones)
    if window.callable_now:
        assert window.window_start <= at < window.window_end
    else:
        assert window.window_start == nxt
    # no lawful instant between `at` and the next opening outside the current window
    step = at.replace(second=0, microsecond=0) + dt.timedelta(minutes=15 - at.minute % 15)
    while step < nxt:
        if lawful_everywhere(step, zones):
            assert window.callable_now and step < window.window_end
        step += dt.timedelta(minutes=15)
