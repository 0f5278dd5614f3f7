//! Running the real `giaonhan` binary on a database file, as a user or an
//! outside script would: `--db PATH`, no `GIAONHAN_DB` from the environment.
//!
//! The binary is the native build, or another build named by the environment:
//! `GIAONHAN_CLI_EXE` (e.g. the Windows `giaonhan.exe`) run through
//! `GIAONHAN_CLI_RUNNER` when set (e.g. Wine's loader). `scripts/windows.sh
//! test` runs the CLI test files that way; see [`command`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary folder and a new, empty register inside it, created with
/// `giaonhan init` (every other command refuses a missing file), with the
/// sample office's letterhead given as an office gives its own (nothing
/// prints before).
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = missing_db();
    ok(&path, &["init"]);
    give_letterhead(&path);
    (dir, path)
}

/// Gives the register the sample office's letterhead with `giaonhan letterhead`.
pub fn give_letterhead(db: &Path) {
    let l = giaonhan::print::Letterhead::sample();
    ok(
        db,
        &[
            "letterhead",
            "--parent-body",
            &l.parent_body,
            "--issuing-body",
            &l.issuing_body,
            "--place",
            &l.place,
            "--signer-title",
            &l.signer_title,
        ],
    );
}

/// A temporary folder and a database path inside it, not created.
pub fn missing_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create temp dir");
    let path = dir.path().join("cli.sqlite3");
    (dir, path)
}

/// Environment variable naming another `giaonhan` executable to test.
pub const EXE_ENV: &str = "GIAONHAN_CLI_EXE";
/// Environment variable naming the program that runs it (Wine's loader).
pub const RUNNER_ENV: &str = "GIAONHAN_CLI_RUNNER";

/// True when the tests drive the Windows build (under Wine).
pub fn is_windows_build() -> bool {
    std::env::var_os(EXE_ENV).is_some_and(|exe| Path::new(&exe).extension().is_some_and(|e| e == "exe"))
}

/// A `Command` that starts the `giaonhan` under test: the native build in
/// `target/debug`, or `GIAONHAN_CLI_EXE` (through `GIAONHAN_CLI_RUNNER` when
/// set). Paths given to it stay Unix paths: under Wine an absolute Unix path
/// is a path on the drive that maps `/` (`Z:`), which is where Wine starts.
pub fn command() -> Command {
    match std::env::var_os(EXE_ENV) {
        Some(exe) => match std::env::var_os(RUNNER_ENV) {
            Some(runner) => {
                let mut cmd = Command::new(runner);
                cmd.arg(exe);
                cmd
            }
            None => Command::new(exe),
        },
        None => Command::new(crate::binary("giaonhan")),
    }
}

/// A path the CLI printed, as a path of this machine: the Windows build under
/// Wine may print `Z:\tmp\x\f`, or join a folder it was given with `\`
/// (`/tmp/x\backups\f`).
pub fn host_path(printed: &str) -> PathBuf {
    let s = printed.trim();
    if !is_windows_build() {
        return PathBuf::from(s);
    }
    let s = s.strip_prefix("Z:").or_else(|| s.strip_prefix("z:")).unwrap_or(s);
    PathBuf::from(s.replace('\\', "/"))
}

/// Whether `text` (what the CLI printed) names `path`, with the separators
/// of whichever build printed it.
pub fn names(text: &str, path: &Path) -> bool {
    let p = path.to_string_lossy();
    if is_windows_build() {
        let text = text.replace('\\', "/").replace("Z:/", "/");
        text.contains(&*p)
    } else {
        text.contains(&*p)
    }
}

/// Runs `giaonhan --db DB args…`.
pub fn run(db: &Path, args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.arg("--db").arg(db).args(args).env_remove("GIAONHAN_DB");
    output(&mut cmd)
}

/// Runs a `giaonhan` command to its end. Under Wine, a process that lost its
/// connection to the Wine server failed because of Wine, not the program:
/// it is started again, up to twice. Wine either prints `wine client error`
/// and stops it, or stops it before it wrote anything at all; `giaonhan`
/// itself never fails without saying why on stderr.
pub fn output(cmd: &mut Command) -> Output {
    output_with(cmd, None)
}

/// [`output`], with `input` written to the command's standard input (again
/// on each attempt) when given.
fn output_with(cmd: &mut Command, input: Option<&str>) -> Output {
    let mut attempts = 0;
    loop {
        let out = match input {
            None => cmd.output().expect("run giaonhan"),
            Some(input) => {
                let mut child = cmd
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("run giaonhan");
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(input.as_bytes())
                    .expect("write standard input");
                child.wait_with_output().expect("wait for giaonhan")
            }
        };
        attempts += 1;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let silent = out.stdout.is_empty() && stderr.trim().is_empty();
        let wine_lost = is_windows_build() && !out.status.success() && (stderr.contains("wine client error") || silent);
        if !wine_lost || attempts == 3 {
            return out;
        }
        eprintln!("Wine lost its server; running {cmd:?} again");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Runs `giaonhan --db DB args…` with `input` on standard input (the
/// passwords and PINs of the account commands).
pub fn with_input(db: &Path, args: &[&str], input: &str) -> Output {
    let mut cmd = command();
    cmd.arg("--db").arg(db).args(args).env_remove("GIAONHAN_DB");
    output_with(&mut cmd, Some(input))
}

/// The environment variables through which an S3 hub's endpoint, region
/// and keys reach `giaonhan`.
pub const HUB_ENV: [&str; 5] = [
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
];

/// Runs `giaonhan --db DB args…` with exactly the hub variables in `env`
/// (none of [`HUB_ENV`] leaks in from the test's own environment), and
/// `input` on standard input when given.
pub fn run_env(db: &Path, args: &[&str], env: &[(&str, String)], input: Option<&str>) -> Output {
    let mut cmd = command();
    cmd.arg("--db").arg(db).args(args).env_remove("GIAONHAN_DB");
    for var in HUB_ENV {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    output_with(&mut cmd, input)
}

/// [`run_env`], expecting success; returns stdout.
pub fn ok_env(db: &Path, args: &[&str], env: &[(&str, String)]) -> String {
    let out = run_env(db, args, env, None);
    assert!(
        out.status.success(),
        "giaonhan {} failed ({}):\nstdout: {}\nstderr: {}",
        shown(args),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// [`run_env`], expecting a failure explained on stderr; returns stderr.
pub fn fails_env(db: &Path, args: &[&str], env: &[(&str, String)]) -> String {
    let out = run_env(db, args, env, None);
    assert!(
        !out.status.success(),
        "giaonhan {} should fail; stdout: {}",
        shown(args),
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!stderr.trim().is_empty(), "the error is explained on stderr");
    stderr
}

/// The arguments of a command for a failure message, cut short when long.
fn shown(args: &[&str]) -> String {
    let all = format!("{args:?}");
    match all.char_indices().nth(400) {
        Some((cut, _)) => format!("{}… ({} arguments)", &all[..cut], args.len()),
        None => all,
    }
}

/// Runs and expects success; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "giaonhan {} failed ({}):\nstdout: {}\nstderr: {}",
        shown(args),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// Runs and expects failure explained on stderr; returns stderr.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        !out.status.success(),
        "giaonhan {} should fail; stdout: {}",
        shown(args),
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(!stderr.trim().is_empty(), "the error is explained on stderr");
    stderr
}
