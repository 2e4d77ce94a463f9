//! The settings that bound sign-in: how fast one client address and the whole hub may
//! try passwords, how many passwords are hashed at once, and how long a device token
//! lasts. Flattened into [`crate::config::Config`].

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args};

/// Limits on sign-in and password hashing.
#[derive(Clone, Debug, Args)]
pub struct SignInLimits {
    /// Sign-ins per minute from one client address (an IPv6 client counts by its /64).
    /// A hospital's staff often share one address behind NAT, so this is generous.
    #[arg(long, env = "CASELINK_SIGN_IN_PER_ADDRESS_PER_MINUTE", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub sign_in_per_address_per_minute: u32,

    /// Sign-ins one client address may make at once before the per-minute rate applies
    /// (a shift change, when many people behind one address sign in together).
    #[arg(long, env = "CASELINK_SIGN_IN_PER_ADDRESS_BURST", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub sign_in_per_address_burst: u32,

    /// Sign-ins per minute across the whole hub (this process), from every address.
    #[arg(long, env = "CASELINK_SIGN_IN_TOTAL_PER_MINUTE", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub sign_in_total_per_minute: u32,

    /// Sign-ins the whole hub may take at once before the per-minute rate applies.
    #[arg(long, env = "CASELINK_SIGN_IN_TOTAL_BURST", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub sign_in_total_burst: u32,

    /// The hub runs behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: the last hop of that header is the client. Leave it off when
    /// clients reach the hub directly, or anyone could choose their own address.
    #[arg(long, env = "CASELINK_TRUSTED_PROXY", default_value_t = false, action = ArgAction::Set,
          value_parser = BoolishValueParser::new(), global = true)]
    pub trusted_proxy: bool,

    /// Passwords hashed or checked at once (argon2id, about 19 MiB and tens of
    /// milliseconds of one core each). Default: half the cores, at least 1.
    #[arg(long, env = "CASELINK_PASSWORD_HASH_WORKERS",
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub password_hash_workers: Option<u32>,

    /// Password checks that may wait for a worker; one more is refused at once with
    /// `TOO_MANY_REQUESTS` rather than queued.
    #[arg(
        long,
        env = "CASELINK_PASSWORD_HASH_QUEUE",
        default_value_t = 32,
        global = true
    )]
    pub password_hash_queue: u32,

    /// Days a device token (returned by `login`) lasts; it lets its holder sign in while
    /// their address is locked by someone else's wrong guesses.
    #[arg(long, env = "CASELINK_DEVICE_TOKEN_TTL_DAYS", default_value_t = 180,
          value_parser = clap::value_parser!(i64).range(1..=3650), global = true)]
    pub device_token_ttl_days: i64,
}

impl SignInLimits {
    /// Passwords hashed at once: the setting, or half the cores (at least 1), so that
    /// sign-ins can never take every core from the other requests.
    pub fn hash_workers(&self) -> usize {
        match self.password_hash_workers {
            Some(workers) => workers as usize,
            None => {
                let cores = std::thread::available_parallelism().map_or(1, usize::from);
                (cores / 2).max(1)
            }
        }
    }

    /// How long a device token lasts.
    pub fn device_token_ttl(&self) -> chrono::Duration {
        chrono::Duration::days(self.device_token_ttl_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        limits: SignInLimits,
    }

    #[test]
    fn the_defaults_suit_a_hospital_behind_one_address() {
        let limits = Cli::parse_from(["caselink"]).limits;
        assert_eq!(limits.sign_in_per_address_per_minute, 30);
        assert_eq!(limits.sign_in_per_address_burst, 30);
        assert!(limits.sign_in_total_per_minute >= 100);
        assert!(!limits.trusted_proxy);
        assert!(limits.hash_workers() >= 1);
        assert_eq!(limits.device_token_ttl(), chrono::Duration::days(180));
    }

    #[test]
    fn zero_limits_are_refused() {
        assert!(Cli::try_parse_from(["caselink", "--sign-in-total-per-minute", "0"]).is_err());
        assert!(Cli::try_parse_from(["caselink", "--password-hash-workers", "0"]).is_err());
    }
}
