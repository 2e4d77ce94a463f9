//! CSV files as a Russian-locale Excel opens them with a double click, written by the
//! `csv` crate:
//!
//! - `;` between fields: the list separator of the Russian locale (where `,` is the
//!   decimal mark), so Excel splits the columns without an import dialog. A `sep=;` first
//!   line would force the separator in any locale, but Excel then ignores the BOM and
//!   shows Cyrillic as mojibake; Russian agencies use the Russian locale, so the locale's
//!   separator is the one that works for them.
//! - UTF-8 with a byte-order mark, which is how Excel recognises UTF-8.
//! - CRLF line ends, quoting only where needed (RFC 4180).
//! - A cell that Excel would read as a formula (`=`, `+`, `-`, `@`, a tab or CR first) is
//!   prefixed with `'`: text typed by one agency never runs in another's spreadsheet.

use std::borrow::Cow;

use crate::error::{AppError, AppResult};

/// A journal file of one agency, ready to send.
pub struct AgencyFile {
    /// Whose journal it is.
    pub agency_name: String,
    /// The agency's id.
    pub agency_id: uuid::Uuid,
    /// Today in the agency's time zone.
    pub local_date: chrono::NaiveDate,
    /// As a Russian-locale Excel opens it.
    pub body: String,
}

/// The byte-order mark that starts every file.
pub const BOM: &str = "\u{feff}";

/// A CSV file being written in memory.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvFile {
    fn default() -> Self {
        CsvFile::new()
    }
}

impl CsvFile {
    /// An empty file (the BOM only).
    pub fn new() -> CsvFile {
        let writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .flexible(true)
            .from_writer(BOM.as_bytes().to_vec());
        CsvFile { writer }
    }

    /// Appends one record, each field defused.
    pub fn record<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) -> AppResult<()> {
        let fields: Vec<Cow<'_, str>> = fields
            .into_iter()
            .map(|f| Cow::Owned(defuse(f.as_ref()).into_owned()))
            .collect();
        self.writer
            .write_record(fields.iter().map(|f| f.as_bytes()))
            .map_err(|e| AppError::internal(anyhow::anyhow!("writing a CSV record: {e}")))
    }

    /// The finished file's text.
    pub fn finish(self) -> AppResult<String> {
        let bytes = self
            .writer
            .into_inner()
            .map_err(|e| AppError::internal(anyhow::anyhow!("finishing a CSV file: {e}")))?;
        String::from_utf8(bytes)
            .map_err(|e| AppError::internal(anyhow::anyhow!("a CSV file is not UTF-8: {e}")))
    }
}

/// A cell as text, never as a formula.
pub fn defuse(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_split_by_semicolons_quoted_only_when_needed_and_never_formulas() {
        let mut file = CsvFile::new();
        file.record([
            "Иванова, Мария \"Маша\"",
            "Сургут; ул. Ленина",
            "=1+1",
            "+7 900",
        ])
        .unwrap();
        file.record(["a"]).unwrap();
        let text = file.finish().unwrap();
        assert_eq!(
            text,
            "\u{feff}\"Иванова, Мария \"\"Маша\"\"\";\"Сургут; ул. Ленина\";'=1+1;'+7 900\r\na\r\n"
        );
    }
}
