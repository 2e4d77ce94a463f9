//! Sign-in rates per client address and across the hub, beside the per-e-mail throttle.
//!
//! The throttle stops guessing one address's password; it does nothing against one
//! client trying one common password on many addresses, nor against many clients at
//! once. These two limits do: a GCRA limiter (the `governor` crate) keyed by the client's
//! address, and one for the whole process. Both live in memory: each process has its own,
//! which is enough for bounding the work one process takes on.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

use super::limits::SignInLimits;
use crate::error::{Busy, BusyReason};

/// How often idle addresses are dropped from the per-address limiter.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The sign-in rate limiters of one process.
pub struct SignInRates {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    total: DefaultDirectRateLimiter,
    clock: DefaultClock,
    last_pruned: Mutex<Instant>,
}

impl SignInRates {
    /// Limiters with the configured rates and bursts.
    pub fn new(limits: &SignInLimits) -> SignInRates {
        let per_address = quota(
            limits.sign_in_per_address_per_minute,
            limits.sign_in_per_address_burst,
        );
        let total = quota(limits.sign_in_total_per_minute, limits.sign_in_total_burst);
        SignInRates {
            per_address: DefaultKeyedRateLimiter::keyed(per_address),
            total: DefaultDirectRateLimiter::direct(total),
            clock: DefaultClock::default(),
            last_pruned: Mutex::new(Instant::now()),
        }
    }

    /// Lets one sign-in from `client` through, or says which limit refuses it and for how
    /// long. The address is checked first, so that one noisy address spends its own
    /// allowance, not the hub's. With no address known (no TCP peer), only the total
    /// applies.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), Busy> {
        self.prune_now_and_then();
        if let Some(client) = client {
            self.per_address
                .check_key(&address_key(client))
                .map_err(|not_until| {
                    refusal(
                        BusyReason::AddressLimit,
                        not_until.wait_time_from(self.clock.now()),
                    )
                })?;
        }
        self.total.check().map_err(|not_until| {
            refusal(
                BusyReason::TotalLimit,
                not_until.wait_time_from(self.clock.now()),
            )
        })
    }

    /// The per-address limiter keeps a cell per address it has seen; addresses whose
    /// allowance is full again are forgotten once a minute, so memory follows the number
    /// of recently active addresses.
    fn prune_now_and_then(&self) {
        let Ok(mut last) = self.last_pruned.try_lock() else {
            return;
        };
        if last.elapsed() >= PRUNE_EVERY {
            *last = Instant::now();
            self.per_address.retain_recent();
            self.per_address.shrink_to_fit();
        }
    }
}

fn refusal(reason: BusyReason, wait: Duration) -> Busy {
    Busy {
        reason,
        retry_after_seconds: whole_seconds_at_least_one(wait),
    }
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

fn whole_seconds_at_least_one(wait: Duration) -> i64 {
    let millis = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX - 999);
    ((millis + 999) / 1000).max(1)
}

/// The key an address is limited by: an IPv4 address as it is; an IPv6 address by its
/// /64, the smallest block one subscriber is usually given, or one client could take a
/// fresh address for every try. An IPv4 address written as IPv6 (`::ffff:a.b.c.d`)
/// counts as the IPv4 one.
pub fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1_u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

/// The client's address: the TCP peer; or, behind a trusted proxy, the last hop of
/// `X-Forwarded-For`, which that proxy appended (every earlier hop is the client's own
/// say). A trusted proxy that sent no usable header leaves the peer, the proxy itself.
pub fn client_address(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted_proxy: bool,
) -> Option<IpAddr> {
    let peer = peer.map(|p| p.ip());
    if !trusted_proxy {
        return peer;
    }
    let last_hop = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(parse_hop);
    last_hop.or(peer)
}

/// One hop: an address, possibly with a port (`1.2.3.4:5678`, `[::1]:5678`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn limits(per_address: u32, total: u32) -> SignInLimits {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            limits: SignInLimits,
        }
        let mut limits = Cli::parse_from(["caselink"]).limits;
        limits.sign_in_per_address_per_minute = per_address;
        limits.sign_in_per_address_burst = per_address;
        limits.sign_in_total_per_minute = total;
        limits.sign_in_total_burst = total;
        limits
    }

    fn ip(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn one_address_is_limited_and_another_is_not() {
        let rates = SignInRates::new(&limits(2, 100));
        let nurse = Some(ip("10.1.1.1"));
        assert_eq!(rates.check(nurse), Ok(()));
        assert_eq!(rates.check(nurse), Ok(()));
        let refused = rates.check(nurse).err();
        assert_eq!(refused.map(|b| b.reason), Some(BusyReason::AddressLimit));
        // 2 a minute: the next one comes 30 s later.
        assert!(refused.is_some_and(|b| (29..=30).contains(&b.retry_after_seconds)));
        assert_eq!(rates.check(Some(ip("10.1.1.2"))), Ok(()));
    }

    #[test]
    fn the_total_is_shared_by_every_address() {
        let rates = SignInRates::new(&limits(100, 3));
        for n in 1..=3 {
            assert_eq!(rates.check(Some(ip(&format!("10.0.0.{n}")))), Ok(()));
        }
        let refused = rates.check(Some(ip("10.0.0.9"))).err();
        assert_eq!(refused.map(|b| b.reason), Some(BusyReason::TotalLimit));
        assert_eq!(
            rates.check(None).err().map(|b| b.reason),
            Some(BusyReason::TotalLimit)
        );
    }

    #[test]
    fn an_address_over_its_limit_does_not_spend_the_total() {
        let rates = SignInRates::new(&limits(1, 2));
        let noisy = Some(ip("10.0.0.1"));
        assert_eq!(rates.check(noisy), Ok(()));
        for _ in 0..10 {
            assert!(rates.check(noisy).is_err());
        }
        assert_eq!(rates.check(Some(ip("10.0.0.2"))), Ok(()));
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy_and_only_its_last_hop() {
        let peer = Some(SocketAddr::from(([127, 0, 0, 1], 40000)));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        assert_eq!(client_address(peer, &headers, false), Some(ip("127.0.0.1")));
        assert_eq!(
            client_address(peer, &headers, true),
            Some(ip("203.0.113.7"))
        );
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::5]:443"),
        );
        assert_eq!(
            client_address(peer, &headers, true),
            Some(ip("2001:db8::5"))
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_address(peer, &headers, true), Some(ip("127.0.0.1")));
        assert_eq!(
            client_address(peer, &HeaderMap::new(), true),
            Some(ip("127.0.0.1"))
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(whole_seconds_at_least_one(Duration::ZERO), 1);
        assert_eq!(whole_seconds_at_least_one(Duration::from_millis(1001)), 2);
    }
}
