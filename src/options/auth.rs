//! Step 6, `auth`: the object, `auth.type` (`'keypair'` or `'password'`), then `auth.key` (a PEM private key or
//! a password).
//!
//! The key is a secret: it is moved into a [`Secret`] before it is checked and never echoed. `auth.type` is
//! echoed only when it is a known word, since anything else may be a key or password put in the wrong field.

use super::fields::{required, secret, string, wrong_type, Fields};
use crate::error::Failure;
use crate::input::Input;
use crate::messages::{quote, too_long};
use crate::model::{AuthType, ServerAuth};
use crate::secret::Secret;
use crate::suggestions::{nearest, normalise_key};

/// Largest `auth.key`, in UTF-8 bytes: a 16384-bit RSA key in PEM is about 12.5 KiB.
pub const MAX_AUTH_KEY_BYTES: usize = 16 * 1024;

/// `auth`: absent (a stopped server needs none), or `{ type, key }`.
pub(super) fn server_auth(value: Input) -> Result<Option<ServerAuth>, Failure> {
    let mut fields = match value {
        Input::Undefined => return Ok(None),
        Input::Object(entries) => Fields { entries },
        other => return Err(wrong_type(
            "auth",
            "an object { type: 'keypair' | 'password', key } (leave auth out for a stopped server)",
            other,
            true,
        )),
    };
    let kind = auth_type(fields.take("type"))?;
    let key = secret("auth.key", fields.take("key"), "a string", false)?;
    let what = match kind {
        AuthType::Keypair => "the server's current PEM private key",
        AuthType::Password => "the server's password",
    };
    let key = required("auth.key", key, what)?;
    check_auth_key(kind, &key)?;
    Ok(Some(ServerAuth { kind, key }))
}

fn auth_type(value: Input) -> Result<AuthType, Failure> {
    const F: &str = "auth.type";
    const EXPECTED: &str =
        "auth.type must be 'keypair' (key is the PEM private key) or 'password' (key is the server's password)";
    let kind = required(
        F,
        string(F, value, "a string", false)?,
        "'keypair' or 'password'",
    )?;
    match kind.as_str() {
        "keypair" => return Ok(AuthType::Keypair),
        "password" => return Ok(AuthType::Password),
        _ => {}
    }
    let normal: String = normalise_key(&kind).chars().filter(|c| *c != ' ').collect();
    let known_word = match normal.as_str() {
        "keypair" | "key" | "keys" | "pem" | "ssh" | "sshkey" | "sshkeypair" | "privatekey"
        | "rsa" | "privkey" | "keyfile" => Some("keypair"),
        "password" | "pass" | "passwd" | "pwd" | "pw" => Some("password"),
        _ => None,
    };
    // Only a known word is echoed: anything else may be a password or key put in `type` by mistake.
    let mut message = match known_word {
        Some(_) => [EXPECTED, "; got ", &quote(&kind)].concat(),
        None => [EXPECTED, "; got another value"].concat(),
    };
    let meant = known_word.or_else(|| {
        nearest(
            &normal,
            ["keypair", "password"].into_iter(),
            2,
            str::to_owned,
        )
    });
    if let Some(meant) = meant {
        message.push_str("; did you mean '");
        message.push_str(meant);
        message.push_str("'?");
    }
    Err(Failure::invalid(F, message))
}

fn check_auth_key(kind: AuthType, key: &Secret) -> Result<(), Failure> {
    const F: &str = "auth.key";
    if key.is_empty() {
        return Err(Failure::invalid(F, "auth.key must not be empty"));
    }
    if key.len() > MAX_AUTH_KEY_BYTES {
        return Err(Failure::invalid(
            F,
            too_long(F, key.len(), MAX_AUTH_KEY_BYTES, "16 KiB"),
        ));
    }
    match kind {
        AuthType::Keypair => check_private_key(key.expose()),
        AuthType::Password => {
            if key.expose().trim_start().starts_with("-----BEGIN") {
                return Err(Failure::invalid(
                    F,
                    "auth.key looks like a PEM key, but auth.type is 'password'; use type 'keypair' for a key",
                ));
            }
            // ECS passwords are printable; a control character is a paste accident (a trailing newline).
            if key.expose().chars().any(char::is_control) {
                return Err(Failure::invalid(
                    F,
                    "auth.key (a password) must not contain control characters such as line breaks or tabs",
                ));
            }
            Ok(())
        }
    }
}

