#include "actors/compute/core/server_index.hpp"

#include <mutex>
#include <string_view>

namespace strato::compute {

namespace {

constexpr std::string_view stream_prefix = "instance/";
const std::string event_type_name = pb::InstanceEvent{}.GetTypeName();

} // namespace

void server_index::on_events(const std::vector<store::recorded_event>& events) {
  pb::InstanceEvent ev;
  std::unique_lock lock{mutex_, std::defer_lock};
  for (const auto& rec : events) {
    if (rec.type != event_type_name
        || rec.stream.compare(0, stream_prefix.size(), stream_prefix) != 0) {
      continue;
    }
    if (!ev.ParseFromString(rec.payload)) {
      continue; // The entity refuses to load it too; nothing to show.
    }
    if (!lock.owns_lock()) {
      lock.lock();
    }
    apply(rec.stream.substr(stream_prefix.size()), ev, rec);
  }
}

void server_index::apply(const std::string& id, const pb::InstanceEvent& ev,
                         const store::recorded_event& rec) {
  if (ev.has_deleted()) {
    servers_.erase(id);
    return;
  }
  auto& server = servers_[id];
  server.model.apply(ev);
  if (ev.has_action_started()) {
    const auto& a = ev.action_started();
    server.actions.push_back({a.action(), a.request_id(), a.user_id(),
                              a.project_id(), a.at_us(), 0, false, {}});
  } else if (ev.has_action_finished()) {
    const auto& f = ev.action_finished();
    for (auto it = server.actions.rbegin(); it != server.actions.rend(); ++it) {
      if (it->request_id == f.request_id() && it->finish_us == 0) {
        it->finish_us = f.at_us() != 0 ? f.at_us() : rec.recorded_at_us;
        it->failed = f.failed();
        it->message = f.message();
        break;
      }
    }
  }
}

std::optional<server_record> server_index::find(const std::string& id) const {
  std::shared_lock lock{mutex_};
  auto it = servers_.find(id);
  if (it == servers_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> server_index::in_flight() const {
  std::shared_lock lock{mutex_};
  std::vector<std::string> out;
  for (const auto& [id, s] : servers_) {
    if (!s.model.task_state.empty() || s.model.volume_work_pending()) {
      out.push_back(id);
    }
  }
  return out;
}

size_t server_index::size() const {
  std::shared_lock lock{mutex_};
  return servers_.size();
}

status server_index::follow(store::event_store& store) {
  auto sub = store.subscribe(
    1, [this](const std::vector<store::recorded_event>& events) {
      on_events(events);
    });
  if (!sub) {
    return sub.error();
  }
  subscription_ = std::move(*sub);
  return {};
}

} // namespace strato::compute
