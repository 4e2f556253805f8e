// strato-bench images: image upload and download MB/s through the whole
// Glance path (HTTP streaming, md5 + sha512 while writing, fsync, format
// check, rename, events) on an in-process node, against `cp` of a file of
// the same size on the same disk. The client reads its file from, and
// writes the download to, that disk too, as `openstack image create --file`
// and `image save --file` do.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "bench/benches.hpp"
#include "runtime/server/node.hpp"

namespace strato::bench {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr size_t chunk = 1 << 20;

tcp::endpoint local(uint16_t port) {
  return {net::ip::make_address("127.0.0.1"), port};
}

bhttp::response<bhttp::string_body>
call(uint16_t port, bhttp::verb verb, const std::string& target,
     const std::string& body, const std::string& token = {}) {
  net::io_context io;
  beast::tcp_stream stream{io};
  stream.connect(local(port));
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  if (!token.empty()) {
    req.set("X-Auth-Token", token);
  }
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  return res;
}

/// Streams `path` as the body of PUT .../file; answers the status.
unsigned upload(uint16_t port, const std::string& token, const std::string& id,
                const std::string& path, uint64_t size) {
  net::io_context io;
  tcp::socket socket{io};
  socket.connect(local(port));
  auto head = fmt::format("PUT /image/v2/images/{}/file HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\nX-Auth-Token: {}\r\n"
                          "Content-Type: application/octet-stream\r\n"
                          "Content-Length: {}\r\n\r\n",
                          id, token, size);
  net::write(socket, net::buffer(head));
  std::ifstream in{path, std::ios::binary};
  std::string buffer(chunk, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    net::write(socket, net::buffer(buffer.data(),
                                   static_cast<size_t>(in.gcount())));
  }
  beast::flat_buffer read_buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, read_buffer, res);
  return res.result_int();
}

/// GET .../file into `path`; answers the bytes written.
uint64_t download(uint16_t port, const std::string& token,
                  const std::string& id, const std::string& path) {
  net::io_context io;
  tcp::socket socket{io};
  socket.connect(local(port));
  bhttp::request<bhttp::empty_body> req{
    bhttp::verb::get, "/image/v2/images/" + id + "/file", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set("X-Auth-Token", token);
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(std::numeric_limits<uint64_t>::max());
  bhttp::read_header(socket, buffer, parser);
  std::FILE* out = std::fopen(path.c_str(), "wb");
  std::string piece(chunk, '\0');
  uint64_t total = 0;
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    beast::error_code ec;
    bhttp::read(socket, buffer, parser, ec);
    if (ec && ec != bhttp::error::need_buffer) {
      break;
    }
    auto got = piece.size() - parser.get().body().size;
    std::fwrite(piece.data(), 1, got, out);
    total += got;
  }
  std::fflush(out);
  ::fsync(::fileno(out));
  std::fclose(out);
  return total;
}

void write_random_file(const std::string& path, uint64_t size) {
  std::mt19937_64 rng{42};
  std::string buffer(chunk, '\0');
  std::ofstream out{path, std::ios::binary};
  for (uint64_t done = 0; done < size; done += chunk) {
    for (size_t i = 0; i + 8 <= buffer.size(); i += 8) {
      auto v = rng();
      std::memcpy(buffer.data() + i, &v, 8);
    }
    out.write(buffer.data(), static_cast<std::streamsize>(
                               std::min<uint64_t>(chunk, size - done)));
  }
}

double seconds_since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

void report(reporter& out, const std::string& name, uint64_t size,
            const std::vector<double>& seconds, double cp_seconds) {
  auto sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  auto median = sorted[sorted.size() / 2];
  measurement m;
  m.bench = "images";
  m.name = name;
  m.ops_per_s = 1.0 / median;
  m.p50_us = median * 1e6;
  m.p99_us = sorted.back() * 1e6;
  auto mb = static_cast<double>(size) / (1 << 20);
  m.params = {{"size_mib", fmt::format("{:.0f}", mb)},
              {"mb_per_s", fmt::format("{:.1f}", mb / median)},
              {"cp_mb_per_s", fmt::format("{:.1f}", mb / cp_seconds)},
              {"vs_cp", fmt::format("{:.2f}x", median / cp_seconds)},
              {"runs", std::to_string(seconds.size())}};
  out.add(m);
}

} // namespace

int run_images(const bench_options& opts, reporter& out) {
  scratch_dir dir{opts.dir};
  server::node_config config;
  config.data_dir = dir.path() + "/data";
  config.listen = "127.0.0.1:0";
  config.admin_password = "bench-password";
  config.log_level = "warn";
  auto started = server::node::start(config);
  if (!started) {
    std::fprintf(stderr, "images bench: %s\n",
                 started.error().describe().c_str());
    return 1;
  }
  auto& node = *started;
  auto port = node->port();
  auto auth = call(port, bhttp::verb::post, "/identity/v3/auth/tokens",
                   R"({"auth":{"identity":{"methods":["password"],"password":
                   {"user":{"name":"admin","domain":{"id":"default"},
                   "password":"bench-password"}}},"scope":{"project":
                   {"name":"admin","domain":{"id":"default"}}}}})");
  std::string token{auth["X-Subject-Token"]};
  uint64_t size = (opts.quick ? 32 : 256) * uint64_t{1 << 20};
  int runs = opts.quick ? 1 : 3;
  auto source = dir.path() + "/source.img";
  write_random_file(source, size);
  std::vector<double> cp_runs;
  for (int i = 0; i < runs; ++i) {
    auto start = clock::now();
    auto command = "cp " + source + " " + dir.path() + "/copy.img && sync "
                   + dir.path() + "/copy.img";
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "images bench: cp failed\n");
      return 1;
    }
    cp_runs.push_back(seconds_since(start));
    std::remove((dir.path() + "/copy.img").c_str());
  }
  std::sort(cp_runs.begin(), cp_runs.end());
  auto cp_seconds = cp_runs[cp_runs.size() / 2];
  std::vector<double> up_runs;
  std::vector<double> down_runs;
  for (int i = 0; i < runs; ++i) {
    auto created = call(port, bhttp::verb::post, "/image/v2/images",
                        R"({"name":"bench","disk_format":"raw",
                        "container_format":"bare"})",
                        token);
    auto id = nlohmann::json::parse(created.body())["id"].get<std::string>();
    auto start = clock::now();
    auto code = upload(port, token, id, source, size);
    up_runs.push_back(seconds_since(start));
    if (code != 204) {
      std::fprintf(stderr, "images bench: upload answered %u\n", code);
      return 1;
    }
    start = clock::now();
    auto got = download(port, token, id, dir.path() + "/download.img");
    down_runs.push_back(seconds_since(start));
    std::remove((dir.path() + "/download.img").c_str());
    if (got != size) {
      std::fprintf(stderr, "images bench: downloaded %lu of %lu bytes\n",
                   static_cast<unsigned long>(got),
                   static_cast<unsigned long>(size));
      return 1;
    }
  }
  report(out, "upload", size, up_runs, cp_seconds);
  report(out, "download", size, down_runs, cp_seconds);
  node->stop();
  return 0;
}

} // namespace strato::bench