/// A PEM private key: `-----BEGIN <LABEL> PRIVATE KEY-----` … `-----END <LABEL> PRIVATE KEY-----`, with the same
/// label (`RSA`, `EC`, `OPENSSH`, `ENCRYPTED`, …, or none), something in between, and only whitespace around.
/// The key's contents are not decoded: the service is the judge of those.
fn check_private_key(key: &str) -> Result<(), Failure> {
    const F: &str = "auth.key";
    const PUBLIC: &str =
        "auth.key is a public key; unbinding needs the key pair's private key, a PEM block \
                          starting with '-----BEGIN ... PRIVATE KEY-----'";
    let text = key.trim_matches(|c: char| c.is_ascii_whitespace());
    let openssh_public = [
        "ssh-rsa ",
        "ssh-ed25519 ",
        "ssh-dss ",
        "ecdsa-sha2-",
        "sk-ssh-",
        "sk-ecdsa-",
        "---- BEGIN SSH2 PUBLIC KEY",
    ];
    if openssh_public.iter().any(|prefix| text.starts_with(prefix)) {
        return Err(Failure::invalid(F, PUBLIC));
    }
    if text.starts_with("PuTTY-User-Key-File-") {
        return Err(Failure::invalid(
            F,
            "auth.key is a PuTTY .ppk key; convert it to PEM first (puttygen key.ppk -O private-openssh -o key.pem)",
        ));
    }
    if !text.contains('\n') && text.contains("\\n") {
        return Err(Failure::invalid(
            F,
            "auth.key has literal '\\n' sequences instead of line breaks; replace them with real newlines",
        ));
    }
    let Some(rest) = text.strip_prefix("-----BEGIN ") else {
        return Err(Failure::invalid(
            F,
            "auth.key must be a PEM private key starting with '-----BEGIN ... PRIVATE KEY-----' (auth.type is \
             'keypair'; for a password use type 'password')",
        ));
    };
    let Some(header_end) = rest.find("-----") else {
        return Err(Failure::invalid(
            F,
            "auth.key's BEGIN line is not closed with '-----'",
        ));
    };
    let header = &rest[..header_end];
    if header == "PUBLIC KEY" || header.ends_with(" PUBLIC KEY") {
        return Err(Failure::invalid(F, PUBLIC));
    }
    if header == "CERTIFICATE" {
        return Err(Failure::invalid(
            F,
            "auth.key is a certificate, not a private key; pass the key pair's PEM private key",
        ));
    }
    let label = if header == "PRIVATE KEY" {
        Some("")
    } else {
        header
            .strip_suffix(" PRIVATE KEY")
            .filter(|label| is_pem_label(label))
    };
    let Some(label) = label else {
        return Err(Failure::invalid(
            F,
            "auth.key must be a PEM private key: its first line must be '-----BEGIN PRIVATE KEY-----' or \
             '-----BEGIN <TYPE> PRIVATE KEY-----' (such as RSA, EC or OPENSSH)",
        ));
    };
    let separator = if label.is_empty() { "" } else { " " };
    let end = ["-----END ", label, separator, "PRIVATE KEY-----"].concat();
    let after_header = &rest[header_end + 5..];
    let Some(body) = after_header.strip_suffix(end.as_str()) else {
        // The label of the last `-----END <LABEL> PRIVATE KEY-----` line, if there is one.
        let end_label = after_header
            .rfind("-----END ")
            .and_then(|i| after_header[i + 9..].split("-----").next())
            .and_then(|end_header| match end_header {
                "PRIVATE KEY" => Some(""),
                _ => end_header
                    .strip_suffix(" PRIVATE KEY")
                    .filter(|label| is_pem_label(label)),
            });
        let message = match end_label {
            Some(end_label) if end_label != label => [
                "auth.key's END line ('-----END ",
                end_label,
                if end_label.is_empty() { "" } else { " " },
                "PRIVATE KEY-----') does not match its BEGIN line ('-----BEGIN ",
                header,
                "-----')",
            ]
            .concat(),
            // Its END line is there, with something after it (a comment, a second key): not echoed.
            _ if after_header.contains(end.as_str()) => [
                "auth.key has text after its END line ('",
                &end,
                "'): the key must end there",
            ]
            .concat(),
            _ => [
                "auth.key must end with '",
                &end,
                "' (is the key cut short?)",
            ]
            .concat(),
        };
        return Err(Failure::invalid(F, message));
    };
    if body.contains("-----") {
        return Err(Failure::invalid(
            F,
            "auth.key must hold exactly one PEM block, the private key",
        ));
    }
    if body.trim().is_empty() {
        return Err(Failure::invalid(
            F,
            "auth.key has no key data between its BEGIN and END lines",
        ));
    }
    Ok(())
}

