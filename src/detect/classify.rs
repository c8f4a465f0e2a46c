//! Turns one candidate span into at most one finding: works out which
//! types the span's shape allows, validates each, applies the context
//! rules from the detector specification, and settles ambiguity (a
//! `DDMMYY-NNNN` number can be Danish, Swedish and Finnish at once).

use super::context::ANTI;
use super::validate::{card, date::Ymd, email, iban, ip, nordic, org, phone, two};
use crate::model::{Confidence, DataType};

/// A validated finding inside a text unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The type reported.
    pub ty: DataType,
    /// The `type` column: the type's name, or a custom detector's id.
    pub label: &'static str,
    /// The `subtype` column: a special category's kind (`health`…), else
    /// empty.
    pub subtype: &'static str,
    /// The variant (`d-number`, `synthetic`, `visa`, `NO`…), `; `-joined.
    pub detail: String,
    /// How sure the finding is.
    pub confidence: Confidence,
    /// What the confidence rests on: the value's own evidence (`checksum`,
    /// `date`, `number plan`, `format`) and, when context named the type,
    /// `+keyword` or `+column header`.
    pub reason: &'static str,
    /// Start byte offset in the unit's text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The value in canonical form: what is hashed and what is searched.
    pub normalized: String,
}

/// What classification needs to know beyond the span itself.
pub struct Context {
    /// Types named by keywords near the span or by the column header,
    /// plus [`ANTI`] when an anti-keyword is near.
    pub mask: u32,
    /// The part of `mask` that came from the column header only.
    pub header: u32,
    /// Today's date, for future-date checks and Swedish centuries.
    pub today: Ymd,
    /// Plan used when a national phone number fits two countries.
    pub phone_country: phone::Country,
}

impl Context {
    fn named(&self, ty: DataType) -> bool {
        self.mask & ty.bit() != 0
    }
    fn anti(&self) -> bool {
        self.mask & ANTI != 0
    }
}

/// One type a span could be, before ambiguity is settled.
struct Option_ {
    ty: DataType,
    base: Confidence,
    /// What the value itself proves: `checksum`, `date`, `number plan`
    /// or `format`.
    evidence: &'static str,
    detail: Vec<&'static str>,
    normalized: String,
    /// Reported only when a keyword or header names the type.
    needs_keyword: bool,
    /// Anti-keywords (order, invoice…) lower this type.
    numeric: bool,
    /// The span was shortened to this many bytes (IBAN, phone tails).
    len: Option<usize>,
}

impl Option_ {
    fn new(ty: DataType, base: Confidence, normalized: String) -> Option_ {
        Option_ {
            ty,
            base,
            evidence: "checksum",
            detail: Vec::new(),
            normalized,
            needs_keyword: false,
            numeric: true,
            len: None,
        }
    }
}

/// Order of preference when several types validate and context does not
/// decide: the one with the strongest check first.
const PRIORITY: [DataType; 6] = [
    DataType::FiHetu,
    DataType::DkCpr,
    DataType::SePnr,
    DataType::NoFnr,
    DataType::PaymentCard,
    DataType::Phone,
];

fn priority(ty: DataType) -> usize {
    PRIORITY.iter().position(|&t| t == ty).unwrap_or(PRIORITY.len())
}

