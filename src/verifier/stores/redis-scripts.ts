/**
 * The Lua scripts behind the Redis store. Redis runs a script to the end before any other command,
 * so each is one atomic step whichever client sends it.
 *
 * A token is one hash: fields `version`, `state`, `params` and `secret` (sealed bytes). The
 * single-key scripts also run on a Redis Cluster; the many-key ones save a command per token on a
 * single Redis (or a primary with replicas), where any keys may meet in one script.
 */

/** KEYS[1] = token; ARGV = secret, params, state, version. Returns 1, or 0 if the token exists. */
export const INSERT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[4], 'state', ARGV[3], 'params', ARGV[2], 'secret', ARGV[1])
return 1
`

/**
 * KEYS[1] = token; ARGV as INSERT_SCRIPT's. Puts the token in the place of any token under its key,
 * in one step. Returns 1 if a token was replaced, 0 if there was none.
 */
export const REPLACE_SCRIPT = `
local existed = redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'version', ARGV[4], 'state', ARGV[3], 'params', ARGV[2], 'secret', ARGV[1])
return existed
`

/**
 * The compare-and-set, for each key in turn: KEYS = tokens; ARGV[1] = for each key, its expected
 * version and its new state, each ended by a newline (one argument instead of two per token: the
 * client pays per argument). Writes the state and bumps the version only where the version is still
 * the expected one (so never on a deleted token), in one HSET (versions stay far below 2^53, where a
 * Lua number is exact). Returns a 1 (written) or 0 per key; a token named
 * twice sees its first update when the second is decided, as if the two came one after the other.
 */
export const CAS_SCRIPT = `
local out = {}
local args = ARGV[1]
local at = 1
for i = 1, #KEYS do
  local stop = string.find(args, '\\n', at, true)
  local expected = string.sub(args, at, stop - 1)
  at = stop + 1
  stop = string.find(args, '\\n', at, true)
  local state = string.sub(args, at, stop - 1)
  at = stop + 1
  local version = redis.call('HGET', KEYS[i], 'version')
  if version and version == expected then
    redis.call('HSET', KEYS[i], 'state', state, 'version', string.format('%d', tonumber(version) + 1))
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`

/**
 * Reads many tokens in one call: KEYS = tokens. Returns per key `version \\n state \\n params \\n secret`
 * as one string (neither the number nor the two JSON texts hold a newline; the secret comes last, so
 * its bytes need no escaping), or false for a missing token.
 */
export const READ_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local t = redis.call('HMGET', KEYS[i], 'version', 'state', 'params', 'secret')
  if t[1] and t[2] and t[3] and t[4] then
    out[i] = t[1] .. '\\n' .. t[2] .. '\\n' .. t[3] .. '\\n' .. t[4]
  else
    out[i] = false
  end
end
return out
`
