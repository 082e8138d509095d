"""Microseconds per unit of time: what instants are counted in (pure: the tables' fields use them at build time)."""

__all__ = ["DAY_US", "MINUTE_US", "SECOND_US"]

SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
DAY_US = 86_400 * SECOND_US
