//! The command line: help, version, exit codes, the hash key, profiles.

use crate::util::{Tree, datakart, read_csv, scan, summary};
use std::path::Path;

#[test]
fn help_and_version_explain_themselves() {
    let home = tempfile::tempdir().unwrap();
    let out = datakart(home.path()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scan"), "{text}");
    let out = datakart(home.path()).args(["scan", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--profile",
        "--out",
        "--threads",
        "--reveal-values",
        "--quiet",
        "Exit codes",
    ] {
        assert!(text.contains(flag), "scan --help lacks {flag}");
    }
    let out = datakart(home.path()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("datakart {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn exit_codes_follow_the_readme() {
    let home = tempfile::tempdir().unwrap();
    let t = Tree::new();
    t.write("a.txt", "e-post: ola@example.no\n");
    // 2: usage errors.
    assert_eq!(
        datakart(home.path()).arg("scan").status().unwrap().code(),
        Some(2)
    );
    assert_eq!(
        datakart(home.path())
            .args(["scan", "--threads", "0", "x"])
            .status()
            .unwrap()
            .code(),
        Some(2)
    );
    assert_eq!(
        datakart(home.path()).arg("frobnicate").status().unwrap().code(),
        Some(2)
    );
    // 1: the scan cannot run.
    let bad = t.write("bad.toml", "[scan]\nfollow_links = true\n");
    let out = datakart(home.path())
        .args(["scan", "--quiet", "--profile"])
        .arg(&bad)
        .arg(t.path().join("a.txt"))
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("follow_links") && err.contains("line 2"), "{err}");
    let out = datakart(home.path())
        .args(["scan", "--quiet", "no/such/root", "--out"])
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/root"));
    let blocker = t.write("blocker", "a file where the output folder should be");
    let out = datakart(home.path())
        .args(["scan", "--quiet"])
        .arg(t.path().join("a.txt"))
        .arg("--out")
        .arg(blocker.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // 0: a completed scan, even with unreadable files.
    t.write("b.bin", b"\x00\x01\x02");
    let out = datakart(home.path())
        .args(["scan", "--quiet"])
        .arg(t.path())
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn summary_table_is_printed_unless_quiet() {
    let home = tempfile::tempdir().unwrap();
    let t = Tree::new();
    t.write("in/a.txt", "e-post: ola@example.no\ntlf +47 412 34 567\n");
    let out = datakart(home.path())
        .arg("scan")
        .arg(t.path().join("in"))
        .arg("--out")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("email") && text.contains("phone") && text.contains("total"),
        "{text}"
    );
    assert!(text.contains("1 seen, 1 scanned"), "{text}");
    // Not a terminal: no progress animation on stderr.
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_missing_key_is_created_once_with_private_mode() {
    let home = tempfile::tempdir().unwrap();
    let t = Tree::new();
    t.write("in/a.txt", "e-post: ola@example.no\n");
    let run = |out: &str| {
        let mut c = datakart(home.path());
        c.env_remove("DATAKART_KEY")
            .args(["scan", "--quiet"])
            .arg(t.path().join("in"))
            .arg("--out")
            .arg(t.path().join(out));
        c.output().unwrap()
    };
    let first = run("o1");
    assert!(first.status.success());
    let msg = String::from_utf8_lossy(&first.stderr);
    assert!(msg.contains("created a new hash key"), "{msg}");
    let key_path = home.path().join("datakart").join("key");
    assert!(key_path.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let second = run("o2");
    assert!(
        second.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let h1 = read_csv(&t.path().join("o1/findings.csv"))[0]["value_hash"].clone();
    let h2 = read_csv(&t.path().join("o2/findings.csv"))[0]["value_hash"].clone();
    assert_eq!(h1, h2, "the same key gives the same hash across scans");
    let with_env = Tree::new();
    scan(&[&t.path().join("in")], with_env.path(), &[]);
    let h3 = read_csv(&with_env.path().join("findings.csv"))[0]["value_hash"].clone();
    assert_ne!(h1, h3, "another key gives another hash");
}

#[test]
fn equal_values_hash_equally_whatever_their_spelling() {
    let t = Tree::new();
    t.write("in/a.txt", "personnummer 811228-9841\nE-post: Ola@Example.no\n");
    t.write("in/b.txt", "personnummer 19811228-9841\nE-post: ola@example.no\n");
    let out = t.path().join("out");
    scan(&[&t.path().join("in")], &out, &[]);
    let rows = read_csv(&out.join("findings.csv"));
    let hash = |file: &str, ty: &str| {
        rows.iter()
            .find(|r| r["path"].ends_with(file) && r["type"] == ty)
            .map(|r| r["value_hash"].clone())
            .unwrap()
    };
    assert_eq!(hash("a.txt", "se_pnr"), hash("b.txt", "se_pnr"));
    assert_eq!(hash("a.txt", "email"), hash("b.txt", "email"));
}

#[test]
fn the_allow_list_suppresses_and_counts() {
    let t = Tree::new();
    t.write(
        "in/brev.txt",
        "Sentralbord: +47 22 12 34 56\nKunde: ola@example.no\nKontakt: post@example.no\n",
    );
    t.write(
        "in/switchboard/liste.txt",
        "Vakt: +47 22 98 76 54, kari@example.no\n",
    );
    t.write("in/testdata/fixture.csv", "fnr\n15108695088\n");
    // First scan without a list, to learn the published address's hash.
    let first = t.path().join("first");
    scan(&[&t.path().join("in")], &first, &[]);
    let rows = crate::util::read_csv(&first.join("findings.csv"));
    assert_eq!(rows.len(), 6);
    let post = rows
        .iter()
        .find(|r| r["value_masked"] == "p***@example.no")
        .unwrap();
    let profile = t.write(
        "p.toml",
        format!(
            "[allow]\nvalues = [\"{}\"]\npaths = [\"testdata/**\"]\n[[allow.rule]]\ntype = \"phone\"\npath = \"**/switchboard/**\"\nnote = \"duty phone\"\n",
            post["value_hash"]
        ),
    );
    let out = t.path().join("out");
    scan(
        &[&t.path().join("in")],
        &out,
        &["--profile", profile.to_str().unwrap(), "--reveal-values"],
    );
    let mut kept: Vec<String> = crate::util::read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|r| r["value"].clone())
        .collect();
    kept.sort();
    assert_eq!(kept, ["+47 22 12 34 56", "kari@example.no", "ola@example.no"]);
    let s = summary(&out);
    assert_eq!(s["findings"]["total"].as_u64(), Some(3));
    assert_eq!(s["findings"]["suppressed"]["total"].as_u64(), Some(3));
    let by_entry: Vec<(String, u64)> = s["findings"]["suppressed"]["by_entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entry"].as_str().unwrap().to_string(),
                e["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_entry,
        [
            (format!("value {}…", &post["value_hash"][..12]), 1),
            ("path testdata/**".to_string(), 1),
            (
                "rule 1 (type=phone, path=**/switchboard/**, note=duty phone)".to_string(),
                1
            ),
        ]
    );
    // A mistake in the list is a profile error naming the key.
    let bad = t.write("bad.toml", "[[allow.rule]]\ntype = \"telefon\"\n");
    let o = crate::util::datakart(t.path())
        .args(["scan", "--profile", bad.to_str().unwrap(), "--out"])
        .arg(t.path().join("out2"))
        .arg(t.path().join("in"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("[[allow.rule]] number 1: unknown type \"telefon\""),
        "{err}"
    );
}

#[test]
fn profile_globs_and_disabled_types_apply() {
    let t = Tree::new();
    t.write("in/keep/a.txt", "e-post: ola@example.no, ip 81.2.69.142\n");
    t.write("in/keep/deep/node_modules/b.txt", "e-post: kari@example.no\n");
    t.write("in/c.log", "e-post: per@example.no\n");
    let profile = t.write(
        "p.toml",
        "name = \"test\"\n[scan]\nexclude = [\"**/node_modules\", \"*.log\"]\n[detect]\ndisable = [\"ipv4\"]\n",
    );
    let out = t.path().join("out");
    scan(
        &[&t.path().join("in")],
        &out,
        &["--profile", profile.to_str().unwrap()],
    );
    let keys = crate::util::finding_keys(&out);
    let root = t.path().join("in");
    assert_eq!(
        keys,
        [(
            root.join("keep/a.txt").display().to_string(),
            "line 1".to_string(),
            "email".to_string()
        )]
    );
    let s = summary(&out);
    assert_eq!(s["profile"]["name"], "test");
    assert_eq!(s["files"]["excluded"].as_u64(), Some(1));
    assert_eq!(s["profile"]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn paths_start_with_the_root_as_given() {
    let out = tempfile::tempdir().unwrap();
    scan(&[Path::new("sample-data/hr/uk")], out.path(), &[]);
    let keys = crate::util::finding_keys(out.path());
    assert!(
        keys.iter()
            .all(|k| k.0 == "sample-data/hr/uk/contract-summary.txt"),
        "{keys:?}"
    );
    // Phone, e-mail and the employee's name.
    assert_eq!(keys.len(), 3);
}
