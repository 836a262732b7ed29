#!/usr/bin/env python3
"""N scrapers that each GET a URL once per interval (as N Prometheus servers would), for a while;
prints the latency percentiles of every scrape. Usage: scrapers.py URL [SCRAPERS] [SECONDS] [INTERVAL]"""
import http.client
import sys
import threading
import time
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
scrapers = int(sys.argv[2]) if len(sys.argv) > 2 else 50
duration = float(sys.argv[3]) if len(sys.argv) > 3 else 30
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
latencies, errors, lock = [], [0], threading.Lock()
deadline = time.monotonic() + duration


def scrape(offset):
    time.sleep(offset)  # spread the scrapers over the interval, as independent servers would be
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            connection.request("GET", url.path, headers={"Accept": "application/openmetrics-text; version=1.0.0"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        elapsed = time.monotonic() - started
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                errors[0] += 1
        time.sleep(max(0.0, interval - elapsed))


threads = [threading.Thread(target=scrape, args=(i * interval / scrapers,)) for i in range(scrapers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000


print(f"scrapes {len(latencies)} errors {errors[0]} p50 {percentile(50):.2f}ms p90 {percentile(90):.2f}ms "
      f"p99 {percentile(99):.2f}ms max {latencies[-1] * 1000:.2f}ms")
