//! The impact narrative as PDF (`wsoa narrative --format pdf`, `/narrative.pdf`): its HTML (one
//! self-contained page, no scripts, A4 print styles) printed to PDF by headless Chromium, the
//! renderer the browser tests use. The page is written to a private temporary folder with a throwaway browser profile, so that
//! nothing of a user's own browser is touched and two runs never collide.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// The environment variable naming the browser to print with, when it is not on `PATH`.
pub const BROWSER_VARIABLE: &str = "WSOA_CHROMIUM";

/// The names Chromium and Chrome go by on `PATH`, in the order tried.
const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser to print with: `$WSOA_CHROMIUM` if set, else the first of Chromium's names found
/// on `PATH`; if none is found, an error saying how to get one or what to do instead.
pub fn browser() -> anyhow::Result<PathBuf> {
    if let Some(named) = std::env::var_os(BROWSER_VARIABLE).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(named);
        if path.is_file() {
            return Ok(path);
        }
        bail!(
            "{BROWSER_VARIABLE} names {}, which is not a file; set it to a Chromium or Chrome program, or unset it to look for one on PATH",
            path.display()
        );
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--format pdf prints the HTML narrative with headless Chromium, and none was found on PATH ({}); install it (Debian and Ubuntu: `apt-get install chromium`) or set {BROWSER_VARIABLE} to a Chromium or Chrome program; or write --format html and print that page to PDF from any browser",
                NAMES.join(", ")
            )
        })
}

/// The PDF of the HTML page `html`, printed by `browser`.
pub fn print(browser: &Path, html: &str) -> anyhow::Result<Vec<u8>> {
    let work = tempfile::Builder::new()
        .prefix("wsoa-pdf-")
        .tempdir()
        .context("cannot make a temporary folder to print the PDF in")?;
    let page = work.path().join("narrative.html");
    let pdf = work.path().join("narrative.pdf");
    std::fs::write(&page, html).context("cannot write the page to print")?;
    let output = Command::new(browser)
        .arg("--headless")
        // The page is this program's own: static, script-free HTML from a local file. Chromium
        // refuses to start as root with its sandbox, as CI and containers run it.
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            work.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url(&page))
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {} to print the PDF", browser.display()))?;
    let bytes = std::fs::read(&pdf).ok().filter(|b| b.starts_with(b"%PDF-"));
    match bytes {
        Some(bytes) => Ok(bytes),
        None => bail!(
            "{} did not print the PDF (exit {}): {}; write --format html and print that page to PDF from a browser instead",
            browser.display(),
            output
                .status
                .code()
                .map_or_else(|| "by a signal".to_owned(), |c| c.to_string()),
            last_lines(&String::from_utf8_lossy(&output.stderr))
        ),
    }
}

/// A `file://` URL of an absolute path, with the characters a URL cannot hold escaped.
fn url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.display().to_string().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The last few lines of a program's error output, for a message.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    if tail.is_empty() {
        "it said nothing".to_owned()
    } else {
        tail.join(" / ")
    }
}

#[cfg(test)]
mod tests {
    use super::url;
    use std::path::Path;

    #[test]
    fn a_path_becomes_a_file_url_with_odd_characters_escaped() {
        assert_eq!(
            url(Path::new("/tmp/wsoa-pdf-1/narrative.html")),
            "file:///tmp/wsoa-pdf-1/narrative.html"
        );
        assert_eq!(url(Path::new("/a b/#%.html")), "file:///a%20b/%23%25.html");
    }
}
