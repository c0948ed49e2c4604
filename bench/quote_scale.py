#!/usr/bin/env python3
"""Quotes at issue 16's scale: 1M customers, ~300k opportunities, 1M quote lines.

Takes a grown 1M-customer SQLite database (--source; bench/pool_recycle.py --keep makes one) or
makes one: the 100k bench set (`guanxi demo-data` as bench/run makes it, through
bench/tools/driver.py's Backend, under --data-root) copied, migrated and grown to --customers with
bench/pool_recycle.py's grow(). Then it migrates the copy, gives 36 % of the owned customers an
opportunity (bench/pipeline_board.py's add_opportunities) and adds --quotes quotes of --lines lines
each over --products products with SQL straight into the migrated schema (two quotes for each of
an evenly spread set of owned customers, owned by the customer's owner; draft, pending approval,
approved, sent, accepted, declined and rejected in fixed shares; net and tax per line by the
server's rule, the quote's line_count / subtotal / tax_total / total their sums). The 50 products
bench/tools/driver.py's bench_quotes prints and prices (BENCH-P-01..50) are among them, so their
"last quoted / last paid" lookups read ~500 lines each like any product; one customer of
zhang.wei's (the "history customer") also gets 10 quotes of the first 20 of them, half accepted.

It prints the data set's counts, the query plans (EXPLAIN QUERY PLAN) and direct timings of the
SQL behind the price hints and the list across customers, starts `guanxi serve` on the copy, makes
the fixtures through the HTTP API as driver.py does (records_customer, bench_quotes: a draft whose
200 lines are replaced, a 50-line quote to print) and measures with wrk (bench/lua/route.lua) at
1 and 8 connections: quote_lines_put, quote_pdf, product_prices (on the records customer and on
the history customer) and quote_across as zhang.wei (salesperson), product_prices and quote_across
as sun.li (manager of his department).

    python3 bench/quote_scale.py --bin build/release/server/guanxi --keep /tmp/qbench/run \\
        --data-root /tmp/qbench/data
    python3 bench/quote_scale.py --bin build/release/server/guanxi --source /tmp/pool-bench/guanxi.db \\
        --keep /tmp/qbench/run
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in bench/ from the imports below
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "tools"))
import driver  # noqa: E402  (bench/tools/driver.py)
import pipeline_board  # noqa: E402
import pool_recycle  # noqa: E402

DAY = 86400
TITLE = "批量报价 "  # the generated quotes' titles start with this (deleted and re-made on demand)
STATUS_SHARES = ([("draft", 4), ("pending_approval", 1), ("approved", 2), ("sent", 5),
                  ("accepted", 5), ("declined", 2), ("rejected", 1)])


def step(label, started):
    print(f"  {label}: {time.monotonic() - started:.0f} s", flush=True)


def make_base(args):
    """The 100k bench set as bench/run makes it (driver.Backend.ensure_data); returns its path."""
    ns = types.SimpleNamespace(customers=args.base_customers, activities_per_customer=10,
                               departments=50, salespeople=500, seed=42, regenerate=False,
                               binary=os.path.abspath(args.bin), data_root=args.data_root,
                               pg_url_base="")
    backend = driver.Backend("sqlite", ns)
    generation = backend.ensure_data()
    if generation is None or driver.failures:
        raise SystemExit("demo-data failed: " + "; ".join(driver.failures))
    return backend.db_file


def net_of(quantity_milli, unit_price, discount_bp):
    """quote_math.cpp's ComputeLine: qty/1000 × price × (10000 − discount)/10000, half up."""
    return (quantity_milli * unit_price * (10000 - discount_bp) + 5_000_000) // 10_000_000


