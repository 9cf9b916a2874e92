//! FILE_CHECK: `rvsadmd --keepalived` against keepalived 2.2.7's checker
//! (`keepalived -C`, the oracle, inside the VM) on one keepalived.conf
//! with two `track_file`s: a real with two FILE_CHECKs (their weights
//! added), one with a FILE_CHECK `reverse` and a TCP_CHECK, one with a
//! FILE_CHECK of weight 0 (up or down only). The files are written step
//! by step (positive, 0, negative, empty, missing, `0x10`, `010`, a
//! fault, a number out of range) and the table
//! compared after each step, each daemon in a network namespace of its
//! own; rvsadmd's run waits for the oracle's table of each step (see
//! `common::settle::settled`).

mod common;

use common::backend::{add_addrs, Backend, Mode};
use common::settle::{
    keepalived_command, require_oracle_ran, require_same, rvsadmd_command, spawn_logged, stop,
    table, Steps, Tables,
};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

const CONF: &str = "global_defs {
    router_id diff
}
track_file fa {
    file @DIR@/fa
    weight 2
}
track_file fb {
    file @DIR@/fb
}
virtual_server 192.0.2.10 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.1 80 {
        weight 5
        FILE_CHECK {
            track_file fa
        }
        FILE_CHECK {
            track_file fb
            weight 3
        }
    }
    real_server 10.0.0.2 80 {
        weight 4
        FILE_CHECK {
            track_file fa
            weight 1 reverse
        }
        TCP_CHECK {
            connect_timeout 3
            retry 0
        }
    }
    real_server 10.0.0.3 80 {
        weight 1
        FILE_CHECK {
            track_file fb
            weight 0
        }
    }
}
";

/// Put `text` in `dir/name` as a whole (written aside, then moved in).
fn put(dir: &Path, name: &str, text: &str) {
    let aside = dir.join(format!(".{name}.new"));
    std::fs::write(&aside, text).unwrap();
    std::fs::rename(&aside, dir.join(name)).unwrap();
}

fn start(keepalived: bool, dir: &Path, cf: &Path) -> Child {
    let c = if keepalived {
        keepalived_command(cf, dir)
    } else {
        rvsadmd_command("--keepalived", cf, dir)
    };
    spawn_logged(c, dir, "daemon.log")
}

/// The scenario in the current namespace: the table after each step.
fn scenario(keepalived: bool, oracle: Option<&[(String, Vec<String>)]>) -> Tables {
    let dir = std::env::temp_dir().join(format!("ka-file-{keepalived}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cf = dir.join("keepalived.conf");
    std::fs::write(&cf, CONF.replace("@DIR@", &dir.display().to_string())).unwrap();
    add_addrs(&["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
    put(&dir, "fa", "1\n");
    put(&dir, "fb", "0\n");
    let tcp = Backend::start("10.0.0.2:80", Mode::Ok);
    let d = start(keepalived, &dir, &cf);
    let t = Instant::now();
    while !table().iter().any(|l| l.starts_with("-A ")) && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let still = Duration::from_secs(3);
    let mut out = Steps::new(oracle);
    out.record("started: fa 1, fb 0", still);
    for (file, text) in [
        ("fa", "4\n"),
        ("fb", "0x10\n"),
        ("fa", "0"),
        ("fa", "-3\n"),
        ("fa", ""),
        ("fb", "010 and more\n"),
        ("fb", "0\n"),
        ("fa", "3\n"),
    ] {
        put(&dir, file, text);
        out.record(format!("{file} {text:?}"), still);
    }
    std::fs::remove_file(dir.join("fa")).unwrap();
    out.record("fa removed", still);
    // x 2 is a fault (10.0.0.1 out; 10.0.0.2 at the most), a number
    // beyond the range is ignored, and 1 brings 10.0.0.1 back.
    for text in ["-2147483648", "99999999999", "1"] {
        put(&dir, "fa", text);
        out.record(format!("fa {text}"), still);
    }
    drop(tcp);
    put(&dir, "fa", "2\n");
    out.record("10.0.0.2's TCP down, fa 2", still);
    let _tcp = Backend::start("10.0.0.2:80", Mode::Ok);
    out.record("10.0.0.2's TCP back", still);
    put(&dir, "fa", "-10\n");
    out.record("fa -10", still);
    stop(d);
    if std::env::var("RVSADM_DIFF_LOGS").is_ok() {
        eprintln!(
            "{}",
            std::fs::read_to_string(dir.join("daemon.log")).unwrap_or_default()
        );
    }
    out.out
}

#[test]
fn file_checks_weights_added_reverse_weight_zero_and_a_tcp_check() {
    let name = "file_checks_weights_added_reverse_weight_zero_and_a_tcp_check";
    let oracle = {
        let Some(_ns) = common::kernel_netns(name) else {
            return;
        };
        scenario(true, None)
    };
    require_oracle_ran(name, "keepalived", &oracle, 6);
    eprintln!("{name}: keepalived's tables: {oracle:#?}");
    let Some(_ns) = common::kernel_netns(name) else {
        return;
    };
    let ours = scenario(false, Some(&oracle));
    require_same(name, "keepalived", &oracle, &ours);
}
