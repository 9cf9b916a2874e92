//! The schedule: phases spread over the interval and kept across reloads
//! (pure), the per-address bound, and checks against a slow accepter on
//! 127.0.0.x.

use super::gate::Gates;
use super::phase::{first_start, following, preferred, retry_start, slot_of, slots_in, Phases};
use super::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn id(n: u64) -> CheckId {
    CheckId::from_number(n)
}

/// Place checks `ids` at `interval` among `count`; their offsets.
fn place(
    p: &mut Phases,
    ids: impl Iterator<Item = u64>,
    interval: Duration,
    count: usize,
) -> Vec<Duration> {
    ids.map(|n| p.place(id(n), interval, count, None)).collect()
}

#[test]
fn slots_are_10_ms_or_a_twentieth_of_the_interval() {
    assert_eq!(slot_of(ms(1000)), ms(10));
    assert_eq!(slot_of(ms(100)), ms(5));
    assert_eq!(slots_in(ms(1000)), 100);
    assert_eq!(slots_in(ms(100)), 20);
    assert_eq!(slots_in(ms(10_005)), 1000);
    assert_eq!(slots_in(Duration::ZERO), 1);
    assert!((0..1000).all(|n| preferred(n, 100) < 100));
}

#[test]
fn a_thousand_checks_fill_every_slot_to_its_share_and_no_more() {
    let mut p = Phases::default();
    let at = place(&mut p, 1..=1000, ms(1000), 1000);
    assert_eq!(p.load(ms(1000)), &[10; 100][..]);
    for off in &at {
        assert!(*off < ms(1000));
        assert_eq!(
            off.as_nanos() % ms(10).as_nanos(),
            0,
            "{off:?} is not a slot start"
        );
    }
}

#[test]
fn a_few_checks_are_spread_over_the_whole_interval() {
    for n in [2_u64, 3, 10, 37, 99] {
        let mut p = Phases::default();
        let mut at = place(&mut p, 1..=n, ms(1000), n as usize);
        assert!(
            p.load(ms(1000)).iter().all(|l| *l <= 1),
            "{n}: two checks in a slot"
        );
        at.sort();
        // Gaps between successive starts, around the interval: none more
        // than three times the even spacing.
        let mut gaps: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.push(ms(1000) - at[at.len() - 1] + at[0]);
        let even = ms(1000) / u32::try_from(n).unwrap();
        let widest = gaps.iter().max().copied().unwrap_or_default();
        assert!(
            widest <= even * 3 + ms(10),
            "{n} checks: a gap of {widest:?}"
        );
    }
}

#[test]
fn the_same_checks_get_the_same_phases_at_every_start() {
    let mut a = Phases::default();
    let mut b = Phases::default();
    assert_eq!(
        place(&mut a, 1..=300, ms(2000), 300),
        place(&mut b, 1..=300, ms(2000), 300)
    );
}

#[test]
fn a_reload_keeps_the_phase_of_every_unchanged_check() {
    let mut p = Phases::default();
    let before = place(&mut p, 1..=200, ms(1000), 200);
    // The reload drops checks 101-200 and adds 201-350.
    let keep: HashSet<CheckId> = (1..=100).chain(201..=350).map(id).collect();
    p.retain(&keep);
    let kept = place(&mut p, 1..=100, ms(1000), 250);
    assert_eq!(kept, before[..100]);
    place(&mut p, 201..=350, ms(1000), 250);
    assert_eq!(p.load(ms(1000)).iter().sum::<usize>(), 250);
    assert!(
        p.load(ms(1000)).iter().all(|l| *l <= 3),
        "{:?}",
        p.load(ms(1000))
    );
}

#[test]
fn checks_at_other_intervals_have_slots_of_their_own() {
    let mut p = Phases::default();
    place(&mut p, 1..=100, ms(1000), 100);
    place(&mut p, 101..=120, ms(5000), 20);
    assert!(p.load(ms(1000)).iter().all(|l| *l == 1));
    assert_eq!(p.load(ms(5000)).len(), 500);
    assert_eq!(p.load(ms(5000)).iter().sum::<usize>(), 20);
}

