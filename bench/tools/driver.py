#!/usr/bin/env python3
"""Benchmark driver behind bench/run (issue 4). Standard library only.

For each backend: makes or reuses a data set (guanxi demo-data), measures generation rate and peak
RSS, start-up time, then runs wrk against the routes as a salesperson (zhang.wei, scope self) and a
manager (sun.li, department_tree) at several connection counts, the HTTP ceiling (GET /healthz),
the storage ceiling (bench/tools/sql_ceiling.cpp, SQLite only), a CSV export, the Google Benchmark
micro-benchmarks; prints a table and writes JSON under bench/results/.

Exit status is non-zero when any driver breaks (a run with no requests or with error responses,
a server that does not start or stop cleanly, a tool that fails).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "bench")
ADMIN_PASSWORD = "bench-admin-1234"
DEMO_PASSWORD = "demo1234"
ROLES = [("sales", "zhang.wei"), ("manager", "sun.li")]
ROUTES = ["list", "search2", "search4", "get", "followup", "customer_create", "mailing_create",
          "mailing_list", "timeline", "deal_create", "prepayment_create", "document_upload",
          "document_download", "kit_export", "record_history", "custom_field_list", "contact_create",
          "contact_list", "followup_list", "department_list", "me_get", "me_patch",
          "activity_create", "activity_calendar", "time_zones", "company_settings", "jobs_list",
          "job_schedules",
          "notification_list", "notification_unread", "todo", "pool_quota", "pool_rules",
          "notification_settings", "reminder_rules", "notification_settings_put",
          "reminder_rules_put", "pool_rules_put", "contract_list", "payment_create",
          "pipeline_board", "quote_lines_put", "quote_pdf", "contract_across", "quote_across",
          "opportunity_timeline", "stage_history", "product_prices", "template_preview",
          "template_create"]
# Routes only some roles may use: the default sales role has no mailings.export.
ROUTE_ROLES = {"kit_export": {"manager"}}
# Administrators' routes (users.manage): run once, with the admin's session.
ADMIN_ROUTES = {"jobs_list", "job_schedules", "pool_rules", "reminder_rules", "reminder_rules_put",
                "pool_rules_put", "template_create"}
# Routes that read records_customer's fixtures.
RECORDS_ROUTES = {"document_download", "kit_export", "record_history", "contract_list",
                  "payment_create", "quote_lines_put", "quote_pdf", "opportunity_timeline",
                  "stage_history", "product_prices", "template_preview"}
# Routes the storage-ceiling tool (sql_ceiling.cpp) mirrors; kit routes have no mirror yet.
CEILING_ROUTES = {"list", "search2", "search4", "get", "followup"}

failures = []


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def fail(msg):
    failures.append(msg)
    log("FAILED: " + msg)


def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, body=None, token=None, timeout=600):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read(), dict(resp.headers)


def time_v(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (returncode, seconds, max_rss_kb, stdout)."""
    started = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", p.stderr))
    if p.returncode != 0:
        log(p.stdout[-2000:] + p.stderr[-4000:])
    return p.returncode, seconds, int(m.group(1)) if m else None, p.stdout + p.stderr, cpu


