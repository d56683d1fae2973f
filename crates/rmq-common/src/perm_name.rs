//! Topic and broker permission bits (Java `PermName`).

pub const PERM_PRIORITY: i32 = 0x1 << 3;
pub const PERM_READ: i32 = 0x1 << 2;
pub const PERM_WRITE: i32 = 0x1 << 1;
pub const PERM_INHERIT: i32 = 0x1;
/// Default topic permission: read and write.
pub const DEFAULT_PERM: i32 = PERM_READ | PERM_WRITE;

/// Returns true when `perm` allows reads.
pub fn is_readable(perm: i32) -> bool {
    perm & PERM_READ == PERM_READ
}

/// Returns true when `perm` allows writes.
pub fn is_writeable(perm: i32) -> bool {
    perm & PERM_WRITE == PERM_WRITE
}

/// Returns true when `perm` carries the inherit bit.
pub fn is_inherited(perm: i32) -> bool {
    perm & PERM_INHERIT == PERM_INHERIT
}

/// Returns true for 2, 4 or 6, the values an admin may set (`PermName.isValid`).
pub fn is_valid(perm: i32) -> bool {
    (0..PERM_PRIORITY).contains(&perm)
}

/// Formats permissions as Java's `PermName.perm2String`, e.g. `RW-`.
pub fn perm_to_string(perm: i32) -> String {
    let mut s = String::with_capacity(3);
    s.push(if is_readable(perm) { 'R' } else { '-' });
    s.push(if is_writeable(perm) { 'W' } else { '-' });
    s.push(if is_inherited(perm) { 'X' } else { '-' });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_java() {
        assert_eq!(perm_to_string(6), "RW-");
        assert_eq!(perm_to_string(7), "RWX");
        assert_eq!(perm_to_string(4), "R--");
        assert!(is_readable(6) && is_writeable(6) && !is_inherited(6));
    }
}
