//! Rate limits for sign-in and sign-up, per client address and per account.
//! In memory, per server instance: with N instances the effective limit is N times higher.

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

pub struct AuthRateLimits {
    per_ip: DefaultKeyedRateLimiter<String>,
    per_account: DefaultKeyedRateLimiter<String>,
}

impl AuthRateLimits {
    /// `per_ip_per_minute` attempts from one address, `per_account_per_minute` for one email.
    pub fn new(per_ip_per_minute: u32, per_account_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        AuthRateLimits {
            per_ip: RateLimiter::keyed(quota(per_ip_per_minute)),
            per_account: RateLimiter::keyed(quota(per_account_per_minute)),
        }
    }

    pub fn check(&self, client: &str, account: &str) -> Result<(), AppError> {
        if self.per_ip.check_key(&client.to_string()).is_err() {
            return Err(AppError::RateLimited("Too many attempts from your network. Please wait a minute and try again.".into()));
        }
        if self.per_account.check_key(&account.to_lowercase()).is_err() {
            return Err(AppError::RateLimited("Too many attempts for this account. Please wait a minute and try again.".into()));
        }
        Ok(())
    }
}

/// A simple per-key limit (forum posting per account).
pub struct PerMinute {
    limiter: DefaultKeyedRateLimiter<i64>,
    per_minute: u32,
}

impl PerMinute {
    pub fn new(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        PerMinute { limiter: RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))), per_minute }
    }

    pub fn check(&self, key: i64, what: &str) -> Result<(), AppError> {
        self.limiter.check_key(&key).map_err(|_| {
            AppError::RateLimited(format!(
                "You can write at most {} {what} per minute. Please wait a moment and send it again.",
                self.per_minute
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_and_per_account() {
        let limits = AuthRateLimits::new(3, 2);
        assert!(limits.check("1.1.1.1", "a@x.io").is_ok());
        assert!(limits.check("1.1.1.1", "A@x.io").is_ok());
        assert!(matches!(limits.check("2.2.2.2", "a@x.io"), Err(AppError::RateLimited(m)) if m.contains("account")));
        assert!(limits.check("1.1.1.1", "b@x.io").is_ok(), "third attempt from one address");
        assert!(
            matches!(limits.check("1.1.1.1", "c@x.io"), Err(AppError::RateLimited(m)) if m.contains("network")),
            "fourth attempt from one address is refused"
        );
        assert!(limits.check("3.3.3.3", "d@x.io").is_ok(), "other addresses and accounts are unaffected");
    }
}