class Backend:
    def __init__(self, kind, args):
        self.kind = kind
        self.args = args
        n = args.customers
        if kind == "sqlite":
            self.data_dir = os.path.join(args.data_root, "sqlite-%d-s%d" % (n, args.seed))
            self.db_flags = ["--data", self.data_dir]
            self.db_file = os.path.join(self.data_dir, "guanxi.db")
        else:
            self.data_dir = os.path.join(args.data_root, "pg-%d-s%d" % (n, args.seed))
            self.url = args.pg_url_base.rsplit("/", 1)[0] + "/guanxi_bench_%d" % n
            self.db_flags = ["--data", self.data_dir, "--database", self.url]
            self.db_file = None

    def env(self):
        e = dict(os.environ)
        e["GUANXI_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        return e

    def marker(self):
        return os.path.join(self.data_dir, ".bench-complete")

    def psql(self, sql, db="postgres"):
        base = self.args.pg_url_base.rsplit("/", 1)[0] + "/" + db
        return subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-qtAc", sql], capture_output=True, text=True)

    def ensure_data(self):
        """Generates the data set unless a complete one with the same parameters exists."""
        a = self.args
        params = {"customers": a.customers, "activities": a.customers * a.activities_per_customer,
                  "departments": a.departments, "salespeople": a.salespeople, "seed": a.seed}
        if os.path.exists(self.marker()) and not a.regenerate:
            with open(self.marker()) as f:
                saved = json.load(f)
            if saved.get("params") == params:
                log("[%s] reusing data set %s" % (self.kind, self.data_dir))
                return saved.get("generation")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        os.makedirs(self.data_dir)
        if self.kind == "postgres":
            name = self.url.rsplit("/", 1)[1]
            r = self.psql("DROP DATABASE IF EXISTS %s" % name)
            r = self.psql("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" % name)
            if r.returncode != 0:
                fail("create database: " + r.stderr)
                return None
            self.psql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public", db=name)
        cmd = [a.binary, "demo-data"] + self.db_flags + [
            "--customers", str(a.customers), "--activities", str(params["activities"]),
            "--departments", str(a.departments), "--salespeople", str(a.salespeople), "--seed", str(a.seed),
            "--log-level", "warn"]
        log("[%s] generating: %s" % (self.kind, " ".join(cmd)))
        rc, seconds, rss, out, cpu = time_v(cmd, env=self.env())
        if rc != 0:
            fail("[%s] demo-data exited %d" % (self.kind, rc))
            return None
        summary = re.search(r"Demo data:.*", out)
        gen = {"command": " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd),
               "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "customers_per_s": round(a.customers / seconds, 1),
               "peak_rss_mb": round(rss / 1024, 1) if rss else None,
               "summary": summary.group(0) if summary else None}
        if self.db_file:
            gen["db_bytes"] = sum(os.path.getsize(os.path.join(self.data_dir, f)) for f in os.listdir(self.data_dir))
        log("[%s] generated in %.1f s (%.0f customers/s, peak RSS %s MB)" %
            (self.kind, seconds, a.customers / seconds, gen["peak_rss_mb"]))
        with open(self.marker(), "w") as f:
            json.dump({"params": params, "generation": gen}, f)
        return gen


class Server:
    def __init__(self, backend, port, log_path):
        self.backend = backend
        self.port = port
        self.base = "http://127.0.0.1:%d" % port
        self.log_path = log_path
        self.proc = None

    def start(self, log_level="warn"):
        """Starts the server; returns seconds from exec to the 'listening' line."""
        a = self.backend.args
        cmd = [a.binary, "serve"] + self.backend.db_flags + [
            "--listen", "127.0.0.1:%d" % self.port, "--log-level", log_level]
        if a.page_cache_mb is not None:
            cmd += ["--page-cache-mb", str(a.page_cache_mb)]
        self.logf = open(self.log_path, "a")
        started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.logf, env=self.backend.env(), text=True)
        line = self.proc.stdout.readline()
        elapsed = time.monotonic() - started
        if "listening" not in line:
            fail("server did not start: %r (see %s)" % (line, self.log_path))
            self.proc.kill()
            self.proc = None
            return None
        return elapsed

    def cpu_seconds(self):
        """User + system CPU time of the server so far (a machine shared with compiles makes wall
        time noisy; CPU time much less so)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def status(self):
        out = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmHWM", "VmRSS", "RssAnon", "RssFile", "Threads"):
                    out[k] = int(v.split()[0])
        return out

    def stop(self):
        if not self.proc:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed"
        if rc != 0:
            fail("server exit status %s after SIGTERM" % rc)
        self.proc.stdout.close()
        self.logf.close()
        self.proc = None


def drain(server, limit_s=120):
    """Waits until the server answers /healthz quickly: requests queued by the previous run (wrk
    closes its connections, the server still works through what it accepted) must not be counted
    against the next one."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            http("GET", server.base + "/healthz", timeout=limit_s)
        except Exception:
            pass
        if time.monotonic() - t0 < 0.05:
            return
        time.sleep(0.2)
    fail("server still busy %d s after a run" % limit_s)


def page_cache_counts(server):
    """(hits, misses) of the customer page cache so far, from /metrics."""
    _, body, _ = http("GET", server.base + "/metrics")
    counts = {}
    for m in re.finditer(r'^guanxi_customer_page_cache\{result="(\w+)"\} (\S+)$', body.decode(), re.M):
        counts[m.group(1)] = float(m.group(2))
    return counts.get("hit", 0), counts.get("miss", 0)


def sqlite_memory(server):
    """SQLite's memory in the server now and at its peak, in bytes (/metrics; None on PostgreSQL)."""
    _, body, _ = http("GET", server.base + "/metrics")
    kinds = {}
    for m in re.finditer(r'^guanxi_sqlite_memory_bytes\{kind="(\w+)"\} (\S+)$', body.decode(), re.M):
        kinds[m.group(1)] = float(m.group(2))
    return kinds or None


def run_wrk(server, route, conns, seconds, token, ids_file, out_dir, tag, q2, q4):
    drain(server)
    hits0, misses0 = page_cache_counts(server)
    out = os.path.join(out_dir, "wrk-%s-%s-%d.json" % (tag, route, conns))
    env = dict(os.environ, BENCH_ROUTE=route, BENCH_TOKEN=token or "", BENCH_IDS=ids_file or "",
               BENCH_OUT=out, BENCH_Q2=q2, BENCH_Q4=q4)
    threads = max(1, min(2, conns))
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--timeout", "10s",
           "-s", os.path.join(BENCH, "lua", "route.lua"), server.base]
    load = load_average()[0]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(out):
        fail("wrk %s %s c=%d: %s" % (tag, route, conns, p.stderr.strip()[-500:]))
        return None
    with open(out) as f:
        r = json.load(f)
    hits1, misses1 = page_cache_counts(server)
    looked = (hits1 - hits0) + (misses1 - misses0)
    r.update({"role": tag, "conns": conns, "threads": threads, "load1": load,
              "page_cache_hit_ratio": round((hits1 - hits0) / looked, 3) if looked else None})
    bad = r["errors_status"] + r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"]
    if r["requests"] == 0 or bad > 0:
        fail("wrk %s %s c=%d: %d requests, %d errors" % (tag, route, conns, r["requests"], bad))
    log("  %-8s %-9s c=%-3d %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms%s" %
        (tag, route, conns, r["rps"], r["p50_ms"], r["p99_ms"],
         "  page cache hits %.0f%%" % (100 * r["page_cache_hit_ratio"]) if looked else ""))
    return r


