//! The file helpers of Java's `MixAll` the NameServer uses (`string2File`, `file2String`).
//! Blocking: call them from `spawn_blocking` or before the runtime starts.

use std::io::Write;
use std::path::Path;

/// Writes `content` to `path` atomically: a temp file in the same directory, fsync, then
/// rename over the target, so a crash leaves either the old or the new file (Java's
/// `MixAll.string2File` keeps a `.bak` copy instead). Creates missing parent directories.
pub(crate) fn string_to_file(content: &str, path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{file_name}.tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Reads `path` as UTF-8 text; `Ok(None)` when the file does not exist (`MixAll.file2String`).
pub(crate) fn file_to_string(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.json");
        assert_eq!(file_to_string(&p).unwrap(), None);
        string_to_file("one", &p).unwrap();
        string_to_file("two", &p).unwrap();
        assert_eq!(file_to_string(&p).unwrap().as_deref(), Some("two"));
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "temp file left behind: {names:?}");
    }
}
