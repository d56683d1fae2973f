//! Headers of the controller's requests and responses (Java
//! `remoting/protocol/header/controller/**`), plus `NotifyBrokerRoleChangedRequestHeader`
//! (Java `remoting/protocol/header`), which the controller sends to brokers.
//!
//! Field mapping, as for every header of this crate: a field Java marks `@CFNotNull` or
//! declares as a primitive (`long`, `int`, `boolean`) is a plain Rust type, required on
//! decode; a boxed number (`Long`, `Integer`, `Boolean`) or a `String` without `@CFNotNull`
//! is an `Option`, left out of `extFields` when `None`, as Java's `makeCustomHeaderToNet`
//! leaves out `null` fields. Java always writes primitives, so requiring them only rejects
//! requests Java peers never send.
//!
//! Requests without a header: CONTROLLER_GET_METADATA_INFO (1005),
//! CONTROLLER_GET_SYNC_STATE_DATA (1006, body: a JSON array of broker names) and
//! GET_BROKER_EPOCH_CACHE (1007, response body: `EpochEntryCache`).

use crate::command_header;
use rmq_common::util_all::current_millis;

command_header! {
    /// Java `AlterSyncStateSetRequestHeader` (CONTROLLER_ALTER_SYNC_STATE_SET, 1001); the
    /// body is the proposed `SyncStateSet`.
    pub struct AlterSyncStateSetRequestHeader {
        pub broker_name: Option<String> => "brokerName",
        pub master_broker_id: Option<i64> => "masterBrokerId",
        pub master_epoch: Option<i32> => "masterEpoch",
        /// Java initializes it to the construction time.
        pub invoke_time: i64 => "invokeTime",
    }
}

impl AlterSyncStateSetRequestHeader {
    /// Returns the header a master sends, stamped with the current time (Java's constructor).
    pub fn new(broker_name: impl Into<String>, master_broker_id: i64, master_epoch: i32) -> Self {
        AlterSyncStateSetRequestHeader {
            broker_name: Some(broker_name.into()),
            master_broker_id: Some(master_broker_id),
            master_epoch: Some(master_epoch),
            invoke_time: current_millis(),
        }
    }
}

command_header! {
    /// Java `AlterSyncStateSetResponseHeader`; the body is the new `SyncStateSet`.
    pub struct AlterSyncStateSetResponseHeader {
        pub new_sync_state_set_epoch: i32 => "newSyncStateSetEpoch",
    }
}

command_header! {
    /// Java `ElectMasterRequestHeader` (CONTROLLER_ELECT_MASTER, 1002). Build it with
    /// [`of_broker_trigger`](Self::of_broker_trigger),
    /// [`of_controller_trigger`](Self::of_controller_trigger) or
    /// [`of_admin_trigger`](Self::of_admin_trigger): Java's defaults (`brokerId` -1, the
    /// current time) differ from `Default`'s zeros.
    pub struct ElectMasterRequestHeader {
        pub cluster_name: String => "clusterName",
        pub broker_name: String => "brokerName",
        /// The broker to prefer: the triggering broker on a broker's first election, the
        /// assigned broker for an admin election, -1 when the controller triggers.
        pub broker_id: i64 => "brokerId",
        /// `true` when an admin assigns the new master.
        pub designate_elect: bool => "designateElect",
        pub invoke_time: Option<i64> => "invokeTime",
    }
}

impl ElectMasterRequestHeader {
    /// Returns a broker's request to elect itself (Java `ofBrokerTrigger`).
    pub fn of_broker_trigger(
        cluster_name: impl Into<String>,
        broker_name: impl Into<String>,
        broker_id: i64,
    ) -> Self {
        ElectMasterRequestHeader {
            cluster_name: cluster_name.into(),
            broker_name: broker_name.into(),
            broker_id,
            designate_elect: false,
            invoke_time: Some(current_millis()),
        }
    }

    /// Returns the controller's own request after a master went away (Java
    /// `ofControllerTrigger`): empty cluster name, broker id -1.
    pub fn of_controller_trigger(broker_name: impl Into<String>) -> Self {
        ElectMasterRequestHeader {
            cluster_name: String::new(),
            broker_name: broker_name.into(),
            broker_id: -1,
            designate_elect: false,
            invoke_time: Some(current_millis()),
        }
    }

