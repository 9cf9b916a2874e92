//! ipvsadm's listing order.
//!
//! ipvsadm sorts services and destinations with libipvs comparators passed to
//! glibc's `qsort`. Two details make the order observable and are reproduced
//! here on purpose:
//!
//! - the comparators subtract unsigned 32-bit values and read the result as a
//!   signed `int`, so the order wraps: `192.168.1.1` sorts **before**
//!   `1.2.3.4` (`0xC0A80101 - 0x01020304` is negative as an `int`), and
//!   fwmark `4294967295` sorts before `1`. The relation is not even
//!   transitive, so the result depends on the sorting algorithm;
//! - glibc 2.36's `qsort` is a top-down merge sort: it splits `n` elements
//!   into `n / 2` and the rest, sorts both halves, and merges taking the left
//!   element on ties. [`merge_sort_by`] does exactly the same, so the same
//!   input gives the same output as ipvsadm, even with the non-transitive
//!   comparator.
//!
//! Sort with [`sort_services`] (which also sorts each service's
//! destinations) unless `--nosort` is given.

use rvsadm::model::{Destination, Service, ServiceKey};
use std::cmp::Ordering;
use std::net::IpAddr;

/// Sort `items` in place exactly like glibc 2.36 `qsort` (stable top-down
/// merge sort, left half of `n / 2` elements, left element first on ties)
/// with a C-style comparator returning `<0`, `0` or `>0`.
///
/// ```
/// use rvsadm_cli::compat::sort::merge_sort_by;
/// let mut v = vec![3, 1, 2];
/// merge_sort_by(&mut v, |a, b| a - b);
/// assert_eq!(v, [1, 2, 3]);
/// ```
pub fn merge_sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> i32) {
    let n = items.len();
    if n < 2 {
        return;
    }
    // Sort a permutation, then move the items into place.
    let mut order: Vec<usize> = (0..n).collect();
    let mut tmp: Vec<usize> = Vec::with_capacity(n);
    msort(
        &mut order,
        &mut tmp,
        &|a: &usize, b: &usize| match (items.get(*a), items.get(*b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => 0,
        },
    );
    // Move the items into place with swaps (no second copy of a large
    // list): `dest[i]` is where the item now at `i` belongs.
    let mut dest = tmp;
    dest.clear();
    dest.resize(n, 0);
    for (k, i) in order.iter().enumerate() {
        if let Some(d) = dest.get_mut(*i) {
            *d = k;
        }
    }
    for i in 0..n {
        while let Some(&j) = dest.get(i) {
            if j == i || j >= n {
                break;
            }
            items.swap(i, j);
            dest.swap(i, j);
        }
    }
}

/// The recursive step: sort `v` using `tmp` as merge space.
fn msort(v: &mut [usize], tmp: &mut Vec<usize>, cmp: &dyn Fn(&usize, &usize) -> i32) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    let (left, right) = v.split_at_mut(n1);
    msort(left, tmp, cmp);
    msort(right, tmp, cmp);
    tmp.clear();
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        let (a, b) = (left[i], right[j]);
        if cmp(&a, &b) <= 0 {
            tmp.push(a);
            i += 1;
        } else {
            tmp.push(b);
            j += 1;
        }
    }
    tmp.extend_from_slice(&left[i..]);
    // What is left of the right half is already in place.
    let done = tmp.len();
    v[..done].copy_from_slice(tmp);
}

