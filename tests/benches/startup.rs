//! Cold start to first screen and idle memory of the app on the province
//! register, next to a bare Tauri window (`bench/bare-window`) built from the
//! same toolchain and measured the same way. Figures, not assertions; see
//! BENCHMARKS.md. Linux only (Xvfb, tauri-driver, /proc).
//!
//! Both are started through tauri-driver, so "first screen" is observed in
//! the page itself: the time from asking for the session (which launches the
//! binary) until the first screen's element exists — the outstanding list's first
//! row on the screen shown (where the app opens on a register with data)
//! for the app, the page's one line for the bare window — and "first paint"
//! from the page's own mark (`start:painted`), set in the first task after
//! the frame that painted that screen: an element can be in the page long
//! before it is on the screen. Memory is read from
//! /proc five seconds later: resident and proportional set size of the
//! binary's process and its WebKit children; for the app again after it has
//! shown every screen once (three seconds each, then five of rest).
//!
//! Run: `make bench` (builds both in release first), or
//! `cargo build --release -p sogiaonhan-app -p bare-window && cargo bench -p giaonhan-tests --bench startup`.
//! `GIAONHAN_BENCH_DB` names the province file (default
//! `target/bench/province.sqlite3`, made by the core's `province` bench).

#[cfg(target_os = "linux")]
mod linux {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::time::{Duration, Instant};

    use fantoccini::ClientBuilder;
    use giaonhan_tests::e2e::{display, drivers_listening, free_port_pair, tauri_driver, Guard};
    use serde_json::json;

    type Res<T> = Result<T, Box<dyn std::error::Error>>;

    /// The mark both pages set in the first task after the frame that paints
    /// their first screen (a task queued from a frame callback).
    const PAINTED: &str = "start:painted";

    /// `GIAONHAN_BENCH_REST=S`: both windows read once more after S seconds
    /// at rest (after the tour, or after the first reading), to see whether
    /// the web engine gives back more once idle (it did not: see
    /// BENCHMARKS.md, 03/12/2026, fourth session). None by default.
    fn rest() -> Option<Duration> {
        let secs: u64 = std::env::var("GIAONHAN_BENCH_REST").ok()?.parse().ok()?;
        (secs > 5).then(|| Duration::from_secs(secs))
    }

    /// The app's first screen drawn: a row of the outstanding list, shown.
    const FIRST_SCREEN: &str = "#screen-outstanding:not([hidden]) #outstanding-table tbody tr";

    /// The app's screens, in navigation order: visited once after the
    /// first screen, to measure the memory of a window that has been used.
    const SCREENS: &[&str] = &[
        "units",
        "documents",
        "batch",
        "outstanding",
        "import",
        "accounts",
        "dashboard",
        "backups",
        "exchange",
        "inbox",
    ];

    /// A step of the tour that is not a screen: the page loaded afresh
    /// (every screen and list it held dropped; the first screen shown
    /// again), to see what the engine keeps of what the page let go.
    const RELOAD: &str = "reload";

