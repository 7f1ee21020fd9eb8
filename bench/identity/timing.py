"""Times POST /api/auth/forgot-password or /api/auth/register for a known and fresh unknown addresses, interleaved,
on one connection.

Usage: timing.py <host> <port> <known-email> <requests> <warmup> [forgot-password|register]
Prints one line: known_median_ms=... unknown_median_ms=... difference_ms=... known_p90_ms=... unknown_p90_ms=... statuses=...
distinct_bodies=... (for register, bodies are compared with their id, e-mail and createdAt blanked: those differ for
any two registrations).
"""
import http.client
import json
import statistics
import sys
import time
import uuid

host, port, known, requests, warmup = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
endpoint = sys.argv[6] if len(sys.argv) > 6 else "forgot-password"
if endpoint not in ("forgot-password", "register"):
    sys.exit(f"unknown endpoint {endpoint}")
connection = http.client.HTTPConnection(host, port, timeout=30)
bodies, statuses = set(), set()


def post(email):
    if endpoint == "register":
        body = json.dumps({"email": email, "password": "violet kettle under the bridge", "name": "Timing Test"})
    else:
        body = json.dumps({"email": email})
    start = time.perf_counter()
    connection.request("POST", "/api/auth/" + endpoint, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    statuses.add(response.status)
    bodies.add(shape(payload))
    return elapsed


def shape(payload):
    if endpoint != "register":
        return payload
    try:
        user = json.loads(payload)
    except ValueError:
        return payload
    return json.dumps({k: ("*" if k in ("id", "email", "createdAt") else v) for k, v in user.items()}, sort_keys=True)


def unknown():
    return f"nobody-{uuid.uuid4().hex}@example.test"


for _ in range(warmup):
    post(known)
    post(unknown())
known_times, unknown_times = [], []
for i in range(requests):
    # Alternate which goes first, so neither always follows the other.
    if i % 2 == 0:
        known_times.append(post(known))
        unknown_times.append(post(unknown()))
    else:
        unknown_times.append(post(unknown()))
        known_times.append(post(known))


def p90(values):
    return sorted(values)[int(len(values) * 0.9) - 1]


k, u = statistics.median(known_times), statistics.median(unknown_times)
print(f"known_median_ms={k:.3f} unknown_median_ms={u:.3f} difference_ms={k - u:.3f} "
      f"known_p90_ms={p90(known_times):.3f} unknown_p90_ms={p90(unknown_times):.3f} "
      f"statuses={','.join(str(s) for s in sorted(statuses))} distinct_bodies={len(bodies)}")
