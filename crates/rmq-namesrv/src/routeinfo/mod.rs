//! Route tables and their housekeeping (Java `namesrv/.../routeinfo`).

pub mod batch_unregistration_service;
pub mod broker_housekeeping_service;
pub mod route_info_manager;

pub use batch_unregistration_service::BatchUnregistrationService;
pub use broker_housekeeping_service::BrokerHousekeepingService;
pub use route_info_manager::{
    BrokerAddrInfo, BrokerLiveInfo, BrokerRegistration, RegisterBrokerResult, RouteInfoManager,
};
