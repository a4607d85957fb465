"""Verify: application falsification screening.

`Verifier(store).verify_many(queries)` answers each application with a
:class:`~skiptrace.verify.results.VerifyResult`: identity confidence, a verification index,
a calibrated 0-100 risk score and reason codes (:data:`~skiptrace.verify.codes.REASON_TEXT`).
"""

from skiptrace.verify.codes import REASON_TEXT, Reason
from skiptrace.verify.model import DEFAULT_THRESHOLD, VerifyParams, load_params
from skiptrace.verify.results import VerifyResult
from skiptrace.verify.velocity import VelocityIndex
from skiptrace.verify.verifier import SUBJECT_FLOOR, Verifier

__all__ = [
    "DEFAULT_THRESHOLD",
    "REASON_TEXT",
    "SUBJECT_FLOOR",
    "Reason",
    "VelocityIndex",
    "Verifier",
    "VerifyParams",
    "VerifyResult",
    "load_params",
]
