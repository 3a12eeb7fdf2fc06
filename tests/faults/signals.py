"""The signed signals the fault harness sends (load.py, send.py): synthetic person numbers, the
absence signal the routeboek plans, and Standard Webhooks signing."""
import base64, datetime, hashlib, hmac


def bsn(n):
    # A nine-digit number passing the elfproef, from a counter.
    base = 100000000 + n * 7
    while True:
        d = [int(c) for c in f"{base:09d}"]
        if (sum(d[i] * (9 - i) for i in range(8)) - d[8]) % 11 == 0:
            return f"{base:09d}"
        base += 1


def absence(n, brin, today):
    """An ongeoorloofd absence of 30 days up to `today` for pupil `n` at school `brin`."""
    return ('{"type":"absence.reported","occurred_at":"%sT08:00:00Z","subject":{"bsn":"%s"},'
            '"school":{"brin":"%s","gemeentecode":"GM0518"},'
            '"data":{"absence_kind":"ongeoorloofd","from":"%s"}}') % (
        today.isoformat(), bsn(n), brin, (today - datetime.timedelta(days=30)).isoformat())


def secret_key(secret):
    """The key bytes of a "whsec_" secret."""
    return base64.b64decode(secret.removeprefix("whsec_"))


def headers(key, webhook_id, ts, payload):
    """The request headers of `payload` signed with `key` at `ts` (seconds, as text)."""
    sig = base64.b64encode(hmac.new(key, f"{webhook_id}.{ts}.{payload}".encode(), hashlib.sha256).digest()).decode()
    return {"content-type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": ts,
            "webhook-signature": "v1," + sig}