/// Classifies the candidate `span` found at `start`. Returns `None` when no
/// type validates or the context rules drop it.
pub fn classify(span: &[u8], start: usize, ctx: &Context) -> Option<Hit> {
    let mut options: Vec<Option_> = Vec::new();
    shapes(span, ctx, &mut options);
    let mut viable: Vec<(bool, Option_)> = options
        .into_iter()
        .filter_map(|o| {
            // A shape too weak to stand alone needs a keyword, and an
            // anti-keyword right before it (`Ordre 20241101`) vetoes it.
            let named = ctx.named(o.ty);
            let keep = !o.needs_keyword || (named && !(o.numeric && ctx.anti()));
            keep.then_some((named, o))
        })
        .collect();
    if viable.is_empty() {
        return None;
    }
    let score = |(named, o): &(bool, Option_)| (*named, o.base, std::cmp::Reverse(priority(o.ty)));
    viable.sort_by_key(|v| std::cmp::Reverse(score(v)));
    let others: Vec<DataType> = viable[1..]
        .iter()
        .map(|(_, o)| o.ty)
        .filter(|&t| t != viable[0].1.ty)
        .collect();
    let (named, best) = viable.swap_remove(0);
    let mut confidence = best.base;
    let mut detail: Vec<String> = best.detail.iter().map(|s| s.to_string()).collect();
    let by_keyword = named && (ctx.mask & !ctx.header) & best.ty.bit() != 0;
    let reason = reason(best.evidence, named, by_keyword);
    if named {
        confidence = confidence.raised();
    } else if !others.is_empty() {
        confidence = confidence.lowered();
        for t in others {
            detail.push(format!("also valid as {t}"));
        }
    }
    if best.numeric && ctx.anti() {
        confidence = confidence.lowered();
        detail.push("non-personal context".into());
    }
    Some(Hit {
        ty: best.ty,
        label: best.ty.as_str(),
        subtype: "",
        detail: detail.join("; "),
        confidence,
        reason,
        start,
        end: start + best.len.unwrap_or(span.len()),
        normalized: best.normalized,
    })
}

