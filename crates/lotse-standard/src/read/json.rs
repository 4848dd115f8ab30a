//! JSON input: one object, an array of objects, or NDJSON.

use serde_json::Value;
use serde_json::value::RawValue;

use super::{ParseError, Record};
use crate::finding::Message;

/// Streams records out of JSON bytes without materialising all of them at once: an array is
/// first split into raw element slices (cheap), then each element is parsed on demand.
pub struct JsonRecords<'a> {
    input: &'a [u8],
    mode: Mode<'a>,
    /// Line counting is incremental: the byte offset and line reached so far.
    counted_to: usize,
    line: u64,
}

enum Mode<'a> {
    Elements(std::vec::IntoIter<&'a RawValue>),
    Single(Option<&'a RawValue>),
    Lines { pos: usize },
}

impl<'a> JsonRecords<'a> {
    pub fn json(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let input = strip_bom(bytes);
        let text = std::str::from_utf8(input).map_err(|e| utf8_error(input, e))?;
        let first = text.bytes().find(|b| !b.is_ascii_whitespace());
        let mode = if first == Some(b'[') {
            let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| ParseError::json(&e, 0))?;
            Mode::Elements(elements.into_iter())
        } else {
            let raw: &RawValue = serde_json::from_str(text).map_err(|e| ParseError::json(&e, 0))?;
            Mode::Single(Some(raw))
        };
        Ok(JsonRecords { input, mode, counted_to: 0, line: 1 })
    }

    pub fn ndjson(bytes: &'a [u8]) -> Self {
        let input = strip_bom(bytes);
        JsonRecords { input, mode: Mode::Lines { pos: 0 }, counted_to: 0, line: 1 }
    }

    /// The 1-based line of a byte offset; offsets must not decrease between calls.
    fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.input.len());
        if offset > self.counted_to {
            self.line += self.input[self.counted_to..offset].iter().filter(|&&b| b == b'\n').count() as u64;
            self.counted_to = offset;
        }
        self.line
    }

    fn parse_raw(&mut self, raw: &RawValue) -> Result<Record, ParseError> {
        let offset = raw.get().as_ptr() as usize - self.input.as_ptr() as usize;
        let line = self.line_at(offset);
        let value: Value = serde_json::from_str(raw.get()).map_err(|e| ParseError::json(&e, line - 1))?;
        Ok(Record::json(value, Some(line)))
    }
}

impl Iterator for JsonRecords<'_> {
    type Item = Result<Record, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.mode {
            Mode::Elements(it) => {
                let raw = it.next()?;
                Some(self.parse_raw(raw))
            }
            Mode::Single(raw) => {
                let raw = raw.take()?;
                Some(self.parse_raw(raw))
            }
            Mode::Lines { pos } => loop {
                let start = *pos;
                if start >= self.input.len() {
                    return None;
                }
                let end = memchr_newline(&self.input[start..]).map_or(self.input.len(), |i| start + i);
                *pos = end + 1;
                let line_bytes = &self.input[start..end];
                if line_bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let line = self.line_at(start);
                // serde_json checks UTF-8 as it parses, so the line needs no separate pass.
                let parsed =
                    serde_json::from_slice::<Value>(line_bytes).map_err(|e| ParseError::json(&e, line - 1));
                return Some(parsed.map(|value| Record::json(value, Some(line))));
            },
        }
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn utf8_error(input: &[u8], e: std::str::Utf8Error) -> ParseError {
    let valid = &input[..e.valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = (valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)) as u64 + 1;
    ParseError {
        line,
        column,
        message: Message::new(
            "JSON muss UTF-8-kodiert sein; hier steht ein ungültiges Byte.",
            "JSON must be UTF-8 encoded; there is an invalid byte here.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::read::{InputFormat, read_records};

    #[test]
    fn reads_object_array_and_ndjson_with_lines() {
        let one = read_records(br#"{"id":"a"}"#, InputFormat::Auto).unwrap();
        assert_eq!(one.len(), 1);
        let arr = read_records(b"[\n {\"id\":\"a\"},\n {\"id\":\"b\"}\n]", InputFormat::Auto).unwrap();
        assert_eq!(arr.iter().map(|r| r.line).collect::<Vec<_>>(), [Some(2), Some(3)]);
        let nd = read_records(b"{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n", InputFormat::Auto).unwrap();
        assert_eq!(nd.iter().map(|r| r.line).collect::<Vec<_>>(), [Some(1), Some(3)]);
        assert_eq!(InputFormat::sniff(b"\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}"), InputFormat::Ndjson);
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = read_records(b"[\n {\"id\":\"a\"},\n {\"id\" \"b\"}\n]", InputFormat::Json).unwrap_err();
        assert_eq!((e.line, e.column), (3, 8));
        let e = read_records(b"{\"id\":\"a\"}\n{\"id\":\n", InputFormat::Ndjson).unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_records(b"{\"id\":\"a\xff\"}", InputFormat::Json).unwrap_err();
        assert_eq!((e.line, e.column), (1, 9));
    }
}
