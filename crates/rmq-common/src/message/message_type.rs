//! `Message`: what a producer sends.

use super::message_const::*;
use bytes::Bytes;
use std::collections::HashMap;

/// A message as a producer builds it (Java `Message`): topic, flag, properties and body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub flag: i32,
    pub properties: HashMap<String, String>,
    pub body: Bytes,
    /// Transaction id, set for transactional sends.
    pub transaction_id: Option<String>,
}

impl Message {
    /// Builds a message for `topic` with `body`.
    pub fn new(topic: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Message {
            topic: topic.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    /// Builds a message with tags and keys set.
    pub fn with_tags_keys(
        topic: impl Into<String>,
        tags: &str,
        keys: &str,
        body: impl Into<Bytes>,
    ) -> Self {
        let mut m = Message::new(topic, body);
        if !tags.is_empty() {
            m.set_tags(tags);
        }
        if !keys.is_empty() {
            m.set_keys(keys);
        }
        m
    }

    /// Returns a property value.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }

    /// Sets a property, system or not.
    pub fn put_property(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.properties.insert(name.into(), value.into());
    }

    /// Removes a property.
    pub fn clear_property(&mut self, name: &str) {
        self.properties.remove(name);
    }

    /// Sets a user property; refuses reserved system names and blank names or values, as
    /// Java's `putUserProperty` does.
    pub fn put_user_property(&mut self, name: &str, value: &str) -> Result<(), String> {
        if SYSTEM_KEYS.contains(&name) {
            return Err(format!(
                "The Property<{name}> is used by system, input another please"
            ));
        }
        if name.trim().is_empty() || value.trim().is_empty() {
            return Err("The name or value of property can not be null or blank string!".into());
        }
        self.put_property(name, value);
        Ok(())
    }

    /// Returns the `TAGS` property.
    pub fn tags(&self) -> Option<&str> {
        self.property(PROPERTY_TAGS)
    }

    /// Sets the `TAGS` property.
    pub fn set_tags(&mut self, tags: &str) {
        self.put_property(PROPERTY_TAGS, tags);
    }

    /// Returns the `KEYS` property (space separated).
    pub fn keys(&self) -> Option<&str> {
        self.property(PROPERTY_KEYS)
    }

    /// Sets the `KEYS` property.
    pub fn set_keys(&mut self, keys: &str) {
        self.put_property(PROPERTY_KEYS, keys);
    }

    /// Sets `KEYS` from a list, joined with spaces.
    pub fn set_key_list<I, S>(&mut self, keys: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined: Vec<String> = keys.into_iter().map(|k| k.as_ref().to_string()).collect();
        self.set_keys(&joined.join(KEY_SEPARATOR));
    }

    /// Returns the delay level (0 = none).
    pub fn delay_time_level(&self) -> i32 {
        self.property(PROPERTY_DELAY_TIME_LEVEL)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Sets the delay level (1..=18 with the default levels).
    pub fn set_delay_time_level(&mut self, level: i32) {
        self.put_property(PROPERTY_DELAY_TIME_LEVEL, level.to_string());
    }

    /// Asks for delivery at an absolute time in ms (`TIMER_DELIVER_MS`; Java
    /// `setDeliverTimeMs`). Needs a 5.x broker with `timerWheelEnable`.
    pub fn set_deliver_time_ms(&mut self, time_ms: i64) {
        self.put_property(PROPERTY_TIMER_DELIVER_MS, time_ms.to_string());
    }

    /// Returns `TIMER_DELIVER_MS` (0 when absent or invalid; Java `getDeliverTimeMs`).
    pub fn deliver_time_ms(&self) -> i64 {
        self.timer_property(PROPERTY_TIMER_DELIVER_MS)
    }

    /// Asks for delivery `sec` seconds after the broker stores it (`TIMER_DELAY_SEC`; Java
    /// `setDelayTimeSec`).
    pub fn set_delay_time_sec(&mut self, sec: i64) {
        self.put_property(PROPERTY_TIMER_DELAY_SEC, sec.to_string());
    }

    /// Returns `TIMER_DELAY_SEC` (0 when absent or invalid; Java `getDelayTimeSec`).
    pub fn delay_time_sec(&self) -> i64 {
        self.timer_property(PROPERTY_TIMER_DELAY_SEC)
    }

    /// Asks for delivery `ms` milliseconds after the broker stores it (`TIMER_DELAY_MS`;
    /// Java `setDelayTimeMs`).
    pub fn set_delay_time_ms(&mut self, ms: i64) {
        self.put_property(PROPERTY_TIMER_DELAY_MS, ms.to_string());
    }

    /// Returns `TIMER_DELAY_MS` (0 when absent or invalid; Java `getDelayTimeMs`).
    pub fn delay_time_ms(&self) -> i64 {
        self.timer_property(PROPERTY_TIMER_DELAY_MS)
    }

    fn timer_property(&self, name: &str) -> i64 {
        self.property(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Returns whether the sender waits for the store to flush (`WAIT`, absent means true).
    pub fn is_wait_store_msg_ok(&self) -> bool {
        self.property(PROPERTY_WAIT_STORE_MSG_OK)
            .map(|v| v != "false")
            .unwrap_or(true)
    }

    /// Sets `WAIT`.
    pub fn set_wait_store_msg_ok(&mut self, wait: bool) {
        self.put_property(
            PROPERTY_WAIT_STORE_MSG_OK,
            if wait { "true" } else { "false" },
        );
    }

    /// Returns the producer-made unique id (`UNIQ_KEY`).
    pub fn uniq_key(&self) -> Option<&str> {
        self.property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
    }

    /// Returns the message's buyer id (`BUYER_ID`).
    pub fn buyer_id(&self) -> Option<&str> {
        self.property(PROPERTY_BUYER_ID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_setters_use_java_properties() {
        let mut m = Message::new("T", "b");
        assert_eq!(
            (m.deliver_time_ms(), m.delay_time_sec(), m.delay_time_ms()),
            (0, 0, 0)
        );
        m.set_deliver_time_ms(1_700_000_000_123);
        m.set_delay_time_sec(3);
        m.set_delay_time_ms(2500);
        assert_eq!(m.property("TIMER_DELIVER_MS"), Some("1700000000123"));
        assert_eq!(m.property("TIMER_DELAY_SEC"), Some("3"));
        assert_eq!(m.property("TIMER_DELAY_MS"), Some("2500"));
        assert_eq!(
            (m.deliver_time_ms(), m.delay_time_sec(), m.delay_time_ms()),
            (1_700_000_000_123, 3, 2500)
        );
    }
}