/// `(int)(a - b)` on unsigned 32-bit values, as C computes it.
fn wrap_diff(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// An address as the four host-order 32-bit words libipvs compares
/// (IPv4 uses the first word; the rest is zero, as in `nf_inet_addr`).
fn words(addr: &IpAddr) -> [u32; 4] {
    match addr {
        IpAddr::V4(a) => [u32::from(*a), 0, 0, 0],
        IpAddr::V6(a) => {
            let s = a.segments();
            [
                (u32::from(s[0]) << 16) | u32::from(s[1]),
                (u32::from(s[2]) << 16) | u32::from(s[3]),
                (u32::from(s[4]) << 16) | u32::from(s[5]),
                (u32::from(s[6]) << 16) | u32::from(s[7]),
            ]
        }
    }
}

/// The fields of a service key as libipvs stores them: fwmark, af,
/// protocol, address words, port (fwmark services have protocol, address
/// and port 0).
fn svc_fields(key: &ServiceKey) -> (u32, u16, u16, [u32; 4], u16) {
    match key {
        ServiceKey::Addr {
            protocol,
            addr,
            port,
        } => (
            0,
            key.family().to_raw(),
            protocol.to_raw(),
            words(addr),
            *port,
        ),
        ServiceKey::Fwmark { mark, family } => (*mark, family.to_raw(), 0, [0; 4], 0),
    }
}

/// ipvsadm's service comparator (C convention: `<0`, `0`, `>0`).
///
/// ```
/// use rvsadm::{Service, ServiceKey};
/// use rvsadm_cli::compat::sort::cmp_services;
/// let a = Service::new(ServiceKey::tcp("192.168.1.1:80".parse().unwrap()));
/// let b = Service::new(ServiceKey::tcp("1.2.3.4:80".parse().unwrap()));
/// assert!(cmp_services(&a, &b) < 0); // the wrap-around quirk
/// ```
pub fn cmp_services(a: &Service, b: &Service) -> i32 {
    cmp_service_keys(&a.key, &b.key)
}

/// [`cmp_services`] on keys alone.
pub fn cmp_service_keys(a: &ServiceKey, b: &ServiceKey) -> i32 {
    let (fa, afa, pa, wa, porta) = svc_fields(a);
    let (fb, afb, pb, wb, portb) = svc_fields(b);
    let r = wrap_diff(fa, fb);
    if r != 0 {
        return r;
    }
    let r = i32::from(afa) - i32::from(afb);
    if r != 0 {
        return r;
    }
    let r = i32::from(pa) - i32::from(pb);
    if r != 0 {
        return r;
    }
    let r = if afa == rvsadm::model::Family::Inet6.to_raw() {
        cmp_words(&wa, &wb)
    } else {
        wrap_diff(wa[0], wb[0])
    };
    if r != 0 {
        return r;
    }
    i32::from(porta) - i32::from(portb)
}

/// Compare all four words, returning the first nonzero wrapped difference.
fn cmp_words(a: &[u32; 4], b: &[u32; 4]) -> i32 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| wrap_diff(*x, *y))
        .find(|r| *r != 0)
        .unwrap_or(0)
}

/// ipvsadm's destination comparator: the address (all four words if `a` is
/// IPv6, else the first word only), then the port.
///
/// ```
/// use rvsadm::{DestConfig, Destination};
/// use rvsadm_cli::compat::sort::cmp_dests;
/// let a = Destination::new("10.0.0.1:80".parse().unwrap(), DestConfig::default());
/// let b = Destination::new("10.0.0.1:81".parse().unwrap(), DestConfig::default());
/// assert!(cmp_dests(&a, &b) < 0);
/// ```
pub fn cmp_dests(a: &Destination, b: &Destination) -> i32 {
    let (wa, wb) = (words(&a.addr.ip()), words(&b.addr.ip()));
    let r = if a.addr.is_ipv6() {
        cmp_words(&wa, &wb)
    } else {
        wrap_diff(wa[0], wb[0])
    };
    if r != 0 {
        return r;
    }
    i32::from(a.addr.port()) - i32::from(b.addr.port())
}

/// Sort services in ipvsadm's order.
pub fn sort_service_list(services: &mut [Service]) {
    merge_sort_by(services, cmp_services);
}

/// Sort destinations in ipvsadm's order.
pub fn sort_dests(dests: &mut [Destination]) {
    merge_sort_by(dests, cmp_dests);
}

/// Sort services and, inside each, its destinations, as `ipvsadm -L`/`-S`
/// does without `--nosort`.
pub fn sort_services(services: &mut [Service]) {
    sort_service_list(services);
    for s in services.iter_mut() {
        sort_dests(&mut s.destinations);
    }
}

