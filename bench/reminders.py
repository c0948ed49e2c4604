#!/usr/bin/env python3
"""The reminder rules' scan over a large data set (issue 15, docs/PERFORMANCE.md "Reminder scan"):

  1. writes --customers customers (owners among --users users, next contacts spread over the
     next 30 days, last follow-ups over the last 60, every category) and --activities activities
     with a lead time into a fresh SQLite database, straight through sqlite3;
  2. shows the query plan of each built-in source's range (each must SEARCH an index, not SCAN);
  3. times `guanxi job run reminders.scan` — one scan of every source and the digests, as the
     scheduler's job runs it every 5 s — with each cursor 5 s behind (a steady-state pass) and an
     hour behind (a restart after an hour's stop), minus `guanxi job run noop` (the process's
     start and the job runner's own cost).

  python3 bench/reminders.py --bin build/release/server/guanxi [--customers 1000000]
"""
import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

DAY = 86400
CATEGORIES = ["core", "potential", "interested", "not_interested", "closed", "payment_due"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def prepare(binary, data, users, customers, activities, now):
    env = dict(os.environ, GUANXI_ADMIN_PASSWORD="bench-admin-1234")
    subprocess.run([binary, "migrate", "--data", data], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data, "guanxi.db"))
    role = db.execute("SELECT id FROM roles WHERE name = 'sales'").fetchone()[0]
    db.executemany(
        "INSERT INTO users (username, display_name, role_id, password_hash, created_at, "
        "updated_at) VALUES (?, ?, ?, 'x', ?, ?)",
        [(f"u{i}", f"用户{i}", role, now, now) for i in range(users)])
    first_user = db.execute("SELECT MIN(id) FROM users WHERE username LIKE 'u%'").fetchone()[0]
    rnd = random.Random(15)
    started = time.time()
    batch = []
    for i in range(customers):
        batch.append((f"客户{i}", CATEGORIES[i % len(CATEGORIES)], first_user + i % users,
                      now + rnd.randrange(30 * DAY), now - rnd.randrange(60 * DAY),
                      now - 90 * DAY, now - 90 * DAY))
        if len(batch) == 50000:
            db.executemany(
                "INSERT INTO customers (name, category, owner_id, next_contact_at, "
                "last_contact_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    if batch:
        db.executemany(
            "INSERT INTO customers (name, category, owner_id, next_contact_at, last_contact_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
    db.executemany(
        "INSERT INTO activities (kind, subject, owner_id, start_at, end_at, status, "
        "remind_before_minutes, created_at, updated_at) VALUES ('call', ?, ?, ?, ?, 'planned', "
        "15, ?, ?)",
        [(f"电话{i}", first_user + i % users, s, s + 1800, now - DAY, now - DAY)
         for i in range(activities) for s in [now + rnd.randrange(30 * DAY)]])
    db.commit()
    log(f"wrote {users} users, {customers} customers, {activities} activities in "
        f"{time.time() - started:.1f} s")
    return db


PLANS = {
    "activity_start": (
        "SELECT a.id FROM activities a WHERE a.remind_before_minutes IS NOT NULL AND "
        "a.deleted_at IS NULL AND a.status = 'planned' AND "
        "(a.start_at - a.remind_before_minutes * 60) > ? AND "
        "(a.start_at - a.remind_before_minutes * 60) <= ?", 2),
    "activity_start (changed)": (
        "SELECT a.id FROM activities a WHERE a.updated_at > ? AND a.remind_before_minutes IS NOT "
        "NULL AND a.deleted_at IS NULL AND a.status = 'planned' AND "
        "(a.start_at - a.remind_before_minutes * 60) <= ? AND a.start_at > ?", 3),
    "next_contact": (
        "SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND c.next_contact_at > ? AND "
        "c.next_contact_at <= ? AND c.owner_id IS NOT NULL", 2),
    "no_followup": (
        "SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND c.category = 'core' AND "
        "COALESCE(c.last_contact_at, c.created_at) > ? AND "
        "COALESCE(c.last_contact_at, c.created_at) <= ? AND c.owner_id IS NOT NULL", 2),
}


def set_cursors(db, to):
    db.execute("DELETE FROM reminder_cursors")
    db.executemany("INSERT INTO reminder_cursors (source, scanned_to) VALUES (?, ?)",
                   [(s, to) for s in ("activity_start", "next_contact", "no_followup")])
    db.commit()


def timed(cmd, env):
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--customers", type=int, default=1000000)
    p.add_argument("--activities", type=int, default=100000)
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="guanxi-bench-reminders-") as data:
        now = int(time.time())
        db = prepare(args.bin, data, args.users, args.customers, args.activities, now)
        db.execute("ANALYZE")
        for name, (sql, n) in PLANS.items():
            plan = db.execute("EXPLAIN QUERY PLAN " + sql, [now] * n).fetchall()
            print(f"plan {name}: " + " | ".join(row[3] for row in plan))
        env = dict(os.environ, GUANXI_ADMIN_PASSWORD="bench-admin-1234")
        base = [args.bin, "job", "run", "--data", data]
        results = {}
        for label, behind in (("5 s behind", 5), ("1 h behind", 3600)):
            noop, scan = [], []
            for _ in range(args.runs):
                noop.append(timed(base + ["noop"], env))
                set_cursors(db, int(time.time()) - behind)
                scan.append(timed(base + ["reminders.scan"], env))
            results[label] = (statistics.median(scan), statistics.median(noop))
        notified = db.execute("SELECT COUNT(*) FROM notifications").fetchone()[0]
        for label, (scan, noop) in results.items():
            print(f"scan {label}: {scan * 1000:.0f} ms with the process start, "
                  f"{(scan - noop) * 1000:.0f} ms beyond `job run noop` (median of {args.runs})")
        print(f"notifications written over all runs: {notified}")
        print(f"load: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
