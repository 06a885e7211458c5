// What http_load sends: a list of requests, each serialised once up front so that the
// load generator spends its single thread on I/O, not on formatting.
#pragma once

#include <cstddef>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tutorbot::bench {

struct request_line {
  std::size_t line_number = 0;  // 1-based line in the request file (or 1 for a fixed request)
  std::string wire;             // the complete HTTP/1.1 request bytes
};

struct request_template {
  std::string method;
  std::string path;
  std::string body;  // empty: no body
};

// Extra header lines ("Name: value\r\n…") for a request body, e.g. a webhook signature.
using header_maker = std::function<std::string(const std::string& body)>;

inline std::string serialise(const request_template& r, const std::string& host,
                             const std::string& token, const header_maker& extra_headers = {}) {
  std::string out;
  out.reserve(256 + r.path.size() + r.body.size());
  out += r.method;
  out += ' ';
  out += r.path;
  out += " HTTP/1.1\r\nHost: ";
  out += host;
  out += "\r\nUser-Agent: tutorbot-http_load\r\nAccept: application/json\r\n";
  if (!token.empty()) {
    out += "Authorization: Bearer ";
    out += token;
    out += "\r\n";
  }
  if (extra_headers) out += extra_headers(r.body);
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    out += "Content-Type: application/json\r\nContent-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += r.body;
  return out;
}

// One request per line: `METHOD PATH [JSON BODY]`. Blank lines and lines starting with
// '#' are skipped but still counted, so line numbers match what an editor shows.
inline request_template parse_request_line(const std::string& text, const std::string& where) {
  const auto sp1 = text.find(' ');
  if (sp1 == std::string::npos || sp1 == 0)
    throw std::runtime_error(where + ": expected `METHOD PATH [JSON BODY]`");
  request_template r;
  r.method = text.substr(0, sp1);
  const auto sp2 = text.find(' ', sp1 + 1);
  r.path = text.substr(sp1 + 1, sp2 == std::string::npos ? std::string::npos : sp2 - sp1 - 1);
  if (sp2 != std::string::npos) r.body = text.substr(sp2 + 1);
  if (r.path.empty() || r.path.front() != '/')
    throw std::runtime_error(where + ": the path must start with '/'");
  for (char c : r.method)
    if (c < 'A' || c > 'Z') throw std::runtime_error(where + ": \"" + r.method + "\" is not an HTTP method");
  return r;
}

inline std::vector<request_line> load_request_file(const std::string& file, const std::string& host,
                                                   const std::string& token, const header_maker& extra_headers = {}) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file + ": cannot open the request file");
  std::vector<request_line> out;
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text.front() == '#') continue;
    const auto r = parse_request_line(text, file + ":" + std::to_string(number));
    out.push_back({number, serialise(r, host, token, extra_headers)});
  }
  if (out.empty()) throw std::runtime_error(file + ": no requests in the file");
  return out;
}

}  // namespace tutorbot::bench
