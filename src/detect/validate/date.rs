//! Calendar checks shared by the national-ID validators.

/// A calendar day as the validators need it; no time zone, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    /// Full year, e.g. 1986.
    pub year: u32,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
}

impl Ymd {
    /// Builds a date when it exists in the Gregorian calendar.
    pub fn new(year: u32, month: u32, day: u32) -> Option<Ymd> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Ymd {
            year,
            month,
            day,
        })
    }

    /// Today's date in UTC, read once per scan so validation is repeatable
    /// within a scan.
    pub fn today() -> Ymd {
        use chrono::Datelike;
        let now = chrono::Utc::now().date_naive();
        Ymd {
            year: now.year() as u32,
            month: now.month(),
            day: now.day(),
        }
    }
}

/// True for Gregorian leap years.
pub fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` of `year`; 0 for a month outside 1..=12.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_days_follow_gregorian_rules() {
        assert!(Ymd::new(2004, 2, 29).is_some());
        assert!(Ymd::new(1900, 2, 29).is_none());
        assert!(Ymd::new(2000, 2, 29).is_some());
        assert!(Ymd::new(2023, 4, 31).is_none());
        assert!(Ymd::new(2023, 13, 1).is_none());
    }
}
