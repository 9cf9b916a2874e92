#!/bin/bash
# Runs inside the VM in a fresh netns: daemons and connection entries.
D=$(cd "$(dirname "$0")" && pwd)/out2
rm -rf "$D"; mkdir -p "$D"
cap() { n=$1; shift; "$@" >"$D/$n.out" 2>"$D/$n.err"; echo $? >"$D/$n.rc"; }
ip link add d0 type dummy; ip link set d0 up; ip addr add 10.20.0.1/24 dev d0
ip -6 addr add fd00::1/64 dev d0 nodad
cap daemon_start_m ipvsadm --start-daemon master --mcast-interface d0
cap Ln_daemon_m ipvsadm -Ln --daemon
cap daemon_start_b ipvsadm --start-daemon backup --mcast-interface d0 --syncid 7 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1000
cap Ln_daemon_mb ipvsadm -Ln --daemon
cap L_daemon_mb ipvsadm -L --daemon
ipvsadm --stop-daemon master
cap Ln_daemon_b ipvsadm -Ln --daemon
ipvsadm --stop-daemon backup
cap daemon_start_m6 ipvsadm --start-daemon master --mcast-interface d0 --syncid 255 --mcast-group ff02::1:3
cap Ln_daemon_m6 ipvsadm -Ln --daemon
ipvsadm --stop-daemon master
cap Ln_daemon_none ipvsadm -Ln --daemon
# connections
ipvsadm -A -t 10.20.0.1:80 -s rr
ipvsadm -a -t 10.20.0.1:80 -r 10.20.0.1:8080 -m
ipvsadm -A -u 10.20.0.1:53 -s rr
ipvsadm -a -u 10.20.0.1:53 -r 10.20.0.50:53 -m
ipvsadm -A -t 10.20.0.1:443 -s rr -p 120
ipvsadm -a -t 10.20.0.1:443 -r 10.20.0.60:443 -m
ipvsadm -A -t [fd00::1]:80 -s rr
ipvsadm -a -t [fd00::1]:80 -r [fd00::1]:8080 -m
ipvsadm -A -t [fd00::1]:81 -s rr
ipvsadm -a -t [fd00::1]:81 -r 10.20.0.70:81 -i
ipvsadm -A -u 10.20.0.1:5060 -s rr -p 60 --pe sip
ipvsadm -a -u 10.20.0.1:5060 -r 10.20.0.51:5060 -m
ipvsadm -Ln > "$D/table.txt"
export D; python3 - <<'PY' > "$D/py.log" 2>&1
import socket, time
l4 = socket.socket(); l4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l4.bind(("0.0.0.0", 8080)); l4.listen(5)
l6 = socket.socket(socket.AF_INET6); l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); l6.bind(("::", 8080)); l6.listen(5)
keep = []
for addr, fam in ((("10.20.0.1", 80), socket.AF_INET), (("fd00::1", 80), socket.AF_INET6)):
    try:
        s = socket.socket(fam); s.settimeout(2); s.connect(addr); keep.append(s); print("connected", addr)
    except Exception as e: print("connect", addr, e)
for addr, fam in ((("10.20.0.1", 443), socket.AF_INET), (("fd00::1", 81), socket.AF_INET6)):
    s = socket.socket(fam); s.setblocking(False)
    try: s.connect(addr)
    except Exception as e: print("nb connect", addr, e)
    keep.append(s)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"x", ("10.20.0.1", 53))
sip = b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.20.0.1\r\nCall-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.sendto(sip, ("10.20.0.1", 5060))
time.sleep(1)
import subprocess
open("/proc/net/ip_vs_conn").read()
subprocess.run(["sh", "-c", "cat /proc/net/ip_vs_conn > $D/proc_conn.txt; cat /proc/net/ip_vs_conn_sync > $D/proc_conn_sync.txt; ipvsadm -Lnc > $D/Lnc.out; ipvsadm -Lnc --persistent-conn > $D/Lnc_pconn.out; ipvsadm -Lc > $D/Lc.out; ipvsadm -Lc --persistent-conn > $D/Lc_pconn.out; cat /proc/net/ip_vs_conn > $D/proc_conn2.txt"])
PY
echo done