def login(server, username, password):
    status, body, _ = http("POST", server.base + "/api/v1/auth/login", {"username": username, "password": password})
    return json.loads(body)["token"]


def visible_ids(server, token, out_path):
    """Ids of customers the caller sees (own and pool), for get and follow-up."""
    status, body, _ = http("GET", server.base + "/api/v1/customers?page_size=500&sort=-id&in_pool=false", token=token)
    items = json.loads(body)["items"]
    with open(out_path, "w") as f:
        for it in items:
            f.write("%d\n" % it["id"])
    return len(items)


TIMELINE_CUSTOMER = "基准时间线客户"
TIMELINE_ENTRIES = 1000


def timeline_customer(server, owner_token, admin_token):
    """The customer of the timeline route: owned by the salesperson (so the manager sees it too),
    with TIMELINE_ENTRIES timeline entries — follow-ups, deals, prepayments and mailings spread
    over two years (none in the future), and its creation. Made once per data set; topped up
    when a run stopped half-way. Returns its id."""
    query = urllib.parse.urlencode({"q": TIMELINE_CUSTOMER, "in_pool": "false"})
    _, body, _ = http("GET", server.base + "/api/v1/customers?" + query, token=owner_token)
    found = [c for c in json.loads(body)["items"] if c["name"] == TIMELINE_CUSTOMER]
    if found:
        cid = found[0]["id"]
    else:
        _, body, _ = http("POST", server.base + "/api/v1/customers",
                          {"name": TIMELINE_CUSTOMER, "allow_duplicate": True}, token=owner_token)
        cid = json.loads(body)["id"]
    base = server.base + "/api/v1/customers/%d" % cid
    have, cursor = 0, None
    while True:
        _, body, _ = http("GET", base + "/timeline?limit=200" + ("&cursor=" + cursor if cursor else ""),
                          token=admin_token)
        page = json.loads(body)
        have += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    t0 = time.monotonic()
    for i in range(have, TIMELINE_ENTRIES):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=(i * 7) % 700)
        kind = i % 5
        if kind in (0, 1):
            http("POST", base + "/followups", {"kind": "call", "content": "基准测试跟进 %d" % i,
                                               "contacted_at": "%sT%02d:00:00Z" % (day, i % 24)}, token=admin_token)
        elif kind == 2:
            http("POST", base + "/deals", {"closed_on": str(day), "amount": "%d.00" % (1000 + i)}, token=admin_token)
        elif kind == 3:
            http("POST", base + "/prepayments", {"received_on": str(day), "amount": "%d.00" % (500 + i)},
                 token=admin_token)
        else:
            http("POST", base + "/mailings", {"item": "基准测试资料 %d" % i, "sent_on": str(day),
                                              "allow_duplicate": True}, token=admin_token)
    if have < TIMELINE_ENTRIES:
        log("timeline customer %d: %d entries added in %.1f s" % (cid, TIMELINE_ENTRIES - have, time.monotonic() - t0))
    return cid


RECORDS_CUSTOMER = "基准记录客户"
RECORDS_MAILINGS = 20
# A 1×1 PNG, as bench/lua/route.lua uploads.
PNG_1X1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
                        "0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


def upload(url, token, filename, content, content_type):
    """POSTs `content` as the `file` part of a multipart form; returns the JSON answer."""
    boundary = "----GuanxiBenchDriver7MA4YWxkTrZu0gW"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
            "Content-Type: %s\r\n\r\n" % (boundary, filename, content_type)).encode() + content + (
        "\r\n--%s--\r\n" % boundary).encode()
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Content-Type", "multipart/form-data; boundary=" + boundary)
    req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read())


def bench_contract(server, owner_token, cid):
    """The contract of the payment route: 10^12 on the records customer, so that payments of 0.01
    never use it up. Made once per data set. Returns its id."""
    base = server.base + "/api/v1/customers/%d/contracts" % cid
    _, body, _ = http("GET", base + "?number=BENCH-1", token=owner_token)
    found = json.loads(body)["items"]
    if found:
        return found[0]["id"]
    _, body, _ = http("POST", base, {"title": "基准合同", "number": "BENCH-1",
                                     "amount": "1000000000000.00", "signed_on": "2026-12-01"},
                      token=owner_token)
    return json.loads(body)["id"]


