"""Fast positional constructors for the frozen, slotted result dataclasses.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which costs
more than the rest of normalizing a simple value. `builder` returns a function taking every
field positionally that fills the slots directly; its objects equal those ``__init__``
builds (the classes have no ``__post_init__``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """``build(v1, ..., vn)`` -> an instance of the slotted dataclass `cls` (all fields)."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if "__post_init__" in vars(cls) or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a plain slotted dataclass")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{n}": vars(cls)[n].__set__ for n in names})
    params = ", ".join(names)
    body = "".join(f"    set_{n}(obj, {n})\n" for n in names)
    exec(f"def build({params}):\n    obj = new(cls)\n{body}    return obj\n", scope)
    build: Callable[..., T] = scope["build"]
    build.__doc__ = f"Positional constructor of {cls.__name__} ({params})."
    return build
