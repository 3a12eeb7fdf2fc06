#!/usr/bin/env python3
"""Load on a running eenplan-keyserver: conversions per second over mutual TLS.

    keyserver_load.py <url> <ca.crt> <client.crt> <client.key> <batch-file> [seconds] [connections] [domain]

<batch-file> holds one pp1: encryption per line (make them with `eenplan-keys encrypt`); each
request sends all of them. Prints requests, conversions and conversions per second.
"""
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse


def main() -> None:
    url, ca, cert, key, batch_file = sys.argv[1:6]
    seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 10.0
    connections = int(sys.argv[7]) if len(sys.argv) > 7 else 2
    domain = sys.argv[8] if len(sys.argv) > 8 else "hub"
    with open(batch_file, encoding="ascii") as f:
        batch = [line.strip() for line in f if line.strip()]
    body = json.dumps({"domain": domain, "encryptions": batch}).encode()
    target = urllib.parse.urlsplit(url)
    context = ssl.create_default_context(cafile=ca)
    context.load_cert_chain(cert, key)
    counts = [0] * connections
    failures = [0] * connections
    deadline = time.monotonic() + seconds

    def run(i: int) -> None:
        conn = http.client.HTTPSConnection(target.hostname, target.port, context=context)
        while time.monotonic() < deadline:
            conn.request("POST", "/v1/convert", body, {"content-type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
            else:
                failures[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    requests = sum(counts)
    print(f"requests {requests} failed {sum(failures)} batch {len(batch)} conversions {requests * len(batch)} "
          f"seconds {elapsed:.1f} conversions_per_second {requests * len(batch) / elapsed:.0f}")


if __name__ == "__main__":
    main()
