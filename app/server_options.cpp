#include "app/server_options.hpp"

namespace tutorbot::app {

net::server_options http_server_options(const config::service_settings& s) {
  net::server_options o;
  o.host = s.listen_host;
  o.port = s.listen_port;
  o.header_limit = s.http.header_limit_bytes;
  o.body_limit = s.http.body_limit_bytes;
  o.read_timeout = s.http.read_timeout;
  o.header_timeout = s.http.header_timeout;
  o.max_connections_per_address = static_cast<std::size_t>(s.http.max_connections_per_address);
  o.idle_timeout = s.http.idle_timeout;
  o.max_connections = static_cast<std::size_t>(s.http.max_connections);
  o.shutdown_grace = s.http.shutdown_grace;
  return o;
}

}  // namespace tutorbot::app
