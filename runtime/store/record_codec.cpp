#include "runtime/store/record_codec.hpp"

#include "strato/store/v1/envelope.pb.h"

namespace strato::store::internal {

namespace {

void set_time(google::protobuf::Timestamp& out, int64_t us) {
  out.set_seconds(us / 1'000'000);
  out.set_nanos(static_cast<int32_t>((us % 1'000'000) * 1000));
}

int64_t get_time(const google::protobuf::Timestamp& in) {
  return in.seconds() * 1'000'000 + in.nanos() / 1000;
}

} // namespace

std::string encode_envelope(const recorded_event& event) {
  strato::store::v1::EventEnvelope env;
  env.set_stream(event.stream);
  env.set_sequence(event.sequence);
  env.set_position(event.position);
  set_time(*env.mutable_recorded_at(), event.recorded_at_us);
  env.set_event_type(event.type);
  env.set_causation_id(event.causation_id);
  env.set_correlation_id(event.correlation_id);
  env.set_payload(event.payload);
  return env.SerializeAsString();
}

result<recorded_event> decode_envelope(std::string_view bytes) {
  strato::store::v1::EventEnvelope env;
  if (!env.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return status{errc::corruption, "undecodable event envelope"};
  }
  recorded_event out;
  out.stream = std::move(*env.mutable_stream());
  out.sequence = env.sequence();
  out.position = env.position();
  out.recorded_at_us = get_time(env.recorded_at());
  out.type = std::move(*env.mutable_event_type());
  out.causation_id = std::move(*env.mutable_causation_id());
  out.correlation_id = std::move(*env.mutable_correlation_id());
  out.payload = std::move(*env.mutable_payload());
  return out;
}

std::string encode_snapshot(const std::string& stream, const snapshot& snap,
                            int64_t taken_at_us) {
  strato::store::v1::Snapshot msg;
  msg.set_stream(stream);
  msg.set_version(snap.version);
  msg.set_state_type(snap.type);
  msg.set_state(snap.state);
  set_time(*msg.mutable_taken_at(), taken_at_us);
  return msg.SerializeAsString();
}

result<snapshot> decode_snapshot(std::string_view bytes) {
  strato::store::v1::Snapshot msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return status{errc::corruption, "undecodable snapshot"};
  }
  return snapshot{msg.version(), std::move(*msg.mutable_state_type()),
                  std::move(*msg.mutable_state())};
}

} // namespace strato::store::internal
