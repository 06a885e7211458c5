#include "tests/support/service_config.hpp"

#include <stdexcept>

#include "config/loader.hpp"
#include "tests/support/process.hpp"

namespace tutorbot::testing {

config::config sample_config(const std::string& database_url) {
  auto env = sandbox_environment();
  auto lookup = [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto loaded = config::load_config(TUTORBOT_SOURCE_DIR "/tests/config", lookup);
  if (auto* problems = std::get_if<std::vector<config::problem>>(&loaded)) {
    throw std::runtime_error("the sample configuration is invalid: " + config::to_string(problems->front()));
  }
  auto cfg = std::get<config::config>(std::move(loaded));
  cfg.service.database_url = config::secret(database_url);
  // No Google runs behind the sandbox address: a test about Google starts one (google_service).
  cfg.service.providers.google.enabled = false;
  cfg.service.listen_port = 0;
  cfg.service.database.pool_size = 2;
  cfg.service.http.shutdown_grace = std::chrono::seconds(2);
  return cfg;
}

}  // namespace tutorbot::testing
