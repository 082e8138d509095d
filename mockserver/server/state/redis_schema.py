"""What the Redis store keeps in Redis: its keys and channel, its Lua scripts, and how a scenario's scope and a
journal id are written there (``redis_store`` uses them)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import orjson

__all__ = ["APPEND", "CHANNEL", "KEYS", "RAISE", "TAKE", "journal_id", "scope_field", "shown"]

CHANNEL = "mockserver:state"
KEYS = {
    name: f"mockserver:{name}"
    for name in ("journal", "ids", "cleared", "scenarios", "left", "version", "replicas", "seen", "synced", "sync")
}

# ARGV: the stream's cap, the number of entries, and the entries as one argument, one per line (compact JSON has no
# raw newline): one argument to pack instead of one per entry (the client packs each in Python).
APPEND = """
local count = tonumber(ARGV[2])
local first = redis.call('INCRBY', KEYS[2], count) - count + 1
local batch, at = ARGV[3], 1
for i = 0, count - 1 do
  local stop = string.find(batch, '\\n', at, true) or (#batch + 1)
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], (first + i) .. '-1', 'e', string.sub(batch, at, stop - 1))
  at = stop + 1
end
return first
"""
TAKE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('PUBLISH', KEYS[4], 'version ' .. redis.call('INCR', KEYS[3]))
end
return left
"""
RAISE = """
local now = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
"""


def shown(url: str) -> str:
    """The URL without its password (how the admin routes and the logs name the store)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def journal_id(stream_id: bytes) -> int:
    """A journal id from the stream's id of its entry (``ID-1``)."""
    return int(stream_id.partition(b"-")[0])


def scope_field(api: str | None, session: str | None, token: str | None) -> bytes:
    return orjson.dumps([api, session, token])
