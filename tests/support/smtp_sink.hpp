#pragma once
// A real SMTP server for the tests (aiosmtpd, tests/support/python/smtp_sink.py) on a port of
// this test process, keeping what it accepts in a Maildir; and the stored mails as an
// independent parser (Python's email package) reads them.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/support/process.hpp"

namespace tutorbot::testing {

class smtp_sink {
 public:
  smtp_sink();  // started and accepting connections, or throws
  ~smtp_sink();

  unsigned short port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Every stored message, oldest first, as read_mail.py prints it.
  std::vector<boost::json::object> mails() const;
  // Polls until `count` mails are stored (or the deadline passes) and returns them.
  std::vector<boost::json::object> wait_for(std::size_t count, std::chrono::seconds deadline) const;

 private:
  std::string dir_;
  unsigned short port_ = 0;
  std::unique_ptr<child_process> server_;
};

// The decoded text of the part of `mail` with this content type ("text/calendar"), or "".
std::string part_text(const boost::json::object& mail, const std::string& content_type);

}  // namespace tutorbot::testing
