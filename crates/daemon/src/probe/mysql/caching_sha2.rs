//! caching_sha2_password (MySQL 8's default login method) from the
//! client's side, over plain TCP: the fast path's scramble, and the full
//! path's password encrypted with the server's RSA public key. The
//! digests and RSA are RustCrypto's (`sha2`, `rsa`); this holds MySQL's
//! formulas and the order of the steps.

use rsa::pkcs8::DecodePublicKey;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The method's name, in the handshake and in a switch request.
pub const CACHING_SHA2: &str = "caching_sha2_password";

/// The server's next step after the scramble (`0x01` and one byte).
const FAST_AUTH_SUCCESS: u8 = 3;
const PERFORM_FULL_AUTH: u8 = 4;
/// The client's request for the server's public key.
const REQUEST_PUBLIC_KEY: u8 = 2;

/// The fast path's answer to `nonce`: SHA256(password) XOR
/// SHA256(SHA256(SHA256(password)), nonce); nothing for an empty
/// password.
///
/// ```
/// use rvsadmd::probe::mysql::caching_sha2_scramble;
/// assert!(caching_sha2_scramble(b"", b"01234567890123456789").is_empty());
/// assert_eq!(caching_sha2_scramble(b"pw", b"01234567890123456789").len(), 32);
/// ```
pub fn scramble(password: &[u8], nonce: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let once = Sha256::digest(password);
    let twice = Sha256::digest(once);
    let mut h = Sha256::new();
    h.update(twice);
    h.update(nonce);
    let salted = h.finalize();
    once.iter().zip(salted.iter()).map(|(a, b)| a ^ b).collect()
}

/// The full path's answer: (password, NUL) XOR the nonce (repeated),
/// encrypted with RSA-OAEP (SHA-1) under the server's public key `pem`
/// (a PEM SubjectPublicKeyInfo, as MySQL sends it).
pub fn encrypt_password(pem: &[u8], password: &[u8], nonce: &[u8]) -> Result<Vec<u8>, String> {
    if nonce.is_empty() {
        return Err("caching_sha2_password: the server's nonce is empty".into());
    }
    let pem = std::str::from_utf8(pem)
        .map_err(|_| "caching_sha2_password: the server's public key is not PEM text")?;
    let key = rsa::PublicKey::from_public_key_pem(pem.trim_end_matches('\0'))
        .map_err(|e| format!("caching_sha2_password: the server's public key: {e}"))?;
    let plain: Vec<u8> = password
        .iter()
        .chain(&[0])
        .zip(nonce.iter().cycle())
        .map(|(p, n)| p ^ n)
        .collect();
    key.oaep_encrypt::<Sha1>(&plain)
        .map_err(|e| format!("caching_sha2_password: encrypting the password: {e}"))
}

/// Where a caching_sha2_password login is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The scramble is sent: fast success or full authentication next.
    Scrambled,
    /// The public key is asked for.
    KeyAsked,
    /// The encrypted password is sent (or the fast path succeeded): the
    /// server's OK or error next.
    Answered,
}

/// What to do with the data of a server's `0x01` packet at `step`: the
/// packet to send (if any) and the next step.
pub fn more(
    step: Step,
    data: &[u8],
    password: &[u8],
    nonce: &[u8],
) -> Result<(Option<Vec<u8>>, Step), String> {
    match (step, data) {
        (Step::Scrambled, [FAST_AUTH_SUCCESS]) => Ok((None, Step::Answered)),
        (Step::Scrambled, [PERFORM_FULL_AUTH]) => {
            Ok((Some(vec![REQUEST_PUBLIC_KEY]), Step::KeyAsked))
        }
        (Step::KeyAsked, pem) => Ok((
            Some(encrypt_password(pem, password, nonce)?),
            Step::Answered,
        )),
        (_, d) => Err(format!(
            "caching_sha2_password: an unexpected step from the server ({:02x?})",
            &d[..d.len().min(8)]
        )),
    }
}
