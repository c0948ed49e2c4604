#!/usr/bin/env python3
"""One client records payments of 0.01 against one contract, one after another, and prints the
p50 of the first and the last 100: what a payment costs as its contract's ledger grows (issue 16,
docs/PERFORMANCE.md "Contracts and payments"). A fresh SQLite database in a temporary folder.

    python3 bench/payment_ledger.py --bin build/release/server/guanxi [--payments 3000] [--port 47301]
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

PASSWORD = "bench-password-123"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--payments", type=int, default=3000)
    parser.add_argument("--port", type=int, default=47301)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="guanxi-ledger-")
    database = f"sqlite:{folder}/guanxi.db"
    subprocess.run([args.bin, "migrate", "--database", database], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([args.bin, "user", "create", "--database", database, "--username", "bench",
                    "--password", PASSWORD, "--role", "admin"], check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.bin, "serve", "--database", database, "--data", folder,
                               "--listen", f"127.0.0.1:{args.port}", "--job-workers", "0",
                               "--log-level", "warn"], stdout=subprocess.DEVNULL)
    try:
        conn = None
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port)
                conn.request("GET", "/api/v1/health")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.05)

        def call(method, path, body=None, token=None):
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = "Bearer " + token
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers=headers)
            reply = conn.getresponse()
            data = reply.read()
            return reply.status, json.loads(data) if data else None

        status, login = call("POST", "/api/v1/auth/login",
                             {"username": "bench", "password": PASSWORD})
        assert status == 200, login
        token = login["token"]
        status, customer = call("POST", "/api/v1/customers", {"name": "回款测速公司"}, token)
        assert status == 201, customer
        status, contract = call("POST", f"/api/v1/customers/{customer['id']}/contracts",
                                {"title": "测速合同", "amount": "1000000000000.00",
                                 "signed_on": "2026-12-01"}, token)
        assert status == 201, contract
        times = []
        for _ in range(args.payments):
            start = time.perf_counter()
            status, payment = call("POST", "/api/v1/payments",
                                   {"contract_id": contract["id"], "received_on": "2026-12-05",
                                    "amount": "0.01"}, token)
            times.append((time.perf_counter() - start) * 1000)
            assert status == 201, payment
        print(f"{args.payments} payments on one contract: p50 of the first 100 "
              f"{statistics.median(times[:100]):.2f} ms, of the last 100 "
              f"{statistics.median(times[-100:]):.2f} ms")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
