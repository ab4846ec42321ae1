//! The HTTP side: request-head parsing with a hard size cap (httparse),
//! the Host/Origin/token checks, and response formatting with the security
//! headers every response carries.

use std::net::{IpAddr, SocketAddr};

use super::MAX_REQUEST_HEAD;

/// `host:port` as it appears in a URL (IPv6 in brackets).
pub(crate) fn authority(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: String,
    /// The path without the query.
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    /// Bytes of the head (the body starts there).
    pub(crate) len: usize,
}

impl Head {
    /// The first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name` (no percent-decoding: the token
    /// is hex).
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then_some(v)
        })
    }

    /// Whether a header's comma-separated value contains `token`
    /// (case-insensitive), as for `Connection: keep-alive, Upgrade`.
    pub(crate) fn header_has(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .any(|(_, v)| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }
}

/// What parsing the bytes received so far gave.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// The head is not complete yet.
    Partial,
    /// A complete head.
    Complete(Head),
    /// The head is over [`MAX_REQUEST_HEAD`] or has too many headers: 431.
    TooLarge,
    /// Not HTTP: 400.
    Invalid(String),
}

/// Parses the request head in `buf`.
pub(crate) fn parse_head(buf: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buf) {
        Ok(httparse::Status::Partial) => {
            if buf.len() >= MAX_REQUEST_HEAD {
                Parsed::TooLarge
            } else {
                Parsed::Partial
            }
        }
        Ok(httparse::Status::Complete(len)) => {
            if len > MAX_REQUEST_HEAD {
                return Parsed::TooLarge;
            }
            let target = request.path.unwrap_or("/");
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let mut list = Vec::with_capacity(request.headers.len());
            for h in request.headers.iter() {
                let Ok(value) = std::str::from_utf8(h.value) else {
                    return Parsed::Invalid(format!("header {} is not UTF-8", h.name));
                };
                list.push((h.name.to_string(), value.trim().to_string()));
            }
            Parsed::Complete(Head {
                method: request.method.unwrap_or("").to_string(),
                path: path.to_string(),
                query: query.to_string(),
                headers: list,
                len,
            })
        }
        Err(httparse::Error::TooManyHeaders) => Parsed::TooLarge,
        Err(e) => Parsed::Invalid(e.to_string()),
    }
}

/// The Host values the server answers to: the bound `ip:port`, and
/// `localhost:port` when bound to loopback. For an unspecified bind
/// (`0.0.0.0`, explicitly allowed) any IP literal with the right port is
/// accepted, since the interface is not known; a DNS name never is, which
/// is what defeats DNS rebinding.
#[derive(Clone, Debug)]
pub(crate) struct HostPolicy {
    addr: SocketAddr,
}

impl HostPolicy {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        HostPolicy { addr }
    }

    /// Whether `host` (a Host header value) names this server.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let port = self.addr.port();
        let (name, host_port) = match host.rsplit_once(':') {
            Some(pair) => pair,
            None => return false,
        };
        if host_port.parse::<u16>().ok() != Some(port) {
            return false;
        }
        let bound = self.addr.ip();
        if name.eq_ignore_ascii_case("localhost") {
            return bound.is_loopback();
        }
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        let Ok(ip) = literal.parse::<IpAddr>() else {
            return false;
        };
        if name.starts_with('[') != ip.is_ipv6() {
            return false;
        }
        ip == bound || bound.is_unspecified()
    }
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The Content-Security-Policy of every response: scripts, styles and
/// images only from the dashboard itself, no inline code, no framing, and
/// connections only back to the same host (HTTP and WebSocket).
pub(crate) fn csp(host: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self' ws://{host}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// A complete response with the security headers, ready to write.
pub(crate) fn response(
    status: u16,
    content_type: &str,
    body: &[u8],
    host: Option<&str>,
    extra_headers: &[(&str, &str)],
) -> Vec<u8> {
    let reason = reason(status);
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Content-Type: {content_type}\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\
         Cache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\n\
         X-Frame-Options: DENY\r\n\
         Referrer-Policy: no-referrer\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\n\
         Content-Security-Policy: {}\r\n",
        body.len(),
        csp(host.unwrap_or("127.0.0.1"))
    );
    for (name, value) in extra_headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON error body `{"error": {"code": ..., "message": ...}}`.
pub(crate) fn error_response(
    status: u16,
    code: &str,
    message: &str,
    host: Option<&str>,
) -> Vec<u8> {
    let body = serde_json::json!({ "error": { "code": code, "message": message } }).to_string();
    response(status, "application/json", body.as_bytes(), host, &[])
}

fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        421 => "Misdirected Request",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_policy_accepts_only_the_bound_host_and_port() {
        let p = HostPolicy::new("127.0.0.1:8123".parse().unwrap());
        assert!(p.allows("127.0.0.1:8123"));
        assert!(p.allows("localhost:8123"));
        assert!(p.allows("LOCALHOST:8123"));
        assert!(!p.allows("127.0.0.1:8124"));
        assert!(!p.allows("127.0.0.1"));
        assert!(!p.allows("evil.example:8123"));
        assert!(!p.allows("127.0.0.2:8123"));
        assert!(!p.allows("[::1]:8123"));
        assert!(!p.allows(""));
        let p6 = HostPolicy::new("[::1]:9000".parse().unwrap());
        assert!(p6.allows("[::1]:9000"));
        assert!(p6.allows("localhost:9000"));
        assert!(!p6.allows("::1:9000"));
        let any = HostPolicy::new("0.0.0.0:9000".parse().unwrap());
        assert!(any.allows("192.168.1.20:9000"));
        assert!(!any.allows("localhost:9000"));
        assert!(!any.allows("rebind.example:9000"));
    }

    #[test]
    fn heads_are_parsed_and_capped() {
        let Parsed::Complete(head) =
            parse_head(b"GET /ws?token=abc&x=1 HTTP/1.1\r\nHost: a:1\r\nConnection: keep-alive, Upgrade\r\n\r\n")
        else {
            panic!("complete head expected");
        };
        assert_eq!(head.path, "/ws");
        assert_eq!(head.query_param("token"), Some("abc"));
        assert_eq!(head.header("host"), Some("a:1"));
        assert!(head.header_has("connection", "upgrade"));
        assert!(matches!(
            parse_head(b"GET / HTTP/1.1\r\nHost"),
            Parsed::Partial
        ));
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.resize(MAX_REQUEST_HEAD, b'a');
        assert!(matches!(parse_head(&big), Parsed::TooLarge));
        assert!(matches!(
            parse_head(b"\x00\x01\x02 garbage\r\n\r\n"),
            Parsed::Invalid(_)
        ));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
