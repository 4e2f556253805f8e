// POST /servers/{id}/action: the server actions, each checked by the
// instance entity against Nova's state rules (409 with Nova's message when
// illegal) before anything is recorded.

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"

namespace strato::compute {

void run_action(const compute_api& self, const call& c, const std::string& id,
                action_request req, int success_status, json success_body) {
  req.request_id = c.req.request_id;
  req.user_id = c.caller.user_id;
  req.project_id = c.caller.project_id;
  req.admin = c.admin();
  self.ask_instance<bool>(
    id, caf::make_message(action_atom::value, std::move(req)),
    [c, success_status, body = std::move(success_body)](result<bool> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      c.send(success_status, body);
    });
}

namespace {

struct simple_action {
  std::string_view key;
  action_kind kind;
  int status;
};

const simple_action simple_actions[] = {
  {"os-start", action_kind::start, 202},
  {"os-stop", action_kind::stop, 202},
  {"pause", action_kind::pause, 202},
  {"unpause", action_kind::unpause, 202},
  {"suspend", action_kind::suspend, 202},
  {"resume", action_kind::resume, 202},
  {"unlock", action_kind::unlock, 202},
  {"confirmResize", action_kind::confirm_resize, 204},
  {"revertResize", action_kind::revert_resize, 202},
  {"shelve", action_kind::shelve, 202},
  {"shelveOffload", action_kind::shelve_offload, 202},
  {"unshelve", action_kind::unshelve, 202},
  {"forceDelete", action_kind::force_delete, 202},
};

void resize(const compute_api& self, const call& c, const server_record& s,
            const json& in) {
  if (!in.is_object() || !in.contains("flavorRef")
      || !(in["flavorRef"].is_string() || in["flavorRef"].is_number())) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "resize. 'flavorRef' is a required "
                                    "property"});
    return;
  }
  auto flavor_id = in["flavorRef"].is_string()
                     ? in["flavorRef"].get<std::string>()
                     : in["flavorRef"].dump();
  auto flavor = self.catalog->read([&](const catalog& cat) {
    const auto* f = cat.flavor(flavor_id);
    return f && cat.flavor_visible(*f, c.caller.project_id, c.admin())
             ? std::optional<pb::Flavor>{*f}
             : std::nullopt;
  });
  if (!flavor) {
    c.fail({errc::invalid_argument, "Unable to find flavor " + flavor_id});
    return;
  }
  if (flavor->id() == s.model.flavor.id()) {
    c.fail({errc::invalid_argument,
            "When resizing, instances must change flavor!"});
    return;
  }
  action_request req;
  req.kind = action_kind::resize;
  req.new_flavor = *flavor;
  run_action(self, c, s.model.id(), std::move(req), 202, nullptr);
}

/// nova.compute.manager._tail_log: the last `n` of the '\n'-split lines.
std::string tail_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines{""};
  for (char ch : text) {
    if (ch == '\n') {
      lines.emplace_back();
    } else {
      lines.back() += ch;
    }
  }
  std::string out;
  auto first = lines.size() > n ? lines.size() - n : 0;
  for (auto i = first; i < lines.size(); ++i) {
    if (i != first) {
      out += '\n';
    }
    out += lines[i];
  }
  return out;
}

void console_output(const compute_api& self, const call& c,
                    const std::string& id, const json& in) {
  int64_t length = -1;
  if (in.is_object() && in.contains("length") && !in["length"].is_null()) {
    const auto& l = in["length"];
    if (l.is_number_integer()) {
      length = l.get<int64_t>();
    } else if (l.is_string()) {
      try {
        length = std::stoll(l.get<std::string>());
      } catch (const std::exception&) {
        c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                        "length."});
        return;
      }
    }
  }
  self.ask_instance<std::string>(
    id, caf::make_message(console_atom::value, int64_t{1} << 20),
    [c, length](result<std::string> r) {
      if (!r) {
        c.fail(r.error().code() == errc::not_implemented
                 ? status{errc::not_implemented, r.error().message()}
                 : r.error());
        return;
      }
      auto text = std::move(*r);
      if (length >= 0) {
        text = tail_lines(text, static_cast<size_t>(length));
      }
      c.send(200, {{"output", text}});
    });
}

void dispatch(const compute_api& self, call& c) {
  std::string id{*c.req.path_params.get("id")};
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  if (body->size() != 1) {
    c.fail({errc::invalid_argument, "There is no such action: "
                                      + (body->empty() ? std::string{}
                                                       : body->begin().key())});
    return;
  }
  const auto& key = body->begin().key();
  const auto& in = body->begin().value();
  for (const auto& a : simple_actions) {
    if (key == a.key) {
      action_request req;
      req.kind = a.kind;
      run_action(self, c, id, std::move(req), a.status, nullptr);
      return;
    }
  }
  if (key == "reboot") {
    auto type = in.is_object() && in.contains("type") && in["type"].is_string()
                  ? in["type"].get<std::string>()
                  : std::string{};
    if (type != "SOFT" && type != "HARD" && type != "soft" && type != "hard") {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                      "type. Value: " + type
                                        + ". 'type' is a required property"});
      return;
    }
    action_request req;
    req.kind = type == "HARD" || type == "hard" ? action_kind::reboot_hard
                                                : action_kind::reboot;
    run_action(self, c, id, std::move(req), 202, nullptr);
  } else if (key == "lock") {
    action_request req;
    req.kind = action_kind::lock;
    if (c.at_least(73) && in.is_object() && in.contains("locked_reason")
        && in["locked_reason"].is_string()) {
      req.lock_reason = in["locked_reason"].get<std::string>();
    }
    run_action(self, c, id, std::move(req), 202, nullptr);
  } else if (key == "resize") {
    resize(self, c, *s, in);
  } else if (key == "migrate" || key == "os-migrateLive") {
    action_request req;
    req.kind = key == "migrate" ? action_kind::migrate
                                : action_kind::live_migrate;
    if (in.is_object() && in.contains("host") && in["host"].is_string()) {
      req.target_host = in["host"].get<std::string>();
    }
    run_action(self, c, id, std::move(req), 202, nullptr);
  } else if (key == "rebuild") {
    if (!in.is_object() || !in.contains("imageRef")
        || !in["imageRef"].is_string()) {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                      "rebuild. 'imageRef' is a required "
                                      "property"});
      return;
    }
    action_request req;
    req.kind = action_kind::rebuild;
    req.image_id = in["imageRef"].get<std::string>();
    auto view = render_server(c, *s, true);
    view["status"] = "REBUILD";
    run_action(self, c, id, std::move(req), 202, {{"server", view}});
  } else if (key == "evacuate") {
    evacuate_server(self, c, *s, *body);
  } else if (key == "os-getConsoleOutput") {
    console_output(self, c, id, in);
  } else {
    c.fail({errc::not_implemented,
            "The server action '" + key
              + "' is not implemented by this Strato node."});
  }
}

} // namespace

void compute_api::install_actions(http::router& routes) const {
  routes.add(http::method::post, "/compute/v2.1/servers/{id}/action",
             wrap([this](call& c) { dispatch(*this, c); }));
}

} // namespace strato::compute
