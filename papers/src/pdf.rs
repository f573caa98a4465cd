//! The impact narrative as PDF (`wsoa narrative --format pdf`, `/narrative.pdf`): its HTML (one
//! self-contained page, no scripts, A4 print styles) printed to PDF by headless Chromium, the
//! renderer the browser tests use. The page is written to a private temporary folder with a throwaway browser profile, so that
//! nothing of a user's own browser is touched and two runs never collide.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    print_within(browser, html, PRINT_TIMEOUT)
}

/// As [`print`], stopping the browser if it has not finished within `timeout`.
pub fn print_within(browser: &Path, html: &str, timeout: Duration) -> anyhow::Result<Vec<u8>> {
    let work = tempfile::Builder::new()
        .prefix("wsoa-pdf-")
        .tempdir()
        .context("cannot make a temporary folder to print the PDF in")?;
    let page = work.path().join("narrative.html");
    let pdf = work.path().join("narrative.pdf");
    let log = work.path().join("browser.log");
    std::fs::write(&page, html).context("cannot write the page to print")?;
    let child = Command::new(browser)
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
        .stdout(Stdio::null())
        // To a file, not a pipe: a pipe nobody reads while waiting could fill and stall it.
        .stderr(std::fs::File::create(&log).context("cannot make the browser's log file")?)
        .spawn()
        .with_context(|| format!("cannot start {} to print the PDF", browser.display()))?;
    let status = finished(child, browser, timeout)?;
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    let bytes = std::fs::read(&pdf).ok().filter(|b| b.starts_with(b"%PDF-"));
    match bytes {
        Some(bytes) => Ok(bytes),
        None => bail!(
            "{} did not print the PDF (exit {}): {}; write --format html and print that page to PDF from a browser instead",
            browser.display(),
            status
                .code()
                .map_or_else(|| "by a signal".to_owned(), |c| c.to_string()),
            last_lines(&said)
        ),
    }
}

/// The longest a print may take: a browser that has not printed by then is stopped, so that a
/// hung browser never holds a caller (or a server's request) for ever.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// Waits for the browser to finish, up to `timeout`, and gives how it exited.
fn finished(
    mut child: Child,
    browser: &Path,
    timeout: Duration,
) -> anyhow::Result<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child
            .try_wait()
            .with_context(|| format!("cannot wait for {}", browser.display()))?
        {
            return Ok(status);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} had not printed the PDF after {} seconds and was stopped; write --format html and print that page to PDF from a browser instead",
                browser.display(),
                timeout.as_secs_f64()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
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
    use super::{print_within, url};
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    /// A stand-in browser: a shell script with this body.
    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("browser.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("made runnable");
        path
    }

    #[test]
    fn a_browser_that_hangs_is_stopped_and_one_that_prints_nothing_is_reported() {
        let dir = tempfile::tempdir().expect("a folder");
        let hangs = script(dir.path(), "echo started >&2\nexec sleep 600");
        let err = print_within(&hangs, "<p>x</p>", Duration::from_millis(200))
            .expect_err("a hung browser is stopped");
        assert!(err.to_string().contains("was stopped"), "{err}");

        let other = tempfile::tempdir().expect("a folder");
        let fails = script(other.path(), "echo 'no display' >&2\nexit 3");
        let err =
            print_within(&fails, "<p>x</p>", Duration::from_secs(60)).expect_err("nothing printed");
        let message = err.to_string();
        assert!(
            message.contains("exit 3") && message.contains("no display"),
            "{message}"
        );
    }

    #[test]
    fn a_path_becomes_a_file_url_with_odd_characters_escaped() {
        assert_eq!(
            url(Path::new("/tmp/wsoa-pdf-1/narrative.html")),
            "file:///tmp/wsoa-pdf-1/narrative.html"
        );
        assert_eq!(url(Path::new("/a b/#%.html")), "file:///a%20b/%23%25.html");
    }
}