    /// Returns an admin's request to make `broker_id` the master (Java `ofAdminTrigger`).
    pub fn of_admin_trigger(
        cluster_name: impl Into<String>,
        broker_name: impl Into<String>,
        broker_id: i64,
    ) -> Self {
        ElectMasterRequestHeader {
            designate_elect: true,
            ..Self::of_broker_trigger(cluster_name, broker_name, broker_id)
        }
    }
}

command_header! {
    /// Java `ElectMasterResponseHeader`; the body is an `ElectMasterResponseBody`.
    pub struct ElectMasterResponseHeader {
        pub master_broker_id: Option<i64> => "masterBrokerId",
        pub master_address: Option<String> => "masterAddress",
        pub master_epoch: Option<i32> => "masterEpoch",
        pub sync_state_set_epoch: Option<i32> => "syncStateSetEpoch",
    }
}

command_header! {
    /// Java `GetMetaDataResponseHeader`, the response to CONTROLLER_GET_METADATA_INFO (1005).
    pub struct GetMetaDataResponseHeader {
        pub group: Option<String> => "group",
        pub controller_leader_id: Option<String> => "controllerLeaderId",
        pub controller_leader_address: Option<String> => "controllerLeaderAddress",
        /// Java's field is `isLeader`, so that is the key (not `leader`).
        pub is_leader: bool => "isLeader",
        /// Java writes `id:addr;` for each peer.
        pub peers: Option<String> => "peers",
    }
}

command_header! {
    /// Java `GetReplicaInfoRequestHeader` (CONTROLLER_GET_REPLICA_INFO, 1004).
    pub struct GetReplicaInfoRequestHeader {
        pub broker_name: Option<String> => "brokerName",
    }
}

command_header! {
    /// Java `GetReplicaInfoResponseHeader`; the body is the `SyncStateSet`.
    pub struct GetReplicaInfoResponseHeader {
        pub master_broker_id: Option<i64> => "masterBrokerId",
        pub master_address: Option<String> => "masterAddress",
        pub master_epoch: Option<i32> => "masterEpoch",
    }
}

command_header! {
    /// Java `admin.CleanControllerBrokerDataRequestHeader` (CLEAN_BROKER_DATA, 1011).
    pub struct CleanControllerBrokerDataRequestHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: String => "brokerName",
        /// Broker ids separated by `;`; `None` or blank means the whole broker set.
        pub broker_controller_ids_to_clean: Option<String> => "brokerControllerIdsToClean",
        /// Java's field is `isCleanLivingBroker`, so that is the key.
        pub is_clean_living_broker: bool => "isCleanLivingBroker",
        /// Java initializes it to the construction time.
        pub invoke_time: i64 => "invokeTime",
    }
}

impl CleanControllerBrokerDataRequestHeader {
    /// Returns the header stamped with the current time (Java's constructor).
    pub fn new(
        cluster_name: Option<String>,
        broker_name: impl Into<String>,
        broker_controller_ids_to_clean: Option<String>,
        is_clean_living_broker: bool,
    ) -> Self {
        CleanControllerBrokerDataRequestHeader {
            cluster_name,
            broker_name: broker_name.into(),
            broker_controller_ids_to_clean,
            is_clean_living_broker,
            invoke_time: current_millis(),
        }
    }
}

command_header! {
    /// Java `register.ApplyBrokerIdRequestHeader` (CONTROLLER_APPLY_BROKER_ID, 1013).
    pub struct ApplyBrokerIdRequestHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
        pub applied_broker_id: Option<i64> => "appliedBrokerId",
        /// `brokerAddress;timestamp`, as the broker's `ReplicasManager` builds it.
        pub register_check_code: Option<String> => "registerCheckCode",
    }
}

command_header! {
    /// Java `register.ApplyBrokerIdResponseHeader`.
    pub struct ApplyBrokerIdResponseHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
    }
}

command_header! {
    /// Java `register.GetNextBrokerIdRequestHeader` (CONTROLLER_GET_NEXT_BROKER_ID, 1012).
    pub struct GetNextBrokerIdRequestHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
    }
}

