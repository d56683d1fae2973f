//! What a slave broker does beside replication (Java `broker/slave`): copy the master's
//! metadata with [`slave_synchronize::SlaveSynchronize`].

pub mod slave_synchronize;
#[cfg(test)]
mod slave_synchronize_tests;
