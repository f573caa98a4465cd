//! A typed blocking client of the API (feature `client`): each call sends its request with the
//! bearer token and answers the typed response, or a [`ClientError`] carrying the server's
//! status, code, message and subject. The command line's `--server` mode is built on it.

use std::io::Read;

use crate::wire::{CommandRequest, RecordedBatch, RecordedEvent};

/// A response whose body is still to be read (a stream of log lines, a bundle, evidence).
pub type Response = ureq::http::Response<ureq::Body>;

/// What the server answered instead of success, or why it could not be reached (status 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    /// The HTTP status; 0 when no answer came.
    pub status: u16,
    /// The API's error code (`unknown_id`, `forbidden`, ...); `unreachable` when no answer
    /// came and `unknown` when the answer was not the API's error body.
    pub code: String,
    /// What was wrong, in the server's words.
    pub message: String,
    /// The thing a refusal is about, where the server named one (`action 1.1`).
    pub subject: Option<String>,
    /// The part of the command a refusal concerns, where the server named one.
    pub field: Option<String>,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClientError {}

impl ClientError {
    /// A successful answer whose body is not what the call expects.
    fn unreadable(what: &str, err: impl std::fmt::Display) -> ClientError {
        ClientError {
            status: 200,
            code: "unknown".to_owned(),
            message: format!("the server's answer is not {what}: {err}"),
            subject: None,
            field: None,
        }
    }
}

/// A server and the token to use with it.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: String,
}

impl Client {
    /// A client of the server at `url` (`http://` or `https://`), presenting `token`.
    pub fn new(url: &str, token: &str) -> Result<Client, ClientError> {
        let base = url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError {
                status: 0,
                code: "bad_address".to_owned(),
                message: format!(
                    "{url} is not an http:// or https:// address, e.g. http://127.0.0.1:8080"
                ),
                subject: None,
                field: None,
            });
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        Ok(Client {
            agent,
            base,
            token: token.trim().to_owned(),
        })
    }

    /// The server's address, as given.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// A success is returned; any other answer becomes a `ClientError`.
    fn check(&self, response: Result<Response, ureq::Error>) -> Result<Response, ClientError> {
        let mut response = response.map_err(|err| ClientError {
            status: 0,
            code: "unreachable".to_owned(),
            message: format!(
                "cannot reach the server at {}: {err}; is the ledger's server running there?",
                self.base
            ),
            subject: None,
            field: None,
        })?;
        let status = response.status().as_u16();
        if status < 400 {
            return Ok(response);
        }
        let text = response.body_mut().read_to_string().unwrap_or_default();
        Err(match serde_json::from_str::<crate::ErrorBody>(&text) {
            Ok(body) => ClientError {
                status,
                code: body.error.code,
                message: body.error.message,
                subject: body.error.subject,
                field: body.error.field,
            },
            Err(_) => ClientError {
                status,
                code: "unknown".to_owned(),
                message: format!("the server answered {status}: {}", text.trim()),
                subject: None,
                field: None,
            },
        })
    }

    /// `GET /api/v1{path}`, its body unread.
    pub fn get(&self, path: &str) -> Result<Response, ClientError> {
        self.check(
            self.agent
                .get(self.url(path))
                .header("Authorization", &self.auth())
                .call(),
        )
    }

    /// `GET /api/v1{path}`, its body read as JSON.
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        read_json(self.get(path)?, "JSON")
    }

    /// `POST /api/v1{path}` with a body of `content_type`, its answer unread.
    pub fn post(
        &self,
        path: &str,
        content_type: &str,
        body: impl Read + Send + 'static,
    ) -> Result<Response, ClientError> {
        self.check(
            self.agent
                .post(self.url(path))
                .header("Authorization", &self.auth())
                .header("Content-Type", content_type)
                .send(ureq::SendBody::from_owned_reader(body)),
        )
    }

    /// `POST /api/v1{path}` with a JSON body, its answer read as JSON.
    pub fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ClientError> {
        read_json(self.post_value(path, body)?, "JSON")
    }

    fn post_value(&self, path: &str, body: &serde_json::Value) -> Result<Response, ClientError> {
        let text = body.to_string();
        self.post(path, "application/json", std::io::Cursor::new(text))
    }

    /// `DELETE /api/v1{path}`, its answer read as JSON.
    pub fn delete_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<T, ClientError> {
        let response = self.check(
            self.agent
                .delete(self.url(path))
                .header("Authorization", &self.auth())
                .call(),
        )?;
        read_json(response, "JSON")
    }

    /// Records a command (`POST /api/v1/commands`): the event as the server recorded it.
    pub fn record(&self, request: &CommandRequest) -> Result<RecordedEvent, ClientError> {
        let body = serde_json::to_value(request)
            .map_err(|err| ClientError::unreadable("a command", err))?;
        read_json(self.post_value("/commands", &body)?, "a recorded event")
    }

    /// Records commands all together or none of them (`POST /api/v1/commands/batch`).
    pub fn record_all(&self, requests: &[CommandRequest]) -> Result<RecordedBatch, ClientError> {
        let body = serde_json::json!({ "commands": requests });
        read_json(
            self.post_value("/commands/batch", &body)?,
            "a batch of recorded events",
        )
    }
}

/// A successful answer's body read as `what`.
fn read_json<T: serde::de::DeserializeOwned>(
    mut response: Response,
    what: &str,
) -> Result<T, ClientError> {
    response
        .body_mut()
        .read_json()
        .map_err(|err| ClientError::unreadable(what, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_that_is_not_http_is_refused_before_anything_is_sent() {
        let Err(err) = Client::new("ftp://example.invalid", "secret") else {
            panic!("an ftp:// address is refused");
        };
        assert_eq!(err.code, "bad_address");
        assert!(err.message.contains("http://"), "{}", err.message);
    }

    #[test]
    fn a_server_that_is_not_there_is_status_0_unreachable() {
        // A port just released by the operating system: nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let client = Client::new(&format!("http://127.0.0.1:{port}/"), "secret").expect("client");
        assert_eq!(client.base(), format!("http://127.0.0.1:{port}"));
        let Err(err) = client.get("/log") else {
            panic!("nothing listens on port {port}");
        };
        assert_eq!((err.status, err.code.as_str()), (0, "unreachable"));
        assert!(
            err.message.contains("cannot reach the server"),
            "{}",
            err.message
        );
    }
}