command_header! {
    /// Java `register.GetNextBrokerIdResponseHeader`.
    pub struct GetNextBrokerIdResponseHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
        pub next_broker_id: Option<i64> => "nextBrokerId",
    }
}

command_header! {
    /// Java `register.RegisterBrokerToControllerRequestHeader` (CONTROLLER_REGISTER_BROKER,
    /// 1003).
    pub struct RegisterBrokerToControllerRequestHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
        pub broker_id: Option<i64> => "brokerId",
        pub broker_address: Option<String> => "brokerAddress",
        /// 0 from Java's no-arg constructor, the construction time from the others.
        pub invoke_time: i64 => "invokeTime",
    }
}

impl RegisterBrokerToControllerRequestHeader {
    /// Returns the header stamped with the current time (Java's constructor).
    pub fn new(
        cluster_name: impl Into<String>,
        broker_name: impl Into<String>,
        broker_id: i64,
        broker_address: impl Into<String>,
    ) -> Self {
        RegisterBrokerToControllerRequestHeader {
            cluster_name: Some(cluster_name.into()),
            broker_name: Some(broker_name.into()),
            broker_id: Some(broker_id),
            broker_address: Some(broker_address.into()),
            invoke_time: current_millis(),
        }
    }
}

command_header! {
    /// Java `register.RegisterBrokerToControllerResponseHeader`; the body is the
    /// `SyncStateSet`.
    pub struct RegisterBrokerToControllerResponseHeader {
        pub cluster_name: Option<String> => "clusterName",
        pub broker_name: Option<String> => "brokerName",
        pub master_broker_id: Option<i64> => "masterBrokerId",
        pub master_address: Option<String> => "masterAddress",
        pub master_epoch: Option<i32> => "masterEpoch",
        pub sync_state_set_epoch: Option<i32> => "syncStateSetEpoch",
    }
}

