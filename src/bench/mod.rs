//! The parts of the `bench` binary (`src/bin/bench.rs`). They live here, outside the
//! library, because they are a measuring tool and not part of the hub.

pub mod cpu;
pub mod http;
pub mod hub;
pub mod load;
pub mod report;
pub mod seed;
pub mod server;
pub mod workloads;
