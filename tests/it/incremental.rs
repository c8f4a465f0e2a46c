//! Nightly scans: an incremental scan after adds, edits, renames and
//! deletions gives exactly what a fresh full scan gives (every output
//! table and the subject index); `changes.csv` says what changed;
//! `--fail-on` exits 4; a scan killed with SIGKILL at any point and run
//! again gives the same outputs as an uninterrupted one; a second scan on
//! a locked folder exits 3 and a stale lock is taken over; `history`.

use crate::util::{Tree, datakart, read_csv, scan, summary};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Files under `dir`, recursively.
fn files_in(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            if e.file_type().unwrap().is_dir() {
                files_in(&e.path())
            } else {
                1
            }
        })
        .sum()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

/// Every row of every output table of `out`, without the scan id, sorted:
/// table name → rows.
fn tables(out: &Path) -> BTreeMap<&'static str, Vec<String>> {
    let mut all = BTreeMap::new();
    for name in [
        "findings",
        "data_map",
        "data_map_folders",
        "retention_violations",
        "scan_errors",
    ] {
        let mut rows: Vec<String> = read_csv(&out.join(format!("{name}.csv")))
            .into_iter()
            .map(|mut r| {
                r.remove("scan_id");
                let mut cells: Vec<String> = r.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
                cells.sort();
                cells.join("|")
            })
            .collect();
        rows.sort();
        all.insert(name, rows);
    }
    all
}

