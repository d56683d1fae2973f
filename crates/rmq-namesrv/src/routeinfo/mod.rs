//! Route tables and their housekeeping (Java `namesrv/.../routeinfo`).

pub mod batch_unregistration_service;
pub mod broker_addr_info;
pub mod broker_housekeeping_service;
pub mod broker_live_info;
pub mod register_broker_result;
pub mod route_info_manager;

pub use batch_unregistration_service::BatchUnregistrationService;
pub use broker_addr_info::BrokerAddrInfo;
pub use broker_housekeeping_service::BrokerHousekeepingService;
pub use broker_live_info::BrokerLiveInfo;
pub use register_broker_result::{BrokerRegistration, RegisterBrokerResult};
pub use route_info_manager::RouteInfoManager;
