//! Writes rmq-encoded golden frames for Java to verify (`GoldenBytes verify <dir>`): every case
//! of `tests/interop/golden` is decoded from Java's JSON frame and re-encoded by rmq in both
//! serializations, with the fields a decoder must recover.
//!
//! Usage: `golden_writer <out-dir> [golden-dir]`

use rmq_remoting::golden::GoldenFields;
use rmq_remoting::{RemotingCommand, SerializeType};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: golden_writer <out-dir> [golden-dir]")?,
    );
    let src = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/golden")
    });
    std::fs::create_dir_all(&out)?;
    let mut n = 0;
    for entry in std::fs::read_dir(&src)? {
        let file = entry?
            .file_name()
            .into_string()
            .map_err(|_| "bad file name")?;
        let Some(name) = file.strip_suffix(".json.bin") else {
            continue;
        };
        let raw = std::fs::read(src.join(&file))?;
        let mut buf = bytes::BytesMut::from(&raw[..]);
        let cmd = RemotingCommand::decode(&mut buf)?.ok_or("incomplete golden frame")?;
        let fields = GoldenFields::from_command(&cmd);
        let name = format!("{name}_rmq");
        std::fs::write(
            out.join(format!("{name}.fields.json")),
            serde_json::to_vec_pretty(&fields)?,
        )?;
        for (ser, t) in [
            ("json", SerializeType::Json),
            ("rocketmq", SerializeType::RocketMQ),
        ] {
            let mut c = cmd.clone();
            c.serialize_type = t;
            std::fs::write(out.join(format!("{name}.{ser}.bin")), c.encode_to_bytes()?)?;
        }
        // What Java decodes from our ROCKETMQ frame: 16-bit code and version, empty strings
        // as null.
        let mut binary = fields.clone();
        binary.code = cmd.code as i16 as i32;
        binary.version = cmd.version as i16 as i32;
        if binary.remark.as_deref() == Some("") {
            binary.remark = None;
        }
        if let Some(m) = binary.ext_fields.as_mut() {
            for v in m.values_mut() {
                if v.as_deref() == Some("") {
                    *v = None;
                }
            }
        }
        if binary != fields {
            std::fs::write(
                out.join(format!("{name}.rocketmq.fields.json")),
                serde_json::to_vec_pretty(&binary)?,
            )?;
        }
        n += 1;
    }
    println!("wrote {n} cases to {}", out.display());
    Ok(())
}