def bench_opportunity(server, owner_token, cid):
    """The opportunity of opportunity_timeline and stage_history on the records customer: moved
    through three stages, with two needs, a solution and an activity (its timeline has what each
    kind adds). Made once per data set. Returns its id."""
    base = server.base + "/api/v1"
    _, body, _ = http("GET", base + "/opportunities?customer_id=%d&page_size=100" % cid,
                      token=owner_token)
    for item in json.loads(body)["items"]:
        if item["name"] == "基准商机":
            return item["id"]
    _, body, _ = http("GET", base + "/pipeline_stages?pipeline_id=1&sort=position",
                      token=owner_token)
    stages = [s["id"] for s in json.loads(body)["items"]]
    _, body, _ = http("POST", base + "/opportunities",
                      {"name": "基准商机", "customer_id": cid, "pipeline_id": 1,
                       "stage_id": stages[0], "amount": "250000.00"}, token=owner_token)
    opportunity = json.loads(body)
    for stage in stages[1:3]:
        _, body, _ = http("PATCH", base + "/opportunities/%d" % opportunity["id"],
                          {"stage_id": stage, "version": opportunity["version"]},
                          token=owner_token)
        opportunity = json.loads(body)
    need_ids = []
    for title in ("移动审批", "数据对接"):
        _, body, _ = http("POST", base + "/customers/%d/opportunity_needs" % cid,
                          {"title": title, "priority": "high",
                           "opportunity_id": opportunity["id"]}, token=owner_token)
        need_ids.append(json.loads(body)["id"])
    http("POST", base + "/customers/%d/opportunity_solutions" % cid,
         {"title": "审批中心", "opportunity_id": opportunity["id"], "need_ids": need_ids},
         token=owner_token)
    http("POST", base + "/activities",
         {"kind": "visit", "subject": "方案演示", "customer_id": cid,
          "opportunity_id": opportunity["id"], "start_at": "2026-12-10T02:00:00Z"},
         token=owner_token)
    return opportunity["id"]


def bench_template(server, admin_token):
    """The SMS template of template_preview: four variables and a signature, made by the admin
    once per data set. Returns its id."""
    base = server.base + "/api/v1/templates"
    _, body, _ = http("GET", base + "?q=%E5%9F%BA%E5%87%86%E9%A2%84%E8%A7%88&page_size=10",
                      token=admin_token)
    for item in json.loads(body)["items"]:
        if item["name"] == "基准预览":
            return item["id"]
    _, body, _ = http("POST", base,
                      {"name": "基准预览", "channel": "sms", "signature": "关系科技",
                       "body": "{{contact.name}}您好，{{customer.name}}（{{customer.industry}}）的"
                               "专属顾问{{owner.display_name}}提醒您：新版报价已发送。"},
                      token=admin_token)
    return json.loads(body)["id"]


def bench_quotes(server, owner_token, admin_token, cid):
    """The quotes of quote_lines_put and quote_pdf on the records customer: 50 products (made by
    the admin, codes BENCH-P-01..50), a draft whose lines the route replaces, and a quote of 50
    lines (one per product) to print. Made once per data set. Returns (put quote, pdf quote,
    product ids)."""
    products = {}
    _, body, _ = http("GET", server.base + "/api/v1/products?page_size=500", token=admin_token)
    for item in json.loads(body)["items"]:
        if item["code"].startswith("BENCH-P-"):
            products[item["code"]] = item["id"]
    for i in range(1, 51):
        code = "BENCH-P-%02d" % i
        if code not in products:
            _, body, _ = http("POST", server.base + "/api/v1/products",
                              {"code": code, "name": "基准产品 %02d" % i, "unit": "台",
                               "list_price": "%d.00" % (100 * i)}, token=admin_token)
            products[code] = json.loads(body)["id"]
    ids = [products["BENCH-P-%02d" % i] for i in range(1, 51)]
    base = server.base + "/api/v1/customers/%d/quotes" % cid
    _, body, _ = http("GET", base + "?page_size=500", token=owner_token)
    quotes = {q["title"]: q["id"] for q in json.loads(body)["items"]}
    for title in ("基准报价（修改明细）", "基准报价（打印）"):
        if title not in quotes:
            _, body, _ = http("POST", base, {"title": title}, token=owner_token)
            quotes[title] = json.loads(body)["id"]
    printed = quotes["基准报价（打印）"]
    lines = [{"product_id": pid, "quantity": "2", "discount": "0",
              "description": "基准测试明细：含安装调试与一年维保服务"} for pid in ids]
    http("PUT", server.base + "/api/v1/quotes/%d/lines" % printed, {"lines": lines},
         token=owner_token)
    return quotes["基准报价（修改明细）"], printed, ids


def records_customer(server, owner_token):
    """The customer of the record-read routes (document_download, kit_export, record_history):
    owned by the salesperson (the manager sees it too), with one uploaded image, RECORDS_MAILINGS
    mailings (the export's rows) and a first mailing edited once (two history entries). Made once
    per data set; topped up when a run stopped half-way. Returns (customer, document, mailing) ids."""
    query = urllib.parse.urlencode({"q": RECORDS_CUSTOMER, "in_pool": "false"})
    _, body, _ = http("GET", server.base + "/api/v1/customers?" + query, token=owner_token)
    found = [c for c in json.loads(body)["items"] if c["name"] == RECORDS_CUSTOMER]
    if found:
        cid = found[0]["id"]
    else:
        _, body, _ = http("POST", server.base + "/api/v1/customers",
                          {"name": RECORDS_CUSTOMER, "allow_duplicate": True}, token=owner_token)
        cid = json.loads(body)["id"]
    base = server.base + "/api/v1/customers/%d" % cid
    _, body, _ = http("GET", base + "/documents?page_size=1", token=owner_token)
    documents = json.loads(body)["items"]
    if documents:
        document = documents[0]["id"]
    else:
        document = upload(base + "/documents", owner_token, "基准图片.png", PNG_1X1, "image/png")["id"]
    _, body, _ = http("GET", base + "/mailings?page_size=100", token=owner_token)
    mailings = sorted(json.loads(body)["items"], key=lambda m: m["id"])
    for i in range(len(mailings), RECORDS_MAILINGS):
        _, body, _ = http("POST", base + "/mailings", {"item": "基准导出资料 %d" % i, "carrier": "顺丰速运",
                                                       "sent_on": "2026-11-%02d" % (i % 28 + 1),
                                                       "allow_duplicate": True}, token=owner_token)
        mailings.append(json.loads(body))
    first = mailings[0]
    if first["version"] == 1:
        http("PATCH", base + "/mailings/%d" % first["id"], {"version": 1, "carrier": "中国邮政"}, token=owner_token)
    return cid, document, first["id"]


