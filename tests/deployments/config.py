"""What one deployment is: the API it serves and its knobs (signed, live, alternative, one broken rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["BROKEN", "Api", "Config"]

Api = Literal["events", "interventions"]

# Each broken rule, and the APIs it can break (events has no scope rule, interventions no category, ...).
BROKEN: dict[str, tuple[Api, ...]] = {
    "window-upper-inclusive": ("events",),
    "order-descending-ties": ("events", "interventions"),
    "count-off-by-one": ("events", "interventions"),
    "category-prefix": ("events",),
    "scope-ignored": ("events",),
    "expired-accepted": ("events", "interventions"),
    "bad-signature-accepted": ("events", "interventions"),
    "next-page-overlap": ("events", "interventions"),
    "cap-not-applied-consistently": ("events", "interventions"),
    "interventions-overlap-exclusive": ("interventions",),
}


@dataclass(frozen=True)
class Config:
    """One deployment: ``signed`` verifies the bearer token's HS256 signature (else it reads the JWT as the specs
    say: any signature); ``live`` changes its data every 50-200 ms while it serves; ``alternative`` decides every
    choice the API documents leave open otherwise than the mock does; ``broken`` breaks one API rule."""

    api: Api
    signed: bool = True
    live: bool = False
    alternative: bool = False
    broken: str | None = None
    count: int = 300  # records at start
    seed: int = 1  # the data's and the live changes' seed
    # A gateway in front of it (gateway.py): requests a second (0: none; None: no limit), its Retry-After, latency
    rate_limit: int | None = None
    retry_after: str = "1"
    latency: tuple[int, int] | None = None  # milliseconds, MIN and MAX

    def __post_init__(self) -> None:
        if self.broken is not None and self.api not in BROKEN.get(self.broken, ()):
            raise ValueError(f"no broken rule {self.broken!r} for {self.api}")

    @property
    def page_cap(self) -> int:
        if self.api == "events":
            return 250 if self.alternative else 100
        return 1000 if self.alternative else 200

    @property
    def label(self) -> str:
        knobs = ("signed", self.signed), ("live", self.live), ("alternative", self.alternative)
        return "+".join([*(name for name, on in knobs if on), *([self.broken] if self.broken else [])]) or "plain"
