#!/usr/bin/env python3
"""The pipeline board at 1M customers and 300k opportunities (issue 16's budget).

Copies a grown 1M-customer SQLite database (bench/pool_recycle.py --keep makes one), migrates it,
gives 36 % of the owned customers (~300k) an opportunity of the default pipeline (spread over its six
stages, a fifth of them closed won or lost in the last 60 days, the open ones entered their stage
0-39 days ago, so some are stale), starts `guanxi serve` on it and measures
GET /api/v1/pipelines/1/board with wrk (bench/lua/route.lua, route pipeline_board) for a
salesperson (zhang.wei, ~19k opportunities of his own) and the manager of his department
(sun.li), at 1 and 8 connections.

    python3 bench/pipeline_board.py --bin build/release/server/guanxi --source /tmp/pool-bench/guanxi.db
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_PASSWORD = "demo1234"


def add_opportunities(path, now):
    db = sqlite3.connect(path)
    db.execute("DELETE FROM opportunities WHERE name LIKE '基准看板 %'")
    stages = db.execute("SELECT id, probability, is_won, is_lost FROM pipeline_stages "
                        "WHERE pipeline_id = 1 ORDER BY position").fetchall()
    # Stage by customer id: positions 1-4 open (most in the first), then won, then lost.
    spread = [0, 0, 0, 1, 1, 2, 2, 3, 4, 5]
    for i, (stage, probability, won, lost) in enumerate(stages):
        picks = [k for k, s in enumerate(spread) if s == i]
        if not picks:
            continue
        status = "won" if won else "lost" if lost else "open"
        closed = "? - (c.id % 60) * 86400" if status != "open" else "NULL"
        db.execute(
            "INSERT INTO opportunities (name, customer_id, owner_id, amount, expected_close_on, "
            "pipeline_id, stage_id, probability, status, stage_entered_at, closed_at, "
            "created_by, created_at, updated_at) "
            "SELECT '基准看板 ' || c.id, c.id, c.owner_id, (c.id % 500 + 1) * 100000, "
            "date(?, 'unixepoch', '+' || (c.id % 90) || ' days'), 1, ?, ?, ?, "
            "? - (c.id % 40) * 86400, " + closed + ", c.owner_id, ?, ? FROM customers c "
            "WHERE c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND c.id % 100 < 36 "
            "AND (c.id / 100) % 10 IN (" + ",".join(str(k) for k in picks) + ")",
            [now, stage, probability, status, now] + ([now] if status != "open" else [])
            + [now, now])
    db.commit()
    count = db.execute("SELECT COUNT(*) FROM opportunities").fetchone()[0]
    mine = db.execute("SELECT COUNT(*) FROM opportunities o JOIN users u ON u.id = o.owner_id "
                      "WHERE u.username = 'zhang.wei'").fetchone()[0]
    db.close()
    return count, mine


def wait_up(base):
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def login(base, user):
    request = urllib.request.Request(
        base + "/api/v1/auth/login",
        json.dumps({"username": user, "password": DEMO_PASSWORD}).encode(),
        {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", required=True, help="a grown 1M-customer guanxi.db")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=18931)
    parser.add_argument("--keep", help="folder to keep the database in (and reuse)")
    args = parser.parse_args()

    folder = args.keep or tempfile.mkdtemp(prefix="guanxi-board-bench-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "guanxi.db")
    if not os.path.exists(path):
        shutil.copyfile(args.source, path)
    url = "sqlite:" + path
    subprocess.run([args.bin, "migrate", "--database", url], check=True, stdout=subprocess.DEVNULL)
    t = time.monotonic()
    count, mine = add_opportunities(path, int(time.time()))
    print(f"{count:,} opportunities ({mine:,} of zhang.wei) added in {time.monotonic() - t:.0f} s")
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([args.bin, "serve", "--database", url, "--data", folder,
                               "--listen", f"127.0.0.1:{args.port}", "--job-workers", "0",
                               "--log-level", "warn"], stdout=subprocess.DEVNULL)
    try:
        wait_up(base)
        for user in ("zhang.wei", "sun.li"):
            token = login(base, user)
            for conns in (1, 8):
                out = os.path.join(folder, f"wrk-{user}-{conns}.json")
                env = dict(os.environ, BENCH_ROUTE="pipeline_board", BENCH_TOKEN=token,
                           BENCH_OUT=out)
                subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{args.seconds}s",
                                "--timeout", "10s", "-s",
                                os.path.join(ROOT, "bench", "lua", "route.lua"), base],
                               env=env, check=True, capture_output=True)
                with open(out) as f:
                    r = json.load(f)
                bad = sum(r[k] for k in r if k.startswith("errors_"))
                print(f"{user:10} c={conns}: {r['rps']:8.0f} req/s  p50 {r['p50_ms']:7.2f} ms  "
                      f"p99 {r['p99_ms']:7.2f} ms  errors {bad}")
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(folder)
    with open("/proc/loadavg") as f:
        print("load average:", f.read().split()[:3])


if __name__ == "__main__":
    main()
