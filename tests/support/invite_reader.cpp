#include "tests/support/invite_reader.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <unistd.h>

#include "tests/support/process.hpp"

namespace tutorbot::testing {

boost::json::object read_invite(const std::string& ics) {
  char path[] = "/tmp/tutorbot-invite-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("read_invite: no temporary file");
  ::close(fd);
  std::ofstream{path, std::ios::binary} << ics;
  // Debian's python3 by path: the parser is the python3-icalendar package, whatever python
  // a developer's PATH finds first.
  auto result = run_command({"/usr/bin/python3", std::string{TUTORBOT_SOURCE_DIR} + "/tests/support/python/read_invite.py", path}, {});
  std::remove(path);
  if (result.exit_code != 0) throw std::runtime_error("python3-icalendar could not read the invite:\n" + result.output);
  return boost::json::parse(result.output).as_object();
}

}  // namespace tutorbot::testing
