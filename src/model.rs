//! The plain data that flows through the pipeline: what a file is, what was
//! found in it and where, and how well each file could be checked.
//!
//! These types carry no behaviour beyond naming themselves; every stage
//! (walk → extract → detect → sink) speaks in them.

use serde::Serialize;
use std::fmt;

/// The kinds of personal data datakart reports. Their `as_str` names are
/// the exact identifiers used in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    /// E-mail address.
    Email,
    /// Telephone number (Nordic plans or E.164).
    Phone,
    /// Norwegian fødselsnummer, including H-, FH- and synthetic numbers.
    NoFnr,
    /// Norwegian D-number.
    NoDnr,
    /// Danish CPR number.
    DkCpr,
    /// Swedish personnummer or samordningsnummer.
    SePnr,
    /// Finnish henkilötunnus.
    FiHetu,
    /// International bank account number.
    Iban,
    /// Payment card number.
    PaymentCard,
    /// IPv4 address.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// Nordic organisation number or VAT number: a company, not a person;
    /// reported for context, never counted as personal data.
    OrgNumber,
    /// A person's full name (lexicon, salutation or label, column header).
    PersonName,
    /// A street address with house number, optionally postal code and town.
    PostalAddress,
    /// Text revealing a special category of personal data (GDPR art. 9) or
    /// a criminal offence (art. 10); the finding's subtype says which.
    SpecialCategory,
    /// A profile's custom detector; the row's type label is its id.
    Custom,
}

impl DataType {
    /// Every type, in output column order.
    pub const ALL: [DataType; 16] = [
        DataType::Email,
        DataType::Phone,
        DataType::NoFnr,
        DataType::NoDnr,
        DataType::DkCpr,
        DataType::SePnr,
        DataType::FiHetu,
        DataType::Iban,
        DataType::PaymentCard,
        DataType::Ipv4,
        DataType::Ipv6,
        DataType::OrgNumber,
        DataType::PersonName,
        DataType::PostalAddress,
        DataType::SpecialCategory,
        DataType::Custom,
    ];

