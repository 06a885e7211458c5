#include "net/http_client.hpp"

#include "net/http_client_impl.hpp"
#include "net/http_client_session.hpp"

namespace tutorbot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using http_client_detail::client_session;
using beast::iequals;
using http_client_detail::has_line_break;
using http_client_detail::connection;
using http_client_detail::steady;

std::optional<std::string> client_response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

std::string_view to_string(client_error_kind kind) {
  switch (kind) {
    case client_error_kind::bad_url: return "bad_url";
    case client_error_kind::insecure_scheme: return "insecure_scheme";
    case client_error_kind::resolve: return "resolve";
    case client_error_kind::connect: return "connect";
    case client_error_kind::tls: return "tls";
    case client_error_kind::certificate: return "certificate";
    case client_error_kind::timeout: return "timeout";
    case client_error_kind::too_large: return "too_large";
    case client_error_kind::protocol: return "protocol";
    case client_error_kind::closed: return "closed";
  }
  return "unknown";
}


void http_client::impl::start(client_request request, std::function<void(client_result)> done) {
  if (closed) return done(client_error{client_error_kind::closed, "http client is shut down"});
  auto url = parse_url(request.url);
  if (!url)
    return done(client_error{client_error_kind::bad_url,
                             "malformed URL \"" + request.url + "\": expected http(s)://host[:port]/path?query"});
  if (!url->tls && !is_loopback_host(url->host))
    return done(client_error{client_error_kind::insecure_scheme,
                             "refusing plain http:// to " + url->host + ": use https:// (http only to loopback)"});

  http::request<http::string_body> req;
  req.version(11);
  const std::string method = request.method.empty() ? "GET" : request.method;
  if (const auto verb = http::string_to_verb(method); verb != http::verb::unknown)
    req.method(verb);
  else
    req.method_string(method);
  req.target(url->target);
  req.set(http::field::host, url->host_header());
  req.set(http::field::user_agent, options.user_agent);
  for (const auto& h : request.headers) {
    if (h.name.empty() || has_line_break(h.name) || has_line_break(h.value))
      return done(client_error{client_error_kind::protocol,
                               "request header \"" + h.name + "\" is empty or contains a line break"});
    // Framing is ours to decide: a caller's Content-Length could desynchronise the stream.
    if (iequals(h.name, "content-length") || iequals(h.name, "transfer-encoding")) continue;
    if (iequals(h.name, "host") || iequals(h.name, "user-agent"))
      req.set(h.name, h.value);
    else
      req.insert(h.name, h.value);
  }
  req.body() = std::move(request.body);
  req.prepare_payload();

  prune_idle();
  auto session = std::make_shared<client_session>(shared_from_this(), std::move(*url), std::move(req),
                                                  request.timeout, std::move(done));
  session->start();
}

std::unique_ptr<connection> http_client::impl::take_idle(const std::string& key) {
  const auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& conns = it->second;
  std::unique_ptr<connection> found;
  while (!conns.empty() && !found) {
    auto conn = std::move(conns.back());  // most recently used: least likely closed by the server
    conns.pop_back();
    if (steady::now() - conn->idle_since < options.idle_keepalive)
      found = std::move(conn);
    else
      conn->close();
  }
  if (conns.empty()) idle.erase(it);
  return found;
}

void http_client::impl::put_idle(const std::string& key, std::unique_ptr<connection> conn) {
  if (options.max_idle_per_host == 0) return conn->close();
  auto& conns = idle[key];
  while (conns.size() >= options.max_idle_per_host) {
    conns.front()->close();
    conns.pop_front();
  }
  conn->idle_since = steady::now();
  conns.push_back(std::move(conn));
}

void http_client::impl::prune_idle() {
  const auto now = steady::now();
  for (auto it = idle.begin(); it != idle.end();) {
    auto& conns = it->second;
    while (!conns.empty() && now - conns.front()->idle_since >= options.idle_keepalive) {
      conns.front()->close();
      conns.pop_front();
    }
    it = conns.empty() ? idle.erase(it) : std::next(it);
  }
}

void http_client::impl::close_all() {
  closed = true;
  for (auto& [key, conns] : idle)
    for (auto& conn : conns) conn->close();
  idle.clear();
  const auto sessions = active;  // abort() leads to finish(), which edits `active` later
  for (const auto& [ptr, weak] : sessions)
    if (auto session = weak.lock()) session->abort();
}

http_client::http_client(asio::io_context& ioc, client_options options)
    : impl_(std::make_shared<impl>(ioc, std::move(options))) {}

http_client::~http_client() { shutdown(); }

void http_client::send(client_request request, std::function<void(client_result)> done) {
  asio::post(impl_->strand, [self = impl_, request = std::move(request), done = std::move(done)]() mutable {
    self->start(std::move(request), std::move(done));
  });
}

void http_client::shutdown() {
  asio::post(impl_->strand, [self = impl_] { self->close_all(); });
}

}  // namespace tutorbot::net