// `RSA`, `EC`, `OPENSSH`, `ENCRYPTED`, `DSA`...: uppercase words, single spaces, bounded.
fn is_pem_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 32
        && label.split(' ').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::test_support::*;

    #[test]
    fn auth_with_a_pem_private_key_of_any_label_is_accepted_and_sent_verbatim() {
        for label in ["RSA", "EC", "DSA", "OPENSSH", "ENCRYPTED", ""] {
            let key = pem(label, "MIIEowIBAAKCAQEAtEXAMPLE\nAbCd==");
            let options = valid(with(vec![set("auth", auth("keypair", &key))]));
            let server_auth = options.request.server.auth.unwrap();
            assert_eq!(server_auth.kind, AuthType::Keypair);
            assert_eq!(server_auth.key.expose(), key);
        }
    }

    #[test]
    fn a_pem_key_may_have_surrounding_whitespace_crlf_line_breaks_and_legacy_headers() {
        for key in [
            ["\n\n  ", PEM, "\n\n"].concat(),
            PEM.replace('\n', "\r\n"),
            pem(
                "RSA",
                "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\nMIIEow==",
            ),
            PEM.trim_end().to_owned(),
        ] {
            valid(with(vec![set("auth", auth("keypair", &key))]));
        }
    }

    #[test]
    fn auth_with_a_password_is_accepted_with_spaces_and_symbols() {
        let options = valid(with(vec![set(
            "auth",
            auth("password", "Pa55 w0rd!@#$%^&*()€"),
        )]));
        let server_auth = options.request.server.auth.unwrap();
        assert_eq!(server_auth.kind, AuthType::Password);
        assert_eq!(server_auth.key.expose(), "Pa55 w0rd!@#$%^&*()€");
    }

    #[test]
    fn a_wrong_auth_type_suggests_keypair_or_password() {
        for (kind, meant, echoed) in [
            ("key", "keypair", true),
            ("Keypair", "keypair", true),
            ("KEYPAIR", "keypair", true),
            ("key_pair", "keypair", true),
            ("key-pair", "keypair", true),
            ("pem", "keypair", true),
            ("ssh", "keypair", true),
            ("privateKey", "keypair", true),
            ("rsa", "keypair", true),
            ("Password", "password", true),
            ("PASSWORD", "password", true),
            ("pass", "password", true),
            ("pwd", "password", true),
            ("passwrd", "password", false),
            ("keypiar", "keypair", false),
        ] {
            let input = with(vec![set("auth", auth(kind, PEM))]);
            let message = rejects(
                input,
                "auth.type",
                &["auth.type must be 'keypair' (key is the PEM private key) or 'password'"],
            );
            assert!(
                message.ends_with(&["did you mean '", meant, "'?"].concat()),
                "{message}"
            );
            assert_eq!(
                message.contains(&["'", kind, "'"].concat()),
                echoed,
                "{message}"
            );
        }
    }

    #[test]
    fn an_auth_type_far_from_both_values_is_rejected_without_echo_or_suggestion() {
        for kind in ["", "token", "hunter2", "-----BEGIN RSA PRIVATE KEY-----"] {
            let message = rejects(
                with(vec![set("auth", auth(kind, PEM))]),
                "auth.type",
                &["; got another value"],
            );
            assert!(!message.contains("did you mean"), "{message}");
        }
    }

    #[test]
    fn auth_type_and_auth_key_are_required_inside_auth() {
        rejects(
            with(vec![set("auth", object(vec![("key", s(PEM))]))]),
            "auth.type",
            &["auth.type is required: 'keypair' or 'password'"],
        );
        rejects(
            with(vec![set("auth", object(vec![]))]),
            "auth.type",
            &["is required"],
        );
        rejects(
            with(vec![set("auth", object(vec![("type", s("keypair"))]))]),
            "auth.key",
            &["auth.key is required: the server's current PEM private key"],
        );
        rejects(
            with(vec![set("auth", object(vec![("type", s("password"))]))]),
            "auth.key",
            &["auth.key is required: the server's password"],
        );
    }

    #[test]
    fn an_empty_auth_key_is_rejected_for_both_types() {
        for kind in ["keypair", "password"] {
            rejects(
                with(vec![set("auth", auth(kind, ""))]),
                "auth.key",
                &["auth.key must not be empty"],
            );
        }
    }

    #[test]
    fn an_auth_key_of_16_kib_is_accepted_and_one_byte_more_is_rejected_naming_the_limit() {
        let frame = pem("", "").len();
        let at_limit = pem("", &"A".repeat(MAX_AUTH_KEY_BYTES - frame));
        assert_eq!(at_limit.len(), 16_384);
        valid(with(vec![set("auth", auth("keypair", &at_limit))]));
        valid(with(vec![set(
            "auth",
            auth("password", &"p".repeat(16_384)),
        )]));
        let over = pem("", &"A".repeat(MAX_AUTH_KEY_BYTES - frame + 1));
        for (kind, key) in [("keypair", over), ("password", "p".repeat(16_385))] {
            rejects(
                with(vec![set("auth", auth(kind, &key))]),
                "auth.key",
                &["auth.key is too long: 16385 bytes; at most 16384 bytes (16 KiB) are accepted"],
            );
        }
    }

    #[test]
    fn a_public_key_is_rejected_with_a_message_that_the_private_key_is_needed() {
        for key in [
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user@host",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= user@host",
            "  ssh-rsa AAAA\n",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----",
            "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3NzaC1yc2E\n---- END SSH2 PUBLIC KEY ----",
        ] {
            rejects(with(vec![set("auth", auth("keypair", key))]), "auth.key", &["auth.key is a public key", "private key"]);
        }
    }

    #[test]
    fn a_keypair_key_that_is_not_a_pem_private_key_is_rejected_saying_what_is_wrong() {
        let begin_only = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow";
        let two = [PEM, PEM].concat();
        let mismatch = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END EC PRIVATE KEY-----";
        let unlabelled_end = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
        // Its END line matches; what follows it does not belong in a key.
        let trailing =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nuser@host";
        for (key, needle) in [
            ("hunter2", "must be a PEM private key starting with '-----BEGIN ... PRIVATE KEY-----'"),
            ("Bag Attributes\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "starting with '-----BEGIN"),
            ("-----BEGIN RSA PRIVATE KEY\nMIIE", "BEGIN line is not closed with '-----'"),
            ("-----BEGIN rsa PRIVATE KEY-----\nMIIE\n-----END rsa PRIVATE KEY-----", "its first line must be"),
            ("-----BEGIN SECRET-----\nMIIE\n-----END SECRET-----", "its first line must be"),
            (mismatch, "END line ('-----END EC PRIVATE KEY-----') does not match its BEGIN line ('-----BEGIN RSA PRIVATE KEY-----')"),
            (unlabelled_end, "END line ('-----END PRIVATE KEY-----') does not match"),
            (begin_only, "must end with '-----END RSA PRIVATE KEY-----' (is the key cut short?)"),
            (trailing, "has text after its END line ('-----END RSA PRIVATE KEY-----'): the key must end there"),
            ("-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----", "no key data between its BEGIN and END lines"),
            ("-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----", "no key data"),
            (two.as_str(), "exactly one PEM block"),
            ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "is a certificate, not a private key"),
            ("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none", "PuTTY .ppk key"),
            ("-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----", "literal '\\n' sequences"),
        ] {
            rejects(with(vec![set("auth", auth("keypair", key))]), "auth.key", &[needle]);
        }
    }

    #[test]
    fn a_password_with_control_characters_or_a_pem_key_as_password_is_rejected() {
        for password in ["hunter2\n", "hun\tter2", "\u{0}"] {
            rejects(
                with(vec![set("auth", auth("password", password))]),
                "auth.key",
                &["must not contain control characters"],
            );
        }
        rejects(
            with(vec![set("auth", auth("password", PEM))]),
            "auth.key",
            &["looks like a PEM key", "use type 'keypair'"],
        );
    }
}
