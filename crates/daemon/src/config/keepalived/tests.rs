//! The front end as a whole: every rule of keepalived's parser it
//! follows, on files in memory (and a few on disk).

use super::*;

const MAIN: &str = "/etc/keepalived/keepalived.conf";

fn opts() -> Options {
    Options {
        config_id: "lb1".into(),
        include_check: IncludeCheck::default(),
        random_seed: 42,
    }
}

fn doc_with(fs: &Memory, o: &Options) -> Result<Document, ConfigError> {
    read_from(fs, Path::new(MAIN), o)
}

fn doc(text: &str) -> Document {
    doc_with(&Memory::new().with(MAIN, text), &opts()).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    doc_with(&Memory::new().with(MAIN, text), &opts())
        .unwrap_err()
        .to_string()
}

/// Statements as `keyword args... [{ children }]`, one string.
fn flat(statements: &[Statement]) -> String {
    let mut out = Vec::new();
    for s in statements {
        let mut t = s.keyword.clone();
        for a in &s.args {
            t.push(' ');
            t.push_str(a);
        }
        if let Some(b) = &s.block {
            t.push_str(" { ");
            t.push_str(&flat(b));
            t.push_str(" }");
        }
        out.push(t);
    }
    out.join("; ")
}

fn lines_of(s: &[Statement]) -> Vec<usize> {
    s.iter().map(|s| s.at.line).collect()
}

#[test]
fn blocks_on_one_line_or_many() {
    let d = doc(
        "virtual_server 10.0.0.1 80 { lb_algo rr\n real_server 10.0.1.1 80 { weight 1 } }\n\
                 virtual_server 10.0.0.2 80\n{\n  delay_loop 5\n}\n",
    );
    assert_eq!(
        flat(&d.statements),
        "virtual_server 10.0.0.1 80 { lb_algo rr; real_server 10.0.1.1 80 { weight 1 } }; \
         virtual_server 10.0.0.2 80 { delay_loop 5 }"
    );
    assert_eq!(lines_of(&d.statements), [1, 3]);
    let inner = d.statements[0].block.as_ref().unwrap();
    assert_eq!(lines_of(inner), [1, 2]);
    assert_eq!(d.files, [PathBuf::from(MAIN)]);
}

#[test]
fn empty_blocks_and_blocks_of_values() {
    let d = doc("global_defs {\n}\nvirtual_ipaddress {\n 10.0.0.1/24 dev eth0\n 10.0.0.2\n}\n");
    assert_eq!(
        flat(&d.statements),
        "global_defs {  }; virtual_ipaddress { 10.0.0.1/24 dev eth0; 10.0.0.2 }"
    );
}

#[test]
fn comments_and_blank_lines() {
    let d = doc(
        "# header\n! old style\n\nvirtual_server 1.1.1.1 80 { # vs\n  lb_algo wrr ! weighted\n}\n",
    );
    assert_eq!(
        flat(&d.statements),
        "virtual_server 1.1.1.1 80 { lb_algo wrr }"
    );
    assert_eq!(d.statements[0].at.line, 4);
}

#[test]
fn quotes_keep_blanks_braces_and_comment_characters() {
    let d = doc("x {\n misc_path \"/usr/bin/check -p 80 # {a}\"\n}\n");
    let s = &d.statements[0].block.as_ref().unwrap()[0];
    assert_eq!(s.args, ["/usr/bin/check -p 80 # {a}"]);
    assert_eq!(s.text, "misc_path \"/usr/bin/check -p 80 # {a}\"");
}

#[test]
fn crlf_line_ends() {
    let d = doc("a {\r\n b 1\r\n}\r\n");
    assert_eq!(flat(&d.statements), "a { b 1 }");
}

#[test]
fn unbalanced_braces_name_file_and_line() {
    assert_eq!(
        error("a {\n b {\n c\n}\n"),
        format!("{MAIN}:1: the block of `a` is not closed: add its '}}'")
    );
    assert_eq!(
        error("a {\n}\n}\n"),
        format!("{MAIN}:3: '}}' without a matching '{{': remove it")
    );
    assert!(error("{\n").starts_with(&format!("{MAIN}:1: '{{' without a keyword")));
    assert!(error("a { }\n{\n}\n").starts_with(&format!("{MAIN}:2: '{{' without a keyword")));
}

