//! The VM plumbing itself: a fresh namespace has an empty IPVS table that the
//! oracle (ipvsadm) can change, and separate tests never see each other.

mod common;

#[test]
fn fresh_netns_has_empty_table_and_is_private() {
    let Some(_ns) = common::kernel_netns("fresh_netns_has_empty_table_and_is_private") else {
        return;
    };
    let before = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert_eq!(before, "", "a fresh namespace must have no services");
    let add = common::ipvsadm(&["-A", "-t", "192.0.2.1:80", "-s", "rr"]);
    assert!(add.status.success(), "{add:?}");
    let after = common::stdout_ok(&common::ipvsadm(&["-Sn"]));
    assert_eq!(after, "-A -t 192.0.2.1:80 -s rr\n");
}
