// When to try a delivery again. The schedule follows Standard Webhooks' (immediately, 5 s, 5 min,
// 30 min, ...) shortened for a flow that holds the message in memory: by default 0, 2 s, 10 s,
// 1 min, 5 min, each with up to 20 % jitter so that many nodes restarted together do not retry in
// step. A Retry-After from the hub (seconds or an HTTP date) replaces the scheduled delay.
'use strict';

const defaultScheduleMs = [0, 2000, 10000, 60000, 300000];

// true: worth another attempt; false: the hub refused the signal itself (4xx other than 408/429).
function retryable(status) {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

function retryAfterMs(header, nowMs) {
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

// Delay before attempt `attempt` (1-based, attempt 1 is the first retry); undefined: give up.
function delayMs(schedule, attempt, retryAfter, random = Math.random) {
  if (attempt >= schedule.length) return undefined;
  if (retryAfter !== undefined) return retryAfter;
  const base = schedule[attempt];
  return Math.round(base * (1 + 0.2 * random()));
}

module.exports = { defaultScheduleMs, retryable, retryAfterMs, delayMs };