/// A C comparator result as an [`Ordering`].
pub fn to_ordering(r: i32) -> Ordering {
    r.cmp(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rvsadm::model::{DestConfig, Family, Protocol};

    fn tcp(s: &str) -> Service {
        Service::new(ServiceKey::tcp(s.parse().unwrap()))
    }
    fn fwm(m: u32) -> Service {
        Service::new(ServiceKey::fwmark(m))
    }
    fn names(v: &[Service]) -> Vec<String> {
        v.iter().map(|s| s.key.to_string()).collect()
    }

    #[test]
    fn wraparound_address_order() {
        let mut v = vec![tcp("1.2.3.4:80"), tcp("192.168.1.1:80")];
        sort_service_list(&mut v);
        assert_eq!(names(&v), ["tcp 192.168.1.1:80", "tcp 1.2.3.4:80"]);
    }

    #[test]
    fn wraparound_fwmark_order() {
        let mut v = vec![fwm(1), fwm(4294967295)];
        sort_service_list(&mut v);
        assert_eq!(names(&v), ["fwmark 4294967295", "fwmark 1"]);
        assert!(cmp_services(&fwm(u32::MAX), &fwm(1)) < 0);
        assert!(cmp_services(&fwm(2), &fwm(1)) > 0);
    }

    #[test]
    fn family_before_protocol_before_address() {
        let v6 = tcp("[2001:db8::1]:1");
        let mut udp = tcp("9.9.9.9:1");
        udp.key = ServiceKey::Addr {
            protocol: Protocol::Udp,
            addr: "1.1.1.1".parse().unwrap(),
            port: 1,
        };
        assert!(cmp_services(&udp, &v6) < 0, "AF_INET before AF_INET6");
        assert!(cmp_services(&tcp("9.9.9.9:1"), &udp) < 0, "tcp before udp");
        assert!(cmp_services(&tcp("1.1.1.1:2"), &tcp("1.1.1.1:10")) < 0);
        let f6 = Service::new(ServiceKey::Fwmark {
            mark: 1,
            family: Family::Inet6,
        });
        assert!(cmp_services(&fwm(1), &f6) < 0);
    }

    #[test]
    fn ipv6_first_differing_word_wraps() {
        // 0xffff0000 - 0x00010000 is negative as an int.
        let a = tcp("[ffff::1]:1");
        let b = tcp("[1::1]:1");
        assert!(cmp_services(&a, &b) < 0);
        let c = tcp("[2001:db8::2]:1");
        let d = tcp("[2001:db8::1]:1");
        assert!(cmp_services(&c, &d) > 0);
    }

    #[test]
    fn merge_sort_is_stable_and_left_first() {
        let mut v: Vec<(i32, usize)> = vec![(1, 0), (0, 1), (1, 2), (0, 3), (1, 4)];
        merge_sort_by(&mut v, |a, b| a.0 - b.0);
        assert_eq!(v, [(0, 1), (0, 3), (1, 0), (1, 2), (1, 4)]);
        let mut e: Vec<i32> = vec![];
        merge_sort_by(&mut e, |a, b| a - b);
        assert!(e.is_empty());
    }

    #[test]
    fn merge_sort_matches_std_on_transitive_input() {
        let mut v: Vec<i32> = (0..200).map(|i| (i * 7919) % 211 - 100).collect();
        let mut w = v.clone();
        merge_sort_by(&mut v, |a, b| a - b);
        w.sort();
        assert_eq!(v, w);
    }

    #[test]
    fn non_transitive_order_follows_glibc_split() {
        // Fwmarks 0x80000000 and 0 and 1: with (int)(a-b), 0x80000000 < 0,
        // 0 < 1, 1 < 0x80000000 (a cycle). The merge sort's split decides.
        let mut v = vec![fwm(1), fwm(0x8000_0000), fwm(0)];
        // n1 = 1: [1] | [0x80000000, 0] -> right sorted: 0x80000000 vs 0:
        // (int)0x80000000 < 0 -> [0x80000000, 0]; merge 1 vs 0x80000000:
        // 1 - 0x80000000 = 0x80000001 -> negative -> take 1 first.
        sort_service_list(&mut v);
        assert_eq!(names(&v), ["fwmark 1", "fwmark 2147483648", "fwmark 0"]);
    }

    #[test]
    fn dests_wrap_and_use_first_word_for_ipv4() {
        let d = |s: &str| Destination::new(s.parse().unwrap(), DestConfig::default());
        let mut v = vec![
            d("10.0.0.2:80"),
            d("1.2.3.5:80"),
            d("192.168.2.1:80"),
            d("10.0.0.1:8080"),
        ];
        sort_dests(&mut v);
        let got: Vec<String> = v.iter().map(|x| x.addr.to_string()).collect();
        assert_eq!(
            got,
            [
                "192.168.2.1:80",
                "1.2.3.5:80",
                "10.0.0.1:8080",
                "10.0.0.2:80"
            ]
        );
        // IPv4 first: only the first word of the IPv6 dest is compared.
        let a = d("32.1.13.184:1"); // 0x20010db8
        let b = d("[2001:db8::5]:1");
        assert_eq!(cmp_dests(&a, &b), 0);
        assert!(cmp_dests(&b, &a) > 0);
    }
}
