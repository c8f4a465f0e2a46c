//! Retention: how old personal data is, and whether its category allows
//! keeping it that long. A file is as old as its modified time; a row of
//! structured data with a date column (`sist_kontakt`, `last_contact`,
//! `avsluttet`) is as old as that date. Ages are counted in whole days up
//! to a reference time (`--as-of`, default the scan's start), so a report
//! can be reproduced later.

use crate::blocklist::Blocked;
use crate::category::{Category, ClaimMemo, FileFacts, PathMatcher};
use crate::region::Regions;
use chrono::NaiveDate;

/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Everything the sink needs to judge files: categories, regions, the
/// block list and the reference time.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Data categories in profile order.
    pub categories: Vec<Category>,
    /// Storage regions.
    pub regions: Regions,
    /// Contacts blocked for marketing, hashed.
    pub blocked: Option<Blocked>,
    /// The reference time, microseconds since the epoch, UTC.
    pub as_of: i64,
    /// Every date column any category names (lower case); a column's id
    /// is its position here.
    pub date_columns: Vec<String>,
    /// Per category, the ids of its date columns in its order of
    /// preference.
    pub category_dates: Vec<Vec<u16>>,
    /// The categories' path globs, matched together.
    paths: PathMatcher,
}

impl Policy {
    /// A policy over `categories`, numbering their date columns.
    pub fn new(categories: Vec<Category>, regions: Regions, blocked: Option<Blocked>, as_of: i64) -> Policy {
        let mut date_columns: Vec<String> = Vec::new();
        let category_dates = categories
            .iter()
            .map(|c| {
                c.date_columns
                    .iter()
                    .map(|name| {
                        let id = date_columns.iter().position(|d| d == name).unwrap_or_else(|| {
                            date_columns.push(name.clone());
                            date_columns.len() - 1
                        });
                        id as u16
                    })
                    .collect()
            })
            .collect();
        Policy {
            paths: PathMatcher::new(&categories),
            categories,
            regions,
            blocked,
            as_of,
            date_columns,
            category_dates,
        }
    }

    /// The position of the first category that claims `file`.
    pub fn category_of(&self, file: &FileFacts<'_>, memo: &mut ClaimMemo) -> Option<usize> {
        self.paths.first_claim(&self.categories, file, memo)
    }

    /// The id of a date column by its header (any case), if a category
    /// names it.
    pub fn date_column(&self, header: &str) -> Option<u16> {
        let header = header.trim().to_lowercase();
        self.date_columns
            .iter()
            .position(|d| *d == header)
            .map(|i| i as u16)
    }
}

/// How old something dated `then` is at `as_of`, in whole days (0 for a
/// date in the future).
pub fn age_days(as_of: i64, then: i64) -> u64 {
    (as_of.saturating_sub(then) / MICROS_PER_DAY).max(0) as u64
}

/// The age and overdue days of data dated `then` in `category`, when its
/// retention has passed; None while it may still be kept.
pub fn overdue(category: &Category, as_of: i64, then: i64) -> Option<(u64, u64)> {
    let age = age_days(as_of, then);
    let allowed = category.retention.days();
    (age > allowed).then(|| (age, age - allowed))
}

/// Reads a date as written in a date column: ISO 8601 (`2021-03-04`,
/// with or without a time), `2021/03/04`, `20210304`, and the Nordic and
/// European day-first forms (`04.03.2021`, `4.3.2021`, `04/03/2021`,
/// `04-03-2021`). Returns midnight UTC of that day in microseconds; None
/// for anything else (an empty cell, a note), which leaves the row dated
/// by its file.
pub fn parse_date(text: &str) -> Option<i64> {
    let t = text.trim().trim_matches('"');
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    let fields: Vec<&str> = date_part.split(['-', '.', '/']).collect();
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match fields.as_slice() {
        [one] if one.len() == 8 => (number(&one[..4])?, number(&one[4..6])?, number(&one[6..])?),
        [a, b, c] if a.len() == 4 => (number(a)?, number(b)?, number(c)?),
        [a, b, c] if c.len() == 4 && a.len() <= 2 && b.len() <= 2 => (number(c)?, number(b)?, number(a)?),
        _ => return None,
    };
    if !(1900..=2200).contains(&y) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::CategorySyntax;

    fn day(y: i32, m: u32, d: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros()
    }

    #[test]
    fn dates_are_read_in_iso_and_day_first_forms() {
        let d = day(2021, 3, 4);
        for text in [
            "2021-03-04",
            "2021-03-04T10:15:00Z",
            "2021-03-04 10:15",
            "2021/03/04",
            "20210304",
            "04.03.2021",
            "4.3.2021",
            "04/03/2021",
            "04-03-2021",
            " \"2021-03-04\" ",
        ] {
            assert_eq!(parse_date(text), Some(d), "{text}");
        }
        for text in [
            "",
            "n/a",
            "2021-02-30",
            "31.13.2021",
            "12345678",
            "03/04",
            "1.2.3.4",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn overdue_counts_whole_days_past_the_retention() {
        let c: CategorySyntax = toml::from_str(
            "name='m'\npurpose='p'\nlegal_basis='consent'\nretention='90d'\naction='delete'\npaths=['**']\n",
        )
        .unwrap();
        let c = Category::resolve(&c).unwrap();
        let as_of = day(2026, 1, 1);
        assert_eq!(overdue(&c, as_of, day(2025, 10, 3)), None, "exactly 90 days");
        assert_eq!(overdue(&c, as_of, day(2025, 10, 2)), Some((91, 1)));
        assert_eq!(overdue(&c, as_of, day(2024, 1, 1)), Some((731, 641)));
        assert_eq!(age_days(as_of, day(2027, 1, 1)), 0);
    }

    #[test]
    fn date_columns_are_numbered_once_and_found_in_any_case() {
        let category = |dates: &str| {
            let text = format!(
                "name='c'\npurpose='p'\nlegal_basis='contract'\nretention='3y'\naction='delete'\npaths=['**']\ndate_columns={dates}\n"
            );
            Category::resolve(&toml::from_str::<CategorySyntax>(&text).unwrap()).unwrap()
        };
        let policy = Policy::new(
            vec![
                category("['Sist_Kontakt', 'avsluttet']"),
                category("['avsluttet', 'end_date']"),
            ],
            Regions::default(),
            None,
            0,
        );
        assert_eq!(policy.date_columns, ["sist_kontakt", "avsluttet", "end_date"]);
        assert_eq!(policy.category_dates, [vec![0, 1], vec![1, 2]]);
        assert_eq!(policy.date_column(" SIST_KONTAKT "), Some(0));
        assert_eq!(policy.date_column("opprettet"), None);
    }
}