def add_products(db, count, now):
    """The 50 bench products (as bench_quotes would make them) and count - 50 others."""
    db.execute("DELETE FROM products WHERE (code LIKE 'BENCH-P-%' OR code LIKE 'QB-P-%') AND id "
               "NOT IN (SELECT product_id FROM quote_lines)")
    have = {code for (code,) in db.execute("SELECT code FROM products WHERE code LIKE 'BENCH-P-%' "
                                            "OR code LIKE 'QB-P-%'")}
    admin = db.execute("SELECT id FROM users WHERE username = 'admin'").fetchone()[0]
    rows = []
    for i in range(1, 51):
        rows.append(("BENCH-P-%02d" % i, "基准产品 %02d" % i, None, "台", 10000 * i))
    categories = ["软件许可", "硬件设备", "实施服务", "维保服务", "培训"]
    units = ["套", "台", "人天", "年", "次"]
    for i in range(51, count + 1):
        rows.append(("QB-P-%04d" % i, "批量产品 %04d" % i, categories[i % 5], units[i % 5],
                     (i * 7919 % 4990 + 10) * 1000))
    db.executemany("INSERT INTO products (code, name, category, unit, list_price, active, "
                   "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
                   [r + (admin, now, now) for r in rows if r[0] not in have])
    db.execute("DROP TABLE IF EXISTS temp.qb_products")
    db.execute("CREATE TEMP TABLE qb_products AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, "
               "id, name, list_price FROM products WHERE deleted_at IS NULL AND "
               "(code LIKE 'BENCH-P-%' OR code LIKE 'QB-P-%')")
    db.execute("CREATE UNIQUE INDEX temp.qb_products_k ON qb_products(k)")


def status_case(expr):
    parts, at = [], 0
    for status, share in STATUS_SHARES:
        at += share
        parts.append(f"WHEN {expr} < {at} THEN '{status}'")
    return "CASE " + " ".join(parts) + " END"


