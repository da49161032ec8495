//! The events Fin sends about a conversation it holds (by webhook, or on the server-sent events
//! stream that `startFinConversation` names) decode as `FinAgentEvent`, by `event_name`; an event
//! this client does not know stays JSON instead of failing.

use intercom::types::{FinAgentEvent, FinAgentStatusUpdatedEventStatus, FinCsatRating};
use serde_json::{json, Value};

fn decode(value: Value) -> FinAgentEvent {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value} does not decode: {e}"))
}

#[test]
fn each_event_decodes_as_its_variant() {
    let replied = decode(json!({
        "event_name": "fin_replied", "conversation_id": "chat-88410", "user_id": "user-2231",
        "message": {"id": "m-1", "author": "fin", "body": "<p>Reset the feeder.</p>", "timestamp_ms": "2026-03-02T09:15:09.512Z"},
        "status": "awaiting_user_reply", "stream_id": "s-7", "created_at_ms": "2026-03-02T09:15:09.530Z"
    }));
    let FinAgentEvent::FinAgentRepliedEvent(replied) = replied else { panic!("fin_replied: {replied:?}") };
    assert_eq!(replied.message.body, "<p>Reset the feeder.</p>");
    assert_eq!(replied.stream_id.as_deref(), Some("s-7"));

    let chunk = decode(json!({
        "event_name": "fin_reply_chunk", "conversation_id": "chat-88410", "stream_id": "s-7",
        "chunk_index": 2, "chunk_text": "Reset the", "status": "replying", "created_at_ms": "2026-03-02T09:15:08.001Z"
    }));
    let FinAgentEvent::FinAgentReplyChunkEvent(chunk) = chunk else { panic!("fin_reply_chunk: {chunk:?}") };
    assert_eq!((chunk.chunk_index, chunk.chunk_text.as_str()), (2, "Reset the"));

    let status = decode(json!({
        "event_name": "fin_status_updated", "conversation_id": "chat-88410", "user_id": "user-2231",
        "status": "escalated", "reason": "Escalation requested by user", "created_at_ms": "2026-03-02T09:17:00.000Z"
    }));
    let FinAgentEvent::FinAgentStatusUpdatedEvent(status) = status else { panic!("fin_status_updated: {status:?}") };
    assert_eq!(status.status, FinAgentStatusUpdatedEventStatus::Escalated);

    let csat = decode(json!({
        "event_name": "csat_requested", "conversation_id": "chat-88410", "user_id": "user-2231",
        "csat": {"options": [
            {"key": "bad", "emoji": "🙁", "label": "Schlecht"},
            {"key": "amazing", "emoji": "🤩", "label": "Großartig"}
        ]},
        "created_at_ms": "2026-03-02T09:18:00.000Z"
    }));
    let FinAgentEvent::FinAgentCsatRequestedEvent(csat) = csat else { panic!("csat_requested: {csat:?}") };
    let keys: Vec<FinCsatRating> = csat.csat.options.iter().map(|o| o.key.clone()).collect();
    assert_eq!(keys, [FinCsatRating::Bad, FinCsatRating::Amazing]);
}

#[test]
fn an_unknown_event_is_kept_as_json() {
    let value = json!({"event_name": "fin_typing", "conversation_id": "chat-88410"});
    assert_eq!(decode(value.clone()), FinAgentEvent::Unknown(value));
}
