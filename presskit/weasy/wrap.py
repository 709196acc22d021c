"""The one check a patch makes before it wraps a WeasyPrint function (see `presskit.weasy`)."""

from __future__ import annotations

import inspect
from typing import Any, Literal


def wrap_state(
    original: Any, signature: tuple[str, ...], *, prefix: bool = False
) -> Literal["wrap", "wrapped", "other"]:
    """ "wrapped" when a patch wraps it already (it keeps `.original`), "other" when it is
    missing or its parameters are not the ones the patch was written for (all of them, or
    with `prefix` the first ones), else "wrap". A WeasyPrint that changed the function then
    runs its own code, unpatched."""
    if original is None:
        return "other"
    if getattr(original, "original", None) is not None:
        return "wrapped"
    names = tuple(inspect.signature(original).parameters)
    if (names[: len(signature)] if prefix else names) != signature:
        return "other"
    return "wrap"
