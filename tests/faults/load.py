#!/usr/bin/env python3
"""Sustained signed load for the fault harness: POST /v1/sources/<source>/signals with distinct,
Standard-Webhooks-signed signals from N threads, each signal an ongeoorloofd absence of 30 days
for a new synthetic pupil (so the routeboek plans it and queues a task). Every answer is written
to <out> as "<webhook-id> <status>" (status 0: no answer, the connection failed; "503ra": a 503
with Retry-After). Runs until
<stop-file> exists. <port-file> holds one port per line, one per service instance: each thread
starts on its own instance (round-robin by thread) and moves on to the next one after a
connection failure. The file is re-read on each failure, so a restarted service (new port) is
found again.
  load.py <port-file> <source> <whsec-secret> <out> <stop-file> [threads]"""
import datetime, http.client, os, sys, threading, time

from signals import absence, headers, secret_key

port_file, source, secret, out_path, stop_file = sys.argv[1:6]
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 4
run = f"{int(time.time())}-{os.getpid()}"
key = secret_key(secret)
today = datetime.date.today()
lock = threading.Lock()
out = open(out_path, "a", buffering=1)


def send(conn, webhook_id, payload):
    conn.request("POST", f"/v1/sources/{source}/signals", payload.encode(),
                 headers(key, webhook_id, str(int(time.time())), payload))
    r = conn.getresponse()
    r.read()
    # A 503 that says when to come back is written as "503ra".
    return f"{r.status}ra" if r.status == 503 and r.getheader("Retry-After") else r.status


def ports():
    try:
        return [int(line) for line in open(port_file).read().split()]
    except (OSError, ValueError):
        return []


def worker(t):
    n = t
    turn = t
    conn = None
    while not os.path.exists(stop_file):
        webhook_id = f"msg_fault_{run}_{n}"
        status = 0
        try:
            if conn is None:
                known = ports()
                if not known:
                    time.sleep(0.05)
                    continue
                conn = http.client.HTTPConnection("127.0.0.1", known[turn % len(known)], timeout=10)
            status = send(conn, webhook_id, absence(n, "12AB", today))
        except (OSError, http.client.HTTPException):
            conn = None
            turn += 1
            time.sleep(0.02)
        with lock:
            out.write(f"{webhook_id} {status}\n")
        n += threads


ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
