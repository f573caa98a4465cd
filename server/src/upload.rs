//! An uploaded file part streamed to a temporary file, chunk by chunk, so that a file of any
//! size never sits whole in memory, and given up at the server's upload limit. The API's
//! evidence upload and the pages' forms (evidence, a visit's letter) share it.

use std::io::Write as _;

use axum::extract::multipart::{Field, MultipartError};

/// What became of an uploaded part.
pub enum Spooled {
    /// All of it, in a temporary file (removed when dropped) rewound to its start.
    File {
        /// The file.
        file: std::fs::File,
        /// How many bytes it holds.
        size: u64,
    },
    /// It was larger than the limit; what was read is thrown away.
    TooLarge,
}

/// An uploaded file's media type: as the browser declared it, unless it declared none or only
/// `application/octet-stream`, then as guessed from the file's name.
pub fn media_type(declared: Option<String>, file_name: &str) -> String {
    declared
        .filter(|declared| declared != "application/octet-stream" && !declared.trim().is_empty())
        .unwrap_or_else(|| {
            mime_guess::from_path(file_name)
                .first_or_octet_stream()
                .essence_str()
                .to_owned()
        })
}

/// Why a part could not be kept.
#[derive(Debug)]
pub enum SpoolError {
    /// The request's body could not be read.
    Read(MultipartError),
    /// The temporary file could not be written.
    Io(std::io::Error),
}

/// Streams `field` to a temporary file, giving up once more than `limit` bytes have come.
pub async fn spool(field: &mut Field<'_>, limit: u64) -> Result<Spooled, SpoolError> {
    let mut file = tempfile::tempfile().map_err(SpoolError::Io)?;
    let mut size = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(SpoolError::Read)? {
        size += chunk.len() as u64;
        if size > limit {
            return Ok(Spooled::TooLarge);
        }
        file = blocking(move || file.write_all(&chunk).map(|()| file)).await?;
    }
    // Whoever stores it hashes the content from the start.
    let file = blocking(move || {
        use std::io::Seek as _;
        file.rewind().map(|()| file)
    })
    .await?;
    Ok(Spooled::File { file, size })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, SpoolError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| SpoolError::Io(std::io::Error::other(err)))?
        .map_err(SpoolError::Io)
}
