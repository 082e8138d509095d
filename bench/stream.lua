-- A stream of valid requests that never repeats during a run: every request moves the window by a
-- counter, and draws its page size, page, ordering and category from a fixed-seed generator.
-- API=events|interventions, TOKEN=<bearer token> (environment).
local api = os.getenv("API") or "events"
local token = os.getenv("TOKEN") or ""
local counter = 0
local orders = { "start", "end", "created_at", "updated_at" }
local categories = { "%E5%AD%B8%E7%94%9F", "%E6%95%99%E8%81%B7%E5%93%A1", "%E8%A1%8C%E6%94%BF",
                     "%E6%B4%BB%E5%8B%95", "%E8%80%83%E8%A9%A6", "%E5%81%87%E6%97%A5" }
math.randomseed(20251)

-- Seconds since the epoch as RFC 3339 UTC.
local function instant(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", seconds)
end

request = function()
  counter = counter + 1
  local start = 1720224000 + (counter * 7919) % (340 * 86400) -- 2024-07-06 + a moving offset
  local stop = start + math.random(1, 30) * 86400
  local headers = { ["Authorization"] = "Bearer " .. token }
  local path
  if api == "interventions" then
    headers["x-session-token"] = "bench"
    headers["content-type"] = "application/json"
    path = string.format(
      (os.getenv("PREFIX") or "/main") .. "/calendar/v2/rs/events?scheduledStart=%s&scheduledEnd=%s&includeSites=false&includeCount=%s&page=%d&pageSize=%d",
      instant(start), instant(stop), (counter % 2 == 0) and "true" or "false", math.random(1, 4), math.random(5, 50))
  else
    path = string.format("/events?from=%s&to=%s&limit=%d&page=%d&orderBy=%s",
      instant(start), instant(stop), math.random(1, 10), math.random(1, 3), orders[math.random(1, 4)])
    if counter % 3 == 0 then
      path = path .. "&category=" .. categories[math.random(1, 6)]
    end
  end
  return wrk.format("GET", path, headers)
end
