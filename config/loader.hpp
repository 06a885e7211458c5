#pragma once
// Reads <dir>/tutorbot.yaml, <dir>/calendar_config.yaml, <dir>/payment_config.yaml and
// the environment into a config, or into every problem found, each one naming a file,
// line and key so that an operator can fix it without reading code.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace tutorbot::config {

struct problem {
  std::string file;    // "config/calendar_config.yaml", or "environment"
  int line = 0;        // 1-based; 0 when unknown
  std::string key;     // "tutors[0].hours.mon", or a variable name such as "STRIPE_SECRET_KEY"
  std::string reason;  // never holds a secret's value
};

// `config/calendar_config.yaml:14: tutors[0].hours.mon: "9:00-17:00" is not HH:MM-HH:MM`
std::string to_string(const problem& p);

// Looks a variable up; nullopt when unset. Tests pass their own.
using environment = std::function<std::optional<std::string>(std::string_view)>;
environment process_environment();

// Never throws for bad input: every problem in every file is collected.
std::variant<config, std::vector<problem>> load_config(const std::string& dir,
                                                       const environment& env);

}  // namespace tutorbot::config
