#!/usr/bin/env python3
"""A fixed batch of signed signals for the fault harness: for each BRIN given, `count` ongeoorloofd
absences of 30 days, each for a pupil numbered from `first` (so the routeboek plans it and queues a
task for school-<brin>); sent again with another id prefix, the same pupils. The webhook-timestamp
is `--at` (seconds since the epoch; default now), so a hub whose test clock was moved ahead takes
them. Prints "<webhook-id> <status>" per signal; exits 1 if any answer was not 2xx.
  send.py <port> <source> <whsec-secret> <id-prefix> <first> <count> <brin>... [--at s]"""
import base64, datetime, hashlib, hmac, http.client, sys, time

args = sys.argv[1:]
at = None
if "--at" in args:
    i = args.index("--at")
    at = int(args[i + 1])
    del args[i:i + 2]
port, source, secret, prefix, first, count, *brins = args
key = base64.b64decode(secret.removeprefix("whsec_"))
today = datetime.date.fromtimestamp(at) if at else datetime.date.today()


def bsn(n):
    # A nine-digit number passing the elfproef, from a counter (as load.py).
    base = 100000000 + n * 7
    while True:
        d = [int(c) for c in f"{base:09d}"]
        if (sum(d[i] * (9 - i) for i in range(8)) - d[8]) % 11 == 0:
            return f"{base:09d}"
        base += 1


def body(n, brin):
    return ('{"type":"absence.reported","occurred_at":"%sT08:00:00Z","subject":{"bsn":"%s"},'
            '"school":{"brin":"%s","gemeentecode":"GM0518"},'
            '"data":{"absence_kind":"ongeoorloofd","from":"%s"}}') % (
        today.isoformat(), bsn(n), brin, (today - datetime.timedelta(days=30)).isoformat())


conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
failed = 0
for b, brin in enumerate(brins):
    for k in range(int(count)):
        n = int(first) + b * int(count) + k
        webhook_id = f"{prefix}_{brin}_{n}"
        payload = body(n, brin)
        ts = str(at or int(time.time()))
        sig = base64.b64encode(hmac.new(key, f"{webhook_id}.{ts}.{payload}".encode(), hashlib.sha256).digest()).decode()
        conn.request("POST", f"/v1/sources/{source}/signals", payload.encode(),
                     {"content-type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": ts,
                      "webhook-signature": "v1," + sig})
        r = conn.getresponse()
        r.read()
        print(webhook_id, r.status, flush=True)
        failed += r.status // 100 != 2
sys.exit(1 if failed else 0)