    /// The identifier used in outputs and profiles.
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Email => "email",
            DataType::Phone => "phone",
            DataType::NoFnr => "no_fnr",
            DataType::NoDnr => "no_dnr",
            DataType::DkCpr => "dk_cpr",
            DataType::SePnr => "se_pnr",
            DataType::FiHetu => "fi_hetu",
            DataType::Iban => "iban",
            DataType::PaymentCard => "payment_card",
            DataType::Ipv4 => "ipv4",
            DataType::Ipv6 => "ipv6",
            DataType::OrgNumber => "org_number",
            DataType::PersonName => "person_name",
            DataType::PostalAddress => "postal_address",
            DataType::SpecialCategory => "special_category",
            DataType::Custom => "custom",
        }
    }

    /// Looks a type up by its output identifier.
    pub fn parse(s: &str) -> Option<DataType> {
        DataType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether findings of this type are personal data (GDPR art. 4(1)).
    /// Organisation numbers identify companies: they are reported but not
    /// counted as personal data.
    pub fn personal(self) -> bool {
        self != DataType::OrgNumber
    }

    /// Whether a value can pass this type's checks by chance (a number
    /// that happens to validate): true for identifiers, false for e-mail
    /// addresses and the word-level types (names, addresses, special
    /// categories), which are never demoted as rare in their column.
    pub fn chance_valid(self) -> bool {
        !matches!(
            self,
            DataType::Email | DataType::PersonName | DataType::PostalAddress | DataType::SpecialCategory
        )
    }

    /// Position in [`DataType::ALL`], for per-type counters.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A one-bit mask for this type, for keyword sets.
    pub fn bit(self) -> u32 {
        1 << self.index()
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a finding is. Ordered, so the highest of a file can be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Validates, but the shape or context makes it doubtful.
    Low,
    /// Validates with a checksum or strict structure.
    Medium,
    /// Validates and the context (keyword, column header) names the type.
    High,
}

impl Confidence {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One level up, saturating at `High`.
    pub fn raised(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }

    /// One level down, saturating at `Low`.
    pub fn lowered(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

/// The format a file was read as; `as_str` is the `file_type` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Plain text (any supported encoding).
    Text,
    /// Comma-, semicolon-, pipe- or tab-separated values.
    Delimited,
    /// One JSON document.
    Json,
    /// Newline-delimited JSON (JSON Lines).
    Ndjson,
    /// SQL dump (INSERT statements, PostgreSQL COPY blocks).
    Sql,
    /// RFC 5322 e-mail message.
    Eml,
    /// A Unix mailbox of many messages.
    Mbox,
    /// HTML page.
    Html,
    /// XML document.
    Xml,
    /// PDF document.
    Pdf,
    /// Spreadsheet read through calamine: `xlsx`, `xlsm`, `xlsb`, `xls`, `ods`.
    Spreadsheet(&'static str),
    /// Word-processing or presentation document: `docx`, `pptx`, `odt`, `odp`.
    Document(&'static str),
    /// Zip archive.
    Zip,
    /// Tar archive.
    Tar,
    /// Gzip-compressed file (a `.tar.gz` is read as a tar inside it).
    Gzip,
    /// SQLite database file.
    Sqlite,
    /// Apache Parquet file.
    Parquet,
    /// A format recognised by its signature that this version cannot read.
    Unsupported(&'static str),
    /// Binary content with no known signature.
    Binary,
}

impl FileKind {
    /// The name used in the `file_type` column.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Text => "text",
            FileKind::Delimited => "csv",
            FileKind::Json => "json",
            FileKind::Ndjson => "ndjson",
            FileKind::Sql => "sql",
            FileKind::Eml => "eml",
            FileKind::Mbox => "mbox",
            FileKind::Html => "html",
            FileKind::Xml => "xml",
            FileKind::Pdf => "pdf",
            FileKind::Spreadsheet(name) | FileKind::Document(name) | FileKind::Unsupported(name) => name,
            FileKind::Zip => "zip",
            FileKind::Tar => "tar",
            FileKind::Gzip => "gzip",
            FileKind::Sqlite => "sqlite",
            FileKind::Parquet => "parquet",
            FileKind::Binary => "binary",
        }
    }
}

/// Where in a file a finding sits, as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (1-based).
    Line(u64),
    /// A cell of a delimited file: data row (1-based, header excluded) and
    /// column name (or `column N` when the file has no header).
    Cell {
        /// Data row number.
        row: u64,
        /// Column name.
        column: String,
    },
    /// A JSON value by key path; `record` is the NDJSON line, if any.
    JsonPath {
        /// NDJSON record (line) number.
        record: Option<u64>,
        /// Key path such as `$.customer.email` or `$[3].phone`.
        path: String,
    },
    /// A value in an SQL dump: table, column and row within that table.
    SqlRow {
        /// Table name as written (without quoting).
        table: String,
        /// Column name, or `column N` when the statement names none.
        column: String,
        /// Row number within the table across the whole dump (1-based).
        row: u64,
    },
    /// An e-mail header by name.
    MailHeader(String),
    /// A line of an e-mail body part (1-based within the part).
    MailBody {
        /// Body part number (1-based).
        part: usize,
        /// Line within the part.
        line: u64,
    },
    /// A spreadsheet cell: sheet name, A1 reference, header of its column.
    SheetCell {
        /// Sheet name.
        sheet: String,
        /// Cell reference such as `C7`.
        cell: String,
        /// Header of the column, or the column letter.
        column: String,
    },
    /// A labelled part of a document: `page 3`, `paragraph 14`, `slide 3`.
    Part(String),
    /// A location inside a section of a container file, e.g.
    /// `message 17, header From` in a mailbox.
    Within {
        /// The section, e.g. `message 17`.
        section: String,
        /// The location inside it.
        inner: Box<Location>,
    },
}

impl Location {
    /// The column name for structured locations, for the `column_name` column.
    pub fn column_name(&self) -> Option<&str> {
        match self {
            Location::Cell { column, .. }
            | Location::SqlRow { column, .. }
            | Location::SheetCell { column, .. } => Some(column),
            Location::Within { inner, .. } => inner.column_name(),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Cell { row: 0, column } => write!(f, "header, column {column}"),
            Location::Cell { row, column } => write!(f, "row {row}, column {column}"),
            Location::JsonPath {
                record: Some(r),
                path,
            } => write!(f, "record {r} {path}"),
            Location::JsonPath { record: None, path } => f.write_str(path),
            Location::SqlRow { table, column, row } => write!(f, "table {table}.{column} row {row}"),
            Location::MailHeader(h) => write!(f, "header {h}"),
            Location::MailBody { part, line } => write!(f, "body part {part} line {line}"),
            Location::SheetCell { sheet, cell, .. } => write!(f, "sheet {sheet}!{cell}"),
            Location::Part(label) => f.write_str(label),
            Location::Within { section, inner } => write!(f, "{section}, {inner}"),
        }
    }
}