#[test]
fn open_quotes_are_errors_with_their_line() {
    assert!(error("a\nb \"c\n").starts_with(&format!("{MAIN}:2: unterminated quote")));
}

#[test]
fn conditional_lines_compare_the_config_id() {
    let text = "@lb1 router_id main\n@lb2 router_id backup\n@^lb1 priority 100\n@^lb2 priority 200\n@lb1\n";
    assert_eq!(flat(&doc(text).statements), "router_id main; priority 200");
    let o = Options {
        config_id: "lb2".into(),
        ..opts()
    };
    let d = doc_with(&Memory::new().with(MAIN, text), &o).unwrap();
    assert_eq!(flat(&d.statements), "router_id backup; priority 100");
}

#[test]
fn conditional_blocks_open_with_their_line() {
    let d = doc("@lb1 vs_a {\n@lb1 weight 1\n@lb1 }\n@lb2 vs_b {\n@lb2 }\n");
    assert_eq!(flat(&d.statements), "vs_a { weight 1 }");
}

#[test]
fn definitions_and_substitution() {
    let d = doc("$IP=10.0.0.1\n$PORT= 80\nvirtual_server $IP $PORT {\n real_server ${IP}0 ${PORT}\n}\n$UNUSED\n");
    assert_eq!(
        flat(&d.statements),
        "virtual_server 10.0.0.1 80 { real_server 10.0.0.10 80 }; $UNUSED"
    );
}

#[test]
fn definitions_resolve_at_use_time_and_can_be_redefined() {
    let d = doc("$BASE=10.2.${SUB}\n$SUB=0\na ${BASE}.100/32\n$SUB=10\na ${BASE}.100/32\n");
    assert_eq!(flat(&d.statements), "a 10.2.0.100/32; a 10.2.10.100/32");
}

#[test]
fn conditional_definitions_and_definitions_that_are_conditions() {
    let d = doc("@lb1 $PRIO=240\n@lb2 $PRIO=200\npriority $PRIO\n$IF_MAIN=@lb1\n$IF_MAIN weight 2\n$IF_B=@lb2\n$IF_B weight 3\n");
    assert_eq!(flat(&d.statements), "priority 240; weight 2");
}

#[test]
fn a_space_before_the_equals_sign_is_not_a_definition() {
    let d = doc("$A =1\n");
    assert_eq!(flat(&d.statements), "$A =1");
}

#[test]
fn undefined_references_are_kept_with_a_note() {
    let d = doc("$X=1\nmisc_path \"/bin/sh -c 'echo ${HOME} ${X} $X'\"\n");
    assert_eq!(d.statements[0].args, ["/bin/sh -c 'echo ${HOME} 1 $X'"]);
    assert_eq!(d.notes.len(), 1);
    assert_eq!(d.notes[0].at.line, 2);
    assert!(d.notes[0].message.contains("${HOME}"), "{:?}", d.notes);
}

#[test]
fn substituted_comment_characters_start_comments_unless_quoted() {
    let d = doc("$C=a # b\nx $C\ny \"${_HASH}\" ${_BANG} z\n");
    assert_eq!(flat(&d.statements), "x a; y #");
}

#[test]
fn multiline_definitions() {
    let text = "$RS= \\\n  real_server 192.168.${VS}.${N} 80 { \\\n    weight ${N} \\\n  }\n\
                $VS=1\nvirtual_server 10.0.0.1 80 {\n $N=1\n $RS\n $N=2\n $RS\n}\n";
    let d = doc(text);
    assert_eq!(
        flat(&d.statements),
        "virtual_server 10.0.0.1 80 { real_server 192.168.1.1 80 { weight 1 }; real_server 192.168.1.2 80 { weight 2 } }"
    );
    let rs = &d.statements[0].block.as_ref().unwrap()[1];
    assert_eq!(rs.at.line, 10, "a definition's lines are where it is used");
}