/// The `reason` text for a value's own evidence and the context that
/// named its type (a keyword near it wins over the column header).
fn reason(evidence: &'static str, named: bool, by_keyword: bool) -> &'static str {
    match (evidence, named, by_keyword) {
        (e, false, _) => e,
        ("checksum", true, true) => "checksum+keyword",
        ("checksum", true, false) => "checksum+column header",
        ("date", true, true) => "date+keyword",
        ("date", true, false) => "date+column header",
        ("number plan", true, true) => "number plan+keyword",
        ("number plan", true, false) => "number plan+column header",
        (_, true, true) => "format+keyword",
        (_, true, false) => "format+column header",
    }
}

fn digits_string(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

fn shapes(span: &[u8], ctx: &Context, out: &mut Vec<Option_>) {
    if span.contains(&b'@') {
        if email::email(span) {
            let mut o = Option_::new(
                DataType::Email,
                Confidence::Medium,
                String::from_utf8_lossy(span).to_lowercase(),
            );
            o.evidence = "format";
            o.numeric = false;
            out.push(o);
        }
        return;
    }
    if span.len() >= 2 && span[0].is_ascii_uppercase() && span[1].is_ascii_uppercase() {
        iban_shape(span, out);
        if out.is_empty() {
            vat_shape(span, out);
        }
        return;
    }
    if span.contains(&b':') {
        if let Some((addr, scope)) = ip::ipv6(span) {
            let mut o = Option_::new(DataType::Ipv6, scope_confidence(scope), addr.to_string());
            o.evidence = "format";
            o.numeric = false;
            out.push(o);
        }
        return;
    }
    if span[0] == b'+' {
        international_phone(span, out);
        return;
    }
    if span.starts_with(b"00") {
        international_phone(span, out);
        if !out.is_empty() {
            return;
        }
    }
    if span.iter().filter(|&&b| b == b'.').count() == 3 {
        if let Some((addr, scope)) = ip::ipv4(span) {
            let mut o = Option_::new(DataType::Ipv4, scope_confidence(scope), addr.to_string());
            o.evidence = "format";
            // `version 4.12.0.1`: right after a version or order word, a
            // dotted quad is an IPv4 address only when an IP keyword says so.
            o.needs_keyword = ctx.anti();
            o.numeric = false;
            out.push(o);
        }
        return;
    }
    if span.len() == 11 && (span[6].is_ascii_alphabetic() || span[10].is_ascii_alphabetic()) {
        hetu_shape(span, out);
        return;
    }
    numeric_shapes(span, ctx, out);
}

fn scope_confidence(scope: ip::Scope) -> Confidence {
    match scope {
        ip::Scope::Public => Confidence::Medium,
        ip::Scope::Internal => Confidence::Low,
    }
}

fn iban_shape(span: &[u8], out: &mut Vec<Option_>) {
    let Some(want) = iban::country_length(&span[..2]) else {
        return;
    };
    let mut compact = [0u8; 40];
    let (mut n, mut used) = (0, 0);
    for (i, &b) in span.iter().enumerate() {
        if b == b' ' {
            continue;
        }
        if n == want || n == compact.len() {
            break;
        }
        compact[n] = b;
        n += 1;
        used = i + 1;
    }
    if n == want && iban::iban(&compact[..n]) {
        let mut o = Option_::new(
            DataType::Iban,
            Confidence::Medium,
            String::from_utf8_lossy(&compact[..n]).into_owned(),
        );
        o.len = Some(used);
        out.push(o);
    }
}

fn international_phone(span: &[u8], out: &mut Vec<Option_>) {
    // Digits after the prefix, with "(0)" dropped; try the whole run, then
    // without trailing groups, so a number followed by another number is
    // still found.
    let body = if span[0] == b'+' { &span[1..] } else { &span[2..] };
    let prefix_len = span.len() - body.len();
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut cut_points: Vec<(usize, usize)> = Vec::new(); // (digit count, byte end)
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if body[i..].starts_with(b"(0)") {
            i += 3;
            continue;
        }
        if b.is_ascii_digit() {
            if n == digits.len() {
                return;
            }
            digits[n] = b - b'0';
            n += 1;
            if i + 1 == body.len() || !body[i + 1].is_ascii_digit() {
                cut_points.push((n, prefix_len + i + 1));
            }
        }
        i += 1;
    }
    for &(count, end) in cut_points.iter().rev() {
        if let Some((country, _)) = phone::international(&digits[..count]) {
            if span[0] != b'+' && country == phone::Country::Other {
                return; // "00" + unknown code is more often an order number
            }
            let normalized = format!("+{}", digits_string(&digits[..count]));
            let base = if country == phone::Country::Other {
                Confidence::Low
            } else {
                Confidence::Medium
            };
            let mut o = Option_::new(DataType::Phone, base, normalized);
            o.evidence = "number plan";
            o.detail.push(country.as_str());
            o.len = Some(end);
            out.push(o);
            return;
        }
    }
}

fn hetu_shape(span: &[u8], out: &mut Vec<Option_>) {
    if let Some(h) = nordic::fi_hetu(span) {
        let mut o = Option_::new(
            DataType::FiHetu,
            if h.temporary {
                Confidence::Low
            } else {
                Confidence::Medium
            },
            String::from_utf8_lossy(span).to_ascii_uppercase(),
        );
        if h.temporary {
            o.detail.push("temporary number");
        }
        if h.new_sign {
            o.detail.push("2023 century sign");
        }
        out.push(o);
    }
}

/// Separator layout of a numeric span: digit values, and for each
/// separator the number of digits before it and the byte itself.
struct Layout {
    digits: [u8; 20],
    n: usize,
    seps: [(usize, u8); 8],
    n_seps: usize,
}

impl Layout {
    fn parse(span: &[u8]) -> Option<Layout> {
        let mut l = Layout {
            digits: [0; 20],
            n: 0,
            seps: [(0, 0); 8],
            n_seps: 0,
        };
        for &b in span {
            if b.is_ascii_digit() {
                *l.digits.get_mut(l.n)? = b - b'0';
                l.n += 1;
            } else {
                *l.seps.get_mut(l.n_seps)? = (l.n, b);
                l.n_seps += 1;
            }
        }
        Some(l)
    }
    fn d(&self) -> &[u8] {
        &self.digits[..self.n]
    }
    fn seps(&self) -> &[(usize, u8)] {
        &self.seps[..self.n_seps]
    }
    /// Contiguous, or one separator from `allowed` after `at` digits.
    fn single_sep(&self, at: usize, allowed: &[u8]) -> Option<Option<u8>> {
        match self.seps() {
            [] => Some(None),
            [(pos, b)] if *pos == at && allowed.contains(b) => Some(Some(*b)),
            _ => None,
        }
    }
    /// Separators (all the same byte) exactly at the given digit counts.
    fn grouped(&self, at: &[usize]) -> bool {
        let s = self.seps();
        s.len() == at.len() && s.iter().zip(at).all(|((p, b), a)| p == a && *b == s[0].1)
    }
}

fn numeric_shapes(span: &[u8], ctx: &Context, out: &mut Vec<Option_>) {
    if let Some(body) = span.strip_suffix(b"MVA") {
        // `988077917MVA`: the Norwegian VAT form, distinctive on its own.
        let mut buf = [0u8; 12];
        if let Some(d) = super::validate::compact_digits(body, b" ", &mut buf)
            && org::no_orgnr(d)
        {
            out.push(org_option(org::Register::No, d, false));
        }
        return;
    }
    let Some(l) = Layout::parse(span) else {
        return;
    };
    let d = l.d();
    org_shapes(&l, out);
    match l.n {
        11 if l.single_sep(6, b" -").is_some() => {
            norwegian(d, ctx, out);
        }
        10 => {
            if let Some(sep) = l.single_sep(6, b"-+ ") {
                if sep != Some(b'+') {
                    danish(d, sep.is_some(), ctx, out);
                }
                if sep != Some(b' ') {
                    swedish(d, sep, ctx, out);
                }
                if matches!(sep, Some(b'-') | Some(b'+')) {
                    hetu_shape(span, out);
                }
            }
        }
        12 => {
            if let Some(sep) = l.single_sep(8, b"-") {
                swedish(d, sep, ctx, out);
            }
        }
        _ => {}
    }
    if (13..=19).contains(&l.n) {
        let grouped = l.n_seps == 0
            || l.grouped(&[4, 8, 12][..((l.n - 1) / 4).min(3)])
            || (l.n == 15 && l.grouped(&[4, 10]));
        if grouped && let Some(brand) = card::payment_card(d) {
            let mut o = Option_::new(DataType::PaymentCard, Confidence::Medium, digits_string(d));
            o.detail.push(brand.as_str());
            out.push(o);
        }
    }
    national_phone(&l, ctx, out);
}

/// An organisation-number option: `CC` + the register's digits.
fn org_option(register: org::Register, d: &[u8], needs_keyword: bool) -> Option_ {
    let cc = &register.as_str()[..2];
    let mut o = Option_::new(
        DataType::OrgNumber,
        Confidence::Medium,
        format!("{cc}{}", digits_string(d)),
    );
    o.detail.push(register.as_str());
    o.needs_keyword = needs_keyword;
    o
}

/// Plain organisation numbers. Nine to ten in a hundred random digit
/// strings of these lengths pass the checks (spec §1.2–§4.2), so each
/// needs a keyword (`org.nr`, `CVR`, `Y-tunnus`…) or column header.
fn org_shapes(l: &Layout, out: &mut Vec<Option_>) {
    let d = l.d();
    let register = match l.n {
        9 if (l.n_seps == 0 || l.grouped(&[3, 6])) && org::no_orgnr(d) => org::Register::No,
        // An 8-digit run that reads as a date (`20241101`) is a date.
        8 if l.n_seps == 0 && org::dk_cvr(d) && !yyyymmdd(d) => org::Register::Dk,
        8 if l.single_sep(7, b"-") == Some(Some(b'-')) && org::fi_ytunnus(d) => org::Register::Fi,
        10 if l.single_sep(6, b"-").is_some() && org::se_orgnr(d) => org::Register::Se,
        _ => return,
    };
    out.push(org_option(register, d, true));
}

/// Whether eight digits read as a date `YYYYMMDD` between 1900 and 2099.
fn yyyymmdd(d: &[u8]) -> bool {
    let year = two(&d[..2]) * 100 + two(&d[2..4]);
    (1900..2100).contains(&year) && Ymd::new(year, two(&d[4..6]), two(&d[6..8])).is_some()
}

/// VAT numbers (`NO 995 525 828 MVA`, `DK13585628`, `SE556036079301`,
/// `FI20774740`): country prefix plus a valid organisation number is
/// distinctive enough to report without a keyword.
fn vat_shape(span: &[u8], out: &mut Vec<Option_>) {
    let mut buf = [0u8; 12];
    if let Some((register, n)) = org::vat(span, &mut buf) {
        let mut o = org_option(register, &buf[..n], false);
        o.detail.push("VAT number");
        out.push(o);
    }
}

fn norwegian(d: &[u8], ctx: &Context, out: &mut Vec<Option_>) {
    let Some(r) = nordic::no_fnr(d, ctx.today) else {
        return;
    };
    use nordic::NoKind;
    let (ty, label) = match r.kind {
        NoKind::Ordinary => (DataType::NoFnr, None),
        NoKind::DNumber => (DataType::NoDnr, None),
        NoKind::HNumber => (DataType::NoFnr, Some("h-number")),
        NoKind::Synthetic => (DataType::NoFnr, Some("synthetic")),
        NoKind::FhNumber => (DataType::NoFnr, Some("fh-number")),
    };
    let doubtful = r.post2032 || r.future || matches!(r.kind, NoKind::Synthetic | NoKind::FhNumber);
    let mut o = Option_::new(
        ty,
        if doubtful {
            Confidence::Low
        } else {
            Confidence::Medium
        },
        digits_string(d),
    );
    o.detail.extend(label);
    if r.post2032 {
        o.detail.push("post-2032 rule");
    }
    if r.lenient_century {
        o.detail.push("century not encoded");
    }
    if r.future {
        o.detail.push("future birth date");
    }
    // FH numbers, and numbers that validate only under the relaxed 2032
    // rule, are too common among random digits to report without a keyword.
    o.needs_keyword = r.kind == NoKind::FhNumber || r.post2032;
    out.push(o);
}

fn danish(d: &[u8], separated: bool, ctx: &Context, out: &mut Vec<Option_>) {
    let Some(r) = nordic::dk_cpr(d, ctx.today) else {
        return;
    };
    let mut o = Option_::new(
        DataType::DkCpr,
        if r.mod11 && !r.future {
            Confidence::Medium
        } else {
            Confidence::Low
        },
        digits_string(d),
    );
    if !r.mod11 {
        o.evidence = "date";
        o.detail.push(if r.jan1 {
            "no mod-11 (1 January series)"
        } else {
            "no mod-11"
        });
    }
    if r.future {
        o.detail.push("future birth date");
    }
    // Spec §2.1: without a keyword only the hyphenated form passing mod-11
    // is reported; 3 % of random 10-digit strings are valid dates.
    o.needs_keyword = !(r.mod11 && separated);
    out.push(o);
}

fn swedish(d: &[u8], sep: Option<u8>, ctx: &Context, out: &mut Vec<Option_>) {
    let Some(r) = nordic::se_pnr(d, sep == Some(b'+'), ctx.today) else {
        return;
    };
    let ten = &d[d.len() - 10..];
    let normalized = format!("{:02}{}", r.year / 100, digits_string(ten));
    let mut o = Option_::new(DataType::SePnr, Confidence::Medium, normalized);
    if r.coordination {
        o.detail.push("samordningsnummer");
    }
    // Ten digits with no separator collide with organisation numbers and
    // other Luhn numbers: keyword required.
    o.needs_keyword = d.len() == 10 && sep.is_none();
    out.push(o);
}

fn national_phone(l: &Layout, ctx: &Context, out: &mut Vec<Option_>) {
    let d = l.d();
    let trunk = d.first() == Some(&0);
    let shape_ok = if trunk { (7..=11).contains(&l.n) } else { l.n == 8 };
    if !shape_ok {
        return;
    }
    if l.seps().iter().any(|&(_, b)| b != b' ' && b != b'-') {
        return;
    }
    let Some(country) = phone::national(d, ctx.phone_country) else {
        return;
    };
    let grouped = if trunk {
        l.n_seps > 0
    } else {
        l.grouped(&[2, 4, 6]) || l.grouped(&[3, 5]) || l.grouped(&[4])
    };
    let nsn = if trunk { &d[1..] } else { d };
    let normalized = format!("+{}{}", country.calling_code(), digits_string(nsn));
    let mut o = Option_::new(DataType::Phone, Confidence::Low, normalized);
    o.evidence = "number plan";
    o.detail.push(country.as_str());
    o.needs_keyword = !grouped;
    out.push(o);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(mask: u32) -> Context {
        Context {
            mask,
            header: 0,
            today: Ymd {
                year: 2026,
                month: 11,
                day: 22,
            },
            phone_country: phone::Country::No,
        }
    }

    fn one(span: &str, mask: u32) -> Option<(DataType, Confidence)> {
        classify(span.as_bytes(), 0, &ctx(mask)).map(|h| (h.ty, h.confidence))
    }

    #[test]
    fn keyword_decides_between_nordic_ids() {
        // 211062-5629 is a valid CPR; a CPR keyword makes it certain.
        assert_eq!(
            one("211062-5629", DataType::DkCpr.bit()),
            Some((DataType::DkCpr, Confidence::High))
        );
        // Without any keyword the hyphenated mod-11 form is still reported.
        assert_eq!(one("211062-5629", 0).map(|h| h.0), Some(DataType::DkCpr));
    }

    #[test]
    fn cpr_without_mod11_needs_keyword() {
        assert_eq!(one("0101650001", 0), None);
        assert_eq!(
            one("0101650001", DataType::DkCpr.bit()),
            Some((DataType::DkCpr, Confidence::Medium))
        );
    }

    #[test]
    fn swedish_normalises_to_twelve_digits() {
        let h = classify(b"811228-9841", 0, &ctx(DataType::SePnr.bit())).unwrap();
        assert_eq!((h.ty, h.normalized.as_str()), (DataType::SePnr, "198112289841"));
    }

    #[test]
    fn anti_keyword_lowers_confidence() {
        assert_eq!(one("15108695088", 0), Some((DataType::NoFnr, Confidence::Medium)));
        assert_eq!(one("15108695088", ANTI), Some((DataType::NoFnr, Confidence::Low)));
    }

    #[test]
    fn a_version_number_is_not_an_address() {
        assert_eq!(one("4.12.0.1", ANTI), None);
        assert_eq!(
            one("4.12.0.1", ANTI | DataType::Ipv4.bit()),
            Some((DataType::Ipv4, Confidence::High))
        );
        assert_eq!(one("81.2.69.142", 0), Some((DataType::Ipv4, Confidence::Medium)));
    }

    #[test]
    fn phone_tail_is_trimmed_to_a_valid_number() {
        let h = classify(b"+47 412 34 567 12", 0, &ctx(0)).unwrap();
        assert_eq!((h.normalized.as_str(), h.end), ("+4741234567", 14));
    }

    #[test]
    fn plain_eight_digits_need_a_phone_keyword() {
        assert_eq!(one("91234567", 0), None);
        assert_eq!(
            one("91234567", DataType::Phone.bit()),
            Some((DataType::Phone, Confidence::Medium))
        );
    }

    #[test]
    fn organisation_numbers_need_a_keyword_and_yield_to_dates_and_orders() {
        let org = DataType::OrgNumber.bit();
        assert_eq!(one("988077917", 0), None);
        let h = classify(b"988077917", 0, &ctx(org)).unwrap();
        assert_eq!(
            (h.ty, h.normalized.as_str(), h.reason),
            (DataType::OrgNumber, "NO988077917", "checksum+keyword")
        );
        // A valid CVR that reads as a date is a date.
        assert_eq!(one("20241101", org), None);
        // An order keyword next to it vetoes a keyword-dependent shape.
        assert_eq!(one("13585628", org | ANTI), None);
        assert_eq!(
            one("13585628", org),
            Some((DataType::OrgNumber, Confidence::High))
        );
        // VAT forms stand alone.
        assert_eq!(
            one("NO 995 525 828 MVA", 0),
            Some((DataType::OrgNumber, Confidence::Medium))
        );
        assert!(!DataType::OrgNumber.personal());
    }

    #[test]
    fn reason_names_the_evidence_and_the_context() {
        let c = Context {
            header: DataType::NoFnr.bit(),
            ..ctx(DataType::NoFnr.bit())
        };
        assert_eq!(
            classify(b"15108695088", 0, &c).unwrap().reason,
            "checksum+column header"
        );
        assert_eq!(classify(b"15108695088", 0, &ctx(0)).unwrap().reason, "checksum");
        assert_eq!(classify(b"ola@example.no", 0, &ctx(0)).unwrap().reason, "format");
    }
}
