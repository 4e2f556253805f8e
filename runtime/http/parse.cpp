#include "runtime/http/parse.hpp"

#include <boost/beast/http/parser.hpp>

#include "runtime/http/request_id.hpp"

namespace strato::http {

namespace bhttp = boost::beast::http;

namespace {

method from_beast(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return method::get;
    case bhttp::verb::head:
      return method::head;
    case bhttp::verb::post:
      return method::post;
    case bhttp::verb::put:
      return method::put;
    case bhttp::verb::patch:
      return method::patch;
    case bhttp::verb::delete_:
      return method::delete_;
    case bhttp::verb::options:
      return method::options;
    default:
      return method::unknown;
  }
}

} // namespace

request to_request(bhttp::request<bhttp::string_body>&& in,
                   std::string remote_address) {
  request out;
  out.method = from_beast(in.method());
  auto target = in.target();
  out.target.assign(target.data(), target.size());
  std::string_view view{out.target};
  auto query_start = view.find('?');
  out.path = percent_decode(view.substr(0, query_start), false);
  if (query_start != std::string_view::npos) {
    parse_query(view.substr(query_start + 1), out.query_params);
  }
  for (const auto& field : in) {
    auto name = field.name_string();
    auto value = field.value();
    out.headers.add({name.data(), name.size()}, {value.data(), value.size()});
  }
  out.body = std::move(in.body());
  out.request_id = make_request_id();
  out.remote_address = std::move(remote_address);
  return out;
}

result<request> parse_request(std::string_view raw, size_t body_limit) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  parser.header_limit(header_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  auto rest = raw;
  while (!parser.is_done()) {
    auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) {
      break;
    }
  }
  if (!ec && !parser.is_done() && parser.got_some()) {
    // No more bytes will come: let the parser decide whether the message
    // ends here (a body delimited by end of input) or is truncated.
    parser.put_eof(ec);
  }
  if (ec == bhttp::error::body_limit) {
    return status{errc::invalid_argument, "Request is too large."};
  }
  if (ec || !parser.is_done()) {
    auto reason = ec ? ec.message() : std::string{"incomplete message"};
    return status{errc::invalid_argument, "Malformed HTTP request: " + reason};
  }
  return to_request(parser.release(), "");
}

} // namespace strato::http
