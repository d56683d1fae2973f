//! Memory-mapped segment files (Java `store/logfile`).

mod mapped_file;

pub(crate) use mapped_file::{MappedFile, Reservation, Tail, RESERVE_MIN_STEP_BYTES};