#[test]
fn nested_multiline_definitions_as_in_the_man_page() {
    let text = "$RS= \\\nreal_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n  weight 1 \\\n} \\\n\n\
                $VS= \\\nvirtual_server 10.0.${VS_NUM}.4 80 { \\\n  quorum 2 \\\n  $RS_NUM=1 \\\n  $RS \\\n  \
                $RS_NUM=2 \\\n  $RS \\\n}\n\n$VS_NUM=0\n$VS\n$VS_NUM=1\n$VS\n";
    let d = doc(text);
    assert_eq!(
        flat(&d.statements),
        "virtual_server 10.0.0.4 80 { quorum 2; real_server 192.168.0.1 80 { weight 1 }; real_server 192.168.0.2 80 { weight 1 } }; \
         virtual_server 10.0.1.4 80 { quorum 2; real_server 192.168.1.1 80 { weight 1 }; real_server 192.168.1.2 80 { weight 1 } }"
    );
}

#[test]
fn a_blank_line_ends_a_multiline_definition() {
    let d = doc("$M=a \\\nb \\\n\nc 1\n$M\n");
    assert_eq!(flat(&d.statements), "c 1; a; b");
}

#[test]
fn a_multiline_definition_only_at_the_end_of_a_line() {
    let d = doc("$M=a \\\nb\nx $M y\nx $M\n");
    assert_eq!(flat(&d.statements), "x $M y; x a; b");
}

#[test]
fn predefined_definitions() {
    let d = doc("a ${_INSTANCE} ${_PWD}\nb ${_RANDOM 3 3}\n");
    assert_eq!(flat(&d.statements), "a lb1 /etc/keepalived; b 3");
    let d2 = doc("$_INSTANCE=mine\na $_INSTANCE\n");
    assert_eq!(flat(&d2.statements), "a mine");
}

#[test]
fn self_referring_definitions_are_errors_not_hangs() {
    assert!(error("$A=$A\nx $A\n").starts_with(&format!("{MAIN}:2: substituting $A never ends")));
    assert!(error("$A=x$A\nx $A\n").contains("longer than 1023"));
    assert!(error("$M=a \\\n$M\n\nx\n$M\n").contains("more than 100000 lines"));
}

#[test]
fn sequences() {
    let d = doc("virtual_ipaddress {\n ~SEQ(SUBNET, 0, 2) 10.0.${SUBNET}.1\n}\n");
    assert_eq!(
        flat(&d.statements),
        "virtual_ipaddress { 10.0.0.1; 10.0.1.1; 10.0.2.1 }"
    );
    assert_eq!(lines_of(d.statements[0].block.as_ref().unwrap()), [2, 2, 2]);
    let d = doc("x {\n ~SEQx(A, 0x90, 0x10, 0xa0) ~SEQ(B, 2) fe81::${A}:${B}\n}\n");
    assert_eq!(
        flat(&d.statements),
        "x { fe81::90:1; fe81::90:2; fe81::a0:1; fe81::a0:2 }"
    );
}

#[test]
fn sequence_parameters_may_be_definitions_and_make_blocks() {
    let d = doc("$N=2\n~SEQ(I, $N) real_server 10.0.0.${I} 80 { weight ${I} }\n");
    assert_eq!(
        flat(&d.statements),
        "real_server 10.0.0.1 80 { weight 1 }; real_server 10.0.0.2 80 { weight 2 }"
    );
}

#[test]
fn bad_sequences_are_errors_with_their_line() {
    assert!(error("a\n~SEQ(I, 1, 0, 3) x\n").starts_with(&format!("{MAIN}:2: invalid ~SEQ values")));
    assert!(error("~SEQ(I, 0, 10000000) x\n").contains("more than 100000 lines"));
    assert!(error("~LST(A, 1, 2) x\n").contains("~LST is not supported"));
}

#[test]
fn includes_relative_to_the_including_file_sorted_in_place() {
    let fs = Memory::new()
        .with(MAIN, "a 1\ninclude conf.d/*.conf\nz 9\n")
        .with(
            "/etc/keepalived/conf.d/b.conf",
            "b 2\ninclude ../more/c.conf\n",
        )
        .with("/etc/keepalived/conf.d/a.conf", "a 2\n")
        .with("/etc/keepalived/more/c.conf", "c ${_PWD}\n");
    let d = doc_with(&fs, &opts()).unwrap();
    assert_eq!(
        flat(&d.statements),
        "a 1; a 2; b 2; c /etc/keepalived/more; z 9"
    );
    assert_eq!(
        d.statements[2].at.to_string(),
        "/etc/keepalived/conf.d/b.conf:1"
    );
    assert_eq!(d.files.len(), 4);
}

