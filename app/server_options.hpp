#pragma once
// The HTTP server's options as tutorbot.yaml sets them: for the service, and for whatever
// must meet the server exactly as production runs it (the HTTP fuzz target).
#include "config/config.hpp"
#include "net/http_server.hpp"

namespace tutorbot::app {

net::server_options http_server_options(const config::service_settings& settings);

}  // namespace tutorbot::app
