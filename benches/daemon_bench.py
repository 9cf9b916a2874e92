#!/usr/bin/env python3
"""The health-check benchmark (run inside the VM by `benches/run --only
daemon`): rvsadmd against keepalived 2.2.7's checker and ldirectord, the
same TCP checks of the same destinations in the same VM boot. rvsadmd runs
twice: on its own TOML (`rvsadmd`) and on the keepalived.conf keepalived is
given (`rvsadmd-keepalived`, `rvsadmd run --keepalived`), so the same file
is measured under both checkers.

Each scale is N destinations (10 per service) checked by TCP connect every
INTERVAL seconds. All destinations are addresses on `lo` of a fresh network
namespace, served by one back end (examples/accept_close: accept and close,
every accept recorded with its time and address), so the back end, not the
checker, is what every figure is read from:

- checks done per second in a window of W seconds, against N / INTERVAL;
- CPU seconds per 1,000 checks: the user + system time of the checker's
  processes (its session) over the window, per 1,000 checks done;
- lateness: for each destination, the gaps between successive checks
  minus INTERVAL (0 when early); p50 / p99 / max over all;
- failure to kernel: 10 destinations' addresses are removed (a connect then
  fails at once), one at a time; the time until `rvsadm -Sn` shows weight
  0, median / max;
- all fail: every address removed at once; the time until the whole table
  is at weight 0 (rvsadmd also reports the largest batch it wrote).

ldirectord checks serially (one process, one check at a time): at the
scale of the table it is run on, its cycle is the median gap.

With --slow-rate R, a second table: 1,000 TCP checks every second (10
services x 100 real-server addresses, service s on port 8001+s) against a
slow accepter, the same back end accepting at most R connections a second
over all its ports (accept queues of 128): the checks done per second, and
the false downs, destinations seen at weight 0 in `ipvsadm -Sn` read every
0.5 s (every back end is up all along), rvsadmd and keepalived side by
side.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipvs_bench import fresh_netns  # noqa: E402


def addr(i):
    return "10.1.%d.%d" % (i // 250, i % 250 + 1)


def vip(s):
    return "198.18.%d.%d" % (s // 250, s % 250 + 1)


def add_addrs(n, op="add"):
    lines = "".join("addr %s %s/32 dev lo\n" % (op, addr(i)) for i in range(n))
    subprocess.run(["ip", "-batch", "-"], input=lines.encode(), check=True)


def flat(n):
    """N destinations, 10 per service, every one an address of its own, port 80."""
    return [(vip(s), [(addr(s * 10 + d), 80) for d in range(10)]) for s in range(n // 10)]


def shared(services=10, per=100, port0=8001):
    """`services` services over the same `per` addresses, service s on port port0 + s."""
    return [(vip(s), [(addr(d), port0 + s) for d in range(per)]) for s in range(services)]


def rvsadmd_conf(layout, interval):
    out = ["[defaults]",
           'check = { type = "tcp", interval = "%ds", timeout = "1s", rise = 1, fall = 1 }' % interval,
           'on_failure = "quiesce"', ""]
    for v, reals in layout:
        out += ["[[services]]", 'protocol = "tcp"', 'address = "%s"' % v, "port = 80",
                'scheduler = "wlc"', ""]
        for ip, port in reals:
            out += ["[[services.destinations]]", 'address = "%s"' % ip, "port = %d" % port,
                    'forward = "masq"', "weight = 1", ""]
    return "\n".join(out)


def keepalived_conf(layout, interval):
    out = ["global_defs {", "    router_id bench", "}"]
    for v, reals in layout:
        out += ["virtual_server %s 80 {" % v, "    delay_loop %d" % interval,
                "    lb_algo wlc", "    lb_kind NAT", "    protocol TCP"]
        for ip, port in reals:
            out += ["    real_server %s %d {" % (ip, port), "        weight 1",
                    "        inhibit_on_failure",
                    "        TCP_CHECK {", "            connect_timeout 1", "            retry 0",
                    "        }", "    }"]
        out += ["}"]
    return "\n".join(out) + "\n"


def ldirectord_conf(layout, interval):
    out = ["checktimeout=1", "checkinterval=%d" % interval, "quiescent=yes", "cleanstop=no"]
    for v, reals in layout:
        out += ["virtual=%s:80" % v]
        out += ["\treal=%s:%d masq 1" % (ip, port) for ip, port in reals]
        out += ["\tchecktype=connect", "\tscheduler=wlc"]
    return "\n".join(out) + "\n"


# rvsadmd-keepalived: rvsadmd reading keepalived's own file (--keepalived).
CONF = {"rvsadmd": (rvsadmd_conf, "rvsadmd.toml"), "keepalived": (keepalived_conf, "keepalived.conf"),
        "rvsadmd-keepalived": (keepalived_conf, "keepalived.conf"),
        "ldirectord": (ldirectord_conf, "ldirectord.cf")}


def dest_weights():
    """{(service, destination): weight} from `ipvsadm -Sn`."""
    out = subprocess.run(["ipvsadm", "-Sn"], capture_output=True, check=True).stdout.decode()
    w = {}
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "-a" and "-r" in f and "-w" in f:
            w[(f[2], f[f.index("-r") + 1])] = int(f[f.index("-w") + 1])
    return w


def table_weights():
    """{destination address: weight} from `ipvsadm -Sn` (the last service's
    weight where an address serves several)."""
    return {d.split(":")[0]: wt for (_, d), wt in dest_weights().items()}


def session_cpu(sid):
    """User + system seconds of every process in session `sid`."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[3]) == sid:  # field 6: session
            total += int(fields[11]) + int(fields[12])
    return total / tick


