//! `tokio_util` codec over [`RemotingCommand::decode`] and [`RemotingCommand::encode`]
//! (Java `NettyDecoder` / `NettyEncoder`).

use crate::error::RemotingError;
use crate::protocol::RemotingCommand;
use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

/// Frames `RemotingCommand`s on a byte stream.
#[derive(Debug, Default, Clone, Copy)]
pub struct RemotingCodec;

impl Decoder for RemotingCodec {
    type Item = RemotingCommand;
    type Error = RemotingError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        Ok(RemotingCommand::decode(src)?)
    }
}

impl Encoder<RemotingCommand> for RemotingCodec {
    type Error = RemotingError;

    fn encode(&mut self, item: RemotingCommand, dst: &mut BytesMut) -> Result<(), Self::Error> {
        Ok(item.encode(dst)?)
    }
}

impl Encoder<&RemotingCommand> for RemotingCodec {
    type Error = RemotingError;

    fn encode(&mut self, item: &RemotingCommand, dst: &mut BytesMut) -> Result<(), Self::Error> {
        Ok(item.encode(dst)?)
    }
}
