#!/bin/bash
# Runs inside the VM: build a table with ipvsadm in a fresh netns, capture every listing format.
D=$(cd "$(dirname "$0")" && pwd)/out1
rm -rf "$D"; mkdir -p "$D"
cap() { n=$1; shift; "$@" >"$D/$n.out" 2>"$D/$n.err"; echo $? >"$D/$n.rc"; }
set -x
ipvsadm -A -t 192.168.1.1:80 -s rr
ipvsadm -a -t 192.168.1.1:80 -r 10.0.0.2:80 -m -w 3
ipvsadm -a -t 192.168.1.1:80 -r 10.0.0.1:8080 -m -w 0
ipvsadm -a -t 192.168.1.1:80 -r 192.168.2.1:80 -i -x 100 -y 50
ipvsadm -a -t 192.168.1.1:80 -r 1.2.3.5:80 -g -w 2147483647
ipvsadm -A -t 1.2.3.4:443 -s wlc -p 600 -M 255.255.255.0
ipvsadm -a -t 1.2.3.4:443 -r 10.1.1.1:443 -m
ipvsadm -A -t 1.2.3.4:444 -s wlc -p -M 24
ipvsadm -A -u 1.2.3.4:53 -s sh -b sh-fallback,sh-port -o
ipvsadm -a -u 1.2.3.4:53 -r 10.1.1.2:53 -m
ipvsadm -A -u 10.9.9.9:5060 -s rr -p 30 --pe sip
ipvsadm -A -t 10.9.9.9:5060 -s rr --pe sip
ipvsadm -A --sctp-service 10.0.0.5:9999 -s mh -b mh-port
ipvsadm -a --sctp-service 10.0.0.5:9999 -r 10.0.0.6:9999 -m
ipvsadm -A -t 10.0.0.6:1 -s sh -b flag-3
ipvsadm -A -t 10.0.0.6:2 -s rr -b flag-1,flag-2,flag-3
ipvsadm -A -t 10.0.0.6:3 -s mh -b mh-fallback,flag-3 -p 5
ipvsadm -A -f 1 -s rr
ipvsadm -a -f 1 -r 10.2.0.1:0 -g
ipvsadm -a -f 1 -r 10.2.0.2:80 -m
ipvsadm -A -f 4294967295 -s lc
ipvsadm -A -f 2147483648 -s lc
ipvsadm -A -f 2 -6 -s rr -p 100 -M 64
ipvsadm -a -f 2 -6 -r [2001:db8::5]:80 -m
ipvsadm -A -f 3 -6 -s rr
ipvsadm -A -t [2001:db8::1]:443 -s wrr
ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 -m
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.1:443 -i --tun-type gue --tun-port 6080 --tun-csum
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.2:443 -i --tun-type gre --tun-remcsum
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.3:443 -i --tun-type ipip
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.4:443 -i --tun-type gue --tun-port 1 --tun-remcsum
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.5:443 -i --tun-type gue --tun-port 65535
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.6:443 -i --tun-type gre --tun-csum
ipvsadm -a -t [2001:db8::1]:443 -r 10.3.0.7:443 -i --tun-type gre
ipvsadm -A -t [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 -s dh -p 10 -M 96
ipvsadm -a -t [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 -r [2001:db8:aaaa:bbbb:cccc:dddd:eeee:fff0]:65535 -m -x 7 -y 3
ipvsadm -A -t 255.255.255.254:65535 -s nq
ipvsadm -A -u 10.0.0.7:0 -s sed -p 1
ipvsadm -A -u 10.0.0.7:1 -s fo -o
ipvsadm -A -u 10.0.0.7:2 -s ovf
ipvsadm -A -u 10.0.0.7:3 -s lblc
ipvsadm -A -u 10.0.0.7:4 -s lblcr
set +x
for f in "" n; do
cap L$f ipvsadm -L$f
cap L${f}_stats ipvsadm -L$f --stats
cap L${f}_rate ipvsadm -L$f --rate
cap L${f}_thresholds ipvsadm -L$f --thresholds
cap L${f}_pconn ipvsadm -L$f --persistent-conn
cap L${f}_tun ipvsadm -L$f --tun-info
cap L${f}_exact_stats ipvsadm -L$f --exact --stats
cap L${f}_nosort ipvsadm -L$f --nosort
cap S$f ipvsadm -S$f
done
cap Ln_svc_v6 ipvsadm -Ln -t [2001:db8::1]:443
cap Ln_svc_fwm ipvsadm -Ln -f 1
cap Ln_svc_fwm_stats ipvsadm -Ln -f 1 --stats
cap L_svc_v4 ipvsadm -L -t 192.168.1.1:80
cap Ln_timeout ipvsadm -Ln --timeout
cap Ln_daemon_none ipvsadm -Ln --daemon
ipvsadm --set 1 2 3
cap Ln_timeout2 ipvsadm -L --timeout
cap Ln_stats_pconn ipvsadm -Ln --stats --persistent-conn
cap Ln_tun_pconn ipvsadm -Ln --tun-info --persistent-conn
cap Ln_thr_rate ipvsadm -Ln --thresholds --rate
cap Lnc ipvsadm -Lnc
cap Lnc_pconn ipvsadm -Lnc --persistent-conn
ip link add d0 type dummy; ip link set d0 up; ip addr add 10.20.0.1/24 dev d0
cap daemon_start_m ipvsadm --start-daemon master --mcast-interface d0
cap daemon_start_b ipvsadm --start-daemon backup --mcast-interface d0 --syncid 7 --mcast-group 239.1.2.3 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1000
cap Ln_daemon ipvsadm -Ln --daemon
cap L_daemon ipvsadm -L --daemon
ipvsadm --stop-daemon master
cap Ln_daemon_b ipvsadm -Ln --daemon
ipvsadm --stop-daemon backup
cap daemon_start_m6 ipvsadm --start-daemon master --mcast-interface d0 --syncid 255 --mcast-group ff02::1:3
cap Ln_daemon_m6 ipvsadm -Ln --daemon
ipvsadm --stop-daemon master
echo done
