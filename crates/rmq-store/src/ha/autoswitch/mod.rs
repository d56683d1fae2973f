//! Controller mode's replication pieces (Java `store/ha/autoswitch`). So far the epoch
//! checkpoint; the AutoSwitch HA service, its handshake and truncation come with the broker's
//! controller mode (see docs/architecture.md).

mod epoch_file_cache;

pub use epoch_file_cache::{EpochEntry, EpochFileCache};