#[test]
fn a_check_starts_and_goes_on_in_its_slot() {
    // First start: the next start of its slot.
    assert_eq!(first_start(ms(300), ms(1000), ms(0)), ms(300));
    assert_eq!(first_start(ms(300), ms(1000), ms(300)), ms(300));
    assert_eq!(first_start(ms(300), ms(1000), ms(4321)), ms(5300));
    assert_eq!(first_start(ms(300), ms(1000), ms(5300)), ms(5300));
    // Next: one interval on when it ended within its 10 ms slot; else
    // the interval less one slot after its end, at a slot start.
    assert_eq!(following(ms(300), ms(1000), ms(303)), ms(1300));
    assert_eq!(following(ms(300), ms(1000), ms(310)), ms(1300));
    assert_eq!(following(ms(300), ms(1000), ms(311)), ms(1310));
    assert_eq!(following(ms(300), ms(1000), ms(555)), ms(1550));
    assert_eq!(following(ms(300), ms(1000), ms(1301)), ms(2300));
    assert_eq!(following(ms(300), ms(1000), ms(3705)), ms(4700));
    assert_eq!(following(ms(300), Duration::ZERO, ms(310)), ms(310));
    // A 100 ms interval has 5 ms slots.
    assert_eq!(following(ms(30), ms(100), ms(34)), ms(130));
    assert_eq!(following(ms(30), ms(100), ms(47)), ms(145));
}

#[test]
fn a_warmup_keeps_the_starts_within_it_spread_over_its_slots() {
    let mut p = Phases::default();
    // 100 checks every 10 s, warmup 1 s: in the first 100 slots, one each.
    let at: Vec<Duration> = (1..=100)
        .map(|n| p.place(id(n), ms(10_000), 100, Some(ms(1000))))
        .collect();
    assert!(at.iter().all(|a| *a < ms(1000)), "{at:?}");
    assert!(p.load(ms(10_000))[..100].iter().all(|l| *l == 1));
    // 300 of them: three a slot, still within the warmup.
    let mut p = Phases::default();
    let at: Vec<Duration> = (1..=300)
        .map(|n| p.place(id(n), ms(10_000), 300, Some(ms(1000))))
        .collect();
    assert!(at.iter().all(|a| *a < ms(1000)));
    assert!(p.load(ms(10_000)).iter().all(|l| *l <= 3));
    // A warmup of 0 is the first slot; one longer than the interval, all.
    let mut p = Phases::default();
    assert_eq!(p.place(id(7), ms(1000), 1, Some(Duration::ZERO)), ms(0));
    let mut p = Phases::default();
    assert_eq!(
        p.place(id(7), ms(1000), 1, Some(ms(5000))),
        p.place(id(7), ms(1000), 1, None)
    );
}

#[test]
fn a_retry_starts_at_the_first_slot_start_after_its_delay() {
    assert_eq!(retry_start(ms(1234), ms(1000), ms(5000)), ms(2240));
    assert_eq!(retry_start(ms(1230), ms(1000), ms(5000)), ms(2230));
    // A retry delay of 0: the next slot start.
    assert_eq!(retry_start(ms(1231), ms(0), ms(100)), ms(1235));
}

// On tokio's paused clock (the checks do no I/O): the gaps are the
// schedule's, not a loaded machine's.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_failing_check_retries_at_its_retry_interval_until_down_then_keeps_its_slot() {
    let (tx, mut rx) = mpsc::channel(16);
    let mut s = Schedule::new(tx, 4);
    let check = Check {
        probe: Probe::Down,
        interval: ms(600),
        timeout: ms(100),
        rise: 1,
        fall: 3,
        retry_interval: Some(ms(60)),
        start_up: true,
        warmup: None,
        source: crate::config::Source::default(),
        maintenance: None,
    };
    s.configure(vec![(id(1), check)], 4);
    let mut at = Vec::new();
    while at.len() < 5 {
        match rx.recv().await {
            Some(Msg::Result(_, o)) => {
                assert!(!o.ok);
                at.push(Instant::now());
            }
            Some(_) => {}
            None => panic!("the schedule stopped"),
        }
    }
    s.stop();
    let gaps: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
    // Two retries 60 ms apart (a slot's rounding and the runtime's
    // lateness aside), the third failure is down: back to its slot, one
    // interval after the first start, then every interval.
    for g in &gaps[..2] {
        assert!(*g >= ms(55) && *g < ms(150), "{gaps:?}");
    }
    let back = at[3] - at[0];
    assert!(back >= ms(590) && back < ms(700), "{gaps:?}");
    assert!(gaps[3] >= ms(550) && gaps[3] < ms(700), "{gaps:?}");
}

