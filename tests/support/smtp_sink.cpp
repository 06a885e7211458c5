#include "tests/support/smtp_sink.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/eventually.hpp"

namespace tutorbot::testing {

namespace fs = std::filesystem;

namespace {

bool accepts_connections(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::string python_folder() { return std::string{TUTORBOT_SOURCE_DIR} + "/tests/support/python"; }
// aiosmtpd with the sandbox's handler, as the run command starts it.
std::string sandbox_folder() { return std::string{TUTORBOT_SOURCE_DIR} + "/sandbox"; }

}  // namespace

smtp_sink::smtp_sink() {
  char pattern[] = "/tmp/tutorbot-maildir-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("smtp_sink: no temporary folder");
  dir_ = pattern;
  port_ = free_port();
  // Debian's python3 by path: aiosmtpd is the python3-aiosmtpd package.
  server_ = std::make_unique<child_process>(
      std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_),
                               "-c", "smtp_sink.Sink", dir_ + "/maildir"},
      std::map<std::string, std::string>{{"PYTHONPATH", sandbox_folder()}}, dir_ + "/server.log");
  if (!eventually([&] { return accepts_connections(port_); }, std::chrono::seconds(20)))
    throw std::runtime_error("smtp_sink: aiosmtpd did not listen on port " + std::to_string(port_) + " (see " + dir_ +
                             "/server.log)");
}

smtp_sink::~smtp_sink() {
  server_.reset();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::vector<boost::json::object> smtp_sink::mails() const {
  std::vector<fs::directory_entry> files;
  for (const char* sub : {"/maildir/new", "/maildir/cur"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_ + sub, ec))
      if (entry.is_regular_file()) files.push_back(entry);
  }
  // Maildir names start with the delivery time in seconds and microseconds.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.last_write_time() < b.last_write_time() ||
           (a.last_write_time() == b.last_write_time() && a.path().filename() < b.path().filename());
  });
  std::vector<boost::json::object> out;
  for (const auto& file : files) {
    auto read = run_command({"/usr/bin/python3", python_folder() + "/read_mail.py", file.path().string()}, {});
    if (read.exit_code != 0) throw std::runtime_error("read_mail.py could not read " + file.path().string() + ":\n" + read.output);
    out.push_back(boost::json::parse(read.output).as_object());
  }
  return out;
}

std::vector<boost::json::object> smtp_sink::wait_for(std::size_t count, std::chrono::seconds deadline) const {
  std::vector<boost::json::object> found;
  eventually([&] { return (found = mails()).size() >= count; }, deadline);
  return found;
}

std::string part_text(const boost::json::object& mail, const std::string& content_type) {
  for (const auto& part : mail.at("parts").as_array()) {
    const auto& p = part.as_object();
    if (const auto* type = p.if_contains("content_type"); type && type->as_string() == content_type)
      return std::string{p.at("text").as_string()};
  }
  return {};
}

}  // namespace tutorbot::testing
