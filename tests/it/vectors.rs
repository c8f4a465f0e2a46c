//! Every validator against the specification's test vectors
//! (`tests/data/detectors-vectors.json`, copied from shared/), and every
//! valid vector found by the full detector in context.

use datakart::detect::validate::org::{self, Register};
use datakart::detect::validate::{card, date::Ymd, email, iban, ip, nordic, phone};
use datakart::detect::{Detector, DetectorSettings, Scratch};
use datakart::model::DataType;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    #[serde(rename = "type")]
    ty: String,
    value: String,
    expected_valid: bool,
}

/// Vector types datakart does not report: a bare Norwegian account number
/// is not personal data on its own (accounts are found as IBANs).
const NOT_YET: &[&str] = &["no_kontonr"];

const TODAY: Ymd = Ymd {
    year: 2026,
    month: 11,
    day: 22,
};

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("../data/detectors-vectors.json")).unwrap()
}

fn digits(s: &str) -> Vec<u8> {
    s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
}

fn phone_valid(country: phone::Country, value: &str) -> bool {
    let d = digits(value);
    if value.starts_with('+') {
        phone::international(&d).is_some_and(|(c, _)| c == country)
    } else {
        let nsn = if d.first() == Some(&0) { &d[1..] } else { &d[..] };
        phone::nsn_valid(country, nsn)
    }
}

fn validate(ty: &str, value: &str) -> Option<bool> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match ty {
        "no_fodselsnummer" | "no_d_number" | "no_h_number" | "no_synthetic_tenor" | "no_fnr_2032_rule" => {
            value.len() == 11 && nordic::no_fnr(&digits(value), TODAY).is_some()
        }
        "dk_cpr" => nordic::dk_cpr(&digits(value), TODAY).is_some(),
        "se_personnummer" | "se_samordningsnummer" => {
            let d = digits(value);
            value.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+')
                && nordic::se_pnr(&d, value.contains('+'), TODAY).is_some()
        }
        "fi_hetu" => nordic::fi_hetu(value.as_bytes()).is_some(),
        "iban" => iban::iban(compact.to_ascii_uppercase().as_bytes()),
        "payment_card" => card::payment_card(&digits(value)).is_some(),
        "no_phone" => phone_valid(phone::Country::No, value),
        "dk_phone" => phone_valid(phone::Country::Dk, value),
        "se_phone" => phone_valid(phone::Country::Se, value),
        "fi_phone" => phone_valid(phone::Country::Fi, value),
        "ipv4" => ip::ipv4(value.as_bytes()).is_some(),
        "ipv6" => ip::ipv6(value.as_bytes()).is_some(),
        "email" => email::email(value.as_bytes()),
        "no_orgnr" => only(value, b" ") && org::no_orgnr(&digits(value)),
        "dk_cvr" if value.starts_with("DK") => vat(value) == Some(Register::Dk),
        "dk_cvr" => only(value, b"") && org::dk_cvr(&digits(value)),
        "se_orgnr" => only(value, b"-") && org::se_orgnr(&digits(value)),
        "fi_ytunnus" => value.len() == 9 && value.as_bytes()[7] == b'-' && org::fi_ytunnus(&digits(value)),
        "no_mva" => match value.strip_suffix("MVA") {
            Some(body) if !body.starts_with("NO") => only(body, b" ") && org::no_orgnr(&digits(body)),
            _ => vat(value) == Some(Register::No),
        },
        "dk_vat" => vat(value) == Some(Register::Dk),
        "se_vat" => vat(value) == Some(Register::Se),
        "fi_alv" => vat(value) == Some(Register::Fi),
        _ => return None,
    })
}

/// Whether `value` holds only digits and the given separators.
fn only(value: &str, separators: &[u8]) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_digit() || separators.contains(&b))
}

fn vat(value: &str) -> Option<Register> {
    org::vat(value.as_bytes(), &mut [0; 12]).map(|r| r.0)
}

#[test]
fn validators_agree_with_every_specification_vector() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for v in vectors() {
        match validate(&v.ty, &v.value) {
            Some(valid) => {
                checked += 1;
                if valid != v.expected_valid {
                    wrong.push(format!("{} {:?}: expected {}", v.ty, v.value, v.expected_valid));
                }
            }
            None => assert!(
                NOT_YET.contains(&v.ty.as_str()),
                "vector type {} is not handled",
                v.ty
            ),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(checked, 159);
}

/// The keyword the detector needs for each vector type, and the type it
/// must report.
fn in_context(ty: &str) -> Option<(&'static str, DataType)> {
    Some(match ty {
        "no_fodselsnummer" | "no_h_number" | "no_synthetic_tenor" | "no_fnr_2032_rule" => {
            ("Fødselsnummer", DataType::NoFnr)
        }
        "no_d_number" => ("D-nummer", DataType::NoDnr),
        "dk_cpr" => ("CPR-nr.", DataType::DkCpr),
        "se_personnummer" | "se_samordningsnummer" => ("Personnummer", DataType::SePnr),
        "fi_hetu" => ("Henkilötunnus", DataType::FiHetu),
        "iban" => ("IBAN", DataType::Iban),
        "payment_card" => ("Kortnummer", DataType::PaymentCard),
        "no_phone" | "dk_phone" | "se_phone" | "fi_phone" => ("Telefon", DataType::Phone),
        "ipv4" => ("IP-adresse", DataType::Ipv4),
        "ipv6" => ("IP-adresse", DataType::Ipv6),
        "email" => ("E-post", DataType::Email),
        "no_orgnr" => ("Org.nr.", DataType::OrgNumber),
        "dk_cvr" => ("CVR-nr.", DataType::OrgNumber),
        "se_orgnr" => ("Organisationsnummer", DataType::OrgNumber),
        "fi_ytunnus" => ("Y-tunnus", DataType::OrgNumber),
        // VAT forms stand on their own, without an organisation keyword.
        "no_mva" | "dk_vat" | "se_vat" | "fi_alv" => ("Leverandør", DataType::OrgNumber),
        _ => return None,
    })
}

#[test]
fn detector_finds_each_valid_vector_in_context_and_no_invalid_one() {
    let detector = Detector::new(DetectorSettings {
        today: TODAY,
        ..DetectorSettings::default()
    });
    let mut scratch = Scratch::default();
    let mut wrong = Vec::new();
    for v in vectors() {
        let Some((keyword, ty)) = in_context(&v.ty) else {
            continue;
        };
        // Phone vectors are national per country: tell the detector which.
        let text = format!("{keyword}: {} .", v.value);
        let mut hits = Vec::new();
        detector.detect(&text, 0, text.len(), 0, &mut scratch, &mut hits);
        let found = hits
            .iter()
            .any(|h| h.ty == ty && &text[h.start..h.end] == v.value.as_str());
        if found != v.expected_valid {
            wrong.push(format!(
                "{} {:?}: expected found={}, hits {hits:?}",
                v.ty, v.value, v.expected_valid
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
