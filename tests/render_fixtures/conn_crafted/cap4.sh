#!/bin/bash
# Inside the VM: ipvsadm -c on crafted /proc/net/ip_vs_conn contents. A private
# mount ns gets a fake /proc holding only net/ip_vs_conn.
B=$(cd "$(dirname "$0")" && pwd)
D=$B/out4; rm -rf "$D"; mkdir -p "$D"
for f in "$B"/in3/*.txt; do
  n=$(basename "$f" .txt)
  rm -rf "$B/fp.$n"; mkdir -p "$B/fp.$n/net"; cp "$f" "$B/fp.$n/net/ip_vs_conn"
  unshare -m sh -c "mount --bind '$B/fp.$n' /proc || exit 9; cat /proc/net/ip_vs_conn > '$D/c_$n.copy'; /usr/sbin/ipvsadm -Lnc >'$D/c_$n.Lnc.out' 2>'$D/c_$n.Lnc.err'; echo \$? >'$D/c_$n.Lnc.rc'; /usr/sbin/ipvsadm -Lnc --persistent-conn >'$D/c_$n.Lncp.out' 2>'$D/c_$n.Lncp.err'; echo \$? >'$D/c_$n.Lncp.rc'; /usr/sbin/ipvsadm -Lc >'$D/c_$n.Lc.out' 2>'$D/c_$n.Lc.err'; echo \$? >'$D/c_$n.Lc.rc'"
done
rm -rf "$B"/fp.*
# missing file
mkdir -p "$B/fp.none/net"
unshare -m sh -c "mount --bind '$B/fp.none' /proc || exit 9; /usr/sbin/ipvsadm -Lnc >'$D/c_none.Lnc.out' 2>'$D/c_none.Lnc.err'; echo \$? >'$D/c_none.Lnc.rc'"
rm -rf "$B/fp.none"
echo done