command_header! {
    /// Java `NotifyBrokerRoleChangedRequestHeader` (NOTIFY_BROKER_ROLE_CHANGED, 1008), sent
    /// one-way by the controller to each live broker of a set after an election; the body is
    /// the `SyncStateSet`.
    pub struct NotifyBrokerRoleChangedRequestHeader {
        pub master_address: Option<String> => "masterAddress",
        pub master_epoch: Option<i32> => "masterEpoch",
        pub sync_state_set_epoch: Option<i32> => "syncStateSetEpoch",
        pub master_broker_id: Option<i64> => "masterBrokerId",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::header::CommandCustomHeader;
    use crate::protocol::{RemotingCommand, RequestCode, SerializeType};
    use bytes::BytesMut;
    use std::collections::HashMap;

    fn ext(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn written<H: CommandCustomHeader>(h: &H) -> HashMap<String, String> {
        let mut m = HashMap::new();
        h.write_to(&mut m);
        m
    }

    /// Writes `h`, checks the ext fields are exactly `expected`, and reads them back.
    fn round_trip<H: CommandCustomHeader + PartialEq + std::fmt::Debug>(
        h: &H,
        expected: &[(&str, &str)],
    ) {
        let m = written(h);
        assert_eq!(m, ext(expected));
        assert_eq!(&H::read_from(&m).unwrap(), h);
    }

    #[test]
    fn alter_sync_state_set_headers() {
        let h = AlterSyncStateSetRequestHeader {
            invoke_time: 1_700_000_000_000,
            ..AlterSyncStateSetRequestHeader::new("broker-a", 1, 3)
        };
        round_trip(
            &h,
            &[
                ("brokerName", "broker-a"),
                ("masterBrokerId", "1"),
                ("masterEpoch", "3"),
                ("invokeTime", "1700000000000"),
            ],
        );
        let stamped = AlterSyncStateSetRequestHeader::new("b", 1, 1);
        assert!(stamped.invoke_time > 0);
        round_trip(
            &AlterSyncStateSetResponseHeader {
                new_sync_state_set_epoch: 5,
            },
            &[("newSyncStateSetEpoch", "5")],
        );
    }

    #[test]
    fn elect_master_factories_match_java() {
        let b = ElectMasterRequestHeader::of_broker_trigger("c", "b", 2);
        assert_eq!((b.broker_id, b.designate_elect), (2, false));
        assert!(b.invoke_time.is_some());
        let c = ElectMasterRequestHeader::of_controller_trigger("b");
        assert_eq!(c.cluster_name, "");
        assert_eq!((c.broker_id, c.designate_elect), (-1, false));
        let a = ElectMasterRequestHeader::of_admin_trigger("c", "b", 3);
        assert_eq!((a.broker_id, a.designate_elect), (3, true));

        // Java writes the empty cluster name of a controller trigger as "".
        let c = ElectMasterRequestHeader {
            invoke_time: Some(9),
            ..c
        };
        round_trip(
            &c,
            &[
                ("clusterName", ""),
                ("brokerName", "b"),
                ("brokerId", "-1"),
                ("designateElect", "false"),
                ("invokeTime", "9"),
            ],
        );
    }

    #[test]
    fn elect_master_request_requires_cf_not_null_fields() {
        let full = ext(&[
            ("clusterName", "c"),
            ("brokerName", "b"),
            ("brokerId", "1"),
            ("designateElect", "true"),
        ]);
        let h = ElectMasterRequestHeader::read_from(&full).unwrap();
        assert!(h.designate_elect);
        assert_eq!(h.invoke_time, None);
        for key in ["clusterName", "brokerName", "brokerId", "designateElect"] {
            let mut m = full.clone();
            m.remove(key);
            let e = ElectMasterRequestHeader::read_from(&m).unwrap_err();
            assert_eq!(e.to_string(), format!("the custom field <{key}> is null"));
        }
    }

    #[test]
    fn elect_master_response_leaves_out_null_fields() {
        // No master: Java's header carries only the epochs.
        let h = ElectMasterResponseHeader {
            master_epoch: Some(2),
            sync_state_set_epoch: Some(3),
            ..Default::default()
        };
        round_trip(&h, &[("masterEpoch", "2"), ("syncStateSetEpoch", "3")]);
        let h = ElectMasterResponseHeader {
            master_broker_id: Some(1),
            master_address: Some("127.0.0.1:30911".into()),
            master_epoch: Some(2),
            sync_state_set_epoch: Some(3),
        };
        round_trip(
            &h,
            &[
                ("masterBrokerId", "1"),
                ("masterAddress", "127.0.0.1:30911"),
                ("masterEpoch", "2"),
                ("syncStateSetEpoch", "3"),
            ],
        );
    }

    #[test]
    fn metadata_response_uses_is_leader_key() {
        let h = GetMetaDataResponseHeader {
            group: Some("jRaft-Controller".into()),
            controller_leader_id: Some("n0".into()),
            controller_leader_address: Some("127.0.0.1:9878".into()),
            is_leader: true,
            peers: Some("n0:127.0.0.1:9878;".into()),
        };
        round_trip(
            &h,
            &[
                ("group", "jRaft-Controller"),
                ("controllerLeaderId", "n0"),
                ("controllerLeaderAddress", "127.0.0.1:9878"),
                ("isLeader", "true"),
                ("peers", "n0:127.0.0.1:9878;"),
            ],
        );
    }

    #[test]
    fn replica_info_headers() {
        round_trip(
            &GetReplicaInfoRequestHeader {
                broker_name: Some("broker-a".into()),
            },
            &[("brokerName", "broker-a")],
        );
        round_trip(
            &GetReplicaInfoResponseHeader {
                master_broker_id: Some(1),
                master_address: Some("a:1".into()),
                master_epoch: Some(4),
            },
            &[
                ("masterBrokerId", "1"),
                ("masterAddress", "a:1"),
                ("masterEpoch", "4"),
            ],
        );
    }

    #[test]
    fn clean_broker_data_header() {
        let h = CleanControllerBrokerDataRequestHeader {
            invoke_time: 7,
            ..CleanControllerBrokerDataRequestHeader::new(
                Some("c".into()),
                "b",
                Some("1;2".into()),
                true,
            )
        };
        round_trip(
            &h,
            &[
                ("clusterName", "c"),
                ("brokerName", "b"),
                ("brokerControllerIdsToClean", "1;2"),
                ("isCleanLivingBroker", "true"),
                ("invokeTime", "7"),
            ],
        );
        // clusterName and the id list are @CFNullable; brokerName is @CFNotNull.
        let h = CleanControllerBrokerDataRequestHeader::read_from(&ext(&[
            ("brokerName", "b"),
            ("isCleanLivingBroker", "false"),
            ("invokeTime", "7"),
        ]))
        .unwrap();
        assert_eq!(h.cluster_name, None);
        assert_eq!(h.broker_controller_ids_to_clean, None);
        assert!(CleanControllerBrokerDataRequestHeader::read_from(&ext(&[
            ("isCleanLivingBroker", "false"),
            ("invokeTime", "7"),
        ]))
        .is_err());
    }

    #[test]
    fn register_headers() {
        round_trip(
            &ApplyBrokerIdRequestHeader {
                cluster_name: Some("c".into()),
                broker_name: Some("b".into()),
                applied_broker_id: Some(2),
                register_check_code: Some("127.0.0.1:30911;1700000000000".into()),
            },
            &[
                ("clusterName", "c"),
                ("brokerName", "b"),
                ("appliedBrokerId", "2"),
                ("registerCheckCode", "127.0.0.1:30911;1700000000000"),
            ],
        );
        round_trip(
            &ApplyBrokerIdResponseHeader {
                cluster_name: Some("c".into()),
                broker_name: Some("b".into()),
            },
            &[("clusterName", "c"), ("brokerName", "b")],
        );
        round_trip(
            &GetNextBrokerIdRequestHeader {
                cluster_name: Some("c".into()),
                broker_name: Some("b".into()),
            },
            &[("clusterName", "c"), ("brokerName", "b")],
        );
        round_trip(
            &GetNextBrokerIdResponseHeader {
                cluster_name: Some("c".into()),
                broker_name: Some("b".into()),
                next_broker_id: Some(1),
            },
            &[
                ("clusterName", "c"),
                ("brokerName", "b"),
                ("nextBrokerId", "1"),
            ],
        );
        let h = RegisterBrokerToControllerRequestHeader {
            invoke_time: 11,
            ..RegisterBrokerToControllerRequestHeader::new("c", "b", 2, "127.0.0.1:30911")
        };
        round_trip(
            &h,
            &[
                ("clusterName", "c"),
                ("brokerName", "b"),
                ("brokerId", "2"),
                ("brokerAddress", "127.0.0.1:30911"),
                ("invokeTime", "11"),
            ],
        );
        round_trip(
            &RegisterBrokerToControllerResponseHeader {
                cluster_name: Some("c".into()),
                broker_name: Some("b".into()),
                master_broker_id: Some(1),
                master_address: Some("a:1".into()),
                master_epoch: Some(1),
                sync_state_set_epoch: Some(2),
            },
            &[
                ("clusterName", "c"),
                ("brokerName", "b"),
                ("masterBrokerId", "1"),
                ("masterAddress", "a:1"),
                ("masterEpoch", "1"),
                ("syncStateSetEpoch", "2"),
            ],
        );
    }

    #[test]
    fn notify_broker_role_changed_through_a_frame() {
        let h = NotifyBrokerRoleChangedRequestHeader {
            master_address: Some("127.0.0.1:30911".into()),
            master_epoch: Some(2),
            sync_state_set_epoch: Some(3),
            master_broker_id: Some(1),
        };
        for ser in [SerializeType::Json, SerializeType::RocketMQ] {
            let mut cmd = RemotingCommand::create_request_command(
                RequestCode::NOTIFY_BROKER_ROLE_CHANGED,
                &h,
            );
            cmd.serialize_type = ser;
            let mut buf = BytesMut::new();
            cmd.encode(&mut buf).unwrap();
            let back = RemotingCommand::decode(&mut buf).unwrap().unwrap();
            assert_eq!(back.code, 1008);
            assert_eq!(back.ext_field("masterBrokerId"), Some("1"));
            assert_eq!(back.ext_field("masterAddress"), Some("127.0.0.1:30911"));
            assert_eq!(
                back.decode_header::<NotifyBrokerRoleChangedRequestHeader>()
                    .unwrap(),
                h
            );
        }
    }
}