    /// The screens of the tour: `GIAONHAN_BENCH_SCREENS` (keys separated by
    /// commas, in the order given, `reload` among them if wanted) to see what
    /// one screen or an order costs; every screen by default.
    fn tour_screens() -> Res<Vec<&'static str>> {
        let Ok(wanted) = std::env::var("GIAONHAN_BENCH_SCREENS") else {
            return Ok(SCREENS.to_vec());
        };
        wanted
            .split(',')
            .map(|k| {
                SCREENS
                    .iter()
                    .chain(&[RELOAD])
                    .copied()
                    .find(|s| *s == k.trim())
                    .ok_or_else(|| {
                        format!("GIAONHAN_BENCH_SCREENS: no screen «{k}»; screens: {SCREENS:?} and «{RELOAD}»").into()
                    })
            })
            .collect()
    }

    /// Asks `script` every `every` until it returns true (then true) or
    /// `within` has passed (then false).
    async fn until_true(client: &fantoccini::Client, script: &str, within: Duration, every: Duration) -> Res<bool> {
        let deadline = Instant::now() + within;
        loop {
            if client.execute(script, vec![]).await?.as_bool() == Some(true) {
                return Ok(true);
            }
            if Instant::now() > deadline {
                return Ok(false);
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Time to first screen, and (RSS, PSS) in bytes after idling; for the
    /// app also after visiting every screen once.
    struct Sample {
        first_screen: Duration,
        rss: u64,
        pss: u64,
        toured: Option<(u64, u64)>,
        /// (screen, RSS, PSS) after each screen of the tour was shown.
        screens: Vec<(&'static str, u64, u64)>,
        /// (process, RSS, PSS) of each process, after the first screen.
        processes: Vec<(String, u64, u64)>,
        /// The same after the tour (empty without it).
        toured_processes: Vec<(String, u64, u64)>,
        /// (RSS, PSS) and each process after `rest()` at rest (after the
        /// tour, or after the first reading); none without it.
        rested: Option<(u64, u64)>,
        rested_processes: Vec<(String, u64, u64)>,
        /// From the request for the session to the frame that painted the
        /// first screen (the page's `start:painted` mark), in ms.
        first_paint: Option<f64>,
        /// The first screen's milestones, read from the page.
        timing: PageTiming,
    }

    /// Where the time to the first screen went, as the page saw it: when
    /// its navigation started (the process and WebKit up), counted from the
    /// request for the session, then the page's milestones counted from
    /// there: its document parsed and run (`DOMContentLoaded`), and the
    /// app's own `performance.mark`s of its start-up.
    struct PageTiming {
        navigation: f64,
        dom_ready: f64,
        marks: Vec<(String, f64)>,
        /// (request, ms, characters of its reply as JSON) of requests the
        /// window makes, timed from the page.
        requests: Vec<(&'static str, f64, u64)>,
    }

    /// Requests of the app timed from its page once it is idle (median of
    /// five each): a small one (`app_status`), the outstanding list's first
    /// view as the window asks for it, and its first two hundred rows.
    async fn requests(client: &fantoccini::Client) -> Res<Vec<(&'static str, f64, u64)>> {
        let mut out = Vec::new();
        for (name, cmd, args) in [
            ("app_status", "app_status", json!({})),
            (
                "outstanding_page (26 rows, the first view)",
                "outstanding_page",
                json!({ "query": {}, "offset": 0, "limit": 26 }),
            ),
            (
                "outstanding_page (201 rows)",
                "outstanding_page",
                json!({ "query": {}, "offset": 0, "limit": 201 }),
            ),
        ] {
            let script = "const [cmd, args, done] = arguments; const times = []; \
                 let size = 0; (async () => { for (let i = 0; i < 5; i++) { const t = performance.now(); \
                 const r = await window.__TAURI_INTERNALS__.invoke(cmd, args); times.push(performance.now() - t); \
                 size = JSON.stringify(r).length; } \
                 times.sort((a, b) => a - b); done([times[2], size]); })().catch((e) => done([-1, 0]));";
            let v = client.execute_async(script, vec![json!(cmd), args]).await?;
            out.push((name, v[0].as_f64().unwrap_or(-1.0), v[1].as_u64().unwrap_or(0)));
        }
        Ok(out)
    }

    /// The page's milestones; `started` is when the session was asked for.
    async fn page_timing(client: &fantoccini::Client, started: std::time::SystemTime) -> Res<PageTiming> {
        let script = "const n = performance.getEntriesByType('navigation')[0]; \
             return [performance.timeOrigin, n ? n.domContentLoadedEventEnd : -1, \
             [['html', n ? n.responseEnd : -1], ['parsed', n ? n.domInteractive : -1]].concat( \
             performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))]";
        let v = client.execute(script, vec![]).await?;
        let origin = v[0].as_f64().unwrap_or(0.0);
        let started = started.duration_since(std::time::UNIX_EPOCH)?.as_secs_f64() * 1e3;
        let marks = v[2]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| (m[0].as_str().unwrap_or("").to_owned(), m[1].as_f64().unwrap_or(0.0)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(PageTiming {
            navigation: origin - started,
            dom_ready: v[1].as_f64().unwrap_or(-1.0),
            marks,
            requests: Vec::new(),
        })
    }

    fn kb_field(text: &str, field: &str) -> u64 {
        text.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    }

    /// (pid, parent pid, executable) of every process.
    fn processes() -> Vec<(u32, u32, PathBuf)> {
        let mut out = Vec::new();
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return out;
        };
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // The command name may hold spaces: the fields follow the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            out.push((pid, ppid, exe));
        }
        out
    }

    /// RSS and PSS of the process running `binary` and all its descendants.
    fn memory_of(binary: &Path) -> (u64, u64) {
        memory_by_process(binary)
            .iter()
            .fold((0, 0), |(rss, pss), (_, r, p)| (rss + r, pss + p))
    }

    /// (executable name, RSS, PSS) of the process running `binary` and of
    /// each of its descendants (WebKit's web and network processes).
    fn memory_by_process(binary: &Path) -> Vec<(String, u64, u64)> {
        let procs = processes();
        let Some(root) = procs.iter().find(|p| p.2 == binary).map(|p| p.0) else {
            return Vec::new();
        };
        let mut tree = vec![root];
        let mut i = 0;
        while i < tree.len() {
            let parent = tree[i];
            tree.extend(procs.iter().filter(|p| p.1 == parent).map(|p| p.0));
            i += 1;
        }
        tree.iter()
            .map(|pid| {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
                let name = procs
                    .iter()
                    .find(|p| p.0 == *pid)
                    .and_then(|p| p.2.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (name, kb_field(&status, "VmRSS:"), kb_field(&rollup, "Pss:"))
            })
            .collect()
    }

    async fn sample(binary: &Path, db: Option<&Path>, ready: &str, tour: &[&'static str]) -> Res<Sample> {
        let work = tempfile::tempdir()?;
        let (display, _xvfb) = display(work.path());
        let (port, native_port) = free_port_pair();
        let mut cmd = Command::new(tauri_driver());
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("DISPLAY", &display)
            .env("XDG_DATA_HOME", work.path().join("xdg-data"))
            .env("XDG_CACHE_HOME", work.path().join("xdg-cache"))
            .env("XDG_CONFIG_HOME", work.path().join("xdg-config"))
            .env("NO_AT_BRIDGE", "1")
            .env("GDK_BACKEND", "x11")
            .env("GIAONHAN_NO_DIALOG", "1")
            .env_remove("WAYLAND_DISPLAY");
        if let Some(db) = db {
            cmd.env("GIAONHAN_DB", db);
        }
        // `GIAONHAN_BENCH_LOG_DIR=D` keeps each run's log of the driver and
        // the windows (what the web engine prints: `JSC_logGC=1` gives the
        // page's heap after each collection) as D/<binary>-<n>.log.
        let log = match std::env::var_os("GIAONHAN_BENCH_LOG_DIR") {
            Some(dir) => {
                static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let name = binary
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                std::fs::create_dir_all(&dir)?;
                PathBuf::from(dir).join(format!("{name}-{n}.log"))
            }
            None => work.path().join("tauri-driver.log"),
        };
        let _driver = Guard::spawn("tauri-driver", cmd, Some(log));
        drivers_listening(port, native_port, Duration::from_secs(20))?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": binary.to_string_lossy(), "args": [] }),
        );
        let started = Instant::now();
        let started_at = std::time::SystemTime::now();
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        let script = format!("return document.querySelector({}) !== null", json!(ready));
        if !until_true(&client, &script, Duration::from_secs(300), Duration::from_millis(10)).await? {
            return Err(format!("no {ready} after 300 s").into());
        }
        let first_screen = started.elapsed();
        tokio::time::sleep(Duration::from_secs(5)).await;
        let mut timing = page_timing(&client, started_at).await?;
        let processes = memory_by_process(binary);
        let (rss, pss) = memory_of(binary);
        // Timed after the memory is read: the replies stay in the page a while.
        if db.is_some() {
            timing.requests = requests(&client).await?;
        }
        let mut toured = None;
        let mut toured_processes = Vec::new();
        let mut screens = Vec::new();
        if !tour.is_empty() {
            for key in tour {
                let (go, there) = if *key == RELOAD {
                    // The old page marks itself, so that its first screen is
                    // not taken for the new one's; the reload waits for a
                    // timer so that the script's reply comes first.
                    (
                        "window.giaonhanBenchLeft = true; setTimeout(() => location.reload(), 10); return true"
                            .to_owned(),
                        format!(
                            "return !window.giaonhanBenchLeft && document.querySelector({}) !== null",
                            json!(ready)
                        ),
                    )
                } else {
                    (
                        format!("document.getElementById('nav-{key}').click(); return true"),
                        format!("return !document.getElementById('screen-{key}').hidden"),
                    )
                };
                client.execute(&go, vec![]).await?;
                if !until_true(&client, &there, Duration::from_secs(60), Duration::from_millis(50)).await? {
                    return Err(format!("screen {key} not shown after 60 s").into());
                }
                // Its lists and its own data load after it is shown.
                tokio::time::sleep(Duration::from_secs(3)).await;
                let (rss, pss) = memory_of(binary);
                screens.push((*key, rss, pss));
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
            toured_processes = memory_by_process(binary);
            toured = Some(memory_of(binary));
        }
        let (mut rested, mut rested_processes) = (None, Vec::new());
        if let Some(rest) = rest() {
            // Five of them have passed since the tour.
            let more = if tour.is_empty() {
                rest
            } else {
                rest - Duration::from_secs(5)
            };
            tokio::time::sleep(more).await;
            rested_processes = memory_by_process(binary);
            rested = Some(memory_of(binary));
        }
        client.close().await?;
        let first_paint = timing
            .marks
            .iter()
            .find(|(m, _)| m == PAINTED)
            .map(|(_, at)| timing.navigation + at);
        Ok(Sample {
            first_paint,
            first_screen,
            rss,
            pss,
            toured,
            screens,
            processes,
            toured_processes,
            rested,
            rested_processes,
            timing,
        })
    }

    /// A line of the memory table: (RSS, PSS) in bytes.
    fn memory_line(name: &str, (rss, pss): (u64, u64)) {
        println!(
            "{name:<34} {:>12} {:>9.1} MB {:>9.1} MB",
            "",
            rss as f64 / 1e6,
            pss as f64 / 1e6
        );
    }

    /// The app's (RSS, PSS) as a ratio of the bare window's, against the goal.
    fn ratio_line(name: &str, (rss, pss): (u64, u64), (brss, bpss): (u64, u64)) {
        println!(
            "{name:<34} {:>12} {:>11.2}× {:>11.2}×   goal ≤ 1.3×",
            "",
            rss as f64 / (brss as f64).max(1.0),
            pss as f64 / (bpss as f64).max(1.0)
        );
    }

    fn median<T: Copy + Ord>(mut v: Vec<T>) -> T {
        v.sort();
        v[v.len() / 2]
    }

    pub fn main() -> Res<()> {
        let exe = std::env::current_exe()?;
        let release = exe
            .parent()
            .and_then(Path::parent)
            .ok_or("bench binary outside target/")?
            .to_path_buf();
        let app = release.join("sogiaonhan");
        let bare = release.join("bare-window");
        for b in [&app, &bare] {
            if !b.is_file() {
                return Err(format!(
                    "{} is missing: cargo build --release -p sogiaonhan-app -p bare-window",
                    b.display()
                )
                .into());
            }
        }
        let province = match std::env::var_os("GIAONHAN_BENCH_DB") {
            Some(p) => PathBuf::from(p),
            None => release.join("../bench/province.sqlite3"),
        };
        if !province.is_file() {
            return Err(format!(
                "{} is missing: run `cargo bench -p giaonhan --bench province` first",
                province.display()
            )
            .into());
        }
        // The app writes to its file (and backs it up on start): use a copy.
        let dir = tempfile::tempdir_in(province.parent().unwrap_or(Path::new(".")))?;
        let db = dir.path().join("province.sqlite3");
        std::fs::copy(&province, &db)?;

        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        // GIAONHAN_BENCH_RUNS=1 GIAONHAN_BENCH_TOUR=0: a quick look at the start.
        let runs = std::env::var("GIAONHAN_BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or(3);
        let tour = if std::env::var_os("GIAONHAN_BENCH_TOUR").is_none_or(|v| v != "0") {
            tour_screens()?
        } else {
            Vec::new()
        };
        let mut bare_s = Vec::new();
        let mut app_s = Vec::new();
        for _ in 0..runs {
            bare_s.push(rt.block_on(sample(&bare, None, "#ready", &[]))?);
            app_s.push(rt.block_on(sample(&app, Some(&db), FIRST_SCREEN, &tour))?);
            let _ = std::fs::remove_dir_all(giaonhan::backup::backup_dir(&db));
        }
        let row = |name: &str, s: &[Sample]| {
            let t = median(s.iter().map(|x| x.first_screen).collect());
            // Milliseconds as whole microseconds, to take a median of integers.
            let paint = median(
                s.iter()
                    .map(|x| x.first_paint.map_or(-1, |ms| (ms * 1e3) as i64))
                    .collect(),
            ) as f64
                / 1e3;
            let rss = median(s.iter().map(|x| x.rss).collect());
            let pss = median(s.iter().map(|x| x.pss).collect());
            println!(
                "{name:<34} {:>9.0} ms {:>9.0} ms {:>9.1} MB {:>9.1} MB",
                t.as_secs_f64() * 1e3,
                paint,
                rss as f64 / 1e6,
                pss as f64 / 1e6
            );
            (t, paint, rss, pss)
        };
        println!("median of {runs} runs; memory 5 s after the first screen, the binary and its WebKit processes");
        println!(
            "{:<34} {:>12} {:>12} {:>12} {:>12}",
            "", "first screen", "first paint", "RSS", "PSS"
        );
        let (bt, bpaint, brss, bpss) = row("bare Tauri window", &bare_s);
        let (at, apaint, arss, apss) = row("app, province register", &app_s);
        println!(
            "{:<34} {:>11.2}× {:>11.2}× {:>11.2}× {:>11.2}×   goal ≤ 1.2× start, ≤ 1.3× memory",
            "ratio app / bare window",
            at.as_secs_f64() / bt.as_secs_f64().max(1e-9),
            apaint / bpaint.max(1e-9),
            arss as f64 / (brss as f64).max(1.0),
            apss as f64 / (bpss as f64).max(1.0)
        );
        // Each app run next to the bare window's run just before it: the
        // bare window's own start varies by a factor of three from one set
        // to the next on this machine, and a pair shares the minute's load.
        let paired = |app: fn(&Sample) -> Option<f64>, bare: fn(&Sample) -> f64| -> Option<(f64, f64, f64)> {
            let mut r: Vec<f64> = bare_s
                .iter()
                .zip(&app_s)
                .filter_map(|(b, a)| Some(app(a)? / bare(b).max(1e-9)))
                .collect();
            r.sort_by(f64::total_cmp);
            Some((*r.get(r.len() / 2)?, *r.first()?, *r.last()?))
        };
        let start = |s: &Sample| s.first_screen.as_secs_f64();
        let pss = |s: &Sample| s.pss as f64;
        for (what, found) in [
            ("first screen", paired(|s| Some(s.first_screen.as_secs_f64()), start)),
            ("PSS after the first screen", paired(|s| Some(s.pss as f64), pss)),
            ("PSS after the tour", paired(|s| s.toured.map(|t| t.1 as f64), pss)),
        ] {
            if let Some((mid, lo, hi)) = found {
                println!(
                    "{:<34} {mid:>11.2}×   (each run over the bare window's run before it; {lo:.2}×–{hi:.2}×)",
                    format!("paired, {what}")
                );
            }
        }
        println!(
            "first screen: its element found in the page (asked every 10 ms); first paint: the frame that painted it"
        );
        println!(
            "each run: the page's milestones (ms), and memory by process after the first screen and the tour (MB, RSS/PSS)"
        );
        for (name, runs) in [("bare", &bare_s), ("app", &app_s)] {
            for s in runs.iter() {
                let t = &s.timing;
                let marks: Vec<String> = t.marks.iter().map(|(m, at)| format!("{m} {at:.0}")).collect();
                let by_process = |list: &[(String, u64, u64)]| -> String {
                    let each: Vec<String> = list
                        .iter()
                        .map(|(p, r, q)| format!("{p} {:.0}/{:.0}", *r as f64 / 1e6, *q as f64 / 1e6))
                        .collect();
                    each.join(", ")
                };
                let mut procs = by_process(&s.processes);
                if !s.toured_processes.is_empty() {
                    procs = format!("{procs}; after the tour: {}", by_process(&s.toured_processes));
                }
                if !s.rested_processes.is_empty() {
                    procs = format!("{procs}; at rest: {}", by_process(&s.rested_processes));
                }
                let requests: Vec<String> = t
                    .requests
                    .iter()
                    .map(|(r, ms, n)| format!("{r} {ms:.1} ms, {:.1} kB", *n as f64 / 1e3))
                    .collect();
                println!(
                    "  {name:<5} first screen {:>5.0}; page from {:>5.0}: DOM ready +{:.0}{}{}\n        {}{}{}",
                    s.first_screen.as_secs_f64() * 1e3,
                    t.navigation,
                    t.dom_ready,
                    if marks.is_empty() { "" } else { ", " },
                    marks.join(", "),
                    procs,
                    if requests.is_empty() {
                        ""
                    } else {
                        "; requests from the page: "
                    },
                    requests.join(", ")
                );
            }
        }
        let toured: Vec<(u64, u64)> = app_s.iter().filter_map(|x| x.toured).collect();
        if !toured.is_empty() {
            let rss = median(toured.iter().map(|x| x.0).collect());
            let pss = median(toured.iter().map(|x| x.1).collect());
            memory_line("app, after visiting every screen", (rss, pss));
            ratio_line("ratio app (every screen) / bare", (rss, pss), (brss, bpss));
            let at_rest = |s: &[Sample]| -> Option<(u64, u64)> {
                let v: Vec<(u64, u64)> = s.iter().filter_map(|x| x.rested).collect();
                (!v.is_empty()).then(|| {
                    (
                        median(v.iter().map(|x| x.0).collect()),
                        median(v.iter().map(|x| x.1).collect()),
                    )
                })
            };
            if let (Some(bare), Some(app)) = (at_rest(&bare_s), at_rest(&app_s)) {
                memory_line("app, the same, at rest", app);
                memory_line("bare window, at rest", bare);
                ratio_line("ratio app / bare, both at rest", app, bare);
            }
            // Where the tour's memory goes: each screen's median, 3 s after it was shown.
            println!("during the tour (median of {runs} runs), 3 s after each screen was shown:");
            for (i, key) in tour.iter().enumerate() {
                let at = |f: fn(&(&str, u64, u64)) -> u64| {
                    median(app_s.iter().filter_map(|x| x.screens.get(i).map(f)).collect::<Vec<_>>())
                };
                memory_line(&format!("  {key}"), (at(|x| x.1), at(|x| x.2)));
            }
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("the start-up benchmark runs on Linux only");
}
