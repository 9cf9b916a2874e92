#!/usr/bin/env python3
"""Benchmark rvsadm against ipvsadm 1.31 inside one VM boot.

Run through benches/run (which builds rvsadm in release mode and boots the
VM); this script runs inside the VM as root. For each table size N it builds
a restore file of N services x 4 destinations (mixed TCP/UDP/fwmark, one
service in ten IPv6), then, in a fresh network namespace, for each of these
operations the two tools take turns in every repetition:

  restore  `-R < file` into the empty table of a fresh namespace
  restore after -C  the same right after `-C` of the full table (see
           empty_netns() for why that differs)
  -Ln      list numeric
  -Sn      save numeric
  --stats  `-L -n --stats`
  -C       flush the full table (reloaded before each repetition)
  -C (empty table)  start-up and one request, nothing to flush

and the library's batch API directly (examples/batch_restore). Each is
repeated REPS times; medians of wall time and the peak RSS of the child are
reported, with the ratio rvsadm/ipvsadm. Output is a markdown table.
"""

import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def fresh_netns():
    if libc.unshare(CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "unshare(CLONE_NEWNET): " + os.strerror(e))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


# Namespaces left by empty_netns(), kept open until the end of a table size
# so that their clean-up does not run while something is timed.
KEPT = []


def empty_netns():
    """A table with no history: flush, then a fresh namespace. The kernel
    keeps deleted destinations in a per-namespace trash for up to a few
    minutes and every added destination scans that trash, so a restore just
    after a flush of a large table is slower for any client (the `restore
    after -C` row), and by an amount that depends on the trash's age."""
    flush()
    KEPT.append(os.open("/proc/thread-self/ns/net", os.O_RDONLY))
    fresh_netns()


def release_kept():
    while KEPT:
        os.close(KEPT.pop())


def restore_text(n):
    """N services x 4 dests: TCP, UDP, fwmark; every tenth service IPv6."""
    lines = []
    for i in range(n):
        kind = i % 3
        v6 = i % 10 == 9
        if kind == 2:
            svc = "-f %d" % (i + 1) + (" -6" if v6 else "")
        else:
            flag = "-t" if kind == 0 else "-u"
            if v6:
                svc = "%s [2001:db8::%x:%x]:%d" % (flag, i >> 16, i & 0xFFFF, 80 + i % 7)
            else:
                svc = "%s 10.%d.%d.%d:%d" % (flag, (i >> 16) & 255, (i >> 8) & 255, i & 255, 80 + i % 7)
        lines.append("-A %s -s wlc" % svc)
        for d in range(4):
            if v6:
                rs = "[2001:db8:1::%x:%x]:8080" % (i & 0xFFFF, d + 1)
            else:
                rs = "172.%d.%d.%d:8080" % (16 + d, (i >> 8) & 255, i & 255)
            lines.append("-a %s -r %s -m -w %d" % (svc, rs, d + 1))
    return "\n".join(lines) + "\n"


