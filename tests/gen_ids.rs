//! Synthetic identifiers with their check digits computed here,
//! independently of the scanner's validators: shared by the sample-data
//! generator (`gen_sample_data.rs`) and the evaluation corpus
//! (`it/evaluation.rs`), so each checks the scanner against a second
//! implementation of the rules.

/// A small deterministic generator (64-bit LCG), enough for test data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

pub fn digit_vals(s: &str) -> Vec<u32> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .collect()
}

pub fn mod11_check(d: &[u32], w: &[u32]) -> Option<u32> {
    let s: u32 = d.iter().zip(w).map(|(a, b)| a * b).sum();
    match 11 - s % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

pub fn luhn_digit(body: &str) -> u32 {
    let mut sum = 0;
    for (i, d) in digit_vals(body).iter().rev().enumerate() {
        let mut v = *d;
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    (10 - sum % 10) % 10
}

pub fn date(r: &mut Rng, from: u64, span: u64) -> (u64, u64, u64) {
    let y = from + r.below(span);
    let m = 1 + r.below(12);
    let d = 1 + r.below(28);
    (d, m, y)
}

/// Norwegian fødselsnummer (D-number with `d_number`), born 1940–1999.
pub fn fnr(r: &mut Rng, d_number: bool) -> String {
    loop {
        let (d, m, y) = date(r, 1940, 60);
        let day = if d_number { d + 40 } else { d };
        let ind = r.below(500);
        let base = format!("{day:02}{m:02}{:02}{ind:03}", y % 100);
        let v = digit_vals(&base);
        let Some(k1) = mod11_check(&v, &[3, 7, 6, 1, 8, 9, 4, 5, 2]) else {
            continue;
        };
        let mut v2 = v.clone();
        v2.push(k1);
        let Some(k2) = mod11_check(&v2, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) else {
            continue;
        };
        return format!("{base}{k1}{k2}");
    }
}

/// Danish CPR passing mod-11, born 1940–1999, as `DDMMYY-SSSS`.
pub fn cpr(r: &mut Rng) -> String {
    loop {
        let (d, m, y) = date(r, 1940, 60);
        let seq = format!("{}{}", r.below(4), r.digits(2));
        let base = format!("{d:02}{m:02}{:02}{seq}", y % 100);
        let v = digit_vals(&base);
        let Some(k) = mod11_check(&v, &[4, 3, 2, 7, 6, 5, 4, 3, 2]) else {
            continue;
        };
        return format!("{}-{}{k}", &base[..6], &base[6..]);
    }
}

/// Swedish personnummer `YYMMDD-NNNC`, born 1940–1999.
pub fn pnr(r: &mut Rng) -> String {
    let (d, m, y) = date(r, 1940, 60);
    let base = format!("{:02}{m:02}{d:02}{}", y % 100, r.digits(3));
    format!("{}-{}{}", &base[..6], &base[6..], luhn_digit(&base))
}

/// Finnish HETU `DDMMYY-ZZZQ`, born 1940–1999.
pub fn hetu(r: &mut Rng) -> String {
    let (d, m, y) = date(r, 1940, 60);
    let z = 2 + r.below(897);
    let n: u64 = format!("{d:02}{m:02}{:02}{z:03}", y % 100).parse().unwrap();
    let q = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(n % 31) as usize] as char;
    format!("{d:02}{m:02}{:02}-{z:03}{q}", y % 100)
}

pub fn iban_check(cc: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{cc}00");
    let mut rem = 0u64;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap() as u64;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{cc}{:02}{bban}", 98 - rem)
}

pub fn spaced(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn iban(r: &mut Rng, cc: &str) -> String {
    let bban = match cc {
        "NO" => loop {
            let b = format!("{}{}", r.pick(&["1503", "8601", "9710", "1254"]), r.digits(6));
            if let Some(k) = mod11_check(&digit_vals(&b), &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) {
                break format!("{b}{k}");
            }
        },
        "DK" => format!("{}{}", r.pick(&["0040", "3000", "5301"]), r.digits(10)),
        "SE" => format!("{}{}", r.pick(&["500", "600", "800"]), r.digits(17)),
        _ => format!("{}{}", r.pick(&["123", "405", "800"]), r.digits(11)),
    };
    iban_check(cc, &bban)
}

/// A Visa test-style number with a valid Luhn digit, grouped 4-4-4-4.
pub fn card(r: &mut Rng) -> String {
    let body = format!("4{}", r.digits(14));
    spaced(&format!("{body}{}", luhn_digit(&body)))
}

/// Swedish samordningsnummer: a personnummer with the day plus 60.
pub fn samordningsnummer(r: &mut Rng) -> String {
    let (d, m, y) = date(r, 1940, 60);
    let base = format!("{:02}{m:02}{:02}{}", y % 100, d + 60, r.digits(3));
    format!("{}-{}{}", &base[..6], &base[6..], luhn_digit(&base))
}

/// Swedish personnummer in the 12-digit form `YYYYMMDD-NNNC`.
pub fn pnr12(r: &mut Rng) -> String {
    let (d, m, y) = date(r, 1940, 60);
    let base = format!("{:02}{m:02}{d:02}{}", y % 100, r.digits(3));
    format!("{y}{m:02}{d:02}-{}{}", &base[6..], luhn_digit(&base))
}

/// Finnish HETU with a century sign added in 2023 (`YXWVU` for the
/// 1900s, `BCDEF` for the 2000s).
pub fn hetu_2023(r: &mut Rng) -> String {
    let born_2000s = r.below(2) == 0;
    let (d, m, y) = if born_2000s {
        date(r, 2000, 20)
    } else {
        date(r, 1940, 60)
    };
    let sign = if born_2000s {
        r.pick(&["B", "C", "D", "E", "F"])
    } else {
        r.pick(&["Y", "X", "W", "V", "U"])
    };
    let z = 2 + r.below(897);
    let n: u64 = format!("{d:02}{m:02}{:02}{z:03}", y % 100).parse().unwrap();
    let q = b"0123456789ABCDEFHJKLMNPRSTUVWXY"[(n % 31) as usize] as char;
    format!("{d:02}{m:02}{:02}{sign}{z:03}{q}", y % 100)
}

/// Norwegian organisation number: nine digits from 8 or 9, mod-11.
pub fn orgnr(r: &mut Rng) -> String {
    loop {
        let base = format!("{}{}", r.pick(&["8", "9"]), r.digits(7));
        if let Some(k) = mod11_check(&digit_vals(&base), &[3, 2, 7, 6, 5, 4, 3, 2]) {
            return format!("{base}{k}");
        }
    }
}

/// Danish CVR: eight digits whose weighted sum is divisible by 11, not
/// starting with 1 or 2 (so it never reads as a date).
pub fn cvr(r: &mut Rng) -> String {
    loop {
        let base = format!("{}{}", 3 + r.below(7), r.digits(7));
        let v = digit_vals(&base);
        let s: u32 = v.iter().zip([2, 7, 6, 5, 4, 3, 2, 1]).map(|(a, b)| a * b).sum();
        if s.is_multiple_of(11) {
            return base;
        }
    }
}

/// Swedish organisation number `NNNNNN-NNNC` (digits 3–4 at least 20).
pub fn se_orgnr(r: &mut Rng) -> String {
    let base = format!("55{}{}", 20 + r.below(80), r.digits(5));
    format!("{}-{}{}", &base[..6], &base[6..], luhn_digit(&base))
}

/// Finnish Y-tunnus `NNNNNNN-C`.
pub fn ytunnus(r: &mut Rng) -> String {
    loop {
        let base = format!("{}{}", 1 + r.below(9), r.digits(6));
        let s: u32 = digit_vals(&base)
            .iter()
            .zip([7, 9, 10, 5, 8, 4, 2])
            .map(|(a, b)| a * b)
            .sum();
        match s % 11 {
            1 => continue,
            0 => return format!("{base}-0"),
            rem => return format!("{base}-{}", 11 - rem),
        }
    }
}

/// A Mastercard-range number (51–55), grouped 4-4-4-4.
pub fn mastercard(r: &mut Rng) -> String {
    let body = format!("5{}{}", 1 + r.below(5), r.digits(13));
    spaced(&format!("{body}{}", luhn_digit(&body)))
}

/// An American Express-range number (34, 37), grouped 4-6-5.
pub fn amex(r: &mut Rng) -> String {
    let body = format!("3{}{}", r.pick(&["4", "7"]), r.digits(12));
    let n = format!("{body}{}", luhn_digit(&body));
    format!("{} {} {}", &n[..4], &n[4..10], &n[10..])
}
