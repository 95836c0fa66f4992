//! Shared helpers: the example documents, JSON pointer edits, the CLI binary.

use std::path::PathBuf;

use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One of `examples/<name>.json` as a JSON value.
pub fn example(name: &str) -> Value {
    let path = root().join("examples").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Sets the value at a JSON pointer, creating objects on the way.
pub fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer starts with /");
    if doc.pointer(parent).is_none() {
        set(doc, parent, Value::Object(Default::default()));
    }
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent for {pointer}"))
    {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Value::Array(items) => {
            let i: usize = key.parse().unwrap();
            items[i] = value;
        }
        other => panic!("cannot set {pointer} inside {other}"),
    }
}

/// Removes the value at a JSON pointer.
pub fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(key)
                .unwrap_or_else(|| panic!("nothing at {pointer}"));
        }
        Some(Value::Array(items)) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("no parent for {pointer}"),
    }
}

/// Runs the built `gcforms` in `dir` with `args`, stdin closed, and
/// `GCFORMS_PASSPHRASE` set to `passphrase` (unset for `None`).
pub fn gcforms_in(
    dir: &std::path::Path,
    args: &[&str],
    passphrase: Option<&str>,
) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gcforms"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null());
    match passphrase {
        Some(p) => cmd.env("GCFORMS_PASSPHRASE", p),
        None => cmd.env_remove("GCFORMS_PASSPHRASE"),
    };
    cmd.output().unwrap()
}

/// The exit code of a finished command.
pub fn code(o: &std::process::Output) -> i32 {
    o.status.code().unwrap()
}

/// Its standard output as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Its standard error as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The built `gcforms` binary.
pub fn gcforms() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gcforms"));
    cmd.current_dir(root());
    cmd
}

/// A small xorshift generator: random positions and moments without a
/// dependency (seeded by the caller, who prints the seed).
pub struct Rng(pub u64);

impl Rng {
    /// The next number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