/// `datakart search QUERY --format json` as sorted lines. Which record a
/// link is explained by is left out: when identical records link the same
/// values (copies of a file), any of them is a right answer.
fn search(out: &Path, query: &str) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let o = datakart(home.path())
        .args(["search", query, "--format", "json", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut lines: Vec<String> = hits
        .iter()
        .map(|h| {
            let why = h["match"].as_str().unwrap();
            let why = why.split(" in ").next().unwrap();
            format!("{} {} {} {why}", h["path"], h["location"], h["type"])
        })
        .collect();
    lines.sort();
    lines
}

/// Asserts that `incremental` holds exactly what the fresh full scan in
/// `fresh` holds.
fn assert_same(incremental: &Path, fresh: &Path) {
    let (a, b) = (tables(incremental), tables(fresh));
    for (name, rows) in &b {
        assert_eq!(&a[name], rows, "table {name} differs");
    }
    let (sa, sb) = (summary(incremental), summary(fresh));
    assert_eq!(sa["findings"], sb["findings"]);
    assert_eq!(sa["retention"]["violations"], sb["retention"]["violations"]);
    assert_eq!(sa["index"]["findings"], sb["index"]["findings"]);
    assert_eq!(
        sa["index"]["documents"], sb["index"]["documents"],
        "index documents"
    );
    for query in [
        "ola.nordmann@example.no",
        "15108695088",
        "Ola Nordmann",
        "nytt.navn@example.no",
    ] {
        assert_eq!(search(incremental, query), search(fresh, query), "search {query}");
    }
}

/// Adds, edits, renames and deletes files in `root`.
fn change(root: &Path) {
    let crm = root.join("crm/kunder.csv");
    let mut text = std::fs::read_to_string(&crm).unwrap();
    text.push_str("100999;Nytt Navn;nytt.navn@example.no;912 34 567;;2025-01-01\n");
    std::fs::write(&crm, text).unwrap();
    std::fs::write(
        root.join("ny-fil.txt"),
        "Kontakt: kari.nordmann@example.no, tlf 412 34 567.\n",
    )
    .unwrap();
    std::fs::rename(root.join("hr"), root.join("personal")).unwrap();
    std::fs::remove_file(root.join("notes/telefonnotat-utf16.txt")).unwrap();
}

fn run(args: &[&str], out: &Path, root: &Path) -> Output {
    let home = tempfile::tempdir().unwrap();
    datakart(home.path())
        .arg("scan")
        .arg(root)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_incremental_scan_equals_a_full_one_after_adds_edits_renames_and_deletions() {
    let t = Tree::new();
    let root = t.path().join("share");
    copy_tree(&sample(), &root);
    assert!(root.join("hr").is_dir() && root.join("notes/telefonnotat-utf16.txt").is_file());
    let out = tempfile::tempdir().unwrap();
    scan(&[&root], out.path(), &[]);
    let first = summary(out.path());
    assert_eq!(first["incremental"]["mode"], "full");
    assert_eq!(first["changes"]["compared"], false);

    // Nothing changed: nothing is read, everything is the same.
    let again = run(&["--log-format", "text"], out.path(), &root);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let s = summary(out.path());
    assert_eq!(s["incremental"]["files_read"], 0);
    assert_eq!(
        s["incremental"]["files_carried"],
        first["incremental"]["files_read"]
    );
    assert_eq!(s["changes"]["appeared"], 0);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("info scan.finished") && stderr.contains("files_read=0"),
        "{stderr}"
    );

    change(&root);
    let o = run(
        &["--fail-on", "new-findings", "--log-format", "json"],
        out.path(),
        &root,
    );
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(events.iter().any(|e| e["event"] == "scan.fail_on"), "{events:?}");
    let s = summary(out.path());
    assert_eq!(s["incremental"]["mode"], "incremental");
    // The CRM export, the new file and the renamed HR files are read; the
    // deleted note and the HR files' old paths are removed; the rest is
    // carried.
    let hr_files = files_in(&root.join("personal"));
    assert_eq!(s["incremental"]["files_read"], 2 + hr_files, "{s}");
    assert_eq!(s["incremental"]["files_removed"], 1 + hr_files, "{s}");

    let fresh = tempfile::tempdir().unwrap();
    scan(&[&root], fresh.path(), &[]);
    assert_same(out.path(), fresh.path());

    // What changed: the new CRM row and file appeared, the HR files' values
    // moved, the note's values disappeared.
    let changes = read_csv(&out.path().join("changes.csv"));
    let kinds = |kind: &str| changes.iter().filter(|c| c["change"] == kind).collect::<Vec<_>>();
    assert!(
        kinds("appeared")
            .iter()
            .any(|c| c["path"].ends_with("crm/kunder.csv") && c["type"] == "email"),
        "{changes:?}"
    );
    assert!(
        kinds("appeared")
            .iter()
            .any(|c| c["path"].ends_with("ny-fil.txt"))
    );
    let moved = kinds("moved");
    assert!(
        moved
            .iter()
            .any(|c| c["path"].contains("/personal/") && c["previous_path"].contains("/hr/")),
        "{changes:?}"
    );
    assert!(
        moved.iter().all(|c| c["path"].contains("/personal/")),
        "{changes:?}"
    );
    assert!(!kinds("disappeared").is_empty());
    assert!(
        kinds("disappeared")
            .iter()
            .all(|c| c["path"].contains("/notes/") || c["path"].contains("/hr/")),
        "{changes:?}"
    );
    assert_eq!(s["changes"]["moved"], moved.len() as u64);

    // A changed profile setting that decides findings reads everything;
    // --full does too.
    let o = run(&["--full"], out.path(), &root);
    assert!(o.status.success());
    assert_eq!(summary(out.path())["incremental"]["files_carried"], 0);
    assert_same(out.path(), fresh.path());

    // History: one partition per scan, oldest first.
    let home = tempfile::tempdir().unwrap();
    let o = datakart(home.path())
        .args(["history", "--format", "json", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let history: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let modes: Vec<&str> = history.iter().map(|h| h["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["full", "incremental", "incremental", "full"]);
    assert_eq!(history[2]["files_removed"], 1 + hr_files);
    assert_eq!(history[3]["files_carried"], 0);
}

#[test]
fn a_scan_killed_at_any_point_and_run_again_gives_the_uninterrupted_outputs() {
    let t = Tree::new();
    let root = t.path().join("share");
    for i in 0..12 {
        copy_tree(&sample(), &root.join(format!("copy{i}")));
    }
    let out = tempfile::tempdir().unwrap();
    scan(&[&root], out.path(), &[]);
    for i in 0..12 {
        change(&root.join(format!("copy{i}")));
    }
    let fresh = tempfile::tempdir().unwrap();
    scan(&[&root], fresh.path(), &[]);
    // Kill the incremental scan at several points, each time rerunning it.
    for delay_ms in [30, 120, 300, 700, 1500] {
        let home = tempfile::tempdir().unwrap();
        let mut child = datakart(home.path())
            .arg("scan")
            .arg(&root)
            .arg("--out")
            .arg(out.path())
            .arg("--quiet")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SAFETY: signalling a child this test spawned.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
        // Whatever the kill left, the outputs in place are whole.
        for name in ["findings.csv", "data_map.csv", "scan.json"] {
            assert!(
                out.path().join(name).is_file(),
                "{name} missing after a kill at {delay_ms} ms"
            );
        }
    }
    let o = run(&[], out.path(), &root);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_same(out.path(), fresh.path());
    // Once settled, another run reads nothing.
    let o = run(&[], out.path(), &root);
    assert!(o.status.success());
    assert_eq!(summary(out.path())["incremental"]["files_read"], 0);
    assert_same(out.path(), fresh.path());
}

/// The state and the index commit side by side at the end of a scan, so
/// a kill can leave either one a scan ahead of the other. Made here by
/// putting back the folder of one of them as it was before the last scan:
/// the next scan writes the index whole and gives the uninterrupted
/// outputs. (Were the stale index kept, the CRM's new e-mail would not be
/// found and the HR files would be found under their old folder.)
#[test]
fn a_state_and_an_index_a_scan_apart_give_the_uninterrupted_outputs() {
    let t = Tree::new();
    let root = t.path().join("share");
    copy_tree(&sample(), &root);
    let out = tempfile::tempdir().unwrap();
    scan(&[&root], out.path(), &[]);
    let before = tempfile::tempdir().unwrap();
    for folder in ["index", "state"] {
        copy_tree(&out.path().join(folder), &before.path().join(folder));
    }
    change(&root);
    let fresh = tempfile::tempdir().unwrap();
    scan(&[&root], fresh.path(), &[]);
    let changed = tempfile::tempdir().unwrap();
    copy_tree(out.path(), changed.path());
    let o = run(&[], changed.path(), &root);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    for (behind, read_again) in [("index", 0), ("state", 2 + files_in(&root.join("personal")))] {
        let out = tempfile::tempdir().unwrap();
        copy_tree(changed.path(), out.path());
        std::fs::remove_dir_all(out.path().join(behind)).unwrap();
        copy_tree(&before.path().join(behind), &out.path().join(behind));
        let o = run(&[], out.path(), &root);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = summary(out.path());
        assert_eq!(s["incremental"]["files_read"], read_again, "{behind} behind: {s}");
        assert_eq!(
            s["index"]["documents"],
            summary(fresh.path())["index"]["documents"],
            "{behind} behind"
        );
        assert_same(out.path(), fresh.path());
    }
}

#[test]
fn a_locked_folder_exits_3_and_a_stale_lock_is_taken_over() {
    use std::os::fd::AsRawFd;
    let t = Tree::new();
    t.write("a.txt", "ola.nordmann@example.no\n");
    let out = tempfile::tempdir().unwrap();
    let lock_path = out.path().join(".datakart.lock");
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    std::fs::write(&lock_path, "4242").unwrap();
    // SAFETY: locking a file this test opened.
    assert_eq!(
        unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let o = run(&[], out.path(), t.path());
    assert_eq!(o.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("process 4242") && stderr.contains("scan.locked"),
        "{stderr}"
    );
    assert!(!out.path().join("findings.csv").exists());
    drop(held);
    // The holder died without cleaning up: its pid is still in the file.
    let o = run(&[], out.path(), t.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("warn lock.stale pid=4242"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), "", "released");
}

#[test]
fn verify_reads_a_file_changed_behind_its_size_and_time_and_profiles_re_read_only_what_they_change() {
    let t = Tree::new();
    let root = t.path().join("share");
    let note = t.write("share/notat.txt", "Kontakt: ola.nordmann@example.no\n");
    t.write(
        "share/kunder.csv",
        "navn,epost\nKari Hansen,kari.hansen@example.no\n",
    );
    let out = tempfile::tempdir().unwrap();
    scan(&[&root], out.path(), &[]);

    // Same size, same modified time, other content.
    let modified = std::fs::metadata(&note).unwrap().modified().unwrap();
    std::fs::write(&note, "Kontakt: per.nordmann@example.no\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&note)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    // Sorted: workers finish files in any order.
    let emails = |out: &Path| -> Vec<String> {
        let mut found: Vec<String> = read_csv(&out.join("findings.csv"))
            .into_iter()
            .filter(|r| r["type"] == "email")
            .map(|r| r["value_masked"].clone())
            .collect();
        found.sort();
        found
    };
    let before = emails(out.path());
    assert!(run(&[], out.path(), &root).status.success());
    assert_eq!(
        summary(out.path())["incremental"]["files_read"],
        0,
        "looks unchanged"
    );
    assert_eq!(emails(out.path()), before);
    assert!(run(&["--verify"], out.path(), &root).status.success());
    let s = summary(out.path());
    assert_eq!(s["incremental"]["files_read"], 1, "{s}");
    assert_eq!(s["incremental"]["files_carried"], 1, "{s}");
    assert_ne!(emails(out.path()), before);
    assert_eq!(s["changes"]["appeared"], 1);
    assert_eq!(s["changes"]["disappeared"], 1);

    let default = include_str!("../../profiles/default.toml");
    // A setting that decides findings: every file is read again.
    let detect = t.write(
        "detect.toml",
        default.replace("disable = []", "disable = [\"person_name\"]"),
    );
    assert!(
        run(&["--profile", detect.to_str().unwrap()], out.path(), &root)
            .status
            .success()
    );
    assert_eq!(summary(out.path())["incremental"]["files_read"], 2);
    // A setting that only judges (a retention period): nothing is read,
    // and the judging is done afresh.
    let judge = t.write(
        "judge.toml",
        default
            .replacen("disable = []", "disable = [\"person_name\"]", 1)
            .replacen("retention = \"5y\"", "retention = \"6y\"", 1),
    );
    assert!(
        run(&["--profile", judge.to_str().unwrap()], out.path(), &root)
            .status
            .success()
    );
    assert_eq!(summary(out.path())["incremental"]["files_read"], 0);
    assert_eq!(summary(out.path())["incremental"]["files_carried"], 2);
}

/// Gone files are found by paging through the state's rows (4,096 at a
/// time) against the rows the scan saw: with more files than a page,
/// deleted ones on every page, edited ones re-stored under new rows and
/// new ones added, exactly the deleted files are removed, and a third scan
/// finds nothing gone.
#[test]
fn gone_files_are_found_across_pages_of_the_state() {
    let t = Tree::new();
    let root = t.path().join("share");
    let name = |i: usize| root.join(format!("d{}/f{i:05}.txt", i % 10));
    for d in 0..10 {
        std::fs::create_dir_all(root.join(format!("d{d}"))).unwrap();
    }
    for i in 0..9_000 {
        std::fs::write(name(i), format!("notat {i}\n")).unwrap();
    }
    let out = t.path().join("out");
    scan(&[&root], &out, &[]);
    let deleted = (0..9_000).step_by(7).count();
    for i in (0..9_000).step_by(7) {
        std::fs::remove_file(name(i)).unwrap();
    }
    for i in (3..9_000).step_by(7 * 11) {
        std::fs::write(name(i), format!("notat {i}, endret: ola@example.no\n")).unwrap();
    }
    for i in 9_000..9_100 {
        std::fs::write(name(i), format!("nytt notat {i}\n")).unwrap();
    }
    scan(&[&root], &out, &[]);
    let s = summary(&out);
    assert_eq!(s["incremental"]["files_removed"], deleted as u64, "{s}");
    let edited = (3..9_000).step_by(77).count() as u64;
    assert_eq!(s["incremental"]["files_read"], edited + 100, "{s}");
    let state = rusqlite::Connection::open(out.join("state/state.sqlite")).unwrap();
    let rows: i64 = state
        .query_row("SELECT count(*) FROM files", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows as usize, 9_000 - deleted + 100);
    drop(state);
    scan(&[&root], &out, &[]);
    let s = summary(&out);
    assert_eq!(s["incremental"]["files_removed"], 0, "{s}");
    assert_eq!(s["incremental"]["files_read"], 0, "{s}");
}

/// The last scan's change counts: (moved, appeared, disappeared).
fn moved_appeared_disappeared(out: &Path) -> (u64, u64, u64) {
    let changes = &summary(out)["changes"];
    let count = |name: &str| changes[name].as_u64().unwrap();
    (count("moved"), count("appeared"), count("disappeared"))
}

/// A CSV export of `n` rows, each with one e-mail address at `domain`.no.
fn email_rows(n: usize, domain: &str) -> String {
    let mut text = String::from("id,epost\n");
    for i in 0..n {
        text.push_str(&format!("{i},person{i}@{domain}.no\n"));
    }
    text
}

/// A renamed share whose changes pass what the change report holds in
/// memory (100,000) is still reported as moves, not as every value gone
/// and found anew: the changes go through bucket files on disk, and none
/// is left in the output folder.
#[test]
fn a_renamed_share_past_what_is_held_in_memory_is_reported_as_moves() {
    let t = Tree::new();
    let root = t.path().join("share");
    std::fs::create_dir_all(root.join("crm")).unwrap();
    for (name, n) in [("kunder", 30_000), ("leads", 30_000), ("slett", 500)] {
        std::fs::write(root.join(format!("crm/{name}.csv")), email_rows(n, name)).unwrap();
    }
    let out = t.path().join("out");
    scan(&[&root], &out, &[]);
    std::fs::remove_file(root.join("crm/slett.csv")).unwrap();
    std::fs::rename(root.join("crm"), root.join("crm-2026")).unwrap();
    scan(&[&root], &out, &[]);

    assert_eq!(moved_appeared_disappeared(&out), (60_000, 0, 500));
    let rows = read_csv(&out.join("changes.csv"));
    assert_eq!(rows.len(), 60_500);
    for r in rows.iter().filter(|r| r["change"] == "moved") {
        let (now, before) = (&r["path"], &r["previous_path"]);
        let name = now.rsplit('/').next().unwrap();
        assert!(
            now.contains("/crm-2026/") && before.ends_with(&format!("/crm/{name}")),
            "{r:?}"
        );
        assert_eq!(r["location"], r["previous_location"], "{r:?}");
    }
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.') && name != ".datakart.lock")
        .collect();
    left.sort();
    assert!(left.is_empty(), "{left:?}");
}

/// A renamed file and a deleted one, each with more findings than one
/// change message holds (`sink::CHANGES`): every value of the renamed file
/// is reported moved, every value of the deleted one gone, and the
/// renamed file's findings are first seen in the second scan (one
/// first-seen row, the deleted file's and the old path's none).
#[test]
fn big_files_renamed_and_deleted_report_every_change_once() {
    let t = Tree::new();
    let root = t.path().join("share");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("kunder.csv"), email_rows(3000, "kunde")).unwrap();
    std::fs::write(root.join("gammel.csv"), email_rows(2500, "gammel")).unwrap();
    let out = t.path().join("out");
    scan(&[&root], &out, &[]);
    std::fs::rename(root.join("kunder.csv"), root.join("kunder-2025.csv")).unwrap();
    std::fs::remove_file(root.join("gammel.csv")).unwrap();
    scan(&[&root], &out, &[]);

    assert_eq!(moved_appeared_disappeared(&out), (3000, 0, 2500));
    let rows = read_csv(&out.join("changes.csv"));
    let moved = rows.iter().filter(|r| r["change"] == "moved").count();
    let gone = rows.iter().filter(|r| r["change"] == "disappeared").count();
    assert_eq!((moved, gone, rows.len()), (3000, 2500, 5500));
    assert!(
        rows.iter()
            .filter(|r| r["change"] == "moved")
            .all(|r| r["path"].ends_with("kunder-2025.csv") && r["previous_path"].ends_with("kunder.csv"))
    );

    let state = rusqlite::Connection::open(out.join("state/state.sqlite")).unwrap();
    let first_seen: Vec<(String, i64)> = state
        .prepare("SELECT path, length(findings) FROM first_seen")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let scan_id = summary(&out)["scan_id"].as_str().unwrap().to_string();
    assert_eq!(first_seen.len(), 1, "{first_seen:?}");
    assert!(first_seen[0].0.ends_with("kunder-2025.csv"));
    assert_eq!(first_seen[0].1 as usize, 2 + scan_id.len() + 4 + 8 * 3000);
}

/// Rows of `recording_parts` in the state of `out`.
fn result_parts(out: &Path) -> i64 {
    let state = rusqlite::Connection::open(out.join("state/state.sqlite")).unwrap();
    state
        .query_row("SELECT count(*) FROM recording_parts", [], |r| r.get(0))
        .unwrap()
}

/// An export whose result is larger than one part of the state (4 MiB,
/// here 50,000 findings) is kept in parts: an unchanged rescan carries it
/// forward unread, and editing, renaming, shrinking, growing and deleting
/// it report exactly the values that appeared, disappeared and moved,
/// while the outputs stay those of a fresh full scan.
#[test]
fn a_result_kept_in_parts_is_carried_forward_and_its_changes_reported() {
    let t = Tree::new();
    let root = t.path().join("share");
    std::fs::create_dir_all(&root).unwrap();
    let export = root.join("kunder.csv");
    std::fs::write(&export, email_rows(50_000, "kunde")).unwrap();
    std::fs::write(root.join("brev.txt"), "Kontakt: kari.nordmann@example.no\n").unwrap();
    let out = t.path().join("out");
    scan(&[&root], &out, &[]);
    assert!(result_parts(&out) >= 2, "{} parts", result_parts(&out));
    let first = tables(&out);

    scan(&[&root], &out, &[]);
    let s = summary(&out);
    assert_eq!(s["incremental"]["files_read"], 0, "{s}");
    assert_eq!(s["incremental"]["files_carried"], 2, "{s}");
    assert_eq!(tables(&out), first);
    assert_eq!(moved_appeared_disappeared(&out), (0, 0, 0));

    // Five addresses changed in place, ten rows added.
    let mut text = email_rows(50_010, "kunde");
    for i in 100..105 {
        text = text.replace(
            &format!("\n{i},person{i}@kunde.no\n"),
            &format!("\n{i},person{i}@ny-kunde.no\n"),
        );
    }
    std::fs::write(&export, text).unwrap();
    scan(&[&root], &out, &[]);
    assert_eq!(summary(&out)["incremental"]["files_read"], 1);
    assert_eq!(moved_appeared_disappeared(&out), (0, 15, 5));
    let fresh = t.path().join("fresh");
    scan(&[&root], &fresh, &[]);
    assert_same(&out, &fresh);

    std::fs::rename(&export, root.join("kunder-2026.csv")).unwrap();
    scan(&[&root], &out, &[]);
    assert_eq!(moved_appeared_disappeared(&out), (50_010, 0, 0));

    // Cut to 100 rows, its result fits one piece: the parts go.
    std::fs::write(root.join("kunder-2026.csv"), email_rows(100, "kunde")).unwrap();
    scan(&[&root], &out, &[]);
    assert_eq!(moved_appeared_disappeared(&out), (0, 0, 49_910));
    assert_eq!(result_parts(&out), 0, "a result in one piece leaves no parts");

    std::fs::write(root.join("kunder-2026.csv"), email_rows(50_000, "kunde")).unwrap();
    scan(&[&root], &out, &[]);
    assert_eq!(moved_appeared_disappeared(&out), (0, 49_900, 0));
    std::fs::remove_file(root.join("kunder-2026.csv")).unwrap();
    scan(&[&root], &out, &[]);
    assert_eq!(moved_appeared_disappeared(&out), (0, 0, 50_000));
    assert_eq!(result_parts(&out), 0, "a gone file's parts go with it");
}
