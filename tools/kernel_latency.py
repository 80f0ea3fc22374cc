#!/usr/bin/env python3
# Provenance: the peer benchmark of the project's design material (it measures any installed
# kernelspec, e.g. ipykernel's python3 beside latent); copied into tools/ unchanged on 2026-12-07
# so that `make bench` needs nothing outside the repository.
"""Measure a Jupyter kernel's startup time, execute round-trip latency and throughput.

Works with any installed kernelspec, so a new kernel can be measured side by side
with a reference one (e.g. ipykernel's ``python3``) on the same machine, in the
same run:

    python kernel_latency.py python3 mykernel --code-for mykernel='echo 1'

Requires: jupyter_client (>= 7) and pyzmq.  It uses jupyter_client only to
launch/stop the kernel (KernelManager) and to sign/verify messages (Session); the
timing loop talks to the kernel over raw zmq sockets, so client-side overhead is
small and identical for every kernel measured.  HMAC signatures of every message
received are verified by Session.deserialize, so a kernel that signs wrongly
fails loudly here.

What is measured (per kernel):
  startup_ms   time from KernelManager.start_kernel() to the first
               kernel_info_reply on shell (median over --starts cold starts;
               a kernel_info_request is sent right after launch and re-sent
               every --resend-ms until a reply arrives).
  ready_ms     time from start_kernel() until the first IOPub message is also
               seen (jupyter_client's wait_for_ready() needs this: it re-sends
               kernel_info_request until some IOPub message follows the reply).
  kinfo_med_ms kernel_info_request -> reply + status:idle, median over
               --kinfo-runs: the transport/framing floor with no interpreter work.
  exec_rtt_ms  one execute_request -> status:idle on IOPub whose parent is that
               request (the execute_reply on shell must also have arrived);
               median and p99 over --rtt-runs runs after --warmup runs.
  execs_per_s  --throughput sequential executes (each waits for reply + idle),
               count / wall time.
  pipe_execs_per_s (with --pipelined) the same count sent without waiting,
               until every execute_reply and the last idle have arrived.

The machine is noisy: medians are reported; run with more --starts/--rtt-runs for
tighter numbers, and compare kernels only within one run of this script.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any

import zmq
from jupyter_client import KernelManager, __version__ as jc_version
from jupyter_client.kernelspec import KernelSpecManager

perf = time.perf_counter


class KernelTimeout(RuntimeError):
    pass


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


class Conn:
    """Raw zmq shell/iopub/control sockets to a kernel started by a KernelManager."""

    def __init__(self, km: KernelManager, ctx: zmq.Context):
        self.km = km
        self.session = km.session
        info = km.get_connection_info()
        transport, ip = info["transport"], info["ip"]

        def url(port: int) -> str:
            return f"tcp://{ip}:{port}" if transport == "tcp" else f"{transport}://{ip}-{port}"

        self.shell = ctx.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect(url(info["shell_port"]))
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.rcvhwm = 0  # never drop on our side
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(url(info["iopub_port"]))
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)

    def close(self) -> None:
        self.shell.close(0)
        self.iopub.close(0)

    def send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg = self.session.msg(msg_type, content)
        self.session.send(self.shell, msg)
        return msg["header"]["msg_id"]

    def drain(self, sock: zmq.Socket) -> list[dict[str, Any]]:
        out = []
        while True:
            _, m = self.session.recv(sock, mode=zmq.NOBLOCK)
            if m is None:
                return out
            out.append(m)

    def poll(self, timeout_s: float) -> dict[zmq.Socket, int]:
        return dict(self.poller.poll(max(0, int(timeout_s * 1000))))


def execute_content(code: str, store_history: bool) -> dict[str, Any]:
    return {
        "code": code,
        "silent": False,
        "store_history": store_history,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }


def parent_id(m: dict[str, Any]) -> str | None:
    return (m.get("parent_header") or {}).get("msg_id")


def measure_start(kernel: str, ctx: zmq.Context, resend_ms: float, timeout_s: float) -> tuple[float, float]:
    """One cold start. Returns (ms to first kernel_info_reply, ms to first IOPub message)."""
    km = KernelManager(kernel_name=kernel, context=ctx)
    t0 = perf()
    km.start_kernel()
    conn = Conn(km, ctx)
    t_reply = t_iopub = None
    try:
        last_send = perf()
        conn.send("kernel_info_request", {})
        while t_reply is None or t_iopub is None:
            now = perf()
            if now - t0 > timeout_s:
                raise KernelTimeout(f"{kernel}: no kernel_info_reply/iopub within {timeout_s}s")
            # like jupyter_client.wait_for_ready: keep asking until IOPub answers too
            if (now - last_send) * 1000 >= resend_ms:
                conn.send("kernel_info_request", {})
                last_send = now
            ev = conn.poll(min(resend_ms / 1000.0, 0.05))
            if conn.shell in ev:
                for m in conn.drain(conn.shell):
                    if m["msg_type"] == "kernel_info_reply" and t_reply is None:
                        t_reply = perf()
            if conn.iopub in ev:
                if conn.drain(conn.iopub) and t_iopub is None:
                    t_iopub = perf()
            if not km.is_alive():
                raise RuntimeError(f"{kernel}: kernel process died during startup")
    finally:
        conn.close()
        try:
            km.shutdown_kernel(now=False)
        except Exception:
            km.shutdown_kernel(now=True)
    return (t_reply - t0) * 1000.0, (max(t_reply, t_iopub) - t0) * 1000.0


def wait_ready(conn: Conn, km: KernelManager, timeout_s: float) -> None:
    """Send kernel_info until a reply and an IOPub message have both arrived."""
    t0 = perf()
    got_reply = got_iopub = False
    conn.send("kernel_info_request", {})
    last = perf()
    while not (got_reply and got_iopub):
        if perf() - t0 > timeout_s:
            raise KernelTimeout("kernel did not become ready")
        if perf() - last > 0.25:
            conn.send("kernel_info_request", {})
            last = perf()
        ev = conn.poll(0.05)
        if conn.shell in ev and any(m["msg_type"] == "kernel_info_reply" for m in conn.drain(conn.shell)):
            got_reply = True
        if conn.iopub in ev and conn.drain(conn.iopub):
            got_iopub = True
        if not km.is_alive():
            raise RuntimeError("kernel process died")
    # let trailing status messages arrive, then discard them
    time.sleep(0.3)
    conn.drain(conn.shell)
    conn.drain(conn.iopub)


def one_exec(conn: Conn, content: dict[str, Any], timeout_s: float, errors: list[str],
             msg_type: str = "execute_request") -> tuple[float, float]:
    """Send one request (execute_request by default); return (ms to its reply, ms to status idle)."""
    reply_type = msg_type.replace("_request", "_reply")
    msg = conn.session.msg(msg_type, content)
    mid = msg["header"]["msg_id"]
    t0 = perf()
    conn.session.send(conn.shell, msg)
    t_reply = t_idle = None
    while t_reply is None or t_idle is None:
        ev = conn.poll(timeout_s)
        if not ev:
            raise KernelTimeout(f"no {reply_type}/idle within {timeout_s}s (reply={t_reply is not None})")
        if conn.shell in ev:
            for m in conn.drain(conn.shell):
                if m["msg_type"] == reply_type and parent_id(m) == mid:
                    t_reply = perf()
                    if m["content"].get("status") != "ok" and len(errors) < 5:
                        errors.append(json.dumps(m["content"])[:300])
        if conn.iopub in ev:
            for m in conn.drain(conn.iopub):
                if (
                    m["msg_type"] == "status"
                    and parent_id(m) == mid
                    and m["content"].get("execution_state") == "idle"
                ):
                    t_idle = perf()
    return (t_reply - t0) * 1000.0, (t_idle - t0) * 1000.0


def pipelined(conn: Conn, content: dict[str, Any], n: int, timeout_s: float) -> float:
    """Send n execute_requests without waiting; return seconds until all replies + last idle."""
    ids: list[str] = []
    replies: set[str] = set()
    last_idle = False
    t0 = perf()
    while len(replies) < n or not last_idle:
        if len(ids) < n:  # interleave sending with draining so no queue overflows
            msg = conn.session.msg("execute_request", content)
            ids.append(msg["header"]["msg_id"])
            conn.session.send(conn.shell, msg)
            ev = conn.poll(0)
        else:
            ev = conn.poll(timeout_s)
            if not ev:
                raise KernelTimeout(f"pipelined: {len(replies)}/{n} replies after timeout")
        if conn.shell in ev:
            for m in conn.drain(conn.shell):
                if m["msg_type"] == "execute_reply":
                    replies.add(parent_id(m) or "")
        if conn.iopub in ev:
            for m in conn.drain(conn.iopub):
                if (
                    ids
                    and len(ids) == n
                    and m["msg_type"] == "status"
                    and m["content"].get("execution_state") == "idle"
                    and parent_id(m) == ids[-1]
                ):
                    last_idle = True
    return perf() - t0


def measure_kernel(kernel: str, code: str, args: argparse.Namespace, ctx: zmq.Context) -> dict[str, Any]:
    res: dict[str, Any] = {"kernel": kernel, "code": code}
    starts, readies = [], []
    for i in range(args.starts):
        s, r = measure_start(kernel, ctx, args.resend_ms, args.timeout)
        starts.append(s)
        readies.append(r)
        if args.verbose:
            print(f"  [{kernel}] start {i + 1}/{args.starts}: reply {s:.1f} ms, iopub {r:.1f} ms", file=sys.stderr)
    res["startup_ms"] = starts
    res["ready_ms"] = readies

    km = KernelManager(kernel_name=kernel, context=ctx)
    km.start_kernel()
    conn = Conn(km, ctx)
    errors: list[str] = []
    try:
        wait_ready(conn, km, args.timeout)
        kinfo = []
        for _ in range(args.kinfo_runs):
            kinfo.append(one_exec(conn, {}, args.timeout, errors, "kernel_info_request")[1])
        res["kinfo_rtt_ms"] = kinfo
        content = execute_content(code, not args.no_store_history)
        for _ in range(args.warmup):
            one_exec(conn, content, args.timeout, errors)
        reply_ms, idle_ms = [], []
        for _ in range(args.rtt_runs):
            r, i = one_exec(conn, content, args.timeout, errors)
            reply_ms.append(r)
            idle_ms.append(i)
        res["reply_ms"] = reply_ms
        res["exec_rtt_ms"] = idle_ms
        t0 = perf()
        for _ in range(args.throughput):
            one_exec(conn, content, args.timeout, errors)
        res["execs_per_s"] = args.throughput / (perf() - t0)
        if args.pipelined:
            res["pipe_execs_per_s"] = args.throughput / pipelined(conn, content, args.throughput, args.timeout)
    finally:
        conn.close()
        try:
            km.shutdown_kernel(now=False)
        except Exception:
            km.shutdown_kernel(now=True)
    res["errors"] = errors
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kernels", nargs="*", default=["python3"], help="kernelspec names (default: python3)")
    ap.add_argument("--code", default="1+1", help="code executed in the latency loops (default: 1+1)")
    ap.add_argument("--code-for", action="append", default=[], metavar="KERNEL=CODE",
                    help="per-kernel code override; may repeat")
    ap.add_argument("--starts", type=int, default=10, help="cold starts per kernel (default 10)")
    ap.add_argument("--warmup", type=int, default=50, help="untimed executes before timing (default 50)")
    ap.add_argument("--rtt-runs", type=int, default=500, help="timed executes for RTT (default 500, min 200 advised)")
    ap.add_argument("--kinfo-runs", type=int, default=200,
                    help="kernel_info_request round trips (transport floor, no interpreter; default 200)")
    ap.add_argument("--throughput", type=int, default=1000, help="sequential executes for execs/s (default 1000)")
    ap.add_argument("--pipelined", action="store_true", help="also measure pipelined (non-waiting) throughput")
    ap.add_argument("--no-store-history", action="store_true", help="send store_history=false")
    ap.add_argument("--resend-ms", type=float, default=100.0, help="kernel_info re-send interval at startup")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-step timeout in seconds")
    ap.add_argument("--json", metavar="FILE", help="also write raw samples as JSON")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    per_code = {}
    for item in args.code_for:
        k, _, c = item.partition("=")
        per_code[k] = c

    specs = KernelSpecManager().find_kernel_specs()
    for k in args.kernels:
        if k not in specs:
            print(f"unknown kernelspec {k!r}; installed: {sorted(specs)}", file=sys.stderr)
            return 2

    ctx = zmq.Context()
    results = []
    for k in args.kernels:
        code = per_code.get(k, args.code)
        if args.verbose:
            print(f"measuring {k} (code={code!r}) ...", file=sys.stderr)
        results.append(measure_kernel(k, code, args, ctx))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# host: {platform.node()} {platform.machine()} cpus={os.cpu_count()} loadavg1={load:.2f} "
          f"python={platform.python_version()} jupyter_client={jc_version} pyzmq={zmq.__version__}")
    print(f"# starts={args.starts} warmup={args.warmup} rtt_runs={args.rtt_runs} "
          f"throughput={args.throughput} store_history={not args.no_store_history}")
    cols = ["kernel", "startup_ms", "ready_ms", "kinfo_med_ms", "rtt_med_ms", "rtt_p99_ms", "reply_med_ms",
            "execs_per_s"]
    if args.pipelined:
        cols.append("pipe_execs_per_s")
    rows = []
    for r in results:
        row = [
            r["kernel"],
            f"{statistics.median(r['startup_ms']):.1f}",
            f"{statistics.median(r['ready_ms']):.1f}",
            f"{statistics.median(r['kinfo_rtt_ms']):.3f}" if r["kinfo_rtt_ms"] else "-",
            f"{statistics.median(r['exec_rtt_ms']):.3f}",
            f"{pct(r['exec_rtt_ms'], 99):.3f}",
            f"{statistics.median(r['reply_ms']):.3f}",
            f"{r['execs_per_s']:.0f}",
        ]
        if args.pipelined:
            row.append(f"{r['pipe_execs_per_s']:.0f}")
        rows.append(row)
    widths = [max(len(c), *(len(x[i]) for x in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)))
    for r in results:
        if r["errors"]:
            print(f"# WARNING {r['kernel']}: non-ok execute_reply, e.g. {r['errors'][0]}", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f)
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
