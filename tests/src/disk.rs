//! A small filesystem of its own for a test: a tmpfs mounted on a folder
//! (root only, as in CI), unmounted when dropped, also when the test
//! panics; and filling it but for a little room, to see what a full disk
//! does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A tmpfs mounted on a folder.
pub struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "8m") on `dir`, made when missing;
    /// `None` when it cannot be mounted (not root).
    pub fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs { dir: dir.to_owned() })
    }

    /// The folder it is mounted on.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Fills the filesystem but for about `room` bytes; returns the filler
    /// file, whose removal frees the space again.
    pub fn fill(&self, room: u64) -> PathBuf {
        use std::io::Write;
        let path = self.dir.join("filler.bin");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0x5a_u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        file.set_len(written.saturating_sub(room)).expect("leave some room");
        file.sync_all().expect("sync filler");
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let done = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !done {
            // Still busy (a child that did not exit): detach it now, freed later.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}
