#!/usr/bin/env python3
"""A fixed batch of signed signals for the fault harness: for each BRIN given, `count` ongeoorloofd
absences of 30 days, each for a pupil numbered from `first` (so the routeboek plans it and queues a
task for school-<brin>); sent again with another id prefix, the same pupils. The webhook-timestamp
is `--at` (seconds since the epoch; default now), so a hub whose test clock was moved ahead takes
them. Prints "<webhook-id> <status>" per signal; exits 1 if any answer was not 2xx.
  send.py <port> <source> <whsec-secret> <id-prefix> <first> <count> <brin>... [--at s]"""
import datetime, http.client, sys, time

from signals import absence, headers, secret_key

args = sys.argv[1:]
at = None
if "--at" in args:
    i = args.index("--at")
    at = int(args[i + 1])
    del args[i:i + 2]
port, source, secret, prefix, first, count, *brins = args
key = secret_key(secret)
today = datetime.date.fromtimestamp(at) if at else datetime.date.today()


conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
failed = 0
for b, brin in enumerate(brins):
    for k in range(int(count)):
        n = int(first) + b * int(count) + k
        webhook_id = f"{prefix}_{brin}_{n}"
        payload = absence(n, brin, today)
        conn.request("POST", f"/v1/sources/{source}/signals", payload.encode(),
                     headers(key, webhook_id, str(at or int(time.time())), payload))
        r = conn.getresponse()
        r.read()
        print(webhook_id, r.status, flush=True)
        failed += r.status // 100 != 2
sys.exit(1 if failed else 0)