#[test]
fn includes_can_split_blocks_across_files() {
    let fs = Memory::new()
        .with(MAIN, "virtual_server 1.1.1.1 80 {\ninclude rs.conf\n")
        .with("/etc/keepalived/rs.conf", "real_server 2.2.2.2 80\n}\n");
    assert_eq!(
        flat(&doc_with(&fs, &opts()).unwrap().statements),
        "virtual_server 1.1.1.1 80 { real_server 2.2.2.2 80 }"
    );
}

#[test]
fn include_variants_and_braces() {
    let fs = Memory::new()
        .with(MAIN, "includer {x,y}.conf\n")
        .with("/etc/keepalived/x.conf", "x 1\n")
        .with("/etc/keepalived/y.conf", "y 1\n");
    assert_eq!(
        flat(&doc_with(&fs, &opts()).unwrap().statements),
        "x 1; y 1"
    );
}

#[test]
fn an_include_that_finds_nothing_is_a_note_unless_checked() {
    let fs = Memory::new().with(MAIN, "a\ninclude /nowhere/*.conf\ninclude missing.conf\n");
    let d = doc_with(&fs, &opts()).unwrap();
    assert_eq!(flat(&d.statements), "a");
    assert_eq!(d.notes.len(), 2);
    assert_eq!(d.notes[1].at.line, 3);
    assert!(d.notes[1].message.contains("missing.conf"));
    let fs = Memory::new().with(MAIN, "includem missing.conf\n");
    assert!(doc_with(&fs, &opts())
        .unwrap_err()
        .to_string()
        .starts_with(&format!("{MAIN}:1: no file `missing.conf`")));
    // A wildcard that matches nothing in an existing directory: only
    // `wildcard_match` makes it an error.
    let fs = Memory::new().with(MAIN, "includem *.none\n");
    assert!(doc_with(&fs, &opts()).is_ok());
    let fs = Memory::new().with(MAIN, "includew *.none\n");
    assert!(doc_with(&fs, &opts()).is_err());
}

#[test]
fn include_check_in_global_defs_and_from_options() {
    let fs = Memory::new().with(
        MAIN,
        "global_defs {\n include_check\n}\ninclude missing.conf\n",
    );
    assert!(doc_with(&fs, &opts())
        .unwrap_err()
        .to_string()
        .starts_with(&format!("{MAIN}:4: no file")));
    let fs = Memory::new().with(MAIN, "include missing.conf\n");
    let o = Options {
        include_check: IncludeCheck::ALL,
        ..opts()
    };
    assert!(doc_with(&fs, &o).is_err());
    let fs = Memory::new().with(MAIN, "global_defs {\n include_check bogus\n}\n");
    assert!(doc_with(&fs, &opts())
        .unwrap_err()
        .to_string()
        .starts_with(&format!("{MAIN}:2: unknown include_check")));
}

#[test]
fn include_check_set_in_an_included_file_ends_with_it() {
    let fs = Memory::new()
        .with(MAIN, "include g.conf\ninclude missing.conf\n")
        .with(
            "/etc/keepalived/g.conf",
            "global_defs {\n include_check\n}\n",
        );
    let d = doc_with(&fs, &opts()).unwrap();
    assert_eq!(d.notes.len(), 1);
}

#[test]
fn include_loops_and_depth_are_errors() {
    let fs = Memory::new().with(MAIN, "a\ninclude keepalived.conf\n");
    assert!(doc_with(&fs, &opts())
        .unwrap_err()
        .to_string()
        .starts_with(&format!("{MAIN}:2: include loop")));
    let fs = Memory::new()
        .with(MAIN, "include a.conf\n")
        .with("/etc/keepalived/a.conf", "include b.conf\n")
        .with("/etc/keepalived/b.conf", "include a.conf\n");
    assert!(doc_with(&fs, &opts())
        .unwrap_err()
        .to_string()
        .starts_with("/etc/keepalived/b.conf:1: include loop"));
    // The same file twice, one after the other, is no loop.
    let fs = Memory::new()
        .with(MAIN, "include a.conf\ninclude a.conf\n")
        .with("/etc/keepalived/a.conf", "x\n");
    assert_eq!(flat(&doc_with(&fs, &opts()).unwrap().statements), "x; x");
}

