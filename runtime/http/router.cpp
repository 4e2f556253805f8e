#include "runtime/http/router.hpp"

#include <atomic>
#include <optional>
#include <utility>

namespace strato::http {

namespace detail {

struct reply_state {
  responder::sink deliver;
  service_flavor flavor = service_flavor::compute;
  std::string request_id;
  std::atomic<bool> sent{false};

  ~reply_state() {
    if (!sent.load(std::memory_order_acquire) && deliver) {
      request req;
      req.request_id = request_id;
      deliver(make_error(flavor, 500,
                         "The server has either erred or is incapable of "
                         "performing the requested operation.",
                         req));
    }
  }
};

} // namespace detail

responder::responder(sink deliver, service_flavor flavor,
                     std::string request_id)
  : state_(std::make_shared<detail::reply_state>()) {
  state_->deliver = std::move(deliver);
  state_->flavor = flavor;
  state_->request_id = std::move(request_id);
}

void responder::send(response r) const {
  if (!state_ || state_->sent.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  state_->deliver(std::move(r));
}

void responder::fail(int status, std::string message) const {
  if (!state_) {
    return;
  }
  request req;
  req.request_id = state_->request_id;
  send(make_error(state_->flavor, status, std::move(message), req));
}

void responder::fail(const status& error) const {
  fail(http_status(error.code()), error.message());
}

service_flavor responder::flavor() const noexcept {
  return state_ ? state_->flavor : service_flavor::compute;
}

service_flavor flavor_for_path(std::string_view path) noexcept {
  auto starts = [&](std::string_view prefix) {
    return path.substr(0, prefix.size()) == prefix
           && (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  if (starts("/identity")) {
    return service_flavor::identity;
  }
  if (starts("/image")) {
    return service_flavor::image;
  }
  if (starts("/volume")) {
    return service_flavor::volume;
  }
  if (starts("/network")) {
    return service_flavor::network;
  }
  if (starts("/placement")) {
    return service_flavor::placement;
  }
  return service_flavor::compute;
}

namespace {

/// The non-empty segments of `path`; "/a//b/" has two.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) {
      next = path.size();
    }
    if (next > pos) {
      out.push_back(path.substr(pos, next - pos));
    }
    pos = next + 1;
  }
  return out;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

/// A handler with the capture names of its own pattern: patterns that share
/// a trie node may name their captures differently.
struct router::route {
  handler run;
  std::vector<std::string> capture_names;
  /// Set for routes that read their body as a stream, with its size limit.
  std::optional<uint64_t> stream_limit;
};

struct router::node {
  std::map<std::string, std::unique_ptr<node>, std::less<>> literals;
  std::unique_ptr<node> capture;
  std::map<method, route> handlers;
  std::optional<route> fallback;
};

router::router() : root_(std::make_unique<node>()) {
}
router::~router() = default;
router::router(router&&) noexcept = default;
router& router::operator=(router&&) noexcept = default;

void router::add_fallback(std::string_view prefix, handler h) {
  insert(prefix)->fallback
    = route{std::move(h), capture_names(prefix), std::nullopt};
}

void router::add(method m, std::string_view pattern, handler h) {
  auto* current = insert(pattern);
  route r{std::move(h), capture_names(pattern), std::nullopt};
  if (current->handlers.insert_or_assign(m, std::move(r)).second) {
    ++routes_;
  }
}

void router::add_streaming(method m, std::string_view pattern,
                           uint64_t body_limit, handler h) {
  auto* current = insert(pattern);
  route r{std::move(h), capture_names(pattern), body_limit};
  if (current->handlers.insert_or_assign(m, std::move(r)).second) {
    ++routes_;
  }
}

std::optional<uint64_t>
router::streamed_body_limit(method m, std::string_view target) const {
  const node* current = root_.get();
  for (auto segment : split_segments(target.substr(0, target.find('?')))) {
    if (auto it = current->literals.find(segment);
        it != current->literals.end()) {
      current = it->second.get();
    } else if (current->capture) {
      current = current->capture.get();
    } else {
      return std::nullopt;
    }
  }
  auto found = current->handlers.find(m);
  if (found == current->handlers.end()) {
    return std::nullopt;
  }
  return found->second.stream_limit;
}

std::vector<std::string> router::capture_names(std::string_view pattern) {
  std::vector<std::string> out;
  for (auto segment : split_segments(pattern)) {
    if (is_capture(segment)) {
      out.emplace_back(segment.substr(1, segment.size() - 2));
    }
  }
  return out;
}

router::node* router::insert(std::string_view pattern) {
  auto* current = root_.get();
  for (auto segment : split_segments(pattern)) {
    if (is_capture(segment)) {
      if (!current->capture) {
        current->capture = std::make_unique<node>();
      }
      current = current->capture.get();
      continue;
    }
    auto it = current->literals.find(segment);
    if (it == current->literals.end()) {
      it = current->literals
             .emplace(std::string{segment}, std::make_unique<node>())
             .first;
    }
    current = it->second.get();
  }
  return current;
}

void router::dispatch(request req, responder reply) const {
  const node* current = root_.get();
  const route* fallback = nullptr;
  size_t fallback_captures = 0;
  std::vector<std::string> captured;
  // Segments come from the raw target so that an escaped '/' inside a name
  // stays inside its segment; captures are decoded one by one.
  bool raw = !req.target.empty();
  std::string_view path = raw ? std::string_view{req.target} : req.path;
  path = path.substr(0, path.find('?'));
  for (auto segment : split_segments(path)) {
    if (current->fallback) {
      fallback = &*current->fallback;
      fallback_captures = captured.size();
    }
    if (auto it = current->literals.find(segment);
        it != current->literals.end()) {
      current = it->second.get();
    } else if (current->capture) {
      captured.push_back(raw ? percent_decode(segment, false)
                             : std::string{segment});
      current = current->capture.get();
    } else {
      current = nullptr;
      break;
    }
  }
  const route* chosen = nullptr;
  if (current != nullptr) {
    if (current->fallback) {
      fallback = &*current->fallback;
      fallback_captures = captured.size();
    }
    auto found = current->handlers.find(req.method);
    if (found == current->handlers.end() && req.method == method::head) {
      found = current->handlers.find(method::get);
    }
    if (found != current->handlers.end()) {
      chosen = &found->second;
    }
  }
  if (chosen == nullptr && fallback != nullptr) {
    chosen = fallback;
    captured.resize(fallback_captures);
  }
  if (chosen != nullptr) {
    for (size_t i = 0; i < chosen->capture_names.size() && i < captured.size();
         ++i) {
      req.path_params.add(chosen->capture_names[i], std::move(captured[i]));
    }
    chosen->run(std::move(req), std::move(reply));
  } else if (current != nullptr && !current->handlers.empty()) {
    reply.fail(405, "The method is not allowed for this resource.");
  } else {
    reply.fail(404, "The resource could not be found.");
  }
}

} // namespace strato::http