def timed(argv, stdin_path=None):
    """Run argv; return (wall seconds, peak RSS KiB, user s, system s, stderr).

    Everything comes from GNU time (`/usr/bin/time -f '%e %M %U %S'`), which
    measures the program alone, from its fork to its exit: the wall time
    seen from here would add the start-up of GNU time itself and the fork
    of this Python process (about 0.1 s under emulation, the same for both
    tools, which would understate every ratio), and the rusage a parent gets
    from wait4 counts the memory of the forked Python before exec. User and
    system CPU time are time spent in the program vs in the kernel on its
    behalf. GNU time prints the wall time to 10 ms."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M %U %S"] + argv,
                       stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if stdin_path:
        stdin.close()
    err = p.stderr.decode(errors="replace")
    rss, user, system = 0, 0.0, 0.0
    rest = []
    for line in err.splitlines():
        if line.startswith("@@ "):
            _, e, a, b, c = line.split()
            dt, rss, user, system = float(e), int(a), float(b), float(c)
        else:
            rest.append(line)
    return dt, rss, user, system, "\n".join(rest)


def flush():
    subprocess.run(["ipvsadm", "-C"], check=True)


def state():
    return subprocess.run(["ipvsadm", "-Sn"], check=True, capture_output=True).stdout


def load(path, loader):
    """Fill the table from `path` (untimed set-up)."""
    with open(path, "rb") as f:
        subprocess.run([loader, "-R"], stdin=f, check=True)


def bench_tools(tools, path, reps, loader):
    """All operations for each tool; returns {tool: {op: (median s, max rss
    KiB, median user s, median sys s)}}. The tools take turns within each
    repetition, so that slow drifts of the machine (and the kernel's own
    periodic work, such as its rate estimators walking the table every 2 s,
    which is charged to whichever process runs) fall on both alike.
    `loader` fills the table before the timed -C runs (untimed)."""
    ops = [
        ("restore", ["-R"], path),
        ("restore after -C", ["-R"], path),
        ("-Ln", ["-Ln"], None),
        ("-Sn", ["-Sn"], None),
        ("-L -n --stats", ["-L", "-n", "--stats"], None),
        ("-C", ["-C"], None),
        ("-C (empty table)", ["-C"], None),
    ]
    samples = {t: {} for t in tools}
    for name, args, stdin in ops:
        for _ in range(reps):
            for tool in tools:
                if name == "restore":
                    empty_netns()
                elif name in ("restore after -C", "-C (empty table)"):
                    flush()
                elif name == "-C":
                    flush()
                    load(path, loader)
                dt, kb, us, sy, err = timed([tool] + args, stdin)
                if err.strip():
                    print("warning: %s %s: %s" % (tool, name, err.strip()[:200]), file=sys.stderr)
                samples[tool].setdefault(name, []).append((dt, kb, us, sy))
    res = {}
    for tool in tools:
        res[tool] = {}
        for name, runs in samples[tool].items():
            res[tool][name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs),
                               statistics.median(r[2] for r in runs),
                               statistics.median(r[3] for r in runs))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rvsadm", required=True)
    ap.add_argument("--batch-example", required=True)
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workdir", default="/tmp")
    a = ap.parse_args()

    rows = []
    notes = []
    for n in [int(x) for x in a.sizes.split(",")]:
        fresh_netns()
        path = os.path.join(a.workdir, "restore-%d.txt" % n)
        with open(path, "w") as f:
            f.write(restore_text(n))
        both = bench_tools(["ipvsadm", a.rvsadm], path, a.reps, a.rvsadm)
        ip, rv = both["ipvsadm"], both[a.rvsadm]
        flush()
        subprocess.run(["ipvsadm", "-R"], stdin=open(path, "rb"), check=True)
        want = state()
        flush()
        subprocess.run([a.rvsadm, "-R"], stdin=open(path, "rb"), check=True)
        got = state()
        same = "identical" if got == want else "DIFFERENT"
        notes.append("N=%d: state after `rvsadm -R` vs `ipvsadm -R` (`ipvsadm -Sn`): %s" % (n, same))
        # Library batch API directly.
        times, rss, users, systems = [], [], [], []
        for _ in range(a.reps):
            empty_netns()
            dt, kb, us, sy, err = timed([a.batch_example, path])
            if err.strip():
                print("warning: batch: %s" % err.strip()[:200], file=sys.stderr)
            times.append(dt)
            rss.append(kb)
            users.append(us)
            systems.append(sy)
        got_batch = state()
        notes.append("N=%d: state after the batch API vs `ipvsadm -R`: %s"
                     % (n, "identical" if got_batch == want else "DIFFERENT"))
        for op in ["restore", "restore after -C", "-Ln", "-Sn", "-L -n --stats", "-C",
                   "-C (empty table)"]:
            rows.append((n, op, ip[op], rv[op]))
        rows.append((n, "batch API", ip["restore"],
                     (statistics.median(times), max(rss), statistics.median(users),
                      statistics.median(systems))))
        flush()
        os.unlink(path)
        release_kept()

    with open(a.out, "w") as f:
        f.write("| N services (x4 dests) | operation | ipvsadm s | rvsadm s | rvsadm/ipvsadm | speed-up "
                "| ipvsadm user/sys s | rvsadm user/sys s | ipvsadm RSS KiB | rvsadm RSS KiB |\n")
        f.write("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for n, op, (ti, ri, ui, si), (tr, rr, ur, sr) in rows:
            ratio = tr / ti if ti else 0.0
            f.write("| %d | %s | %.3f | %.3f | %.3f | %.1fx | %.2f / %.2f | %.2f / %.2f | %d | %d |\n"
                    % (n, op, ti, tr, ratio, (1 / ratio) if ratio else 0, ui, si, ur, sr, ri, rr))
        f.write("\n")
        for line in notes:
            f.write("- %s\n" % line)
        # What the kernel leaves possible: rvsadm cannot take less wall
        # time than the kernel spends on its behalf (sys), so ipvsadm's wall
        # time over rvsadm's sys time bounds the speed-up of any client
        # that makes the same kernel calls.
        for n, op, (ti, ri, ui, si), (tr, rr, ur, sr) in rows:
            if op in ("restore", "restore after -C", "-Ln", "-Sn") and sr > 0:
                f.write("- N=%d %s: rvsadm's kernel time %.2f s of %.2f s wall; a client "
                        "spending no time of its own would be at most %.1fx faster than ipvsadm\n"
                        % (n, op, sr, tr, ti / sr))
        ln = {n: rv[1] for n, op, _, rv in rows if op == "-Ln"}
        for small, big in [(1000, 10000)]:
            if small in ln and big in ln and ln[small]:
                f.write("- `-Ln` peak RSS at N=%d / N=%d: %d / %d KiB = %.2fx\n"
                        % (big, small, ln[big], ln[small], ln[big] / ln[small]))
        f.write("- medians of %d runs (wall, user and system CPU); RSS is the largest of the runs; "
                "`batch API` row compares examples/batch_restore with `ipvsadm -R`\n" % a.reps)
        f.write("- user = CPU time in the program, sys = CPU time in the kernel on its behalf "
                "(netlink and IPVS work); under CPU emulation only ratios within one run mean anything\n")
    sys.stdout.write(open(a.out).read())


if __name__ == "__main__":
    main()
