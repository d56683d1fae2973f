//! Admin client (Java `tools/admin`).

pub mod default_mq_admin_ext;

pub use default_mq_admin_ext::DefaultMQAdminExt;
