// strato-bench tokens: the identity service's per-request crypto. Token
// validation runs on every API call of every service, so decode/s bounds the
// request rate a node can authenticate; password hashing bounds logins/s.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "actors/identity/crypto/password_hash.hpp"
#include "actors/identity/crypto/token_codec.hpp"
#include "bench/benches.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;
using identity::timestamp;

/// Distinct tokens to decode round-robin, so no cache sees one token only.
constexpr size_t token_pool = 1024;

template <class T>
const T& must(const result<T>& r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s failed: %s\n", what, r.error().describe().c_str());
    std::abort();
  }
  return r.value();
}

/// A project-scoped password token as Keystone issues them: hex uuids, one
/// audit id, one hour of life.
identity::token_payload typical_payload(size_t i, timestamp now) {
  identity::token_payload p;
  char user[33];
  std::snprintf(user, sizeof user, "%032zx", i + 1);
  p.user_id = user;
  p.methods = {identity::auth_method::password};
  p.scope = identity::scope_kind::project;
  p.scope_id = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
  p.issued_at = now;
  p.expires_at = now + std::chrono::hours{1};
  p.audit_ids = {must(identity::random_audit_id(), "audit id")};
  return p;
}

/// Runs `op(thread, i)` on `threads` threads until `length` has passed,
/// timing each call.
template <class Op>
measurement timed(std::string name, int threads, clock::duration length,
                  Op op) {
  std::vector<latencies> per_thread(static_cast<size_t>(threads));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& lat = per_thread[static_cast<size_t>(t)];
      lat.reserve(1 << 20);
      ++ready;
      while (!go.load(std::memory_order_acquire)) {
        std::this_thread::yield();
      }
      auto deadline = clock::now() + length;
      for (size_t i = 0;; ++i) {
        auto start = clock::now();
        op(t, i);
        auto end = clock::now();
        lat.add(std::chrono::duration<double, std::micro>(end - start).count());
        if (end >= deadline) {
          break;
        }
      }
    });
  }
  while (ready.load() < threads) {
    std::this_thread::yield();
  }
  auto start = clock::now();
  go.store(true, std::memory_order_release);
  for (auto& w : workers) {
    w.join();
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  latencies all;
  for (auto& l : per_thread) {
    all.merge(l);
  }
  measurement m;
  m.bench = "tokens";
  m.name = std::move(name);
  m.ops_per_s = static_cast<double>(all.size()) / seconds;
  m.p50_us = all.quantile(0.50);
  m.p99_us = all.quantile(0.99);
  m.params = {{"threads", std::to_string(threads)}};
  return m;
}

/// A staged, a primary and a secondary key, as after the first rotation.
identity::key_set three_keys() {
  std::vector<std::pair<uint32_t, identity::key_material>> keys;
  for (uint32_t index : {0u, 1u, 2u}) {
    keys.emplace_back(index, must(identity::random_key_material(), "key"));
  }
  return must(identity::key_set::from_keys(keys), "key set");
}

void run_token_cases(const bench_options& opts, reporter& out) {
  auto keys = three_keys();
  auto now = identity::now_utc();
  std::vector<identity::token_payload> payloads;
  std::vector<std::string> tokens;
  for (size_t i = 0; i < token_pool; ++i) {
    payloads.push_back(typical_payload(i, now));
    tokens.push_back(must(identity::encode_token(payloads.back(), keys),
                          "encode"));
  }
  auto token_chars = std::to_string(tokens.front().size());
  for (int threads : {1, 2}) {
    auto m = timed("encode/t" + std::to_string(threads), threads,
                   opts.seconds_per_case, [&](int, size_t i) {
                     const auto& p = payloads[i % token_pool];
                     must(identity::encode_token(p, keys), "encode");
                   });
    m.params.emplace_back("keys", "3");
    m.params.emplace_back("token_chars", token_chars);
    out.add(m);
  }
  for (int threads : {1, 2}) {
    auto m = timed("decode/t" + std::to_string(threads), threads,
                   opts.seconds_per_case, [&](int, size_t i) {
                     must(identity::decode_token(tokens[i % token_pool], keys,
                                                 now),
                          "decode");
                   });
    m.params.emplace_back("keys", "3");
    m.params.emplace_back("token_chars", token_chars);
    out.add(m);
  }
}

void run_password_case(const bench_options& opts, reporter& out) {
  auto iterations = identity::default_pbkdf2_iterations;
  // One hash takes tens of milliseconds; a short case still gets a few.
  auto length = opts.quick ? std::chrono::milliseconds{200}
                           : opts.seconds_per_case;
  auto m = timed("password_hash", 1, length, [&](int, size_t) {
    must(identity::hash_password("correct horse battery staple", iterations),
         "hash");
  });
  char ms_per_hash[32];
  std::snprintf(ms_per_hash, sizeof ms_per_hash, "%.2f", m.p50_us / 1000);
  m.params.emplace_back("scheme", "pbkdf2-sha512");
  m.params.emplace_back("iterations", std::to_string(iterations));
  m.params.emplace_back("ms_per_hash", ms_per_hash);
  out.add(m);
}

} // namespace

int run_tokens(const bench_options& opts, reporter& out) {
  run_token_cases(opts, out);
  run_password_case(opts, out);
  return 0;
}

} // namespace strato::bench
