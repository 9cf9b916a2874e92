//! The server's side of SCRAM-SHA-256 (RFC 5802 section 3) for the fake
//! PostgreSQL server, computed with RustCrypto's primitives apart from
//! the client's crate, and checked against RFC 7677's example.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// How the fake server ends a SCRAM exchange.
#[derive(Clone, Copy, Debug)]
pub enum Ending {
    /// Honestly: its signature, then AuthenticationOk.
    Honest,
    /// With a signature made from another password.
    ForgedSignature,
    /// With AuthenticationOk and no final message (no signature at all).
    NoFinal,
    /// It offers SCRAM-SHA-256-PLUS only.
    PlusOnly,
}

/// The fake's salt and iteration count.
pub const SALT: &[u8] = b"fake salt 16 byt";
pub const ITERATIONS: u32 = 4096;

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// For `password`, `salt`, `iterations` and the exchange's AuthMessage:
/// the client's proof and the server's signature, base64.
pub fn prove(password: &str, salt: &[u8], iterations: u32, auth_message: &str) -> (String, String) {
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(client_key);
    let client_signature = hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key
        .iter()
        .zip(client_signature)
        .map(|(k, s)| k ^ s)
        .collect();
    let server_key = hmac(&salted, b"Server Key");
    let signature = hmac(&server_key, auth_message.as_bytes());
    (B64.encode(proof), B64.encode(signature))
}

/// The server's first message for the client's first message (its bare
/// part after the gs2 header `n,,`), with the combined nonce.
pub fn server_first(client_first: &str) -> Option<(String, String)> {
    let bare = client_first.strip_prefix("n,,")?;
    let nonce = bare.strip_prefix("n=,r=")?;
    let first = format!(
        "r={nonce}fake-server-nonce,s={},i={ITERATIONS}",
        B64.encode(SALT)
    );
    Some((bare.to_string(), first))
}

/// Check the client's final message (its channel binding must be `n,,`
/// and its nonce the server's): whether its proof is that of `password`,
/// and the exchange's AuthMessage.
pub fn check_final(
    password: &str,
    bare: &str,
    first: &str,
    client_final: &str,
) -> Option<(bool, String)> {
    let (without_proof, proof) = client_final.split_once(",p=")?;
    let nonce = first.split(',').next()?;
    if without_proof != format!("c=biws,{nonce}") {
        return None;
    }
    let auth_message = format!("{bare},{first},{without_proof}");
    let (want, _) = prove(password, SALT, ITERATIONS, &auth_message);
    Some((proof == want, auth_message))
}

#[test]
fn rfc_7677_example() {
    // RFC 7677 section 3: user "user", password "pencil".
    let bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    let first =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    let without_proof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
    let (proof, signature) = prove(
        "pencil",
        &salt,
        4096,
        &format!("{bare},{first},{without_proof}"),
    );
    assert_eq!(proof, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    assert_eq!(signature, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}