#[test]
fn include_words_need_a_blank_and_a_pattern() {
    let d = doc("include\ninclude_check_x a\n");
    assert_eq!(flat(&d.statements), "include; include_check_x a");
}

#[test]
fn a_missing_main_file_is_an_error() {
    let e = doc_with(&Memory::new(), &opts()).unwrap_err();
    assert_eq!(e.at.file, PathBuf::from(MAIN));
    assert!(e
        .message
        .contains("give rvsadmd a readable keepalived.conf"));
}

#[test]
fn lines_longer_than_keepalived_reads_are_errors() {
    let ok = format!("a {}\n", "x".repeat(1021));
    assert_eq!(doc(&ok).statements[0].args[0].len(), 1021);
    let long = format!("a\nb {}\n", "x".repeat(1022));
    assert!(error(&long).starts_with(&format!("{MAIN}:2: line longer than 1023 characters")));
}

#[test]
fn not_utf8_names_the_line() {
    let fs = Memory::new().with(MAIN, b"a\nb\n\xff\n".to_vec());
    assert_eq!(doc_with(&fs, &opts()).unwrap_err().at.line, 3);
}

#[test]
fn unknown_keywords_are_kept() {
    let d = doc("frobnicate 1 {\n  whatever\n}\n");
    assert_eq!(flat(&d.statements), "frobnicate 1 { whatever }");
}

/// A fresh directory for the tests that need the disk.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rvsadmd-ka-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn on_disk_executable_files_and_directories_are_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("exec");
    std::fs::create_dir(dir.join("conf.d")).unwrap();
    std::fs::create_dir(dir.join("conf.d/sub.conf")).unwrap();
    std::fs::write(dir.join("conf.d/a.conf"), "a 1\n").unwrap();
    std::fs::write(dir.join("conf.d/x.conf"), "x 1\n").unwrap();
    std::fs::set_permissions(
        dir.join("conf.d/x.conf"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::write(dir.join("k.conf"), "include conf.d/*.conf\n").unwrap();
    let d = read(&dir.join("k.conf"), &opts()).unwrap();
    assert_eq!(flat(&d.statements), "a 1");
    assert_eq!(d.notes.len(), 2, "{:?}", d.notes);
    std::fs::write(dir.join("k.conf"), "includer conf.d/*.conf\n").unwrap();
    let e = read(&dir.join("k.conf"), &opts()).unwrap_err();
    assert!(e.message.contains("sub.conf` is a directory"), "{e}");
    std::fs::set_permissions(dir.join("k.conf"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(read(&dir.join("k.conf"), &opts())
        .unwrap_err()
        .message
        .contains("not a regular non-executable file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn on_disk_pwd_is_the_physical_directory() {
    let dir = scratch("pwd");
    std::fs::create_dir(dir.join("real")).unwrap();
    std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
    std::fs::write(dir.join("real/k.conf"), "p ${_PWD}\n").unwrap();
    let d = read(&dir.join("link/k.conf"), &opts()).unwrap();
    let real = std::fs::canonicalize(dir.join("real")).unwrap();
    assert_eq!(d.statements[0].args, [real.to_string_lossy().into_owned()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_default_config_id_is_the_host_name_up_to_its_first_dot() {
    let host = nix::sys::utsname::uname()
        .unwrap()
        .nodename()
        .to_string_lossy()
        .into_owned();
    let id = Options::default().config_id;
    assert_eq!(id, host.split('.').next().unwrap());
    assert!(!id.contains('.'));
    assert_eq!(Options::default().include_check, IncludeCheck::default());
}

#[test]
fn lines_starting_with_a_tilde_are_kept_as_written() {
    let d = doc("$X=1\n~other $X\n");
    assert_eq!(flat(&d.statements), "~other $X");
}
