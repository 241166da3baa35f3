"""What the panel tells the layer above it when it allocates a case or decides its closure.

The panel owns these events; casework (which sits above the panel and may import it) owns what
follows: the family's episode opening, closing or reopening. The panel must not import casework,
so casework registers one receiver here when its app is ready (``casework.apps``), and the panel's
services call it inside their own transaction, so the panel's change and casework's reaction
commit or roll back together.

A receiver has three functions, each keyword-only:

``case_allocated(actor, case, lead_professional, lead_agency)``
    The lead agency has named the lead professional (the case is now allocated).
``closure_confirmed(actor, case)``
    The panel confirmed the case's closure (the case is now closed).
``closure_returned(actor, case, reason)``
    The panel returned the closure with a reason (the case is allocated again).
"""

from __future__ import annotations

from typing import Protocol


class CaseHandOff(Protocol):
    def case_allocated(self, *, actor, case, lead_professional, lead_agency) -> None: ...

    def closure_confirmed(self, *, actor, case) -> None: ...

    def closure_returned(self, *, actor, case, reason: str) -> None: ...


_receiver: CaseHandOff | None = None


def register(receiver: CaseHandOff) -> None:
    """Set the one receiver (casework's). Registering the same one again is harmless."""
    global _receiver
    if _receiver is not None and _receiver is not receiver:
        raise RuntimeError("A receiver for the panel's hand-offs is already registered")
    _receiver = receiver


def receiver() -> CaseHandOff:
    # Failing loudly beats an allocation that silently opens no episode.
    if _receiver is None:
        raise RuntimeError(
            "Nothing has registered for the panel's hand-offs (is casework installed?)"
        )
    return _receiver
