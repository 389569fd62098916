//! The known-answer vectors in tests/vectors/*.json (shared with the JS tests), run natively.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::Value;
use vessel_webhooks::{
    canonicalize, construct_event, parse, sign, verify, AccessToken, Error, Options,
    SignatureHeaders,
};

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
    doc["cases"].as_array().expect("cases").clone()
}

fn body(case: &Value) -> Vec<u8> {
    match (case["body"].as_str(), case["bodyBase64"].as_str()) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64"),
        _ => panic!("case without a body: {case}"),
    }
}

fn options(case: &Value) -> Options {
    let o = &case["options"];
    let mut options = Options::default();
    match &o["toleranceSeconds"] {
        Value::String(s) if s == "Infinity" => options.tolerance = None,
        // As given, fractions too; a value that is no duration fails the test rather than turning
        // the check off.
        Value::Number(n) => {
            let seconds = n.as_f64().expect("toleranceSeconds: a number");
            options.tolerance = Some(Duration::from_secs_f64(seconds));
        }
        _ => {}
    }
    if let Some(max) = o["maxBodyBytes"].as_u64() {
        options.max_body_bytes = usize::try_from(max).expect("fits");
    }
    options.strict = o["strict"].as_bool().unwrap_or(false);
    options
}

fn outcome<T>(result: Result<T, Error>) -> String {
    match result {
        Ok(_) => "OK".to_owned(),
        Err(e) => e.code().as_str().to_owned(),
    }
}

#[test]
fn signatures() {
    let cases = load("signatures.json");
    assert!(cases.len() > 50);
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let body = body(case);
        let headers = SignatureHeaders {
            signature: case["headers"]["x-vessel-signature"].as_str(),
            timestamp: case["headers"]["x-vessel-timestamp"].as_str(),
        };
        let tokens: Vec<AccessToken> = match &case["accessToken"] {
            Value::String(t) => vec![AccessToken::new(t.as_str()).expect("token")],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| AccessToken::new(t.as_str().expect("string")))
                .collect(),
            other => panic!("{name}: accessToken {other}"),
        };
        let now = UNIX_EPOCH + Duration::from_millis(case["now"].as_u64().expect("now"));
        let options = options(case);
        let verified = verify(&body, &headers, &tokens, &options, now);
        assert_eq!(
            verified.is_ok(),
            case["expect"]["verify"].as_bool().expect("bool"),
            "{name}: verify gave {verified:?}"
        );
        let constructed = construct_event(&body, &headers, &tokens, &options, now);
        if let Err(error) = &constructed {
            let text = String::from_utf8_lossy(&body);
            let seen = format!("{error}\n{}", error.message());
            assert_eq!(
                leaked(&text, &seen),
                Vec::<&str>::new(),
                "{name}: body leaked"
            );
            // A SIGNATURE_MISMATCH's hint, or none ("").
            if let Some(hint) = case["expect"]["hint"].as_str() {
                let message = error.message();
                let given = if hint.is_empty() {
                    !message.contains("; ")
                } else {
                    message.contains(hint)
                };
                assert!(given, "{name}: {message:?} where the hint is {hint:?}");
            }
        }
        assert_eq!(
            outcome(constructed),
            case["expect"]["constructEvent"],
            "{name}: constructEvent"
        );
    }
}

/// The runs of 8 characters of `body` that `seen` holds, but for runs of its key names (a message
/// names a field's path): text of the body in an error (review CB).
fn leaked<'a>(body: &'a str, seen: &str) -> Vec<&'a str> {
    let mut keys = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let mut escaped = false;
        let Some(close) = after.find(|c| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        }) else {
            break;
        };
        if after[close + 1..].trim_start().starts_with(':') {
            keys.push(&after[..close]);
        }
        rest = &after[close + 1..];
    }
    let starts: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
    starts
        .windows(9)
        .map(|w| &body[w[0]..w[8]])
        .chain(
            starts
                .get(starts.len().saturating_sub(8))
                .map(|&i| &body[i..]),
        )
        .filter(|run| seen.contains(run) && !keys.iter().any(|key| key.contains(run)))
        .collect()
}

#[test]
fn events() {
    for case in load("events.json") {
        let body = case["body"].as_str().expect("body");
        let result = parse(body.as_bytes(), &options(&case));
        if let (Err(error), Some(message)) = (&result, case["message"].as_str()) {
            assert_eq!(error.message(), message, "{}", case["name"]);
        }
        assert_eq!(outcome(result), case["expect"], "{}", case["name"]);
    }
}

/// canonical.json's inputs, and keys.json's bodies (whose events an engine without V8's escaped
/// key bug reads).
#[test]
fn canonical_forms_match_v8() {
    for (file, input, output) in [
        ("canonical.json", "input", "output"),
        ("keys.json", "body", "event"),
    ] {
        for case in load(file) {
            let input = case[input].as_str().expect("input");
            assert_eq!(
                canonicalize(input.as_bytes()).expect("valid JSON"),
                case[output].as_str().expect("output"),
                "{input}"
            );
        }
    }
}

/// Rebuilds the vector's forgery from the real signature with sha2's own compression
/// function: sha256(token ‖ body ‖ ts) lets anyone extend the message without the token.
#[test]
fn length_extension_vector_is_a_real_extension() {
    let cases = load("signatures.json");
    let real = cases
        .iter()
        .find(|c| c["name"] == "valid STATUS_CHANGE")
        .expect("real delivery");
    let forged = cases
        .iter()
        .find(|c| c["name"] == "SHA-256 length extension of a real delivery")
        .expect("forgery");
    let token_len = real["accessToken"].as_str().expect("token").len();
    let (body, ts) = (
        body(real),
        real["headers"]["x-vessel-timestamp"].as_str().expect("ts"),
    );
    let padding = |len: usize| {
        let mut pad = vec![0x80u8];
        pad.resize(1 + (55usize.wrapping_sub(len) & 63), 0);
        pad.extend_from_slice(&(len as u64 * 8).to_be_bytes());
        pad
    };
    let signed_len = token_len + body.len() + ts.len();
    let tail = br#","admin":true}1700000001"#;
    let total = signed_len + padding(signed_len).len() + tail.len();

    let mut state = [0u32; 8];
    let digest =
        hex::decode(real["headers"]["x-vessel-signature"].as_str().expect("sig")).expect("hex");
    for (word, chunk) in state.iter_mut().zip(digest.chunks(4)) {
        *word = u32::from_be_bytes(chunk.try_into().expect("4 bytes"));
    }
    let mut rest = tail.to_vec();
    rest.extend(padding(total));
    let blocks: Vec<[u8; 64]> = rest.chunks(64).map(|b| b.try_into().expect("64")).collect();
    sha2::block_api::compress256(&mut state, &blocks);
    let signature: String = state.iter().map(|w| format!("{w:08x}")).collect();

    let mut forged_body = body.clone();
    forged_body.extend_from_slice(ts.as_bytes());
    forged_body.extend(padding(signed_len));
    forged_body.extend_from_slice(&tail[..tail.len() - 10]);
    assert_eq!(self::body(forged), forged_body);
    assert_eq!(forged["headers"]["x-vessel-signature"], signature.as_str());
    assert_eq!(forged["headers"]["x-vessel-timestamp"], "1700000001");
    // The forged signature is valid for the forged message: only the strict parse stops it.
    let token = AccessToken::new(real["accessToken"].as_str().expect("token")).expect("token");
    assert_eq!(sign(&forged_body, &token, "1700000001"), signature);
}