def add_quotes(db, quotes, lines, products, now):
    """quotes × lines over `products` products; returns the history customer's id."""
    db.execute("DELETE FROM quote_lines WHERE quote_id IN (SELECT id FROM quotes WHERE title LIKE ?)",
               (TITLE + "%",))
    db.execute("DELETE FROM quotes WHERE title LIKE ?", (TITLE + "%",))
    add_products(db, products, now)
    owned = db.execute("SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND "
                       "deleted_at IS NULL").fetchone()[0]
    # Two quotes each for every `spread`-th owned customer (by id), so ~quotes in all.
    spread = max(1, owned // max(1, quotes // 2))
    shares = sum(s for _, s in STATUS_SHARES)
    status = status_case(f"(row_number() OVER (ORDER BY c.id, k.n)) % {shares}")
    db.execute(
        "INSERT INTO quotes (customer_id, revision, title, owner_id, valid_until, currency, status, "
        "needs_approval, accepted_at, opportunity_id, created_by, created_at, updated_at, version, "
        "custom) "
        "SELECT customer_id, 1, title, owner_id, date(created_at + 30 * 86400, 'unixepoch'), 'CNY', "
        "status, status IN ('pending_approval', 'rejected'), "
        "CASE status WHEN 'accepted' THEN created_at + 3 * 86400 END, opportunity_id, owner_id, "
        "created_at, created_at, 1, '{}' FROM ("
        f"  SELECT c.id AS customer_id, ? || c.id || '-' || k.n AS title, c.owner_id, {status} AS status, "
        "   ? - ((c.id * 7 + k.n * 131) % 700 + 4) * 86400 AS created_at, "
        "   (SELECT o.id FROM opportunities o WHERE o.customer_id = c.id AND o.deleted_at IS NULL "
        "    ORDER BY o.id LIMIT 1) AS opportunity_id "
        "  FROM customers c, (SELECT 1 AS n UNION ALL SELECT 2) k "
        f" WHERE c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND c.id % {spread} = 7 % {spread} "
        "  ORDER BY c.id, k.n LIMIT ?)",
        (TITLE, now, quotes - 10))
    # The history customer: zhang.wei's first customer with generated quotes; 10 more quotes of
    # the first 20 bench products, every other one accepted, over the last year.
    history, owner = db.execute(
        "SELECT q.customer_id, q.owner_id FROM quotes q JOIN users u ON u.id = q.owner_id "
        "WHERE u.username = 'zhang.wei' AND q.title LIKE ? ORDER BY q.customer_id LIMIT 1",
        (TITLE + "%",)).fetchone()
    for n in range(10):
        created = now - (360 - n * 35) * DAY
        accepted = n % 2 == 0
        db.execute("INSERT INTO quotes (customer_id, revision, title, owner_id, currency, status, "
                   "accepted_at, created_by, created_at, updated_at, custom) "
                   "VALUES (?, 1, ?, ?, 'CNY', ?, ?, ?, ?, ?, '{}')",
                   (history, f"{TITLE}历史 {n + 1}", owner, "accepted" if accepted else "sent",
                    created + 2 * DAY if accepted else None, owner, created, created))
    db.execute("UPDATE quotes SET number = 'Q' || printf('%06d', id) "
               "WHERE title LIKE ? AND number IS NULL", (TITLE + "%",))
    # The lines: product k = (quote × 37 + position × 211) mod products (10 different products a
    # quote), quantity 1-20, the list price less 0-4 %, discounts 0 / 5 / 10 % (within a
    # salesperson's limit) and 15 % on the first line of the quotes that needed approval.
    db.execute(f"CREATE TEMP TABLE qb_pos AS WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL "
               f"SELECT n + 1 FROM p WHERE n < {lines}) SELECT n FROM p")
    db.execute(
        "INSERT INTO quote_lines (quote_id, position, product_id, description, quantity_milli, "
        "unit_price, discount_bp, tax_rate_bp, net, tax) "
        "SELECT quote_id, position, product_id, description, qty, price, disc, 1300, "
        "(qty * price * (10000 - disc) + 5000000) / 10000000, "
        "((qty * price * (10000 - disc) + 5000000) / 10000000 * 1300 + 5000) / 10000 FROM ("
        "  SELECT q.id AS quote_id, n.n AS position, p.id AS product_id, p.name AS description, "
        "   (1 + (q.id + n.n) % 20) * 1000 AS qty, p.list_price - p.list_price * (q.id % 5) / 100 "
        "   AS price, CASE WHEN q.status IN ('pending_approval', 'rejected') AND n.n = 1 THEN 1500 "
        "   ELSE ((q.id + n.n) % 3) * 500 END AS disc "
        "  FROM quotes q JOIN temp.qb_pos n JOIN temp.qb_products p "
        f"   ON p.k = (q.id * 37 + n.n * 211) % {products} "
        "  WHERE q.title LIKE ? AND q.title NOT LIKE ? ORDER BY q.id, n.n)",
        (TITLE + "%", TITLE + "历史%"))
    bench = db.execute("SELECT id, name, list_price FROM products WHERE code LIKE 'BENCH-P-%' "
                       "AND deleted_at IS NULL ORDER BY code LIMIT 20").fetchall()
    for quote_id, in db.execute("SELECT id FROM quotes WHERE title LIKE ? ORDER BY id",
                                (TITLE + "历史%",)).fetchall():
        rows = []
        for position, (product, name, list_price) in enumerate(bench, 1):
            qty, price, disc = 1000 * (1 + (quote_id + position) % 5), \
                list_price - list_price * (quote_id % 7) // 100, 500 * (quote_id % 3)
            net = net_of(qty, price, disc)
            rows.append((quote_id, position, product, name, qty, price, disc, 1300, net,
                         (net * 1300 + 5000) // 10000))
        db.executemany("INSERT INTO quote_lines (quote_id, position, product_id, description, "
                       "quantity_milli, unit_price, discount_bp, tax_rate_bp, net, tax) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("UPDATE quotes SET line_count = s.n, subtotal = s.net, tax_total = s.tax, "
               "total = s.net + s.tax FROM (SELECT l.quote_id, COUNT(*) AS n, SUM(l.net) AS net, "
               "SUM(l.tax) AS tax FROM quote_lines l JOIN quotes q ON q.id = l.quote_id "
               "WHERE q.title LIKE ? GROUP BY l.quote_id) s WHERE s.quote_id = quotes.id",
               (TITLE + "%",))
    db.commit()
    return history


def counts(db):
    one = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
    out = {
        "customers": one("SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL"),
        "owned": one("SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND deleted_at IS NULL"),
        "opportunities": one("SELECT COUNT(*) FROM opportunities WHERE deleted_at IS NULL"),
        "products": one("SELECT COUNT(*) FROM products WHERE deleted_at IS NULL"),
        "quotes": one("SELECT COUNT(*) FROM quotes WHERE deleted_at IS NULL"),
        "quote_lines": one("SELECT COUNT(*) FROM quote_lines"),
        "quotes_by_status": dict(db.execute("SELECT status, COUNT(*) FROM quotes GROUP BY status")),
        "quoted_customers": one("SELECT COUNT(DISTINCT customer_id) FROM quotes"),
        "quote_owners": one("SELECT COUNT(DISTINCT owner_id) FROM quotes"),
        "lines_per_bench_product": one(
            "SELECT COUNT(*) / 50 FROM quote_lines WHERE product_id IN "
            "(SELECT id FROM products WHERE code LIKE 'BENCH-P-%')"),
        "inconsistent_quotes": one(
            "SELECT COUNT(*) FROM quotes q WHERE q.title LIKE ? AND (q.line_count <> (SELECT "
            "COUNT(*) FROM quote_lines l WHERE l.quote_id = q.id) OR q.total <> (SELECT "
            "SUM(net + tax) FROM quote_lines l WHERE l.quote_id = q.id))", TITLE + "%"),
    }
    for user in ("zhang.wei", "sun.li"):
        owners = ",".join(map(str, owner_set(db, user)))
        out[f"quotes_in_scope_{user}"] = one(
            f"SELECT COUNT(*) FROM quotes q JOIN customers c ON c.id = q.customer_id WHERE "
            f"c.deleted_at IS NULL AND c.owner_id IN ({owners})")
    return out


def owner_set(db, user):
    """The owners a user's scope covers: a salesperson himself; a manager (sun.li) the users of
    his department and the departments under it (the gate's department_tree)."""
    uid, dept, role = db.execute("SELECT u.id, u.department_id, r.name FROM users u JOIN roles r "
                                 "ON r.id = u.role_id WHERE u.username = ?", (user,)).fetchone()
    if role != "manager":
        return [uid]
    return [r[0] for r in db.execute(
        "WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT d.id FROM departments d "
        "JOIN tree ON d.parent_id = tree.id) SELECT id FROM users WHERE department_id IN tree",
        (dept,))]


def across_sql(owners):
    """The SQL of GET /api/v1/quotes (kit RecordService::ListAcross → record_store List) for a
    caller with this owner set: the count and the first page by number, newest first."""
    ins = ",".join(map(str, owners))
    where = (" WHERE t.deleted_at IS NULL AND EXISTS (SELECT 1 FROM customers c WHERE "
             "c.id = t.customer_id AND c.deleted_at IS NULL AND (c.owner_id IS NULL OR c.owner_id "
             f"IN ({ins})) AND ((c.owner_id IS NOT NULL AND c.owner_id IN ({ins})) OR "
             f"(c.owner_id IS NULL AND (c.last_owner_id IS NULL OR c.last_owner_id IN ({ins})))))")
    return ("SELECT COUNT(*) FROM quotes t" + where,
            "SELECT t.* FROM quotes t" + where + " ORDER BY t.number DESC, t.id DESC LIMIT 50 OFFSET 0")


LAST_QUOTED = ("SELECT l.unit_price, l.discount_bp, q.id, q.number, q.created_at FROM quote_lines l "
               "JOIN quotes q ON q.id = l.quote_id WHERE l.product_id = ? AND q.customer_id = ? AND "
               "q.deleted_at IS NULL AND COALESCE(q.number, '') <> ? ORDER BY q.id DESC, l.position "
               "LIMIT 1")
LAST_PAID = ("SELECT l.unit_price, l.discount_bp, q.id, q.number, q.accepted_at FROM quote_lines l "
             "JOIN quotes q ON q.id = l.quote_id WHERE l.product_id = ? AND q.customer_id = ? AND "
             "q.deleted_at IS NULL AND COALESCE(q.number, '') <> ? AND q.status = 'accepted' "
             "ORDER BY q.accepted_at DESC, q.id DESC, l.position LIMIT 1")


def timed(db, sql, params, runs=5):
    best = None
    for _ in range(runs):
        t = time.perf_counter()
        db.execute(sql, params).fetchall()
        ms = (time.perf_counter() - t) * 1000
        best = ms if best is None else min(best, ms)
    return best


def plans(path, history):
    """EXPLAIN QUERY PLAN and best-of-5 timings (Python's sqlite3, no server) of the SQL whose
    cost grows with the data: the price hints' two lookups per product and the across list."""
    db = sqlite3.connect(path)
    product = db.execute("SELECT id FROM products WHERE code = 'BENCH-P-01'").fetchone()[0]
    out = []
    for label, sql in (("last quoted (one product)", LAST_QUOTED),
                       ("last paid (one product)", LAST_PAID)):
        params = (product, history, "\x01")
        plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
        out.append({"query": label, "ms": round(timed(db, sql, params), 3), "plan": plan})
    for user in ("zhang.wei", "sun.li"):
        count_sql, page_sql = across_sql(owner_set(db, user))
        for label, sql in (("count", count_sql), ("page", page_sql)):
            plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql)]
            out.append({"query": f"quotes across, {label} ({user})",
                        "ms": round(timed(db, sql, (), 3), 3), "plan": plan})
    db.close()
    for p in out:
        print(f"  {p['query']}: {p['ms']:.2f} ms")
        for line in p["plan"]:
            print(f"      {line}")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", help="a grown 1M-customer guanxi.db (else grown here)")
    parser.add_argument("--base", help="the 100k guanxi.db to grow (default: made by demo-data)")
    parser.add_argument("--base-customers", type=int, default=100_000)
    parser.add_argument("--data-root", default=os.path.join(HERE, "data"),
                        help="where the 100k set is made or reused (bench/run's bench/data)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=10, help="lines per generated quote")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--regenerate-quotes", action="store_true",
                        help="delete the generated quotes and make them again")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--conns", default="1,8")
    parser.add_argument("--port", type=int, default=18941)
    parser.add_argument("--keep", help="folder to keep the database in (and reuse)")
    args = parser.parse_args()
    conns = [int(c) for c in args.conns.split(",")]

    folder = args.keep or tempfile.mkdtemp(prefix="guanxi-quote-bench-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "guanxi.db")
    url = "sqlite:" + path
    migrate = [args.bin, "migrate", "--database", url]
    print("preparing the data set:", flush=True)
    if not os.path.exists(path):
        if args.source:
            shutil.copyfile(args.source, path)
            subprocess.run(migrate, check=True, stdout=subprocess.DEVNULL)
        else:
            t = time.monotonic()
            base = args.base or make_base(args)
            step(f"the {args.base_customers:,}-customer base ({base})", t)
            t = time.monotonic()
            shutil.copyfile(base, path)
            subprocess.run(migrate, check=True, stdout=subprocess.DEVNULL)
            db = sqlite3.connect(path)
            db.execute("PRAGMA journal_mode = WAL")
            total = pool_recycle.grow(db, args.customers)
            db.close()
            step(f"copied, migrated and grown to {total:,} customers", t)
    subprocess.run(migrate, check=True, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    now = int(time.time())
    if not db.execute("SELECT 1 FROM opportunities WHERE name LIKE '基准看板 %' LIMIT 1").fetchone():
        db.close()
        t = time.monotonic()
        count, mine = pipeline_board.add_opportunities(path, now)
        step(f"{count:,} opportunities ({mine:,} of zhang.wei) added", t)
        db = sqlite3.connect(path)
    have = db.execute("SELECT COUNT(*) FROM quotes WHERE title LIKE ?", (TITLE + "%",)).fetchone()[0]
    if have == 0 or args.regenerate_quotes:
        t = time.monotonic()
        add_quotes(db, args.quotes, args.lines, args.products, now)
        step("quotes and lines added", t)
    history = db.execute("SELECT customer_id FROM quotes WHERE title LIKE ? LIMIT 1",
                         (TITLE + "历史%",)).fetchone()[0]
    data = counts(db)
    data["history_customer"] = history
    db.close()
    print("data set:", json.dumps(data, ensure_ascii=False), flush=True)
    print("query plans and direct timings (sqlite3, best of 5; of 3 for the lists):", flush=True)
    explained = plans(path, history)

    base_url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([args.bin, "serve", "--database", url, "--data", folder,
                               "--listen", f"127.0.0.1:{args.port}", "--job-workers", "0",
                               "--log-level", "warn"], stdout=subprocess.DEVNULL)
    shim = types.SimpleNamespace(base=base_url)  # what driver.py's helpers read of a Server
    runs = []
    try:
        pipeline_board.wait_up(base_url)
        tokens = {user: pipeline_board.login(base_url, user) for user in ("zhang.wei", "sun.li")}
        admin = driver.login(shim, "admin", driver.ADMIN_PASSWORD)
        records, _, _ = driver.records_customer(shim, tokens["zhang.wei"])
        put, printed, products = driver.bench_quotes(shim, tokens["zhang.wei"], admin, records)
        os.environ.update(BENCH_QUOTE_PUT_ID=str(put), BENCH_QUOTE_PDF_ID=str(printed),
                          BENCH_QUOTE_PRODUCTS=",".join(str(p) for p in products))
        print(f"fixtures: records customer {records}, quotes {put} (200 lines put) and {printed} "
              f"(50-line PDF), history customer {history}", flush=True)
        plan = [("zhang.wei", "sales", "quote_lines_put", records),
                ("zhang.wei", "sales", "quote_pdf", records),
                ("zhang.wei", "sales", "product_prices", records),
                ("zhang.wei", "sales", "product_prices", history),
                ("zhang.wei", "sales", "quote_across", records),
                ("sun.li", "manager", "product_prices", history),
                ("sun.li", "manager", "quote_across", records)]
        for user, tag, route, customer in plan:
            os.environ["BENCH_RECORDS_ID"] = str(customer)
            for c in conns:
                r = driver.run_wrk(shim, route, c, args.seconds, tokens[user], None, folder,
                                   f"{tag}-{customer}", "华强", "华强科技")
                if r:
                    r.update(user=user, customer=customer)
                    runs.append(r)
    finally:
        server.terminate()
        server.wait()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print("\n| caller | route | customer | conns | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        bad = sum(r[k] for k in r if k.startswith("errors_"))
        which = "history" if r["customer"] == history else "records"
        if r["route"] not in ("product_prices",):
            which = "—"
        print(f"| {r['user']} | `{r['route']}` | {which} | {r['conns']} | {r['rps']:.0f} | "
              f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {bad} |")
    print("load average:", load)
    with open(os.path.join(folder, "quote-scale.json"), "w") as f:
        json.dump({"data": data, "plans": explained, "runs": runs, "load_end": load}, f, indent=1,
                  ensure_ascii=False)
    if not args.keep:
        shutil.rmtree(folder)
    if driver.failures:
        print("failures:\n  " + "\n  ".join(driver.failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
