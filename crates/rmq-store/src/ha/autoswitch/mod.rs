//! Controller mode's replication pieces (Java `store/ha/autoswitch`). So far the epoch
//! checkpoint and the broker identity files; the AutoSwitch HA service, its handshake and truncation come with the broker's
//! controller mode (see docs/architecture.md).

mod broker_metadata;
mod epoch_file_cache;

pub use broker_metadata::{broker_metadata_path, temp_broker_metadata_path, BrokerMetadata};
pub use epoch_file_cache::{EpochEntry, EpochFileCache};
