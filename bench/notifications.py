#!/usr/bin/env python3
"""Live notifications at scale (issue 15, docs/PERFORMANCE.md "Notifications"):

  1. holds --streams open event streams (GET /api/v1/notifications/stream), one per user, and
     states the server's RSS before and after they opened;
  2. writes --reminders notifications due at the same second, a little ahead, spread over those
     users, in one transaction — as a rule's job would, or another server process;
  3. measures how long after their due time every one of them had reached its user's stream.

Starts `guanxi serve` on a fresh SQLite database of its own; users and their sessions are
written straight into it (the password check would dominate otherwise).

  python3 bench/notifications.py --bin build/release/server/guanxi \
      [--streams 10000] [--reminders 100000] [--lead 15]
"""
import argparse
import asyncio
import hashlib
import os
import resource
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raise_fd_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def prepare(binary, data, users):
    env = dict(os.environ, GUANXI_ADMIN_PASSWORD="bench-admin-1234")
    subprocess.run([binary, "migrate", "--data", data], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data, "guanxi.db"))
    role = db.execute("SELECT id FROM roles WHERE name = 'sales'").fetchone()[0]
    hash_ = db.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()[0]
    now = int(time.time())
    tokens = []
    with db:
        for i in range(users):
            cur = db.execute(
                "INSERT INTO users (username, display_name, role_id, password_hash, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (f"n{i:05d}", f"提醒测试{i}", role, hash_, now, now))
            token = secrets.token_hex(16)
            digest = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
            db.execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?)", (digest, cur.lastrowid, now, now + 86400))
            tokens.append((cur.lastrowid, token))
    db.close()
    return tokens


class Streams:
    def __init__(self):
        self.first_seen = {}  # notification id -> monotonic time it first arrived
        self.open = 0
        self.failed = 0
        self.bytes = 0

    async def hold(self, port, token, ready):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            self.failed += 1
            ready.release()
            return
        writer.write((f"GET /api/v1/notifications/stream HTTP/1.1\r\nHost: x\r\n"
                      f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n")
                     .encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            self.failed += 1
            ready.release()
            return
        self.open += 1
        ready.release()
        event = None
        while True:
            line = await reader.readline()
            if not line:
                break
            self.bytes += len(line)
            if line.startswith(b"event: "):
                event = line[7:].strip()
            elif line.startswith(b"id: ") and event is None:
                pass
            elif line.startswith(b"data: ") and event == b"notification":
                # {"id":N,...}: the id is the first member.
                start = line.find(b'"id":') + 5
                end = line.find(b",", start)
                nid = int(line[start:end])
                self.first_seen.setdefault(nid, time.monotonic())
            elif line == b"\n":
                event = None


async def run(args):
    raise_fd_limit()
    data = tempfile.mkdtemp(prefix="guanxi-notify-bench-")
    log(f"preparing {args.streams} users with sessions in {data}")
    tokens = prepare(args.bin, data, args.streams)
    port = free_port()
    server = subprocess.Popen(
        [args.bin, "serve", "--listen", f"127.0.0.1:{port}", "--data", data, "--log-level",
         "warn", "--max-connections", str(args.streams + 100), "--max-connections-per-address",
         str(args.streams + 100)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=raise_fd_limit,
        env=dict(os.environ, GUANXI_ADMIN_PASSWORD="bench-admin-1234"))
    try:
        while b"listening" not in server.stdout.readline():
            pass
        time.sleep(1)
        rss_before = rss_mb(server.pid)
        streams = Streams()
        ready = asyncio.Semaphore(0)
        tasks = []
        t0 = time.monotonic()
        for i, (_, token) in enumerate(tokens):
            tasks.append(asyncio.create_task(streams.hold(port, token, ready)))
            if i % 200 == 199:
                await asyncio.sleep(0)
        for _ in tokens:
            await ready.acquire()
        opened = time.monotonic() - t0
        await asyncio.sleep(2)
        rss_after = rss_mb(server.pid)
        log(f"{streams.open} streams open ({streams.failed} failed) in {opened:.1f} s; "
            f"server RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after "
            f"({(rss_after - rss_before) * 1024 / max(streams.open, 1):.1f} KB per stream)")

        due = int(time.time()) + args.lead
        db = sqlite3.connect(os.path.join(data, "guanxi.db"), timeout=60)
        t_write = time.monotonic()
        with db:
            db.executemany(
                "INSERT INTO notifications (user_id, unique_key, kind, title, body, link, due_at, "
                "visible_at, created_at) VALUES (?, ?, 'system', ?, '', '/customers', ?, ?, ?)",
                ((tokens[i % len(tokens)][0], f"bench:{i}", f"基准提醒 {i}", due, due,
                  int(time.time())) for i in range(args.reminders)))
        db.close()
        log(f"{args.reminders} reminders due at +{args.lead} s written in "
            f"{time.monotonic() - t_write:.1f} s")
        due_mono = time.monotonic() + (due - time.time())
        deadline = due_mono + args.timeout
        while len(streams.first_seen) < args.reminders and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        got = len(streams.first_seen)
        delays = sorted(max(0.0, t - due_mono) for t in streams.first_seen.values())

        def pct(p):
            return delays[min(len(delays) - 1, int(p * len(delays)))] if delays else float("nan")

        log(f"delivered {got} of {args.reminders}: after their due time p50 {pct(0.5):.1f} s, "
            f"p99 {pct(0.99):.1f} s, last {delays[-1] if delays else float('nan'):.1f} s; "
            f"server RSS {rss_mb(server.pid):.0f} MB; load {os.getloadavg()[0]:.1f}")
        for t in tasks:
            t.cancel()
        return 0 if got == args.reminders else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["rm", "-rf", data])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default="build/release/server/guanxi")
    p.add_argument("--streams", type=int, default=10000)
    p.add_argument("--reminders", type=int, default=100000)
    p.add_argument("--lead", type=int, default=15, help="seconds between writing and due time")
    p.add_argument("--timeout", type=int, default=120, help="seconds after the due time")
    sys.exit(asyncio.run(run(p.parse_args())))


if __name__ == "__main__":
    main()