def start_tool(tool, a, conf_path, workdir):
    log = open(os.path.join(workdir, "%s.log" % tool), "w")
    if tool.startswith("rvsadmd"):
        flag = "--keepalived" if tool == "rvsadmd-keepalived" else "--config"
        argv = [a.rvsadmd, "run", flag, conf_path, "--control-socket",
                os.path.join(workdir, "ctl.sock"), "--state-file",
                os.path.join(workdir, "state.json"), "--poll", "5s"]
    elif tool == "keepalived":
        argv = ["keepalived", "-n", "-l", "-C", "-f", conf_path, "-p",
                os.path.join(workdir, "k.pid"), "-c", os.path.join(workdir, "kc.pid")]
    else:
        argv = ["/usr/sbin/ldirectord", "-d", conf_path, "start"]
    env = dict(os.environ, PERLIO="perlio")
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                            start_new_session=True, env=env), log


# The checkers run at every scale (ldirectord only up to --ldirectord-max).
CHECKERS = ["rvsadmd", "rvsadmd-keepalived", "keepalived"]


def stop_tool(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def read_accepts(path, t0, t1, prefix="10.1."):
    """{address: [times]} of the accepts between t0 and t1 at addresses
    starting with `prefix`."""
    per = {}
    with open(path) as f:
        for line in f:
            t, ip = line.split()
            t = float(t)
            if t0 <= t < t1 and ip.startswith(prefix):
                per.setdefault(ip, []).append(t)
    return per


def pct(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def wait_for(cond, timeout, step=0.2):
    t = time.time()
    while time.time() - t < timeout:
        if cond():
            return time.time() - t
        time.sleep(step)
    return None


def run_one(a, tool, n, interval, window):
    workdir = os.path.join(a.workdir, "dbench-%s-%d" % (tool, n))
    os.makedirs(workdir, exist_ok=True)
    fresh_netns()
    add_addrs(n)
    acc_log = os.path.join(workdir, "accepts.txt")
    backend = subprocess.Popen([a.backend, "80", acc_log, "2"])
    time.sleep(1)
    make, name = CONF[tool]
    conf = make(flat(n), interval)
    conf_path = os.path.join(workdir, name)
    with open(conf_path, "w") as f:
        f.write(conf)
    r = {"tool": tool, "n": n, "interval": interval}
    t_start = time.time()
    p, log = start_tool(tool, a, conf_path, workdir)
    up = wait_for(lambda: sum(1 for w in table_weights().values() if w > 0) == n, a.startup, 1.0)
    r["startup_s"] = up
    if up is None:
        r["error"] = "not all %d destinations up after %d s" % (n, a.startup)
        stop_tool(p)
        backend.send_signal(signal.SIGTERM)
        backend.wait()
        return r
    time.sleep(min(5, interval * 2))  # settle
    cpu0, t0 = session_cpu(p.pid), time.time()
    time.sleep(window)
    cpu1, t1 = session_cpu(p.pid), time.time()
    # Failures, one at a time.
    fail = []
    for i in range(10):
        ip = addr(i * (n // 10))
        subprocess.run(["ip", "addr", "del", ip + "/32", "dev", "lo"], check=True)
        t = time.time()
        dt = wait_for(lambda: table_weights().get(ip) == 0, interval * 3 + 10, 0.05)
        fail.append(dt if dt is not None else float("inf"))
        subprocess.run(["ip", "addr", "add", ip + "/32", "dev", "lo"], check=True)
        wait_for(lambda: table_weights().get(ip, 0) > 0, interval * 3 + 10, 0.2)
    # Everything at once.
    add_addrs(n, "del")
    t = time.time()
    r["all_fail_s"] = wait_for(lambda: all(w == 0 for w in table_weights().values()),
                               interval * 3 + 60, 0.2)
    stop_tool(p)
    log.close()
    backend.send_signal(signal.SIGTERM)
    backend.wait()
    per = read_accepts(acc_log, t0, t1)
    done = sum(len(v) for v in per.values())
    late = []
    gaps = []
    for ts in per.values():
        ts.sort()
        for x, y in zip(ts, ts[1:]):
            gaps.append(y - x)
            late.append(max(0.0, y - x - interval))
    span = t1 - t0
    r.update({
        "window_s": round(span, 1),
        "checks_per_s": done / span,
        "configured_per_s": n / interval,
        "cpu_s": cpu1 - cpu0,
        "cpu_per_1000": (cpu1 - cpu0) / (done / 1000) if done else float("nan"),
        "late_p50": pct(late, 0.5), "late_p99": pct(late, 0.99), "late_max": max(late or [0]),
        "gap_median": statistics.median(gaps) if gaps else float("nan"),
        "fail_median": statistics.median(fail), "fail_max": max(fail),
        "checked_dests": len(per),
    })
    if tool.startswith("rvsadmd"):
        biggest = 0
        with open(os.path.join(workdir, "%s.log" % tool)) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("event") == "batch":
                    biggest = max(biggest, e.get("changes", 0))
        r["largest_batch"] = biggest
    r["total_s"] = time.time() - t_start
    return r


def run_slow(a, tool, rate, window, interval=1):
    """1,000 checks (10 services x 100 addresses) every `interval` against a
    back end accepting at most `rate` connections a second."""
    workdir = os.path.join(a.workdir, "dbench-slow-%s-%d" % (tool, rate))
    os.makedirs(workdir, exist_ok=True)
    fresh_netns()
    layout = shared()
    n = sum(len(reals) for _, reals in layout)
    add_addrs(100)
    acc_log = os.path.join(workdir, "accepts.txt")
    backend = subprocess.Popen([a.backend, "8001-8010", acc_log, "1", str(rate)])
    time.sleep(1)
    make, name = CONF[tool]
    conf_path = os.path.join(workdir, name)
    with open(conf_path, "w") as f:
        f.write(make(layout, interval))
    r = {"tool": tool, "n": n, "interval": interval, "accept_cap": rate}
    p, log = start_tool(tool, a, conf_path, workdir)
    r["startup_s"] = wait_for(lambda: sum(1 for w in dest_weights().values() if w > 0) == n,
                              a.slow_startup, 1.0)
    time.sleep(5)  # settle
    cpu0, t0 = session_cpu(p.pid), time.time()
    last, downs, ever = {}, 0, set()
    while time.time() < t0 + window:
        w = dest_weights()
        for k, v in w.items():
            if v == 0:
                ever.add(k)
                if last.get(k, 1) > 0:
                    downs += 1
        last = w
        time.sleep(0.5)
    cpu1, t1 = session_cpu(p.pid), time.time()
    stop_tool(p)
    log.close()
    backend.send_signal(signal.SIGTERM)
    backend.wait()
    per = read_accepts(acc_log, t0, t1)
    done = sum(len(v) for v in per.values())
    r.update({"window_s": round(t1 - t0, 1), "checks_per_s": done / (t1 - t0),
              "configured_per_s": n / interval, "false_downs": downs,
              "dests_ever_down": len(ever),
              "cpu_per_1000": (cpu1 - cpu0) / (done / 1000) if done else float("nan")})
    return r


# --check-kinds: rvsadmd alone, one kind of check at a time.
AGENT_PORT, AGENT_WEIGHT, AGENT_REPLY, AGENT_WANT = 3333, 10, "50%", 5
RS_NS = "dbench-rs"


def kinds_conf(kind, layout, interval):
    """rvsadmd's TOML for `kind`: the rvsadmd row's for tcp; a feedback agent
    and no check (weight 10) for agent; TCP checks through the VIP of
    direct-routing destinations for via_vip."""
    if kind == "tcp":
        return rvsadmd_conf(layout, interval)
    if kind == "agent":
        head = ['agent = { port = %d, interval = "%ds", timeout = "1s" }' % (AGENT_PORT, interval)]
        dest = ["checks = []", 'forward = "masq"', "weight = %d" % AGENT_WEIGHT]
    else:
        head = ['check = { type = "tcp", via_vip = true, close = "reset", interval = "%ds", timeout = "1s", '
                'rise = 1, fall = 1 }' % interval]
        dest = ['forward = "route"', "weight = 1"]
    out = ["[defaults]"] + head + ['on_failure = "quiesce"', ""]
    for v, reals in layout:
        out += ["[[services]]", 'protocol = "tcp"', 'address = "%s"' % v, "port = 80",
                'scheduler = "wlc"', ""]
        for ip, port in reals:
            out += ["[[services.destinations]]", 'address = "%s"' % ip, "port = %d" % port] + dest + [""]
    return "\n".join(out)


def sh(script):
    subprocess.run(["bash", "-ec", script], check=True)


def dr_topology(layout, backend_argv):
    """This namespace as the director, a real-server namespace behind a veth
    holding every destination's address and every VIP on `lo`; the back end
    started there. Returns its Popen."""
    subprocess.run(["ip", "netns", "del", RS_NS], stderr=subprocess.DEVNULL)
    sh("""ip netns add {rs}; ip -n {rs} link set lo up
          ip link add vd type veth peer name vr netns {rs}
          ip addr add 10.255.0.1/30 dev vd; ip link set vd up
          ip -n {rs} addr add 10.255.0.2/30 dev vr; ip -n {rs} link set vr up
          ip route add 10.1.0.0/16 via 10.255.0.2
          sysctl -qw net.ipv4.conf.vd.accept_local=1 net.ipv4.conf.all.rp_filter=0 \\
              net.ipv4.conf.vd.rp_filter=0
          ip netns exec {rs} sysctl -qw net.ipv4.conf.all.arp_ignore=1 \\
              net.ipv4.conf.all.arp_announce=2""".format(rs=RS_NS))
    vips = [v for v, _ in layout]
    reals = [ip for _, rs in layout for ip, _ in rs]
    subprocess.run(["ip", "-batch", "-"], check=True, input="".join(
        "addr add %s/32 dev lo\n" % v for v in vips).encode())
    subprocess.run(["ip", "-n", RS_NS, "-batch", "-"], check=True, input="".join(
        "addr add %s/32 dev lo\n" % x for x in vips + reals).encode())
    return subprocess.Popen(["ip", "netns", "exec", RS_NS] + backend_argv)


def kind_state(kind, n):
    """Whether the table shows every destination as `kind` wants it: up
    (agent: at the weight the agent's answer makes), and for via_vip one
    fwmark service per destination."""
    w = dest_weights()
    mine = [wt for (svc, _), wt in w.items() if not svc.isdigit()]
    if len(mine) != n:
        return False
    if kind == "agent":
        return all(x == AGENT_WANT for x in mine)
    if kind == "via_vip":
        marks = {svc for (svc, _) in w if svc.isdigit()}
        if len(marks) != n:
            return False
    return all(x > 0 for x in mine)


def run_kind(a, kind, n, interval, window, rep):
    workdir = os.path.join(a.workdir, "dbench-kind-%s-%d" % (kind, rep))
    os.makedirs(workdir, exist_ok=True)
    fresh_netns()
    layout = flat(n)
    acc_log = os.path.join(workdir, "accepts.txt")
    r = {"kind": kind, "n": n, "interval": interval, "rep": rep}
    if kind == "via_vip":
        backend = dr_topology(layout, [a.backend, "80", acc_log, "2"])
        reached = "198.18."  # the VIPs
    else:
        add_addrs(n)
        port, extra = (AGENT_PORT, ["0", AGENT_REPLY]) if kind == "agent" else (80, [])
        backend = subprocess.Popen([a.backend, str(port), acc_log, "2"] + extra)
        reached = "10.1."
    time.sleep(1)
    conf_path = os.path.join(workdir, "rvsadmd.toml")
    with open(conf_path, "w") as f:
        f.write(kinds_conf(kind, layout, interval))
    p, log = start_tool("rvsadmd", a, conf_path, workdir)
    r["startup_s"] = wait_for(lambda: kind_state(kind, n), a.startup, 1.0)
    if r["startup_s"] is not None:
        time.sleep(min(5, interval * 2))  # settle
        cpu0, t0 = session_cpu(p.pid), time.time()
        time.sleep(window)
        cpu1, t1 = session_cpu(p.pid), time.time()
        still = kind_state(kind, n)
    stop_tool(p)
    log.close()
    backend.send_signal(signal.SIGTERM)
    backend.wait()
    if kind == "via_vip":
        subprocess.run(["ip", "netns", "del", RS_NS], check=True)
    if r["startup_s"] is None:
        r["error"] = "the table not as %s checks want it after %d s" % (kind, a.startup)
        return r
    if not still:
        r["error"] = "the table no longer as %s checks want it after the window" % kind
        return r
    per = read_accepts(acc_log, t0, t1, reached)
    done = sum(len(v) for v in per.values())
    r.update({"window_s": round(t1 - t0, 1), "checks_per_s": done / (t1 - t0),
              "configured_per_s": n / interval, "cpu_s": cpu1 - cpu0,
              "cpu_per_1000": (cpu1 - cpu0) / (done / 1000) if done else float("nan"),
              "addresses_reached": len(per)})
    return r


def spread(rs, key):
    """`median (min-max)` of `key` over the runs `rs`."""
    xs = [r[key] for r in rs]
    return statistics.median(xs), min(xs), max(xs)


def write_kinds(f, kinds):
    ok = [r for r in kinds if "error" not in r]
    order = list(dict.fromkeys(r["kind"] for r in kinds))
    base = [r for r in ok if r["kind"] == "tcp"]
    base_cpu = spread(base, "cpu_per_1000")[0] if base else None
    f.write("\n| rvsadmd, 1,000 destinations every 1 s | runs | checks/s done / configured, "
            "median (min-max) | CPU s per 1,000 checks, median (min-max) | against plain TCP |\n")
    f.write("|---|---:|---:|---:|---:|\n")
    for k in order:
        rs = [r for r in ok if r["kind"] == k]
        if not rs:
            f.write("| %s | 0 | | | |\n" % k)
            continue
        c, cpu = spread(rs, "checks_per_s"), spread(rs, "cpu_per_1000")
        ratio = "%.2f x" % (cpu[0] / base_cpu) if base_cpu else "-"
        f.write("| %s | %d | %.0f (%.0f-%.0f) / %.0f | %.3f (%.3f-%.3f) | %s |\n" % (
            k, len(rs), c[0], c[1], c[2], rs[0]["configured_per_s"], cpu[0], cpu[1], cpu[2], ratio))
    f.write("\n")
    for r in kinds:
        if "error" in r:
            f.write("- %s, run %d: %s\n" % (r["kind"], r["rep"], r["error"]))
    f.write("- raw results (kinds of check): %s\n" % json.dumps(kinds))


def fmt(x, spec="%.2f"):
    if x is None:
        return "-"
    if isinstance(x, float) and (x != x or x == float("inf")):
        return "-"
    return spec % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rvsadmd", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workdir", default="/tmp")
    ap.add_argument("--scales", default="1000:1,10000:10",
                    help="N:INTERVAL pairs (destinations, seconds)")
    ap.add_argument("--ldirectord-max", type=int, default=100,
                    help="the largest N ldirectord is run on (it checks serially and forks "
                         "ipvsadm three times per change)")
    ap.add_argument("--startup", type=int, default=600)
    ap.add_argument("--tools", default="rvsadmd,rvsadmd-keepalived,keepalived,ldirectord")
    ap.add_argument("--slow-rate", type=int, default=0,
                    help="also run 1,000 checks/s against a back end accepting at most this "
                         "many connections a second (0: not)")
    ap.add_argument("--slow-startup", type=int, default=60)
    ap.add_argument("--check-kinds", default="",
                    help="also run rvsadmd alone at 1,000 destinations every second with each of "
                         "these kinds of check: tcp, agent, via_vip (comma-separated; empty: not)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each kind of check")
    ap.add_argument("--check-window", type=int, default=20,
                    help="seconds measured in each run of a kind of check")
    a = ap.parse_args()
    results = []
    slow = []
    kinds = []
    wanted = [k for k in a.check_kinds.split(",") if k and k != "none"]
    for k in wanted:
        if k not in ("tcp", "agent", "via_vip"):
            ap.error("--check-kinds: %s is not tcp, agent or via_vip" % k)
    for rep in range(1, a.reps + 1 if wanted else 1):
        for kind in wanted:
            print("daemon bench: rvsadmd, %s checks of 1,000 destinations every 1 s, run %d"
                  % (kind, rep), file=sys.stderr)
            r = run_kind(a, kind, 1000, 1, a.check_window, rep)
            print(json.dumps(r), file=sys.stderr)
            kinds.append(r)
    if a.slow_rate:
        for tool in [t for t in CHECKERS if t in a.tools.split(",")]:
            print("daemon bench: %s, 1,000 checks/s against a slow accepter (%d/s)"
                  % (tool, a.slow_rate), file=sys.stderr)
            r = run_slow(a, tool, a.slow_rate, 60)
            print(json.dumps(r), file=sys.stderr)
            slow.append(r)
    for pair in [p for p in a.scales.split(",") if p and p != "none"]:
        n, interval = (int(x) for x in pair.split(":"))
        window = max(30, interval * 4)
        want = a.tools.split(",")
        tools = [t for t in CHECKERS if t in want] + (
            ["ldirectord"] if n <= a.ldirectord_max and "ldirectord" in want else [])
        for tool in tools:
            print("daemon bench: %s, %d destinations every %d s" % (tool, n, interval),
                  file=sys.stderr)
            r = run_one(a, tool, n, interval, window)
            print(json.dumps(r), file=sys.stderr)
            results.append(r)
        if n > a.ldirectord_max and a.ldirectord_max >= 10 and "ldirectord" in want:
            m = a.ldirectord_max
            print("daemon bench: ldirectord, %d destinations every %d s" % (m, interval),
                  file=sys.stderr)
            r = run_one(a, "ldirectord", m, interval, max(30, interval * 4))
            print(json.dumps(r), file=sys.stderr)
            results.append(r)
    with open(a.out, "w") as f:
        if results:
            f.write("| checker | destinations, interval | checks/s done / configured | CPU s per 1,000 checks "
                    "| lateness p50 / p99 / max s | median gap s | failure to weight 0, median / max s "
                    "| all fail to weight 0 s | start-up s |\n")
            f.write("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
            for r in results:
                if "error" in r:
                    f.write("| %s | %d, %d s | %s | | | | | | |\n" % (r["tool"], r["n"], r["interval"], r["error"]))
                    continue
                f.write("| %s | %d, %d s | %.0f / %.0f | %.3f | %s / %s / %s | %s | %s / %s | %s | %s |\n" % (
                    r["tool"], r["n"], r["interval"], r["checks_per_s"], r["configured_per_s"],
                    r["cpu_per_1000"], fmt(r["late_p50"]), fmt(r["late_p99"]), fmt(r["late_max"]),
                    fmt(r["gap_median"]), fmt(r["fail_median"]), fmt(r["fail_max"]),
                    fmt(r.get("all_fail_s"), "%.1f"), fmt(r.get("startup_s"), "%.0f")))
            f.write("\n")
            for r in results:
                if r.get("largest_batch") is not None:
                    f.write("- rvsadmd, %d destinations: the largest batch it wrote held %d changes\n"
                            % (r["n"], r["largest_batch"]))
            f.write("- raw results: %s\n" % json.dumps(results))
        if slow:
            f.write("\n| checker | 1,000 TCP checks/s against a slow accepter (cap/s) "
                    "| checks/s done / configured | false downs (destinations) "
                    "| CPU s per 1,000 checks | all up after s |\n")
            f.write("|---|---:|---:|---:|---:|---:|\n")
            for r in slow:
                f.write("| %s | %d | %.0f / %.0f | %d (%d) | %.3f | %s |\n" % (
                    r["tool"], r["accept_cap"], r["checks_per_s"], r["configured_per_s"],
                    r["false_downs"], r["dests_ever_down"], r["cpu_per_1000"],
                    fmt(r.get("startup_s"), "%.0f")))
            f.write("\n- raw results (slow accepter): %s\n" % json.dumps(slow))
        if kinds:
            write_kinds(f, kinds)
    sys.stdout.write(open(a.out).read())


if __name__ == "__main__":
    main()
