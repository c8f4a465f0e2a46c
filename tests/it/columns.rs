//! Column classification: an identifier column reports its values that
//! do not validate, an order-number column lowers its chance hits, and the
//! data map says what each column holds.

use crate::util::{Tree, read_csv, scan};

/// A valid fødselsnummer for day `d` of month `m` 1985, individual number
/// `i` (check digits computed here; `None` when a check digit would be 10).
fn fnr(d: u32, m: u32, i: u32) -> Option<String> {
    let base = format!("{d:02}{m:02}85{i:03}");
    let digits: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
    let check = |w: &[u32], ds: &[u32]| {
        let k = (11 - ds.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11) % 11;
        (k < 10).then_some(k)
    };
    let k1 = check(&[3, 7, 6, 1, 8, 9, 4, 5, 2], &digits)?;
    let mut with = digits.clone();
    with.push(k1);
    let k2 = check(&[5, 4, 3, 2, 7, 6, 5, 4, 3, 2], &with)?;
    Some(format!("{base}{k1}{k2}"))
}

#[test]
fn columns_are_classified_from_their_values() {
    let valid: Vec<String> = (1..=28)
        .flat_map(|d| (100..110).filter_map(move |i| fnr(d, 3, i)))
        .take(190)
        .collect();
    assert_eq!(valid.len(), 190);
    let mut csv = String::from("id;fnr;nummer\n");
    for (n, f) in valid.iter().enumerate() {
        // Order numbers: eleven digits that do not validate, except one.
        let order = if n == 150 {
            valid[0].clone()
        } else {
            format!("7{:010}", n * 7919)
        };
        csv += &format!("{n};{f};{order}\n");
    }
    // Look-alikes in the fnr column: a wrong check digit, a number that
    // lost its leading zero, and a note that is not a number at all.
    csv += "190;15108695077;70000000001\n";
    csv += "191;1017002038;70000000002\n";
    csv += "192;ukjent;70000000003\n";
    let t = Tree::new();
    t.write("in/ansatte.csv", &csv);
    let out = t.path().join("out");
    scan(&[&t.path().join("in")], &out, &["--reveal-values"]);
    let findings = read_csv(&out.join("findings.csv"));
    let in_column = |c: &str| {
        findings
            .iter()
            .filter(|r| r["column_name"] == c)
            .collect::<Vec<_>>()
    };
    let fnr_rows = in_column("fnr");
    assert_eq!(fnr_rows.len(), 192);
    let low: Vec<(&str, &str, &str)> = fnr_rows
        .iter()
        .filter(|r| r["reason"] == "column classification")
        .map(|r| {
            (
                r["location"].as_str(),
                r["value"].as_str(),
                r["confidence"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        low,
        [
            ("row 191, column fnr", "15108695077", "low"),
            ("row 192, column fnr", "1017002038", "low"),
        ]
    );
    // The one valid number among 193 order numbers is a chance hit.
    let orders = in_column("nummer");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["confidence"], "low");
    assert!(
        orders[0]["detail"].contains("rare in its column"),
        "{:?}",
        orders[0]
    );
    // The data map says what each column holds.
    let map = read_csv(&out.join("data_map.csv"));
    let column = |c: &str| {
        let r = map.iter().find(|r| r["column_name"] == c).unwrap();
        (
            r["column_type"].clone(),
            r["column_values"].clone(),
            r["column_share"].clone(),
        )
    };
    assert_eq!(column("fnr"), ("no_fnr".into(), "193".into(), "0.984".into()));
    assert_eq!(column("nummer"), ("no_fnr".into(), "193".into(), "0.005".into()));
}
