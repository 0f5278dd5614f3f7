//! The exchange hub: an S3-compatible bucket a province runs (SeaweedFS,
//! MinIO, Amazon S3, …) that offices send packets to and receive them from
//! instead of carrying a stick. Its address (`s3://BUCKET/PREFIX`), endpoint,
//! region and access key id are settings of the register (`sync hub`, or the
//! form on "Trao đổi"); the secret key is best kept in the environment, and
//! may be stored in the register too (never shown, never logged). The usual
//! environment variables override the settings: `AWS_ENDPOINT_URL`,
//! `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::transport::{Bucket, HubAccess, Place, Transport, DEFAULT_REGION};
use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::text;

/// The setting holding the hub (JSON of [`HubSettings`]).
pub const HUB_SETTING: &str = "exchange_hub";
/// The setting holding the hub's secret key, when stored in the register.
const SECRET_SETTING: &str = "exchange_hub_secret";

/// The environment variables that override the settings.
pub const ENV_ENDPOINT: &str = "AWS_ENDPOINT_URL";
pub const ENV_REGION: &str = "AWS_REGION";
/// Read when `AWS_REGION` is not set, as the AWS tools do.
pub const ENV_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
pub const ENV_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const ENV_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
const ENV_VARS: [&str; 5] = [
    ENV_ENDPOINT,
    ENV_REGION,
    ENV_DEFAULT_REGION,
    ENV_ACCESS_KEY_ID,
    ENV_SECRET_ACCESS_KEY,
];

/// The hub as set in the register (never the secret key).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HubSettings {
    /// `s3://BUCKET/PREFIX`; empty: no hub.
    pub url: String,
    /// The server, e.g. `http://10.0.0.5:8333`; empty: Amazon S3 itself.
    pub endpoint: String,
    /// Empty: `us-east-1` (S3-compatible servers accept any).
    pub region: String,
    pub access_key_id: String,
}

/// The hub settings as shown, with where the keys come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HubInfo {
    pub settings: HubSettings,
    /// A secret key is stored in the register.
    pub secret_stored: bool,
    /// The environment variables set for this program, which override the
    /// settings (`AWS_SECRET_ACCESS_KEY`, …).
    pub from_env: Vec<String>,
}

/// A change of the hub settings: `secret_access_key` None keeps the stored
/// secret key, empty removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct HubChange {
    pub settings: HubSettings,
    #[ts(optional)]
    pub secret_access_key: Option<String>,
}

/// An environment variable's value, None when unset or blank.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Cleaned and checked, each refusal naming its field.
fn checked(s: &HubSettings) -> Result<HubSettings> {
    let url = s.url.trim();
    let url = if url.is_empty() {
        String::new()
    } else {
        Bucket::parse("url", url)?.url()
    };
    let endpoint = s.endpoint.trim().trim_end_matches('/').to_owned();
    if !endpoint.is_empty() {
        let host = endpoint
            .strip_prefix("http://")
            .or_else(|| endpoint.strip_prefix("https://"))
            .unwrap_or("");
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(Error::invalid(
                "endpoint",
                format!("«{endpoint}» không phải địa chỉ máy chủ S3: viết dạng http://10.0.0.5:8333 hoặc https://…"),
            ));
        }
    }
    let region = text::clean(&s.region);
    if !region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::invalid(
            "region",
            format!("«{region}» không phải tên vùng S3 (chữ không dấu, chữ số, dấu gạch ngang), ví dụ us-east-1"),
        ));
    }
    let access_key_id = text::clean(&s.access_key_id);
    if access_key_id.contains(' ') {
        return Err(Error::invalid("access_key_id", "mã khoá truy cập không có dấu cách"));
    }
    Ok(HubSettings {
        url,
        endpoint,
        region,
        access_key_id,
    })
}

fn stored(dao: &Dao<'_>) -> Result<HubSettings> {
    match dao.setting(HUB_SETTING)? {
        Some(json) => Ok(serde_json::from_str(&json)?),
        None => Ok(HubSettings::default()),
    }
}

fn stored_secret(dao: &Dao<'_>) -> Result<Option<String>> {
    Ok(dao.setting(SECRET_SETTING)?.filter(|s| !s.is_empty()))
}

