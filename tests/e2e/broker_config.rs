//! The broker's config as a process shows it: GET_BROKER_CONFIG prints Java 5.3.3's field
//! names, honours `timerWheelEnable`, and keys a broker.conf sets that rmq does not
//! implement are warned about at start-up.

use rmq_common::properties;
use rmq_remoting::{RemotingCommand, RequestCode, ResponseCode};
use rmq_testkit::{BrokerSpec, Cluster};

#[tokio::test]
async fn get_broker_config_names_and_not_implemented_key_warnings() {
    let cluster = Cluster::builder()
        .broker(
            BrokerSpec::new("broker-cfg")
                .prop("aclEnable", "true")
                .prop("timerWheelEnable", "false")
                .prop("timerWarmEnable", "true")
                .prop("inBrokerContainer", "false")
                .prop("scanAvailableNameSrv", "false"),
        )
        .start_processes()
        .await
        .unwrap();
    let addr = cluster.broker_addr(0).unwrap().to_string();
    let resp = cluster
        .client()
        .invoke(
            &addr,
            RemotingCommand::new_request(RequestCode::GET_BROKER_CONFIG),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(resp.response_code(), ResponseCode::SUCCESS);
    let config = properties::parse(&String::from_utf8_lossy(&resp.body));
    // Java 5.3.3 prints field names.
    assert_eq!(config["isInBrokerContainer"], "false");
    assert_eq!(config["isScanAvailableNameSrv"], "false");
    assert!(!config.contains_key("inBrokerContainer"));
    assert!(!config.contains_key("scanAvailableNameSrv"));
    // The timer wheel's switch is taken from the file.
    assert_eq!(config["timerWheelEnable"], "false");

    let out = std::fs::read_to_string(cluster.dir().join("logs/broker-broker-cfg.out")).unwrap();
    assert!(
        !out.contains("config key timerWheelEnable is parsed"),
        "{out}"
    );
    for key in ["aclEnable", "timerWarmEnable"] {
        let line = format!("config key {key} is parsed but not implemented by rmq yet");
        assert_eq!(out.matches(&line).count(), 1, "{key}:\n{out}");
    }
    assert!(!out.contains("config key brokerName is parsed"), "{out}");
}
