//! A login by SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it:
//! no channel binding (the check does not use TLS, so the gs2 header is
//! `n,,`), the user name left empty (the startup message carries it). The
//! crypto and the messages' syntax are rust-postgres's
//! (`postgres_protocol::authentication::sasl`); this keeps the order of
//! the steps and refuses a server that lets the check in without proving,
//! by its final signature, that it knows the password.

use postgres_protocol::authentication::sasl::{ChannelBinding, ScramSha256, SCRAM_SHA_256};

/// Where an exchange is.
enum Step {
    /// The first message is sent; the server's first is awaited.
    First,
    /// The proof is sent; the server's signature is awaited.
    Proof,
    /// The server's signature is verified.
    Verified,
    /// A server's message was refused: the exchange is over.
    Failed,
}

/// One SCRAM-SHA-256 exchange, from the client's side.
pub struct Scram {
    client: ScramSha256,
    step: Step,
}

impl Scram {
    /// Start an exchange with `password` if the server offers
    /// SCRAM-SHA-256 among `mechanisms`: the exchange and the
    /// mechanism's name and first message to send.
    pub fn start(password: &str, mechanisms: &[String]) -> Result<(Scram, &'static str), String> {
        if !mechanisms.iter().any(|m| m == SCRAM_SHA_256) {
            return Err(format!(
                "the server offers SASL mechanisms {} and rvsadmd speaks {SCRAM_SHA_256} only",
                mechanisms.join(", ")
            ));
        }
        let client = ScramSha256::new(password.as_bytes(), ChannelBinding::unsupported());
        let step = Step::First;
        Ok((Scram { client, step }, SCRAM_SHA_256))
    }

    /// The client's message to send now: the first one after
    /// [`Scram::start`], the proof after [`Scram::server_first`].
    pub fn message(&self) -> &[u8] {
        match self.step {
            Step::First | Step::Proof => self.client.message(),
            Step::Verified | Step::Failed => &[],
        }
    }

    /// Read the server's first message (salt, iterations, nonce) and
    /// compute the proof ([`Scram::message`]).
    pub fn server_first(&mut self, data: &[u8]) -> Result<(), String> {
        if !matches!(self.step, Step::First) {
            return Err("the server sent SCRAM's first message out of turn".into());
        }
        self.step = Step::Failed;
        self.client
            .update(data)
            .map_err(|e| format!("the server's first SCRAM message: {e}"))?;
        self.step = Step::Proof;
        Ok(())
    }

    /// Verify the server's signature in its final message.
    pub fn server_final(&mut self, data: &[u8]) -> Result<(), String> {
        if !matches!(self.step, Step::Proof) {
            return Err("the server sent SCRAM's final message out of turn".into());
        }
        self.step = Step::Failed;
        self.client.finish(data).map_err(|e| {
            format!(
                "the server's final SCRAM message: {e} (it did not prove it knows the password)"
            )
        })?;
        self.step = Step::Verified;
        Ok(())
    }

    /// Whether the server has proved it knows the password: before that,
    /// an AuthenticationOk is not to be trusted.
    pub fn verified(&self) -> bool {
        matches!(self.step, Step::Verified)
    }
}
