"""skiptrace: an open-source skip-tracing and debtor-location engine.

The pipeline, one subpackage per stage: ``normalize`` -> ``ingest`` -> ``resolve`` ->
``locate`` -> ``verify`` -> ``report``, with ``comply`` wrapping the user-facing entry
points and ``simulate`` generating synthetic worlds with ground truth.
"""

from skiptrace.errors import ComplianceError, ConfigError, InputError, SkiptraceError

__version__ = "0.1.0"

__all__ = ["ComplianceError", "ConfigError", "InputError", "SkiptraceError", "__version__"]