fn tcp(target: std::net::SocketAddr, interval: Duration, timeout: Duration) -> Check {
    Check {
        probe: Probe::Tcp {
            target,
            close: crate::config::TcpClose::Reset,
        },
        interval,
        timeout,
        rise: 1,
        fall: 1,
        retry_interval: None,
        start_up: false,
        warmup: None,
        source: crate::config::Source::default(),
        maintenance: None,
    }
}

#[tokio::test(flavor = "current_thread")]
async fn no_more_checks_than_the_bound_hold_an_address() {
    let probe = Probe::Tcp {
        target: "192.0.2.1:80".parse().unwrap(),
        close: crate::config::TcpClose::Reset,
    };
    let mut gates = Gates::new(3);
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let waited = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let g = gates.of(&probe).unwrap();
        let (inside, most, waited) = (inside.clone(), most.clone(), waited.clone());
        tasks.push(tokio::spawn(async move {
            let scheduled = Instant::now();
            let (_permit, start) = g.enter(scheduled).await.unwrap();
            if start > scheduled {
                waited.fetch_add(1, Ordering::SeqCst);
            }
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(ms(2)).await;
            inside.fetch_sub(1, Ordering::SeqCst);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(most.load(Ordering::SeqCst), 3);
    // Those that waited start when they get in: their timeout too.
    assert!(waited.load(Ordering::SeqCst) >= 30);
    // Another address has gates of its own; no address, no gate.
    let other = Probe::Tcp {
        target: "192.0.2.2:80".parse().unwrap(),
        close: crate::config::TcpClose::Reset,
    };
    assert_eq!(
        gates
            .of(&other)
            .unwrap()
            .enter(Instant::now())
            .await
            .map(|_| ()),
        Some(())
    );
    assert!(gates.of(&Probe::Up).is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_success_narrows_the_gate_to_one_and_quick_ones_widen_it_again() {
    use super::gate::{is_slow, Gate};
    assert!(is_slow(ms(950), ms(5000)));
    assert!(is_slow(ms(500), ms(1000)));
    assert!(!is_slow(ms(400), ms(1000)));
    let g = Gate::new(4);
    let done = |ok, latency| {
        let g = g.clone();
        async move {
            let (p, _) = g.enter(Instant::now()).await.unwrap();
            p.done(ok, latency, ms(3000));
        }
    };
    assert_eq!(g.open(), 4);
    done(true, ms(1020)).await;
    assert_eq!(g.open(), 1);
    // A failure (a dead server's timeout) changes nothing.
    done(false, ms(3000)).await;
    assert_eq!(g.open(), 1);
    // One place back per places-open quick successes, up to the bound.
    let mut seen = vec![];
    for _ in 0..12 {
        done(true, ms(1)).await;
        seen.push(g.open());
    }
    assert_eq!(seen, [2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4]);
    // While one place is open, a second check waits for the first.
    done(true, ms(1200)).await;
    let (first, _) = g.enter(Instant::now()).await.unwrap();
    let g2 = g.clone();
    let second = tokio::spawn(async move { g2.enter(Instant::now()).await.map(|_| ()) });
    tokio::task::yield_now().await;
    assert!(!second.is_finished());
    drop(first);
    assert_eq!(second.await.unwrap(), Some(()));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_full_queue_paces_the_address_and_quick_successes_end_the_pace() {
    let probe = Probe::Tcp {
        target: "192.0.2.9:80".parse().unwrap(),
        close: crate::config::TcpClose::Reset,
    };
    let mut gates = Gates::new(4);
    // Ten checks every second: 100 ms apart naturally.
    gates.space(std::iter::repeat_n((&probe, ms(1000)), 10));
    let g = gates.of(&probe).unwrap();
    // Three checks due at once: the start each gets.
    let starts = |g: super::gate::Gate| async move {
        let t0 = Instant::now();
        let mut at = vec![];
        for _ in 0..3 {
            let (p, start) = g.enter(t0).await.unwrap();
            at.push(start.duration_since(t0).as_millis());
            drop(p);
        }
        at
    };
    let end = |g: &super::gate::Gate, ok, latency| {
        let g = g.clone();
        async move {
            let (p, _) = g.enter(Instant::now()).await.unwrap();
            p.done(ok, latency, ms(1000));
        }
    };
    assert_eq!(starts(g.clone()).await, [0, 0, 0]);
    // A refused connect (a dead port) is no sign of a full queue.
    end(&g, false, ms(1)).await;
    assert_eq!(g.pace(), 0.0);
    // A slow success is: 1.25 natural spacings apart; the signs within
    // the next second are of the same drops.
    end(&g, true, ms(600)).await;
    assert_eq!(g.pace(), 1.25);
    end(&g, true, ms(600)).await;
    assert_eq!(g.pace(), 1.25);
    tokio::time::advance(ms(1000)).await;
    assert_eq!(starts(g.clone()).await, [0, 125, 250]);
    // Another slow success a second later: 1.25 times more.
    end(&g, true, ms(600)).await;
    assert!((g.pace() - 1.5625).abs() < 1e-9, "{}", g.pace());
    // A connect that timed out (its SYN and the resend dropped), even
    // within the second: two spacings apart at once, and no more.
    end(&g, false, ms(1000)).await;
    assert_eq!(g.pace(), 2.0);
    tokio::time::advance(ms(1000)).await;
    end(&g, false, ms(1000)).await;
    assert_eq!(g.pace(), 2.0);
    // Quick successes bring it back over 20 s of them (200 at 100 ms),
    // then the pacing stops.
    for _ in 0..100 {
        end(&g, true, ms(1)).await;
    }
    assert!((g.pace() - 1.5).abs() < 1e-6, "{}", g.pace());
    for _ in 0..101 {
        end(&g, true, ms(1)).await;
    }
    assert_eq!(g.pace(), 0.0);
    tokio::time::advance(ms(1000)).await;
    assert_eq!(starts(g.clone()).await, [0, 0, 0]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_check_stopped_while_let_in_gives_its_place_back() {
    use super::gate::Gate;
    let g = Gate::new(1);
    let (first, _) = g.enter(Instant::now()).await.unwrap();
    let g2 = g.clone();
    let waiter = tokio::spawn(async move { g2.enter(Instant::now()).await.map(|_| ()) });
    tokio::task::yield_now().await;
    // Let in (the place is handed over), then stopped before it runs.
    drop(first);
    waiter.abort();
    let _ = waiter.await;
    let free = tokio::time::timeout(ms(1000), g.enter(Instant::now())).await;
    assert!(free.is_ok(), "the stopped check kept its place");
}

#[tokio::test(flavor = "current_thread")]
async fn a_reload_leaves_unchanged_checks_running() {
    let (tx, _rx) = mpsc::channel(16);
    let mut s = Schedule::new(tx, 4);
    let c = |port| tcp(([192, 0, 2, 1], port).into(), ms(60_000), ms(1000));
    s.configure(vec![(id(1), c(1)), (id(2), c(2))], 4);
    let task1 = s.tasks[&id(1)].id();
    s.configure(vec![(id(1), c(1)), (id(3), c(3))], 4);
    assert_eq!(s.len(), 2);
    assert_eq!(s.tasks[&id(1)].id(), task1, "check 1 was restarted");
    assert!(!s.tasks.contains_key(&id(2)));
    // A new bound restarts the checks (with new gates), in their slots.
    s.configure(vec![(id(1), c(1)), (id(3), c(3))], 8);
    assert_ne!(s.tasks[&id(1)].id(), task1);
    s.stop();
    assert_eq!(s.len(), 0);
}

/// Listeners on 127.0.0.1-4 with an accept queue of 8, each accepting one
/// connection every 20 ms (200 a second in all), until `stop`.
fn slow_accepters(
    stop: &Arc<AtomicBool>,
) -> (Vec<std::net::SocketAddr>, Vec<std::thread::JoinHandle<()>>) {
    let mut addrs = Vec::new();
    let mut threads = Vec::new();
    for x in 1..=4 {
        let l =
            std::net::TcpListener::bind(std::net::SocketAddr::from(([127, 0, 0, x], 0))).unwrap();
        // listen() again sets the accept queue's length.
        nix::sys::socket::listen(&l, nix::sys::socket::Backlog::new(8).unwrap()).unwrap();
        l.set_nonblocking(true).unwrap();
        addrs.push(l.local_addr().unwrap());
        let stop = stop.clone();
        threads.push(std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                drop(l.accept());
                std::thread::sleep(ms(20));
            }
        }));
    }
    (addrs, threads)
}

/// 500 TCP checks every second against four addresses of a server that
/// accepts 200 connections a second from an accept queue of 8: more than
/// it can take, so its queue overflows and it drops SYNs. The checks of an
/// address whose queue is full wait in the checker, not in the server, and
/// none is reported down: every result is a success. The rate is whatever
/// the server takes (asserted loosely: some results every second).
#[tokio::test(flavor = "current_thread")]
async fn a_slow_accepter_sees_no_false_down() {
    let stop = Arc::new(AtomicBool::new(false));
    let (addrs, threads) = slow_accepters(&stop);
    let (tx, mut rx) = mpsc::channel(4096);
    let mut s = Schedule::new(tx, crate::config::DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS);
    let checks = (1..=500)
        .map(|n| (id(n), tcp(addrs[n as usize % 4], ms(1000), ms(2500))))
        .collect();
    s.configure(
        checks,
        crate::config::DEFAULT_MAX_CHECKS_IN_FLIGHT_PER_ADDRESS,
    );
    let (mut ok, mut failed) = (0, Vec::new());
    let until = Instant::now() + ms(6000);
    while let Ok(Some(m)) = tokio::time::timeout_at(until, rx.recv()).await {
        if let Msg::Result(id, o) = m {
            if o.ok {
                ok += 1;
            } else {
                failed.push(format!("{id:?}: {} after {:?}", o.reason, o.latency));
            }
        }
    }
    s.stop();
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        t.join().unwrap();
    }
    assert!(
        failed.is_empty(),
        "{} false downs, e.g. {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(ok >= 60, "only {ok} checks done in 6 s");
}

// A real in maintenance: its check does not probe, fails at once as many
// times as make it down (ldirectord forces it down), and probes again
// once the file is gone.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn a_real_in_maintenance_is_down_at_once_and_checked_again_after() {
    let dir = std::env::temp_dir().join(format!("rvsadmd-sched-maint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("10.0.0.5:80"), "").unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let mut s = Schedule::new(tx, 4);
    let check = Check {
        probe: Probe::Up,
        interval: ms(500),
        timeout: ms(100),
        rise: 1,
        fall: 3,
        retry_interval: None,
        start_up: true,
        warmup: None,
        source: crate::config::Source::default(),
        maintenance: Some(crate::config::Maintenance {
            dir: dir.clone(),
            server: "10.0.0.5".parse().unwrap(),
            port: 80,
        }),
    };
    s.configure(vec![(id(1), check)], 4);
    let mut got = Vec::new();
    while got.len() < 4 {
        if let Some(Msg::Result(_, o)) = rx.recv().await {
            got.push((Instant::now(), o));
            if got.len() == 3 {
                std::fs::remove_file(dir.join("10.0.0.5:80")).unwrap();
            }
        }
    }
    s.stop();
    std::fs::remove_dir_all(&dir).unwrap();
    for (_, o) in &got[..3] {
        assert!(!o.ok);
        assert_eq!(
            o.reason,
            "in maintenance (file 10.0.0.5:80 of maintenancedir)"
        );
    }
    // the three at once, then the next run probes
    assert_eq!(got[2].0, got[0].0);
    assert!(got[3].1.ok, "{:?}", got[3].1);
    assert!(got[3].0 - got[0].0 >= ms(450));
}

/// A server whose accept queue is full (here: one of length one that never
/// accepts, filled by the first check) drops SYNs as an unreachable one
/// does. The first timeout of a check that is up is held back; the next
/// run's failure is reported, and the one after it too (one hold per run
/// of failures).
#[tokio::test(flavor = "current_thread")]
async fn a_timeout_that_would_take_a_server_down_waits_for_the_next_run() {
    let l = std::net::TcpListener::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    nix::sys::socket::listen(&l, nix::sys::socket::Backlog::new(0).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let mut s = Schedule::new(tx, 4);
    s.configure(
        vec![(id(1), tcp(l.local_addr().unwrap(), ms(1000), ms(300)))],
        4,
    );
    let mut results = Vec::new();
    while results.len() < 3 {
        match tokio::time::timeout(ms(10_000), rx.recv()).await {
            Ok(Some(Msg::Result(_, o))) => results.push((Instant::now(), o.ok, o.reason)),
            Ok(Some(_)) => {}
            other => panic!("no result within 10 s: {:?}", other.is_ok()),
        }
    }
    s.stop();
    let oks: Vec<bool> = results.iter().map(|r| r.1).collect();
    assert_eq!(oks, [true, false, false], "{results:?}");
    // Without the hold the first failure would come one run (1.3 s) after
    // the success; with it, two (2.6 s).
    let first = results[1].0 - results[0].0;
    let second = results[2].0 - results[1].0;
    assert!(first >= ms(2000), "first failure after {first:?}");
    assert!(second < first, "second failure {second:?} after the first");
}
