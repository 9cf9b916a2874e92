#!/bin/bash
# Inside the VM: (1) ipvsadm -c on crafted /proc/net/ip_vs_conn contents
# (bind-mounted in a private mount ns); (2) stats after traffic; (3) mixed-AF truncation.
B=$(cd "$(dirname "$0")" && pwd)
D=$B/out3; rm -rf "$D"; mkdir -p "$D"
cap() { n=$1; shift; "$@" >"$D/$n.out" 2>"$D/$n.err"; echo $? >"$D/$n.rc"; }
for f in "$B"/in3/*.txt; do
  n=$(basename "$f" .txt)
  unshare -m sh -c "mount --bind '$f' /proc/net/ip_vs_conn && ipvsadm -Lnc >'$D/c_$n.Lnc.out' 2>'$D/c_$n.Lnc.err'; echo \$? >'$D/c_$n.Lnc.rc'; ipvsadm -Lnc --persistent-conn >'$D/c_$n.Lncp.out' 2>'$D/c_$n.Lncp.err'; echo \$? >'$D/c_$n.Lncp.rc'; ipvsadm -Lc >'$D/c_$n.Lc.out' 2>'$D/c_$n.Lc.err'; echo \$? >'$D/c_$n.Lc.rc'"
done
# truncation and af of dest names
cp "$B/hosts3" "$D/hosts3.used"
unshare -m sh -c "mount --bind '$B/hosts3' /etc/hosts; \
 ipvsadm -A -t [2001:db8::1]:443 -s rr; ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.1:443 -i; \
 ipvsadm -A -t 10.9.0.1:80 -s rr; ipvsadm -a -t 10.9.0.1:80 -r [2001:db8::77]:80 -i; \
 ipvsadm -A -t [2001:db8::2]:80 -s rr; \
 ipvsadm -L > '$D/mixed_L.out' 2>&1; ipvsadm -S > '$D/mixed_S.out' 2>&1; ipvsadm -Ln > '$D/mixed_Ln.out' 2>&1; ipvsadm -C"
# stats after traffic
ip link add d0 type dummy; ip link set d0 up; ip addr add 10.20.0.1/24 dev d0
ipvsadm -A -t 10.20.0.1:80 -s rr
ipvsadm -a -t 10.20.0.1:80 -r 10.20.0.1:8080 -m
ipvsadm -A -u 10.20.0.1:53 -s rr
ipvsadm -a -u 10.20.0.1:53 -r 10.20.0.50:53 -m
ipvsadm -a -u 10.20.0.1:53 -r 10.20.0.51:53 -m
python3 - <<'PY'
import socket, time
l4 = socket.socket(); l4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l4.bind(("0.0.0.0", 8080)); l4.listen(50)
keep = []
for i in range(20):
    s = socket.socket(); s.connect(("10.20.0.1", 80)); keep.append(s)
    c, _ = l4.accept(); keep.append(c)
    s.sendall(b"x" * 1000 * (i + 1)); c.recv(100000); c.sendall(b"y" * 500)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(300):
    u.sendto(b"z" * 200, ("10.20.0.1", 53))
time.sleep(3)
for s in keep: s.close()
PY
cap st_exact ipvsadm -Ln --stats --exact
cap st ipvsadm -Ln --stats
cap rt_exact ipvsadm -Ln --rate --exact
cap rt ipvsadm -Ln --rate
cap rt_exact2 ipvsadm -Ln --rate --exact
cap pconn ipvsadm -Ln --persistent-conn
cap dflt ipvsadm -Ln
cap thr ipvsadm -Ln --thresholds
echo done
