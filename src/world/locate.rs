//! Finds where a value sits in JSON text, so that errors found after parsing
//! (an unknown level, a duplicate name) can still name a line and column.
//! The text has already been parsed successfully, so the walker may assume
//! it is valid JSON.

use std::fmt;

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A member of an object.
    Key(&'static str),
    /// An element of an array.
    Index(usize),
}

/// A path into a JSON document, like `volumes[3].level`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonPath(pub Vec<PathSegment>);

impl JsonPath {
    /// The path extended by an object member.
    pub fn key(&self, key: &'static str) -> JsonPath {
        let mut p = self.clone();
        p.0.push(PathSegment::Key(key));
        p
    }

    /// The path extended by an array element.
    pub fn index(&self, index: usize) -> JsonPath {
        let mut p = self.clone();
        p.0.push(PathSegment::Index(index));
        p
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSegment::Key(k) if i == 0 => write!(f, "{k}")?,
                PathSegment::Key(k) => write!(f, ".{k}")?,
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Byte offset of the value at `path` in the valid JSON `text`, or of the
/// deepest enclosing value that exists.
pub fn locate(text: &str, path: &JsonPath) -> usize {
    let bytes = text.as_bytes();
    let mut at = skip_ws(bytes, 0);
    for seg in &path.0 {
        match (seg, bytes.get(at)) {
            (PathSegment::Key(key), Some(b'{')) => match find_member(text, at, key) {
                Some(value) => at = value,
                None => return at,
            },
            (PathSegment::Index(n), Some(b'[')) => match find_element(bytes, at, *n) {
                Some(value) => at = value,
                None => return at,
            },
            _ => return at,
        }
    }
    at
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at the quote `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// End (exclusive) of the value starting at `i`.
fn skip_value(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'"') => skip_string(bytes, i),
        Some(open @ (b'{' | b'[')) => {
            let close = if *open == b'{' { b'}' } else { b']' };
            let mut j = i + 1;
            loop {
                j = skip_ws(bytes, j);
                match bytes.get(j) {
                    None => return j,
                    Some(c) if *c == close => return j + 1,
                    Some(b',' | b':') => j += 1,
                    Some(_) => j = skip_value(bytes, j),
                }
            }
        }
        _ => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

fn find_member(text: &str, object: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = object + 1;
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i)? {
            b'}' => return None,
            b',' => i += 1,
            b'"' => {
                let end = skip_string(bytes, i);
                let name: String = serde_json::from_str(&text[i..end]).ok()?;
                i = skip_ws(bytes, end);
                if bytes.get(i) != Some(&b':') {
                    return None;
                }
                i = skip_ws(bytes, i + 1);
                if name == key {
                    return Some(i);
                }
                i = skip_value(bytes, i);
            }
            _ => return None,
        }
    }
}

fn find_element(bytes: &[u8], array: usize, n: usize) -> Option<usize> {
    let mut i = skip_ws(bytes, array + 1);
    let mut index = 0;
    loop {
        match bytes.get(i)? {
            b']' => return None,
            b',' => i = skip_ws(bytes, i + 1),
            _ => {
                if index == n {
                    return Some(i);
                }
                index += 1;
                i = skip_ws(bytes, skip_value(bytes, i));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_members_and_elements() {
        let text = "{\n  \"a\": [1, {\"x\": \"q\\\"}\"}, [2]],\n  \"b\\u0041\": {\"c\": true}\n}";
        let p = JsonPath::default().key("a").index(1).key("x");
        let at = locate(text, &p);
        assert_eq!(&text[at..at + 2], "\"q");
        assert_eq!(line_column(text, at), (2, 18));
        let at = locate(text, &JsonPath::default().key("bA").key("c"));
        assert_eq!(&text[at..at + 4], "true");
        assert_eq!(line_column(text, at).0, 3);
        // A missing element points at the enclosing array.
        let at = locate(text, &JsonPath::default().key("a").index(7));
        assert_eq!(&text[at..at + 1], "[");
        assert_eq!(p.to_string(), "a[1].x");
    }
}
