//! What a release shows while it waits. On a terminal, one status line is redrawn in place
//! and events scroll above it; elsewhere (CI logs, pipes) each change is one plain line.

use std::io::Write;

pub struct Progress {
    out: Box<dyn Write>,
    live: bool,
    drawn: bool,
    last_status: String,
}

impl Progress {
    /// `live` redraws the status line in place: pass whether `out` is a terminal.
    pub fn new(out: Box<dyn Write>, live: bool) -> Progress {
        Progress {
            out,
            live,
            drawn: false,
            last_status: String::new(),
        }
    }

    /// A line that stays.
    pub fn line(&mut self, text: &str) {
        self.clear();
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }

    /// The current state. `key` is the part whose change is worth a plain line; on a
    /// terminal the whole `text` (with a clock) is redrawn every time.
    pub fn status(&mut self, key: &str, text: &str) {
        if self.live {
            let _ = write!(self.out, "\r\x1b[2K{text}");
            self.drawn = true;
            let _ = self.out.flush();
        } else if key != self.last_status {
            let _ = writeln!(self.out, "{text}");
            let _ = self.out.flush();
        }
        self.last_status = key.to_string();
    }

    /// Ends the status line, so that what follows starts on a line of its own.
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(self.out, "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
        let _ = self.out.flush();
    }
}

/// `1m05s`, `42s`.
pub fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}
