"""Suite-wide test settings."""

from hypothesis import settings

# Property tests check behaviour, not speed (speed lives in bench/): a per-example deadline
# only makes them flaky on a loaded 2-core CI machine, e.g. when the first example loads
# the ZIP reference table.
settings.register_profile("skiptrace", deadline=None)
settings.load_profile("skiptrace")
