//! Where data is stored, for GDPR chapter V (transfers to third
//! countries). A profile tags storage with a country or region: `[scan]
//! region` for everything, `[[location]]` tables for paths elsewhere (a
//! cloud bucket in the US, a backup in the UK). Each file's region says
//! whether its personal data sits inside the EU/EEA, in a country with an
//! adequacy decision, or in a third country that needs safeguards.

use serde::Deserialize;

/// A `[[location]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationSyntax {
    /// What the location is, for people (`US backup bucket`).
    pub name: Option<String>,
    /// Globs matched against each file's path as shown in the outputs.
    pub paths: Vec<String>,
    /// ISO 3166-1 alpha-2 country code, or `EU` / `EEA`.
    pub region: String,
}

/// How data stored in a region stands under GDPR chapter V.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    /// Inside the EU/EEA: no transfer.
    Eea,
    /// A third country the Commission found adequate (art. 45).
    Adequate,
    /// The United States: adequate only for recipients certified under
    /// the EU-US Data Privacy Framework.
    AdequateIfCertified,
    /// Any other third country: needs safeguards (art. 46) or an
    /// exception (art. 49).
    ThirdCountry,
}

impl Transfer {
    /// The `transfer` column of the data map.
    pub fn as_str(self) -> &'static str {
        match self {
            Transfer::Eea => "none (EU/EEA)",
            Transfer::Adequate => "adequacy decision",
            Transfer::AdequateIfCertified => "adequacy only for DPF-certified recipients",
            Transfer::ThirdCountry => "third country: needs safeguards (art. 46)",
        }
    }

    /// Whether the data sits outside the EU/EEA.
    pub fn outside_eea(self) -> bool {
        self != Transfer::Eea
    }
}

/// The region of one file: its code and transfer status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Upper-case code as written (`NO`, `US`, `EEA`).
    pub code: String,
    /// Transfer status.
    pub transfer: Transfer,
}

/// EU member states and the other EEA states (Iceland, Liechtenstein,
/// Norway). `EL` is the EU's own code for Greece.
const EEA: [&str; 31] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

/// Countries and territories with an adequacy decision under art. 45
/// (the US separately: only under the Data Privacy Framework). `UK` is
/// accepted for the United Kingdom beside its ISO code `GB`.
const ADEQUATE: [&str; 15] = [
    "AD", "AR", "CA", "CH", "FO", "GB", "UK", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY",
];

/// Every ISO 3166-1 alpha-2 code, to catch typos such as `NOR` or `SW`.
const ISO_3166: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl Region {
    /// Parses a region code; the error says what is accepted.
    pub fn parse(text: &str) -> Result<Region, String> {
        let code = text.trim().to_ascii_uppercase();
        let transfer = if code == "EU" || code == "EEA" || EEA.contains(&code.as_str()) {
            Transfer::Eea
        } else if ADEQUATE.contains(&code.as_str()) {
            Transfer::Adequate
        } else if code == "US" {
            Transfer::AdequateIfCertified
        } else if code.len() == 2 && ISO_3166.split(' ').any(|c| c == code) {
            Transfer::ThirdCountry
        } else {
            return Err(format!(
                "region {text:?} is not an ISO 3166 country code (NO, SE, US…) or EU/EEA"
            ));
        };
        Ok(Region { code, transfer })
    }
}

/// Why the region settings are invalid, pointing at the key at fault.
#[derive(Debug, Clone)]
pub struct RegionError {
    /// The `[[location]]` table at fault (None: `[scan] region`).
    pub location: Option<usize>,
    /// The key at fault.
    pub key: &'static str,
    /// The position in the key's list.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The resolved region settings.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    default: Option<Region>,
    locations: Vec<(globset::GlobSet, Region)>,
}

impl Regions {
    /// Resolves `[scan] region` and the `[[location]]` tables.
    pub fn resolve(default: Option<&str>, locations: &[LocationSyntax]) -> Result<Regions, RegionError> {
        let default = default
            .map(|d| {
                Region::parse(d).map_err(|message| RegionError {
                    location: None,
                    key: "region",
                    index: None,
                    message: format!("[scan] {message}"),
                })
            })
            .transpose()?;
        let mut resolved = Vec::new();
        for (i, l) in locations.iter().enumerate() {
            let err = |key, index, message: String| RegionError {
                location: Some(i),
                key,
                index,
                message: format!("[[location]] number {}: {message}", i + 1),
            };
            let region = Region::parse(&l.region).map_err(|m| err("region", None, m))?;
            if l.paths.is_empty() {
                return Err(err(
                    "paths",
                    None,
                    "paths is empty: name the storage it tags".into(),
                ));
            }
            let mut set = globset::GlobSetBuilder::new();
            for (j, p) in l.paths.iter().enumerate() {
                let glob = globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| err("paths", Some(j), format!("invalid glob {p:?}: {}", e.kind())))?;
                set.add(glob);
            }
            let set = set.build().map_err(|e| err("paths", None, e.to_string()))?;
            resolved.push((set, region));
        }
        Ok(Regions {
            default,
            locations: resolved,
        })
    }

    /// How many `[[location]]` tables there are.
    pub fn locations(&self) -> usize {
        self.locations.len()
    }

    /// The region of the file at `path` (an inner file is where its
    /// outer file is): the first `[[location]]` matching it, else the
    /// profile's default, else unknown.
    pub fn of(&self, path: &str) -> Option<&Region> {
        let outer = path.split('!').next().unwrap_or(path);
        self.locations
            .iter()
            .find(|(set, _)| set.is_match(outer))
            .map(|(_, r)| r)
            .or(self.default.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(paths: &[&str], region: &str) -> LocationSyntax {
        LocationSyntax {
            name: None,
            paths: paths.iter().map(|s| s.to_string()).collect(),
            region: region.into(),
        }
    }

    #[test]
    fn regions_classify_eea_adequate_and_third_countries() {
        let t = |c: &str| Region::parse(c).unwrap().transfer;
        assert_eq!(t("no"), Transfer::Eea);
        assert_eq!(t("EEA"), Transfer::Eea);
        assert_eq!(t("SE"), Transfer::Eea);
        assert_eq!(t("CH"), Transfer::Adequate);
        assert_eq!(t("UK"), Transfer::Adequate);
        assert_eq!(t("US"), Transfer::AdequateIfCertified);
        assert_eq!(t("IN"), Transfer::ThirdCountry);
        assert!(t("IN").outside_eea() && !t("DK").outside_eea());
        assert!(Region::parse("NOR").is_err());
        assert!(Region::parse("XX").is_err());
    }

    #[test]
    fn the_first_matching_location_wins_over_the_default() {
        let r = Regions::resolve(
            Some("NO"),
            &[location(&["backup/us/**"], "US"), location(&["backup/**"], "GB")],
        )
        .unwrap();
        assert_eq!(r.of("backup/us/crm.zip!kunder.csv").unwrap().code, "US");
        assert_eq!(r.of("backup/old.csv").unwrap().code, "GB");
        assert_eq!(r.of("share/a.txt").unwrap().code, "NO");
        assert!(Regions::default().of("x").is_none());
        let e = Regions::resolve(None, &[location(&["a/**"], "NO"), location(&["b/[x"], "NO")]).unwrap_err();
        assert_eq!((e.location, e.key, e.index), (Some(1), "paths", Some(0)));
    }
}