IMPORT_CITIES = ["深圳", "上海", "北京", "杭州", "广州", "成都", "武汉", "南京"]
IMPORT_TRADES = ["科技", "电子", "贸易", "制造", "物流", "网络", "软件", "新能源"]


def write_import_csv(path, rows):
    """A CSV of `rows` distinct customers as a user would upload it: Chinese headers, a BOM, quoted
    cells, unique phones and e-mails (so every row is imported)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff名称,客户类别,电话,邮箱,行业,地区,来源,地址,标签\r\n")
        for i in range(rows):
            city = IMPORT_CITIES[i % len(IMPORT_CITIES)]
            f.write('%s%s%d号%s有限公司,potential,+86 171 %04d %04d,c%d@import.example,信息技术,华东,展会,'
                    '"%s市科技园%d号, %d楼",导入;展会\r\n' % (
                        city, "云帆", i, IMPORT_TRADES[i % len(IMPORT_TRADES)], i // 10000 % 10000, i % 10000, i,
                        city, i % 99 + 1, i % 30 + 1))


def run_import(kind, args, out_dir):
    """Imports args.import_rows generated CSV rows into an empty database through the HTTP API
    (upload streamed to disk, then the customer.import job): end-to-end time, rows/s and the
    server's peak RSS from a fresh start."""
    b = Backend(kind, args)
    b.data_dir = os.path.join(args.data_root, "import-%s" % kind)
    shutil.rmtree(b.data_dir, ignore_errors=True)
    os.makedirs(b.data_dir)
    b.db_flags = ["--data", b.data_dir]
    if kind == "postgres":
        name = "guanxi_bench_import"
        b.url = args.pg_url_base.rsplit("/", 1)[0] + "/" + name
        b.db_flags += ["--database", b.url]
        b.psql("DROP DATABASE IF EXISTS %s" % name)
        r = b.psql("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" % name)
        if r.returncode != 0:
            fail("create database: " + r.stderr)
            return None
        b.psql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public", db=name)
    csv_path = os.path.join(out_dir, "import-%d.csv" % args.import_rows)
    t0 = time.monotonic()
    write_import_csv(csv_path, args.import_rows)
    size = os.path.getsize(csv_path)
    log("[%s] import: wrote %d rows (%.1f MB) in %.1f s" % (kind, args.import_rows, size / 2**20, time.monotonic() - t0))
    server = Server(b, free_port(), os.path.join(out_dir, "server-import-%s.log" % kind))
    if server.start() is None:
        return None
    try:
        admin = login(server, "admin", ADMIN_PASSWORD)
        cpu0 = server.cpu_seconds()
        t0 = time.monotonic()
        with open(csv_path, "rb") as f:
            req = urllib.request.Request(server.base + "/api/v1/customers/import?filename=bench.csv", data=f,
                                         method="POST")
            req.add_header("Content-Type", "text/csv")
            req.add_header("Content-Length", str(size))
            req.add_header("Authorization", "Bearer " + admin)
            with urllib.request.urlopen(req, timeout=600) as resp:
                started = json.loads(resp.read())
        uploaded = time.monotonic() - t0
        path = "/api/v1/customers/imports/%d" % started["import"]["id"]
        imp = started["import"]
        while imp["status"] not in ("done", "failed"):
            time.sleep(0.2 if args.import_rows < 100000 else 1)
            imp = json.loads(http("GET", server.base + path, token=admin)[1])
        seconds = time.monotonic() - t0
        cpu = server.cpu_seconds() - cpu0
        st = server.status()
        out = {"rows": args.import_rows, "bytes": size, "seconds": round(seconds, 2),
               "server_cpu_seconds": round(cpu, 2), "rows_per_cpu_s": round(args.import_rows / max(cpu, 0.01), 1),
               "load1": load_average()[0],
               "upload_seconds": round(uploaded, 2), "rows_per_s": round(args.import_rows / seconds, 1),
               "status": imp["status"], "created": imp["created"], "skipped": imp["skipped"], "failed": imp["failed"],
               "peak_rss_mb": st["VmHWM"] // 1024,
               "command": "curl -X POST -H 'Content-Type: text/csv' -H 'Authorization: Bearer <admin>' "
                          "--data-binary @import-%d.csv 'http://127.0.0.1:PORT/api/v1/customers/import'; "
                          "then GET /api/v1/customers/imports/{id} until done" % args.import_rows}
        log("[%s] import: %d rows in %.1f s (%.0f rows/s; upload %.1f s; server CPU %.1f s), server peak RSS %d MB" % (
            kind, args.import_rows, seconds, out["rows_per_s"], uploaded, cpu, out["peak_rss_mb"]))
        if imp["status"] != "done" or imp["created"] != args.import_rows:
            fail("[%s] import: %s" % (kind, json.dumps(imp, ensure_ascii=False)[:500]))
        return out
    finally:
        server.stop()
        os.remove(csv_path)


