/**
 * The Lua scripts behind the Redis store. Redis runs a script to the end before any other command,
 * so each is one atomic step; each touches only its own keys, so it also runs on a Redis Cluster.
 *
 * A token is one hash: fields `secret` (sealed bytes), `params`, `state` and `version`.
 */

/** KEYS[1] = token; ARGV = secret, params, state. Returns 1, or 0 if the token exists. */
export const INSERT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'params', ARGV[2], 'state', ARGV[3], 'version', '1')
return 1
`

/**
 * The compare-and-set. KEYS[1] = token; ARGV = expected version, new state, new version.
 * Returns 1 if the state was written, 0 if the version moved on or the token is gone.
 */
export const CAS_SCRIPT = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'version', ARGV[3])
return 1
`

/**
 * Many compare-and-sets in one call, each decided on its own as CAS_SCRIPT does: KEYS = tokens,
 * ARGV = (expected version, new state, new version) per key. Returns a 0/1 per key. One call
 * saves a round of command parsing per token; a token updated twice in one call sees its first update.
 */
export const CAS_MANY_SCRIPT = `
local out = {}
for i = 1, #KEYS do
  local a = 3 * i - 2
  if redis.call('HGET', KEYS[i], 'version') == ARGV[a] then
    redis.call('HSET', KEYS[i], 'state', ARGV[a + 1], 'version', ARGV[a + 2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`
