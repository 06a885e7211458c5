#pragma once
// The shipped sample configuration without its dated closures (tests/config/), as an
// in-process service under test uses it: the sandbox's test secrets, its own database and
// an ephemeral port, and Google off unless the test turns it on.
#include <string>

#include "config/config.hpp"

namespace tutorbot::testing {

config::config sample_config(const std::string& database_url);

}  // namespace tutorbot::testing