/// How to reach the hub: the settings, each overridden by its environment
/// variable (`env`); refused when no access key or secret key is found
/// (the library would otherwise ask a cloud's metadata service).
pub(crate) fn access(
    settings: &HubSettings,
    secret: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<HubAccess> {
    let or_setting = |var: &str, setting: &str| env(var).or_else(|| Some(setting.to_owned()).filter(|s| !s.is_empty()));
    let access_key_id = or_setting(ENV_ACCESS_KEY_ID, &settings.access_key_id);
    let secret_access_key = env(ENV_SECRET_ACCESS_KEY).or(secret);
    let (Some(access_key_id), Some(secret_access_key)) = (access_key_id, secret_access_key) else {
        return Err(Error::invalid(
            "hub",
            format!(
                "chưa có khoá truy cập kho S3: đặt biến môi trường {ENV_ACCESS_KEY_ID} và {ENV_SECRET_ACCESS_KEY}, \
                 hoặc khai báo khoá trong phần kho trao đổi (giaonhan sync hub --access-key-id … --secret-stdin)"
            ),
        ));
    };
    Ok(HubAccess {
        endpoint: or_setting(ENV_ENDPOINT, &settings.endpoint).map(|e| e.trim().trim_end_matches('/').to_owned()),
        region: env(ENV_REGION)
            .or_else(|| or_setting(ENV_DEFAULT_REGION, &settings.region))
            .unwrap_or_else(|| DEFAULT_REGION.to_owned()),
        access_key_id,
        secret_access_key,
    })
}

impl Store {
    /// The hub settings, whether a secret key is stored, and which
    /// environment variables override them.
    pub fn hub_info(&self) -> Result<HubInfo> {
        let (settings, secret) = self.read(|dao| Ok((stored(dao)?, stored_secret(dao)?)))?;
        Ok(HubInfo {
            settings,
            secret_stored: secret.is_some(),
            from_env: ENV_VARS
                .iter()
                .filter(|v| env_var(v).is_some())
                .map(|v| (*v).to_owned())
                .collect(),
        })
    }

    /// Sets the hub (one change, logged without the secret key).
    pub fn set_hub(&mut self, actor: &Actor, change: &HubChange) -> Result<HubInfo> {
        let settings = checked(&change.settings)?;
        let secret = change.secret_access_key.as_deref().map(str::trim);
        if secret.is_some_and(|s| s.contains(char::is_whitespace)) {
            return Err(Error::invalid("secret_access_key", "khoá bí mật không có dấu cách"));
        }
        self.write(actor, |dao| {
            let had = stored_secret(dao)?.is_some();
            let secret_change = match secret {
                None => {
                    if had {
                        "kept"
                    } else {
                        "none"
                    }
                }
                Some("") => {
                    dao.set_setting(SECRET_SETTING, "")?;
                    if had {
                        "removed"
                    } else {
                        "none"
                    }
                }
                Some(s) => {
                    dao.set_setting(SECRET_SETTING, s)?;
                    "stored"
                }
            };
            dao.set_setting(HUB_SETTING, &serde_json::to_string(&settings)?)?;
            dao.log(
                &format!("setting.{HUB_SETTING}"),
                None,
                &json!({ "url": settings.url, "endpoint": settings.endpoint, "region": settings.region,
                         "access_key_id": settings.access_key_id, "secret_access_key": secret_change }),
            )
        })?;
        self.hub_info()
    }

    /// The hub's bucket as set; refused while none is.
    pub fn hub_place(&self) -> Result<Place> {
        let settings = self.read(stored)?;
        if settings.url.is_empty() {
            return Err(Error::invalid(
                "hub",
                "chưa khai báo kho trao đổi S3 (địa chỉ s3://TÊN-BUCKET/THƯ-MỤC, máy chủ, vùng): \
                 khai báo ở màn hình «Trao đổi» hoặc bằng giaonhan sync hub",
            ));
        }
        Ok(Place::Bucket(Bucket::parse("hub", &settings.url)?))
    }

    /// The folder or the bucket opened: a bucket with the hub's endpoint,
    /// region and keys from the settings and the environment.
    pub(crate) fn transport(&self, field: &str, place: &Place) -> Result<Transport> {
        match place {
            Place::Folder(dir) => Transport::folder(field, dir),
            Place::Bucket(bucket) => {
                let (settings, secret) = self.read(|dao| Ok((stored(dao)?, stored_secret(dao)?)))?;
                Transport::bucket(bucket, &access(&settings, secret, env_var)?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Store;

    fn settings() -> HubSettings {
        HubSettings {
            url: " s3://so-giao-nhan/ht/ ".to_owned(),
            endpoint: "http://10.0.0.5:8333/".to_owned(),
            region: "".to_owned(),
            access_key_id: "ht-office".to_owned(),
        }
    }

    #[test]
    fn the_environment_overrides_the_settings_and_keys_are_required() {
        let s = checked(&settings()).expect("valid");
        let none = |_: &str| None;
        let a = access(&s, Some("stored-secret".to_owned()), none).expect("access");
        assert_eq!(a.endpoint.as_deref(), Some("http://10.0.0.5:8333"));
        assert_eq!(a.region, DEFAULT_REGION);
        assert_eq!(a.access_key_id, "ht-office");
        assert_eq!(a.secret_access_key, "stored-secret");

        let env = |v: &str| match v {
            ENV_ENDPOINT => Some("http://127.0.0.1:8333".to_owned()),
            ENV_REGION => Some("vn-ht-1".to_owned()),
            ENV_ACCESS_KEY_ID => Some("env-key".to_owned()),
            ENV_SECRET_ACCESS_KEY => Some("env-secret".to_owned()),
            _ => None,
        };
        let a = access(&s, Some("stored-secret".to_owned()), env).expect("access");
        assert_eq!(
            (
                a.endpoint.as_deref(),
                a.region.as_str(),
                a.access_key_id.as_str(),
                a.secret_access_key.as_str()
            ),
            (Some("http://127.0.0.1:8333"), "vn-ht-1", "env-key", "env-secret")
        );

        let e = access(&s, None, none).expect_err("no secret");
        assert!(e.to_string().contains(ENV_SECRET_ACCESS_KEY), "{e}");
        let e = access(&HubSettings::default(), Some("x".to_owned()), none).expect_err("no key id");
        assert!(e.to_string().contains("chưa có khoá truy cập"), "{e}");
    }

    #[test]
    fn bad_settings_are_refused_naming_the_field() {
        for (change, field) in [
            (
                HubSettings {
                    url: "http://hub/x".to_owned(),
                    ..settings()
                },
                "url",
            ),
            (
                HubSettings {
                    url: "s3://A_B".to_owned(),
                    ..settings()
                },
                "url",
            ),
            (
                HubSettings {
                    endpoint: "10.0.0.5:8333".to_owned(),
                    ..settings()
                },
                "endpoint",
            ),
            (
                HubSettings {
                    region: "vùng 1".to_owned(),
                    ..settings()
                },
                "region",
            ),
            (
                HubSettings {
                    access_key_id: "a b".to_owned(),
                    ..settings()
                },
                "access_key_id",
            ),
        ] {
            let e = checked(&change).expect_err(field);
            assert!(
                matches!(&e, Error::Invalid { field: f, .. } if f == field),
                "{field}: {e}"
            );
        }
    }

    #[test]
    fn the_hub_is_stored_in_one_logged_change_without_its_secret() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("so.sqlite3");
        let mut store = Store::open(&path).expect("open");
        let actor = Actor::new("Văn thư", "cli");
        let e = store.hub_place().expect_err("no hub yet");
        assert!(e.to_string().contains("chưa khai báo kho trao đổi S3"), "{e}");

        let info = store
            .set_hub(
                &actor,
                &HubChange {
                    settings: settings(),
                    secret_access_key: Some("rat-bi-mat".to_owned()),
                },
            )
            .expect("set");
        assert_eq!(info.settings.url, "s3://so-giao-nhan/ht");
        assert_eq!(info.settings.endpoint, "http://10.0.0.5:8333");
        assert!(info.secret_stored);
        assert_eq!(
            store.hub_place().expect("place"),
            Place::Bucket(Bucket {
                bucket: "so-giao-nhan".to_owned(),
                prefix: "ht".to_owned()
            })
        );
        // Kept when not given, removed when empty.
        let kept = store
            .set_hub(
                &actor,
                &HubChange {
                    settings: settings(),
                    secret_access_key: None,
                },
            )
            .expect("set");
        assert!(kept.secret_stored);
        let removed = store
            .set_hub(
                &actor,
                &HubChange {
                    settings: settings(),
                    secret_access_key: Some(String::new()),
                },
            )
            .expect("set");
        assert!(!removed.secret_stored);

        let mut details: Vec<String> = Vec::new();
        store
            .read(|dao| {
                dao.each_log_row(|row| {
                    if row.action == "setting.exchange_hub" {
                        details.push(row.detail);
                    }
                    Ok(())
                })
            })
            .expect("log");
        assert_eq!(details.len(), 3, "one row per change");
        assert!(details.iter().all(|d| !d.contains("rat-bi-mat")), "{details:?}");
        assert!(
            details[0].contains("\"stored\"") && details[1].contains("\"kept\"") && details[2].contains("\"removed\"")
        );
    }
}
