//! PostgreSQL's frontend/backend protocol 3.0 as a check needs it: the
//! startup, password and query messages, and the backend's messages read
//! from bytes alone (any bytes give an answer or an error).

use md5::{Digest, Md5};

/// An authentication request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Authenticated.
    Ok,
    /// The password in clear.
    Cleartext,
    /// The password hashed with MD5 and this salt.
    Md5([u8; 4]),
    /// SASL (AuthenticationSASL), with the mechanisms the server offers
    /// (`SCRAM-SHA-256`, `SCRAM-SHA-256-PLUS`).
    Sasl(Vec<String>),
    /// The server's next SASL message (AuthenticationSASLContinue).
    SaslContinue(Vec<u8>),
    /// The server's last SASL message (AuthenticationSASLFinal).
    SaslFinal(Vec<u8>),
    /// A method the check does not speak, by its code (7: GSSAPI, 9:
    /// SSPI ...).
    Other(u32),
}

/// What a backend message says, as far as a check cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// An authentication request (`R`).
    Auth(Auth),
    /// An error (`E`): severity, code and message.
    Error(String),
    /// A data row (`D`).
    Row,
    /// A command completed (`C`), with the count of rows its tag gives.
    Complete(u64),
    /// Ready for a query (`Z`).
    Ready,
    /// Anything else (parameters, notices, row descriptions ...).
    Other,
}

/// The startup message: protocol 3.0, `user`, `database` if given.
pub fn startup(user: &str, database: Option<&str>) -> Vec<u8> {
    let mut body = 196_608u32.to_be_bytes().to_vec();
    let mut pair = |k: &str, v: &str| {
        body.extend_from_slice(k.as_bytes());
        body.push(0);
        body.extend_from_slice(v.as_bytes());
        body.push(0);
    };
    pair("user", user);
    if let Some(db) = database {
        pair("database", db);
    }
    body.push(0);
    let mut m = ((body.len() + 4) as u32).to_be_bytes().to_vec();
    m.extend_from_slice(&body);
    m
}

/// A message of type `t` with `text` as a C string.
fn with_cstring(t: u8, text: &[u8]) -> Vec<u8> {
    let mut m = vec![t];
    m.extend_from_slice(&((text.len() + 5) as u32).to_be_bytes());
    m.extend_from_slice(text);
    m.push(0);
    m
}

/// A password message.
pub fn password(p: &[u8]) -> Vec<u8> {
    with_cstring(b'p', p)
}

/// A SASLInitialResponse: the chosen `mechanism` and the client's first
/// message.
///
/// ```
/// let m = rvsadmd::probe::pgsql::wire::sasl_initial("M", b"ab");
/// assert_eq!(m, b"p\0\0\0\x0cM\0\0\0\0\x02ab");
/// ```
pub fn sasl_initial(mechanism: &str, data: &[u8]) -> Vec<u8> {
    let mut body = mechanism.as_bytes().to_vec();
    body.push(0);
    body.extend_from_slice(&(data.len() as u32).to_be_bytes());
    body.extend_from_slice(data);
    let mut m = vec![b'p'];
    m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(&body);
    m
}

/// A SASLResponse: the client's next message.
pub fn sasl_response(data: &[u8]) -> Vec<u8> {
    let mut m = vec![b'p'];
    m.extend_from_slice(&((data.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(data);
    m
}

/// A simple query.
pub fn query(q: &str) -> Vec<u8> {
    with_cstring(b'Q', q.as_bytes())
}

/// The MD5 answer: `md5` and the hex MD5 of (the hex MD5 of password and
/// user) and the salt.
///
/// ```
/// let a = rvsadmd::probe::pgsql::wire::md5_password("u", "p", [1, 2, 3, 4]);
/// assert!(a.starts_with("md5") && a.len() == 35);
/// ```
pub fn md5_password(user: &str, password: &str, salt: [u8; 4]) -> String {
    let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let inner = hex(&Md5::digest(
        [password.as_bytes(), user.as_bytes()].concat(),
    ));
    let outer = hex(&Md5::digest([inner.as_bytes(), &salt[..]].concat()));
    format!("md5{outer}")
}

/// Why a method is not spoken, for an authentication request of `code`.
pub fn unspoken(code: u32) -> String {
    format!("the server asks for authentication method {code}, which rvsadmd does not speak (password, md5 and scram-sha-256 only): let the check's user log in by one of them in pg_hba.conf")
}

/// Read the backend message of type `t` with body `body`.
///
/// ```
/// use rvsadmd::probe::pgsql::wire::{backend, Auth, Backend};
/// assert_eq!(backend(b'R', &[0, 0, 0, 0]), Ok(Backend::Auth(Auth::Ok)));
/// assert_eq!(backend(b'C', b"SELECT 3\0"), Ok(Backend::Complete(3)));
/// assert_eq!(
///     backend(b'E', b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"),
///     Ok(Backend::Error("FATAL 28P01: password authentication failed".into()))
/// );
/// assert_eq!(
///     backend(b'R', b"\0\0\0\x0aSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"),
///     Ok(Backend::Auth(Auth::Sasl(vec![
///         "SCRAM-SHA-256-PLUS".into(),
///         "SCRAM-SHA-256".into()
///     ])))
/// );
/// assert!(backend(b'R', &[0, 0]).is_err());
/// ```
pub fn backend(t: u8, body: &[u8]) -> Result<Backend, String> {
    Ok(match t {
        b'R' => {
            let code = body
                .get(..4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or("an authentication request cut short")?;
            Backend::Auth(match code {
                0 => Auth::Ok,
                3 => Auth::Cleartext,
                5 => {
                    let s = body.get(4..8).ok_or("an MD5 request without its salt")?;
                    Auth::Md5([s[0], s[1], s[2], s[3]])
                }
                10 => Auth::Sasl(mechanisms(&body[4..])),
                11 => Auth::SaslContinue(body[4..].to_vec()),
                12 => Auth::SaslFinal(body[4..].to_vec()),
                c => Auth::Other(c),
            })
        }
        b'E' => Backend::Error(error_text(body)),
        b'D' => Backend::Row,
        b'C' => {
            let tag =
                String::from_utf8_lossy(body.split(|&b| b == 0).next().unwrap_or(&[])).into_owned();
            let n = tag
                .rsplit(' ')
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0);
            Backend::Complete(n)
        }
        b'Z' => Backend::Ready,
        _ => Backend::Other,
    })
}

/// AuthenticationSASL's list: C strings, the last one empty.
fn mechanisms(list: &[u8]) -> Vec<String> {
    list.split(|&b| b == 0)
        .take_while(|m| !m.is_empty())
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect()
}

/// An error response's fields: `SEVERITY CODE: message`.
fn error_text(body: &[u8]) -> String {
    let (mut sev, mut code, mut msg) = (String::new(), String::new(), String::new());
    for field in body.split(|&b| b == 0) {
        let Some((&k, v)) = field.split_first() else {
            continue;
        };
        let v = String::from_utf8_lossy(v).into_owned();
        match k {
            b'S' => sev = v,
            b'C' => code = v,
            b'M' => msg = v,
            _ => {}
        }
    }
    format!("{sev} {code}: {msg}").trim().to_string()
}
