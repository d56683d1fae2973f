//! Route answer rewriting (Java `namesrv/.../route`).

pub mod zone_route_rpc_hook;

pub use zone_route_rpc_hook::ZoneRouteRPCHook;
