#!/usr/bin/env python3
"""The public-pool recycle job over many customers (issue #15: "the pool-rule job over 1M customers
in <= 30 s"; docs/PERFORMANCE.md "Public-pool rules").

Copies a SQLite bench database (default: the 100k set; it is never modified), brings it to the
binary's schema, grows it to --customers by copying customers (names suffixed, without search
text), and shapes it so one run has work to do:
  * every customer was created 400 days ago (so the deal rule applies to all);
  * 99% have a deal closed within the last 60 days (the no-deal rule reads each customer's deals);
  * id % 100 == 0: last contact 31 days ago  -> recycled (no follow-up for 30 days);
  * id % 100 == 1: no deal                    -> recycled (no deal for 90 days);
  * id % 100 == 2: last contact 28 days ago  -> warned (3 days before);
  * the rest: last contact within 25 days.
The rules are the defaults, enabled. Then `guanxi job run pool.recycle` runs the job twice (the
first recycles and warns; the second finds nothing new, the steady state of a nightly run) and
the job's own timing ("ms" in its result) and the command's wall time are printed.

    python3 bench/pool_recycle.py --bin build/release/server/guanxi --customers 1000000
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

DAY = 86400


def grow(db, target):
    have = db.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    base_max = db.execute("SELECT MAX(id) FROM customers").fetchone()[0]
    cols = ("name, category, owner_id, last_owner_id, department_id, industry, region, source, "
            "phone, email, address, tags, custom, last_contact_at, next_contact_at, phone_norm, "
            "email_norm, name_norm, created_by, created_at, updated_at")
    copy = 1
    while have < target:
        n = min(target - have, have if copy == 1 else base_max)
        db.execute(
            f"INSERT INTO customers ({cols}, search_text) "
            f"SELECT name || ' #{copy}', category, owner_id, last_owner_id, department_id, "
            f"industry, region, source, phone, email, address, tags, custom, last_contact_at, "
            f"next_contact_at, phone_norm, email_norm, name_norm, created_by, created_at, "
            f"updated_at, '' FROM customers WHERE id <= ? ORDER BY id LIMIT ?",
            (base_max, n))
        db.commit()
        have += n
        copy += 1
    return have


def shape(db, now):
    db.execute("UPDATE customers SET created_at = ?, owned_since = NULL, "
               "last_contact_at = CASE id % 100 WHEN 0 THEN ? WHEN 2 THEN ? "
               "ELSE ? - (id * 7919 % (25 * 86400)) END", (now - 400 * DAY, now - 31 * DAY,
                                                           now - 28 * DAY, now))
    db.execute("DELETE FROM deals")
    db.execute("INSERT INTO deals (customer_id, closed_on, amount, prepayment_draw, owner_id, "
               "created_at, updated_at) SELECT id, date(?, 'unixepoch', '-' || (id % 60) || "
               "' days'), 100000, 0, owner_id, ?, ? FROM customers WHERE id % 100 <> 1",
               (now, now, now))
    db.execute("DELETE FROM notifications WHERE kind = 'pool_warning'")
    db.execute("UPDATE pool_settings SET rules = '{\"enabled\": true}' WHERE id = 1")
    db.commit()


def run_job(binary, url):
    started = time.monotonic()
    subprocess.run([binary, "job", "run", "pool.recycle", "--database", url], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.monotonic() - started
    return wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", default="/work/benchdata/sqlite-100k/guanxi.db")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--keep", help="folder to keep the grown database in")
    args = parser.parse_args()

    folder = args.keep or tempfile.mkdtemp(prefix="guanxi-pool-bench-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "guanxi.db")
    url = "sqlite:" + path
    if not os.path.exists(path):
        shutil.copyfile(args.source, path)
    subprocess.run([args.bin, "migrate", "--database", url], check=True,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    t = time.monotonic()
    total = grow(db, args.customers)
    now = int(time.time())
    shape(db, now)
    owned = db.execute("SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL "
                       "AND deleted_at IS NULL").fetchone()[0]
    deals = db.execute("SELECT COUNT(*) FROM deals").fetchone()[0]
    db.close()
    print(f"database: {total:,} customers ({owned:,} owned), {deals:,} deals; "
          f"prepared in {time.monotonic() - t:.0f} s at {path}")

    for label in ("first run (recycles and warns)", "second run (nothing new)"):
        wall = run_job(args.bin, url)
        db = sqlite3.connect(path)
        result = json.loads(db.execute(
            "SELECT result FROM jobs WHERE name = 'pool.recycle' ORDER BY id DESC LIMIT 1"
        ).fetchone()[0])
        db.close()
        print(f"{label}: job {result['ms'] / 1000:.1f} s (recycled {result['recycled']:,}, "
              f"warned {result['warned']:,}); command wall time {wall:.1f} s")
    with open("/proc/loadavg") as f:
        print("load average:", f.read().split()[:3])
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
