use super::*;
use crate::protocol::remoting_command::FRAME_MAX_LENGTH;
use crate::protocol::SerializeType;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A socket that takes at most `step` bytes per write and, every other call, none at all
/// yet (`Pending`, waking itself).
struct Trickle {
    step: usize,
    vectored: bool,
    written: Vec<u8>,
    calls: usize,
    vectored_calls: usize,
}

impl Trickle {
    fn new(step: usize, vectored: bool) -> Self {
        Trickle {
            step,
            vectored,
            written: Vec::new(),
            calls: 0,
            vectored_calls: 0,
        }
    }

    fn stall(&mut self, cx: &mut Context<'_>) -> bool {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            cx.waker().wake_by_ref();
            return true;
        }
        false
    }
}

impl AsyncWrite for Trickle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.stall(cx) {
            return Poll::Pending;
        }
        let n = buf.len().min(self.step);
        self.written.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if !self.vectored {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| b);
            return self.poll_write(cx, first);
        }
        if self.stall(cx) {
            return Poll::Pending;
        }
        self.vectored_calls += 1;
        let mut left = self.step;
        for b in bufs {
            let n = b.len().min(left);
            self.written.extend_from_slice(&b[..n]);
            left -= n;
            if left == 0 {
                break;
            }
        }
        Poll::Ready(Ok(self.step - left))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A pull-like answer whose body is three slices of one "mapped file".
fn chunked_answer(opaque: i32, t: SerializeType) -> RemotingCommand {
    let file = Bytes::from((0..=255u8).cycle().take(5000).collect::<Vec<_>>());
    let mut cmd = RemotingCommand::success().with_body_chunks(vec![
        file.slice(0..100),
        file.slice(100..100),
        file.slice(700..5000),
    ]);
    cmd.opaque = opaque;
    cmd.serialize_type = t;
    cmd.add_ext_field("nextBeginOffset", "42");
    cmd
}

fn small(opaque: i32) -> RemotingCommand {
    let mut cmd = RemotingCommand::success().with_body(&b"small"[..]);
    cmd.opaque = opaque;
    cmd
}

/// The bytes the copying encoder produces for `cmds`, one after another.
fn expected(cmds: &[RemotingCommand]) -> Vec<u8> {
    let mut want = BytesMut::new();
    for c in cmds {
        let mut whole = c.clone();
        whole.body = c.whole_body();
        whole.body_chunks.clear();
        whole.encode(&mut want).unwrap();
    }
    want.to_vec()
}

#[tokio::test]
async fn partial_writes_send_the_same_bytes_as_the_copying_encoder() {
    let cmds = vec![
        small(1),
        chunked_answer(2, SerializeType::Json),
        small(3),
        chunked_answer(4, SerializeType::RocketMQ),
        chunked_answer(5, SerializeType::Json),
    ];
    let want = expected(&cmds);
    for (step, vectored) in [
        (1, true),
        (7, true),
        (4096, true),
        (3, false),
        (1 << 20, true),
    ] {
        let mut batch = FrameBatch::new();
        for c in &cmds {
            batch.push(c).unwrap();
        }
        assert_eq!(batch.len(), want.len());
        let mut w = Trickle::new(step, vectored);
        batch.write_to(&mut w).await.unwrap();
        assert!(batch.is_empty());
        assert_eq!(w.written, want, "step {step}, vectored {vectored}");
        assert_eq!(w.vectored_calls > 0, vectored);
        // The batch is reusable.
        batch.push(&small(6)).unwrap();
        let mut w = Trickle::new(step, vectored);
        batch.write_to(&mut w).await.unwrap();
        assert_eq!(w.written, expected(&[small(6)]));
    }
}

#[tokio::test]
async fn small_frames_are_coalesced_into_one_write() {
    let mut batch = FrameBatch::new();
    for i in 0..10 {
        batch.push(&small(i)).unwrap();
    }
    assert!(batch.segments.is_empty());
    let mut w = Trickle::new(1 << 20, true);
    batch.write_to(&mut w).await.unwrap();
    assert_eq!(w.written, expected(&(0..10).map(small).collect::<Vec<_>>()));
    assert_eq!((w.calls, w.vectored_calls), (1, 0));
}

#[test]
fn chunks_are_queued_not_copied() {
    let cmd = chunked_answer(1, SerializeType::Json);
    let mut batch = FrameBatch::new();
    batch.push(&cmd).unwrap();
    // The frame head, then the two non-empty chunks, pointing into the "mapped file".
    assert_eq!(batch.segments.len(), 3);
    assert_eq!(batch.segments[1].as_ptr(), cmd.body_chunks[0].as_ptr());
    assert_eq!(batch.segments[2].as_ptr(), cmd.body_chunks[2].as_ptr());
}

#[test]
fn a_frame_over_the_limit_is_refused_and_leaves_the_batch_as_it_was() {
    let half = Bytes::from(vec![7u8; FRAME_MAX_LENGTH / 2]);
    let too_large = RemotingCommand::success().with_body_chunks(vec![half.clone(), half]);
    let mut batch = FrameBatch::new();
    batch.push(&small(1)).unwrap();
    let before = batch.len();
    let err = batch.push(&too_large).unwrap_err();
    assert!(
        matches!(err, CodecError::FrameTooLarge { length, max }
            if length as usize > FRAME_MAX_LENGTH && max == FRAME_MAX_LENGTH),
        "{err:?}"
    );
    assert_eq!(batch.len(), before);
    assert!(batch.segments.is_empty());
}

#[test]
fn advance_drops_written_segments() {
    let mut segs: VecDeque<Bytes> = ["ab", "", "cde", "f"]
        .into_iter()
        .map(|s| Bytes::from_static(s.as_bytes()))
        .collect();
    advance(&mut segs, 3);
    assert_eq!(
        segs,
        vec![Bytes::from_static(b"de"), Bytes::from_static(b"f")]
    );
    advance(&mut segs, 3);
    assert!(segs.is_empty());
}

#[tokio::test]
async fn a_socket_taking_nothing_is_an_error() {
    struct Full;
    impl AsyncWrite for Full {
        fn poll_write(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            _buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Ok(0))
        }
        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    let mut batch = FrameBatch::new();
    batch.push(&chunked_answer(1, SerializeType::Json)).unwrap();
    let err = batch.write_to(&mut Full).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    assert!(batch.is_empty());
}
