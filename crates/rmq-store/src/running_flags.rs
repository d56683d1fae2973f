//! `RunningFlags`: bits that make the store refuse writes or reads (Java `RunningFlags`).

use std::sync::atomic::{AtomicU32, Ordering};

const NOT_READABLE_BIT: u32 = 1;
const NOT_WRITEABLE_BIT: u32 = 1 << 1;
const WRITE_LOGICS_QUEUE_ERROR_BIT: u32 = 1 << 2;
const WRITE_INDEX_FILE_ERROR_BIT: u32 = 1 << 3;
const DISK_FULL_BIT: u32 = 1 << 4;
const FENCED_BIT: u32 = 1 << 5;
const LOGIC_DISK_FULL_BIT: u32 = 1 << 6;

/// The store's health bits; sends get SERVICE_NOT_AVAILABLE while any write-blocking bit is set.
#[derive(Debug, Default)]
pub struct RunningFlags {
    bits: AtomicU32,
}

impl RunningFlags {
    /// Returns the raw bits (Java `getFlagBits`).
    pub fn flag_bits(&self) -> u32 {
        self.bits.load(Ordering::Acquire)
    }

    pub fn is_readable(&self) -> bool {
        self.flag_bits() & NOT_READABLE_BIT == 0
    }

    /// Returns true unless a bit that blocks CommitLog writes is set (disk full included).
    pub fn is_writeable(&self) -> bool {
        self.flag_bits()
            & (NOT_WRITEABLE_BIT
                | WRITE_LOGICS_QUEUE_ERROR_BIT
                | DISK_FULL_BIT
                | WRITE_INDEX_FILE_ERROR_BIT
                | FENCED_BIT
                | LOGIC_DISK_FULL_BIT)
            == 0
    }

    /// Sets or clears the fenced bit (Java `makeFenced`): a broker in controller mode is
    /// fenced until the controller named the master, so nothing is written before.
    pub fn make_fenced(&self, fenced: bool) {
        if fenced {
            self.bits.fetch_or(FENCED_BIT, Ordering::AcqRel);
        } else {
            self.bits.fetch_and(!FENCED_BIT, Ordering::AcqRel);
        }
    }

    /// Returns true when ConsumeQueues may be written (disk full is ignored for them).
    pub fn is_cq_writeable(&self) -> bool {
        self.flag_bits()
            & (NOT_WRITEABLE_BIT
                | WRITE_LOGICS_QUEUE_ERROR_BIT
                | WRITE_INDEX_FILE_ERROR_BIT
                | LOGIC_DISK_FULL_BIT)
            == 0
    }

    pub fn is_disk_full(&self) -> bool {
        self.flag_bits() & DISK_FULL_BIT != 0
    }

    /// Sets the disk-full bit; returns true if it was clear before.
    pub fn get_and_make_disk_full(&self) -> bool {
        self.bits.fetch_or(DISK_FULL_BIT, Ordering::AcqRel) & DISK_FULL_BIT == 0
    }

    /// Clears the disk-full bit; returns true if it was clear before.
    pub fn get_and_make_disk_ok(&self) -> bool {
        self.bits.fetch_and(!DISK_FULL_BIT, Ordering::AcqRel) & DISK_FULL_BIT == 0
    }

    /// Sets the not-writeable bit; returns true if the store was writeable before.
    pub fn get_and_make_not_writeable(&self) -> bool {
        let before = self.bits.fetch_or(NOT_WRITEABLE_BIT, Ordering::AcqRel);
        before & NOT_WRITEABLE_BIT == 0
    }

    /// Clears the not-writeable bit; returns true if it was clear before.
    pub fn get_and_make_writeable(&self) -> bool {
        self.bits.fetch_and(!NOT_WRITEABLE_BIT, Ordering::AcqRel) & NOT_WRITEABLE_BIT == 0
    }

    pub fn make_logics_queue_error(&self) {
        self.bits
            .fetch_or(WRITE_LOGICS_QUEUE_ERROR_BIT, Ordering::AcqRel);
    }

    pub fn make_index_file_error(&self) {
        self.bits
            .fetch_or(WRITE_INDEX_FILE_ERROR_BIT, Ordering::AcqRel);
    }
}
