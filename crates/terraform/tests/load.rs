//! Loading trees: located errors, the rest still loaded, no input panics.

use std::fs;
use std::path::PathBuf;

use wharf_terraform::{load, parse_text};

#[test]
fn a_broken_file_is_located_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("good.tf"),
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"x\"\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("bad.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n}\n",
    )
    .unwrap();
    fs::write(dir.path().join("latin1.tf"), b"# caf\xe9\n").unwrap();
    let loaded = load(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(loaded.files.len(), 1);
    assert_eq!(loaded.files[0].0.path.file_name().unwrap(), "good.tf");
    let errors: Vec<String> = loaded
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}",
                e.path.file_name().unwrap().to_string_lossy(),
                e.line,
                e.column
            )
        })
        .collect();
    assert_eq!(errors, ["bad.tf:2:12", "latin1.tf:1:1"]);
    assert!(loaded.errors[1].message.contains("not UTF-8"));
}

#[test]
fn loads_every_rendered_example_without_errors() {
    // The modules wharf ships are the largest Terraform in the repository.
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../render/terraform/modules");
    let loaded = load(&[modules]).unwrap();
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(loaded.files.len(), 24);
}

/// A small deterministic generator, so the test needs no dependency and always sees the
/// same inputs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_text_never_panics_the_parser() {
    let seed = fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../render/terraform/modules/service/main.tf"),
    )
    .unwrap();
    let alphabet: Vec<char> = "{}[]()\"'$%=:?,.<>!*-+/\\#\n\t abcx019_${}%{~}<<EOT\u{e9}\u{1F600}"
        .chars()
        .collect();
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let path = PathBuf::from("fuzz.tf");
    for _ in 0..1000 {
        // Random text, and the seed file with random splices: both shallow and deep inputs.
        let len = (rng.next() % 200) as usize;
        let random: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let _ = parse_text(&path, &random);
        let mut spliced: Vec<char> = seed.chars().collect();
        for _ in 0..(1 + rng.next() % 4) {
            let at = (rng.next() % spliced.len() as u64) as usize;
            let cut = (rng.next() % 16) as usize;
            spliced.drain(at..(at + cut).min(spliced.len()));
            spliced.insert(
                at.min(spliced.len()),
                alphabet[(rng.next() % alphabet.len() as u64) as usize],
            );
        }
        let text: String = spliced.into_iter().collect();
        if let Err(e) = parse_text(&path, &text) {
            assert!(e.line >= 1 && e.column >= 1);
        }
    }
}
