#!/usr/bin/env python3
"""Control-socket clients for tests/daemon/hostile.sh (standard library only).

  ctl_clients.py ask SOCKET LINE
      sends LINE (a request, words or JSON), prints the reply's body
      un-stuffed, then the status line as "STATUS: ok" / "STATUS: error CODE";
      exits 0 on ok, 1 on error, 2 when the reply was cut.
  ctl_clients.py stream SOCKET LINE
      the same, printing each body line as it arrives (for `events`).
  ctl_clients.py hostile SOCKET SECONDS N
      keeps N hostile clients connected for SECONDS (a quarter each: random
      garbage; 1 MB with no newline; connected and silent; `events` asked
      and never read), reconnecting each one the daemon drops, while a
      well-behaved client asks `show status` every 50 ms (words and JSON in
      turn). Prints one JSON line: the good client's answers, failures and
      latencies, and how often each kind was dropped or refused busy.
"""
import json
import os
import selectors
import socket
import sys
import threading
import time


def ask(path, line, timeout=10.0):
    """One request: (body, status line) or (body, None) when cut."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    buf = b""
    while True:
        try:
            got = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            got = b""
        if not got:
            s.close()
            return unstuff(buf), None
        buf += got
        if buf.endswith(b"\n"):
            lines = buf.split(b"\n")
            # the status line: the only line starting with a single dot
            last = lines[-2]
            if last.startswith(b".") and not last.startswith(b".."):
                s.close()
                return unstuff(b"\n".join(lines[:-2]) + b"\n" if len(lines) > 2 else b""), last[1:].decode()


def unstuff(body):
    out = []
    for line in body.split(b"\n"):
        out.append(line[1:] if line.startswith(b"..") else line)
    return b"\n".join(out).decode(errors="replace")


def cmd_ask(path, line):
    body, status = ask(path, line)
    sys.stdout.write(body)
    if status is None:
        print("STATUS: cut")
        return 2
    print("STATUS: " + status)
    return 0 if status == "ok" else 1


def cmd_stream(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    for raw in s.makefile("rb"):
        if raw.startswith(b".") and not raw.startswith(b".."):
            print("STATUS: " + raw[1:].decode().strip(), flush=True)
            return 0 if raw.startswith(b".ok") else 1
        sys.stdout.write(unstuff(raw))
        sys.stdout.flush()
    print("STATUS: cut", flush=True)
    return 2


KINDS = ("garbage", "big", "silent", "noread")


class Hostile:
    def __init__(self, path, kind, stats):
        self.path, self.kind, self.stats = path, kind, stats
        self.sock = None
        self.todo = b""

    def start(self, sel):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(self.path)
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            self.stats[self.kind + "_connect_failed"] += 1
            return False
        self.sock = s
        if self.kind == "garbage":
            self.todo = bytes(b | 0x80 for b in os.urandom(512))
        elif self.kind == "big":
            self.todo = b"x" * (1 << 20)
        elif self.kind == "noread":
            self.todo = b"events\n"
        else:
            self.todo = b""
        # noread: written, never read (the daemon sees nothing from us)
        ev = selectors.EVENT_WRITE if self.todo else 0
        if self.kind != "noread":
            ev |= selectors.EVENT_READ
        if ev:
            sel.register(s, ev, self)
        return True

    def event(self, sel, mask):
        s = self.sock
        if mask & selectors.EVENT_WRITE and self.todo:
            try:
                n = s.send(self.todo[:65536])
                self.todo = self.todo[n:]
            except BlockingIOError:
                pass
            except OSError:
                return self.dropped(sel)
            if not self.todo:
                ev = selectors.EVENT_READ if self.kind != "noread" else 0
                sel.unregister(s)
                if ev:
                    sel.register(s, ev, self)
        if mask & selectors.EVENT_READ:
            try:
                got = s.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                got = b""
            if b".error busy" in got:
                self.stats["busy"] += 1
            if not got:
                return self.dropped(sel)

    def dropped(self, sel):
        try:
            sel.unregister(self.sock)
        except (KeyError, ValueError):
            pass
        self.sock.close()
        self.sock = None
        self.stats[self.kind + "_dropped"] += 1
        self.start(sel)


def good_client(path, until, res):
    n = 0
    while time.monotonic() < until:
        line = "show status" if n % 2 == 0 else '{"command":["show","status"],"json":false}'
        t0 = time.monotonic()
        try:
            body, status = ask(path, line, timeout=30)
        except OSError as e:
            body, status = str(e), None
        ms = (time.monotonic() - t0) * 1000
        if status == "ok" and "peering-bgpd" in body:
            res["ok"] += 1
            res["lat"].append(ms)
        else:
            res["fail"] += 1
            res["why"].append((status, body[:100]))
        n += 1
        time.sleep(0.05)


def cmd_hostile(path, seconds, n):
    stats = {"busy": 0}
    for k in KINDS:
        stats[k + "_dropped"] = 0
        stats[k + "_connect_failed"] = 0
    sel = selectors.DefaultSelector()
    clients = [Hostile(path, KINDS[i % len(KINDS)], stats) for i in range(n)]
    for c in clients:
        c.start(sel)
    until = time.monotonic() + seconds
    res = {"ok": 0, "fail": 0, "lat": [], "why": []}
    t = threading.Thread(target=good_client, args=(path, until, res))
    t.start()
    while time.monotonic() < until:
        for key, mask in sel.select(timeout=0.1):
            key.data.event(sel, mask)
        for c in clients:
            if c.sock is None and not c.start(sel):
                pass
    t.join()
    connected = sum(1 for c in clients if c.sock is not None)
    for c in clients:
        if c.sock is not None:
            c.sock.close()
    lat = sorted(res["lat"]) or [0.0]
    print(json.dumps({
        "good_ok": res["ok"], "good_fail": res["fail"],
        "good_why": res["why"][:3],
        "worst_ms": round(lat[-1], 1),
        "median_ms": round(lat[len(lat) // 2], 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1),
        "hostile_connected_at_end": connected, **stats}))
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "ask":
        return cmd_ask(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 4 and sys.argv[1] == "stream":
        return cmd_stream(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 5 and sys.argv[1] == "hostile":
        return cmd_hostile(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
