//! Message index by key (Java `store/index`).

mod index_file;
mod index_service;

pub(crate) use index_file::IndexFile;
pub(crate) use index_service::IndexService;