def run_backend(kind, args, out_dir):
    b = Backend(kind, args)
    res = {"backend": kind, "load_start": load_average()}
    res["generation"] = b.ensure_data()
    if failures and res["generation"] is None:
        return res
    port = free_port()
    server = Server(b, port, os.path.join(out_dir, "server-%s.log" % kind))

    # Migrations first (a new index on a big database is not start-up time), then several starts
    # (the OS page cache is warm), median.
    rc, _, _, _, _ = time_v([args.binary, "migrate"] + b.db_flags + ["--log-level", "warn"], env=b.env())
    if rc != 0:
        fail("[%s] migrate exited %d" % (kind, rc))
        return res
    starts = []
    for _ in range(args.starts):
        t = server.start()
        if t is None:
            return res
        starts.append(t)
        server.stop()
    res["startup_s"] = {"median": round(statistics.median(starts), 4), "all": [round(s, 4) for s in starts],
                        "command": "%s serve %s --listen 127.0.0.1:PORT --log-level warn  (exec → 'listening' line)" %
                                   (os.path.relpath(args.binary, ROOT), " ".join(b.db_flags))}
    log("[%s] start-up median %.3f s" % (kind, res["startup_s"]["median"]))

    if server.start() is None:
        return res
    try:
        tokens, ids = {}, {}
        for tag, user in ROLES:
            tokens[tag] = login(server, user, DEMO_PASSWORD)
            ids[tag] = os.path.join(out_dir, "ids-%s-%s.txt" % (kind, tag))
            n = visible_ids(server, tokens[tag], ids[tag])
            if n == 0:
                fail("%s sees no customers" % user)
        if "timeline" in args.routes:
            cid = timeline_customer(server, tokens[ROLES[0][0]], login(server, "admin", ADMIN_PASSWORD))
            os.environ["BENCH_TIMELINE_ID"] = str(cid)
            res["timeline_customer"] = {"id": cid, "entries": TIMELINE_ENTRIES}
        if RECORDS_ROUTES & set(args.routes):
            cid, document, mailing = records_customer(server, tokens[ROLES[0][0]])
            os.environ.update(BENCH_RECORDS_ID=str(cid), BENCH_DOCUMENT_ID=str(document),
                              BENCH_MAILING_ID=str(mailing))
            res["records_customer"] = {"id": cid, "document": document, "mailing": mailing,
                                       "mailings": RECORDS_MAILINGS}
            if {"contract_list", "payment_create"} & set(args.routes):
                os.environ["BENCH_CONTRACT_ID"] = str(
                    bench_contract(server, tokens[ROLES[0][0]], cid))
            if {"opportunity_timeline", "stage_history"} & set(args.routes):
                os.environ["BENCH_OPPORTUNITY_ID"] = str(
                    bench_opportunity(server, tokens[ROLES[0][0]], cid))
            if "template_preview" in args.routes:
                os.environ["BENCH_TEMPLATE_ID"] = str(
                    bench_template(server, login(server, "admin", ADMIN_PASSWORD)))
            if {"quote_lines_put", "quote_pdf", "product_prices"} & set(args.routes):
                put, printed, products = bench_quotes(
                    server, tokens[ROLES[0][0]], login(server, "admin", ADMIN_PASSWORD), cid)
                os.environ.update(BENCH_QUOTE_PUT_ID=str(put), BENCH_QUOTE_PDF_ID=str(printed),
                                  BENCH_QUOTE_PRODUCTS=",".join(str(p) for p in products))
                res["quotes"] = {"put": put, "pdf": printed, "products": len(products)}
        runs = []
        for conns in args.conns:
            r = run_wrk(server, "healthz", conns, args.duration, None, None, out_dir, kind + "-ceiling", args.q2, args.q4)
            if r:
                r["role"] = "ceiling"
                runs.append(r)
        for tag, _ in ROLES:
            for route in args.routes:
                if tag not in ROUTE_ROLES.get(route, {tag}) or route in ADMIN_ROUTES:
                    continue
                for conns in args.conns:
                    r = run_wrk(server, route, conns, args.duration, tokens[tag], ids[tag], out_dir,
                                kind + "-" + tag, args.q2, args.q4)
                    if r:
                        r["role"] = tag
                        runs.append(r)
            if args.mix:
                r = run_wrk(server, "mix", 16, args.duration, tokens[tag], ids[tag], out_dir, kind + "-" + tag, args.q2, args.q4)
                if r:
                    r["role"] = tag
                    runs.append(r)
        admin_routes = [r for r in args.routes if r in ADMIN_ROUTES]
        if admin_routes:
            admin_token = login(server, "admin", ADMIN_PASSWORD)
            for route in admin_routes:
                for conns in args.conns:
                    r = run_wrk(server, route, conns, args.duration, admin_token, ids[ROLES[0][0]],
                                out_dir, kind + "-admin", args.q2, args.q4)
                    if r:
                        r["role"] = "admin"
                        runs.append(r)
        res["wrk"] = runs
        res["rss_after_load_kb"] = server.status()
        res["sqlite_memory_after_load"] = sqlite_memory(server)

        # Export of every customer the admin sees, as CSV, timed end to end.
        admin = login(server, "admin", ADMIN_PASSWORD)
        t0 = time.monotonic()
        status, body, headers = http("GET", server.base + "/api/v1/customers/export?format=csv", token=admin)
        res["export_csv"] = {"seconds": round(time.monotonic() - t0, 3), "bytes": len(body),
                             "rows": int(headers.get("X-Export-Rows", "0")),
                             "rss_after_kb": server.status(),
                             "command": "curl -H 'Authorization: Bearer <admin>' '%s/api/v1/customers/export?format=csv'" % "http://127.0.0.1:PORT"}
        log("[%s] export: %d rows in %.2f s, VmHWM %d MB" % (kind, res["export_csv"]["rows"], res["export_csv"]["seconds"],
                                                            res["export_csv"]["rss_after_kb"]["VmHWM"] // 1024))
        if res["export_csv"]["rows"] <= 0:
            fail("export returned no rows")
    finally:
        server.stop()

    # Storage ceiling: the same SQL through the sqlite3 C API, 1 and 2 threads.
    if kind == "sqlite":
        ceil = []
        for tag, user in ROLES:
            for route in [r for r in args.routes if r in CEILING_ROUTES]:
                for threads in (1, 2):
                    out = os.path.join(out_dir, "sql-%s-%s-%d.json" % (tag, route, threads))
                    cmd = [args.sqlceiling, "--db", b.db_file, "--route", route, "--user", user, "--threads", str(threads),
                           "--seconds", str(args.ceiling_duration), "--ids", ids[tag], "--q2", args.q2, "--q4", args.q4,
                           "--out", out]
                    p = subprocess.run(cmd, capture_output=True, text=True)
                    if p.returncode != 0:
                        fail("sqlceiling %s %s: %s" % (tag, route, p.stderr.strip()[-300:]))
                        continue
                    with open(out) as f:
                        r = json.load(f)
                    r["role"] = tag
                    ceil.append(r)
                    log("  sql      %-8s %-9s t=%d %9.0f op/s  p50 %7.2f ms  p99 %7.2f ms" %
                        (tag, route, threads, r["rps"], r["p50_ms"], r["p99_ms"]))
        res["sql_ceiling"] = ceil
    if args.import_rows > 0:
        res["import_csv"] = run_import(kind, args, out_dir)
    res["load_end"] = load_average()
    return res


def micro(args, out_dir):
    if not args.micro or not os.path.exists(args.micro):
        fail("micro-benchmark binary missing")
        return None
    out = os.path.join(out_dir, "micro.json")
    cmd = [args.micro, "--benchmark_min_time=%s" % args.micro_min_time, "--benchmark_format=console",
           "--benchmark_out=" + out, "--benchmark_out_format=json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail("micro-benchmarks: " + p.stderr[-500:])
        return None
    log(p.stdout)
    with open(out) as f:
        data = json.load(f)
    return [{"name": b["name"], "ns": round(b["real_time"] if b["time_unit"] == "ns" else
                                            b["real_time"] * {"us": 1e3, "ms": 1e6}[b["time_unit"]], 1)}
            for b in data["benchmarks"]]


def table(result):
    lines = []
    for be in result["backends"]:
        kind = be["backend"]
        runs = be.get("wrk", [])
        ceiling = {r["conns"]: r["rps"] for r in runs if r["role"] == "ceiling"}
        sql = {}
        for r in be.get("sql_ceiling", []):
            key = (r["role"], r["route"])
            sql[key] = max(sql.get(key, 0), r["rps"])
        lines.append("")
        lines.append("## %s — %s customers; load %s → %s" % (kind, result["params"]["customers"],
                                                            be.get("load_start"), be.get("load_end")))
        g = be.get("generation")
        if g:
            lines.append("demo-data: %s s (%s s CPU), %s customers/s, peak RSS %s MB" % (
                g["seconds"], g.get("cpu_seconds"), g["customers_per_s"], g["peak_rss_mb"]))
        if "startup_s" in be:
            lines.append("start-up: median %.3f s" % be["startup_s"]["median"])
        lines.append("%-8s %-9s %5s %10s %9s %9s %8s %8s %6s" % ("role", "route", "conns", "req/s", "p50 ms", "p99 ms", "÷http",
                                                             "÷sql", "cached"))
        for r in runs:
            http_ratio = r["rps"] / ceiling[r["conns"]] if ceiling.get(r["conns"]) else None
            s = sql.get((r["role"], r["route"]))
            hit = r.get("page_cache_hit_ratio")
            lines.append("%-8s %-9s %5d %10.0f %9.2f %9.2f %8s %8s %6s" % (
                r["role"], r["route"], r["conns"], r["rps"], r["p50_ms"], r["p99_ms"],
                "%.3f" % http_ratio if http_ratio is not None and r["role"] != "ceiling" else "",
                "%.2f" % (r["rps"] / s) if s else "", "%.0f%%" % (100 * hit) if hit is not None else ""))
        if be.get("sql_ceiling"):
            lines.append("storage ceiling (sqlite3 C API, best of 1/2 threads):")
            for (role, route), rps in sorted(sql.items()):
                lines.append("  %-8s %-9s %10.0f op/s" % (role, route, rps))
        if "rss_after_load_kb" in be:
            s = be["rss_after_load_kb"]
            lines.append("server RSS after load: peak %d MB, now %d MB (anon %d MB, file/mmap %d MB), %d threads" % (
                s["VmHWM"] // 1024, s["VmRSS"] // 1024, s["RssAnon"] // 1024, s["RssFile"] // 1024, s["Threads"]))
            m = be.get("sqlite_memory_after_load")
            if m:
                lines.append("  of which SQLite (page caches, statements, sorts): peak %d MB, now %d MB; "
                             "peak RSS less SQLite's peak %d MB" % (
                                 m["peak"] // 2**20, m["used"] // 2**20, s["VmHWM"] // 1024 - m["peak"] // 2**20))
        if "export_csv" in be:
            e = be["export_csv"]
            lines.append("export CSV: %d rows in %.2f s (%.0f rows/s), peak RSS %d MB" % (
                e["rows"], e["seconds"], e["rows"] / max(e["seconds"], 1e-6), e["rss_after_kb"]["VmHWM"] // 1024))
        if be.get("import_csv"):
            i = be["import_csv"]
            lines.append("import CSV: %d rows (%.0f MB) in %.1f s (%.0f rows/s; server CPU %.1f s, %.0f rows per CPU-s), "
                         "server peak RSS %d MB" % (i["rows"], i["bytes"] / 2**20, i["seconds"], i["rows_per_s"],
                                                    i["server_cpu_seconds"], i["rows_per_cpu_s"], i["peak_rss_mb"]))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--customers", type=int, default=100000)
    ap.add_argument("--activities-per-customer", type=int, default=10)
    ap.add_argument("--departments", type=int, default=50)
    ap.add_argument("--salespeople", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--ceiling-duration", type=float, default=5)
    ap.add_argument("--conns", default="1,16,64")
    ap.add_argument("--routes", default=",".join(ROUTES))
    ap.add_argument("--mix", action="store_true", help="also run the mixed route set at 16 connections")
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--import-rows", type=int, default=0,
                    help="also import this many generated CSV rows into an empty database (0: skip)")
    ap.add_argument("--import-only", action="store_true",
                    help="only the import step (with --import-rows), not the data set and wrk runs")
    ap.add_argument("--page-cache-mb", type=int, default=None,
                    help="passed to guanxi serve (0: lists and searches read every page; default: the server's)")
    ap.add_argument("--q2", default="华强")
    ap.add_argument("--q4", default="华强科技")
    ap.add_argument("--binary", required=True)
    ap.add_argument("--sqlceiling", required=True)
    ap.add_argument("--micro")
    ap.add_argument("--micro-min-time", default="0.2")
    ap.add_argument("--no-micro", action="store_true", help="skip the micro-benchmarks")
    ap.add_argument("--pg-url-base", default="")
    ap.add_argument("--data-root", default=os.path.join(BENCH, "data"))
    ap.add_argument("--results", default=os.path.join(BENCH, "results"))
    args = ap.parse_args()
    if args.smoke:
        args.customers = 300
        args.activities_per_customer = 3
        args.departments = 10
        args.salespeople = 30
        args.duration = 1
        args.ceiling_duration = 1
        args.conns = "1,8"
        args.starts = 2
        args.micro_min_time = "0.01"
        args.import_rows = args.import_rows or 200
    args.conns = [int(c) for c in args.conns.split(",")]
    args.routes = args.routes.split(",")

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip() != ""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = "%s-%s-%s-%d" % (stamp, "smoke" if args.smoke else "import" if args.import_only else "full", args.backend,
                            args.import_rows if args.import_only else args.customers)
    out_dir = os.path.join(args.results, name)
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(args.data_root, exist_ok=True)
    with open("/proc/cpuinfo") as f:
        cpu = re.search(r"model name\s*:\s*(.*)", f.read())
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit + ("-dirty" if dirty else ""),
              "machine": {"cpu": cpu.group(1) if cpu else "?", "cores": os.cpu_count(),
                          "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
              "params": {k: v for k, v in vars(args).items() if k not in ("binary", "sqlceiling", "micro", "pg_url_base")},
              "backends": []}
    kinds = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for kind in kinds:
        if kind == "postgres" and not args.pg_url_base:
            fail("no PostgreSQL URL (bench/run starts one with scripts/pg.sh)")
            continue
        log("== %s ==" % kind)
        if args.import_only:
            result["backends"].append({"backend": kind, "import_csv": run_import(kind, args, out_dir)})
        else:
            result["backends"].append(run_backend(kind, args, out_dir))
    result["micro"] = None if args.import_only or args.no_micro else micro(args, out_dir)
    result["failures"] = failures
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
    report = table(result)
    with open(os.path.join(out_dir, "table.txt"), "w") as f:
        f.write(report + "\n")
    print("# bench %s — commit %s — %s" % (name, result["commit"], result["date"]))
    print(report)
    print("\nresults: %s" % os.path.relpath(out_dir, ROOT))
    if failures:
        print("\n%d driver failure(s):\n  %s" % (len(failures), "\n  ".join(failures)))
        sys.exit(1)


if __name__ == "__main__":
    main()
