// `tutorbot chat`: one thread reads the person's lines (poll on stdin, so the transcript is
// read every 200 ms while nothing is typed) and calls the sandboxes through
// app/chat_http.hpp, waiting for each answer.
#include "app/chat.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include <poll.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "app/chat_http.hpp"
#include "app/chat_mail.hpp"
#include "app/chat_render.hpp"
#include "net/url.hpp"

namespace tutorbot::app {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr auto poll_interval = 200ms;
constexpr int failures_before_giving_up = 5;  // consecutive transcript reads, about a second

std::string without_trailing_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

class chat_session {
 public:
  chat_session(chat_options options, std::string chatwoot, std::string stripe, bool ansi, bool echo)
      : options_(std::move(options)), chatwoot_(std::move(chatwoot)), stripe_(std::move(stripe)), ansi_(ansi),
        echo_(echo) {}

  int run() {
    if (int rc = open_conversation(); rc != 0) return rc;
    banner();
    if (!read_transcript(true)) return 1;
    show_new_mail(true);
    return loop();
  }

 private:
  void out(const std::string& text) { std::cout << text << std::flush; }
  std::string dim(const std::string& text) const { return ansi_ ? "\x1b[2m" + text + "\x1b[22m" : text; }
  void note(const std::string& text) { out(dim("  (" + text + ")") + "\n"); }
  std::string conversations_url() const { return chatwoot_ + "/sandbox/chatwoot/conversations"; }
  std::string conversation_url() const { return conversations_url() + "/" + std::to_string(conversation_); }

  // 0, or the exit code after saying why not.
  int open_conversation() {
    json::object body{{"phone", options_.phone}, {"name", options_.name}};
    if (!options_.email.empty()) body["email"] = options_.email;
    auto answer = http_.call("POST", conversations_url(), json::serialize(body));
    if (auto* problem = std::get_if<std::string>(&answer)) {
      std::cerr << "tutorbot chat: cannot reach the Chatwoot sandbox at " << chatwoot_ << " (" << *problem
                << "); start it with `tutorbot sandbox` (scripts/run.sh does)\n";
      return 1;
    }
    const auto& r = std::get<net::client_response>(answer);
    if (r.status == 400) {
      std::cerr << "tutorbot chat: the Chatwoot sandbox refused this student: " << chat::error_message(r.body) << "\n";
      return 2;
    }
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    const auto* id = !ec && v.is_object() ? v.as_object().if_contains("conversation_id") : nullptr;
    if ((r.status != 200 && r.status != 201) || !id || !id->is_int64()) {
      std::cerr << "tutorbot chat: " << chatwoot_ << " answered HTTP " << r.status
                << " to POST /sandbox/chatwoot/conversations; is CHATWOOT_BASE_URL the sandbox (`tutorbot sandbox`)?\n";
      return 1;
    }
    conversation_ = id->as_int64();
    reused_ = r.status == 200;
    seen_.clear();
    seen_undelivered_.clear();
    status_.clear();
    return 0;
  }

  void banner() {
    out((ansi_ ? "\x1b[1mtutorbot chat\x1b[22m" : std::string("tutorbot chat")) + " — you are " + options_.name + " (" +
        options_.phone + ") on WhatsApp, conversation " + std::to_string(conversation_) +
        (reused_ ? " (continued)" : " (new)") + " in the Chatwoot sandbox at " + chatwoot_ + "\n");
    help();
  }

  void help() {
    out(dim("Type a message and press Enter; a number alone picks one of the [n] choices.\n"
            "/pay, /fail, /expire press that button on the last payment link's page; /help shows this;\n"
            "/quit or Ctrl-D leaves.") +
        "\n\n");
  }

  // A line for each e-mail the sandbox's SMTP server stored since the chat started, with the
  // file to open in a mail program.
  void show_new_mail(bool first = false) {
    if (options_.maildir.empty()) return;
    std::vector<std::filesystem::path> files;
    for (const char* folder : {"new", "cur"}) {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(options_.maildir) / folder, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // Maildir names start with the time of delivery
    for (const auto& file : files) {
      if (!mail_seen_.insert(file.filename().string()).second || first) continue;
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      const auto mail = chat::summarize_mail(text.str());
      if (!mail) continue;
      out("📧 e-mail to " + mail->to + ": " + mail->subject + (mail->has_invite ? " (invite.ics)" : "") + "\n" +
          dim("   " + file.string()) + "\n");
    }
  }

  // New lines of the transcript printed; false after giving up on the sandbox.
  bool read_transcript(bool first = false) {
    auto answer = http_.call("GET", conversation_url() + "/transcript");
    if (auto* problem = std::get_if<std::string>(&answer)) {
      if (++failures_ < failures_before_giving_up) return true;
      std::cerr << "tutorbot chat: lost the Chatwoot sandbox at " << chatwoot_ << " (" << *problem << ")\n";
      return false;
    }
    const auto& r = std::get<net::client_response>(answer);
    if (r.status == 404) {  // the sandbox was restarted and forgot the conversation
      const auto old = conversation_;
      if (open_conversation() != 0) return false;
      note("the sandbox no longer knows conversation " + std::to_string(old) + "; now in conversation " +
           std::to_string(conversation_));
      return true;
    }
    auto t = r.status == 200 ? chat::parse_transcript(r.body) : std::nullopt;
    if (!t) {
      if (++failures_ < failures_before_giving_up) return true;
      std::cerr << "tutorbot chat: unexpected transcript from " << chatwoot_ << " (HTTP " << r.status << ")\n";
      return false;
    }
    failures_ = 0;
    if (first) {
      // Continuing a conversation: its last few lines, and their choices and payment link.
      constexpr std::size_t shown = 5;
      const auto skip = t->messages.size() > shown ? t->messages.size() - shown : 0;
      if (!t->messages.empty())
        note(skip ? "the last " + std::to_string(shown) + " of " + std::to_string(t->messages.size()) + " messages so far"
                  : "the conversation so far");
      for (std::size_t k = 0; k < t->messages.size(); ++k) {
        seen_.insert(t->messages[k].id);
        if (k >= skip) show(t->messages[k]);
      }
      for (const auto& line : t->undelivered) seen_undelivered_.insert(line.id);
    }
    for (const auto& line : t->messages)
      if (seen_.insert(line.id).second) show(line);
    for (const auto& line : t->undelivered)
      if (seen_undelivered_.insert(line.id).second)
        note("WhatsApp did not deliver a " + line.from + " message" + (line.error.empty() ? "" : ": " + line.error));
    if (t->status != status_) {
      if (!status_.empty()) {
        const std::string why = t->status == "open"       ? " — with the school's staff"
                                : t->status == "pending"  ? " — with the bot"
                                : t->status == "resolved" ? " — your next message starts a new conversation"
                                                          : "";
        note("conversation " + std::to_string(conversation_) + " is now " + t->status + why);
      }
      status_ = t->status;
    }
    return true;
  }

  void show(const chat::transcript_line& line) {
    auto r = chat::render_message(line, ansi_);
    out(r.text);
    if (line.from == "student") return;
    choices_ = r.choices;
    if (auto link = chat::find_checkout_link(line.content)) {
      checkout_ = link;
      note("a payment link: open it in a browser, or /pay, /fail, /expire press its buttons here");
    }
  }

  // false after giving up on the sandbox.
  bool send(const std::string& text) {
    auto answer = http_.call("POST", conversation_url() + "/incoming", json::serialize(json::object{{"content", text}}));
    if (auto* problem = std::get_if<std::string>(&answer)) {
      std::cerr << "tutorbot chat: cannot reach the Chatwoot sandbox at " << chatwoot_ << " (" << *problem << ")\n";
      return false;
    }
    const auto& r = std::get<net::client_response>(answer);
    if (r.status == 404 && !resent_) {  // forgotten by a restarted sandbox: open anew, once
      if (open_conversation() != 0) return false;
      resent_ = true;
      const bool ok = send(text);
      resent_ = false;
      return ok;
    }
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    const auto* o = !ec && v.is_object() ? &v.as_object() : nullptr;
    const auto* c = o ? o->if_contains("conversation_id") : nullptr;
    const auto* m = o ? o->if_contains("message_id") : nullptr;
    if (r.status != 200 || !c || !c->is_int64() || !m || !m->is_int64()) {
      note("the sandbox did not take the message: HTTP " + std::to_string(r.status) + " " + chat::error_message(r.body));
      return true;
    }
    if (c->as_int64() != conversation_) {  // the old one was resolved: WhatsApp starts a new one
      conversation_ = c->as_int64();
      seen_.clear();
      seen_undelivered_.clear();
      status_.clear();
      note("a new conversation " + std::to_string(conversation_) + " started");
    }
    seen_.insert(m->as_int64());
    return true;
  }

  void press(const std::string& action) {
    if (!checkout_) return note("no payment link yet: the bot sends one when you book");
    std::string base = stripe_;
    if (base.empty()) {  // STRIPE_API_BASE unset: the page where the link points
      auto url = net::parse_url(checkout_->url);
      if (url && net::is_loopback_host(url->host)) base = url->scheme() + "://" + url->host_header();
    }
    auto parsed = net::parse_url(base);
    if (!parsed || !net::is_loopback_host(parsed->host))
      return note("the payment page is not the Stripe sandbox's (STRIPE_API_BASE): open the link in a browser");
    auto answer = http_.call("POST", base + "/checkout/" + checkout_->session_id + "/" + action, "", true);
    if (auto* problem = std::get_if<std::string>(&answer))
      return note("cannot reach the Stripe sandbox at " + base + " (" + *problem + ")");
    const auto& r = std::get<net::client_response>(answer);
    note(chat::describe_checkout_outcome(action, r.status, r.body));
  }

  enum class next { go_on, quit, fail };

  next handle(std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    switch (chat::parse_command(line)) {
      case chat::command::quit: return next::quit;
      case chat::command::help: help(); return next::go_on;
      case chat::command::pay: press("pay"); return next::go_on;
      case chat::command::fail: press("fail"); return next::go_on;
      case chat::command::expire: press("expire"); return next::go_on;
      case chat::command::unknown: note("unknown command; /help lists them"); return next::go_on;
      case chat::command::none: break;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) return next::go_on;  // WhatsApp sends no blank message
    std::string text = line;
    if (echo_) out(chat::render_message({0, "student", line, "text", {}, {}}, ansi_).text);
    if (auto picked = chat::pick_choice(choices_, line)) {
      text = *picked;
      out(dim("  → " + text) + "\n");
    }
    return send(text) ? next::go_on : next::fail;
  }

  int loop() {
    std::string pending;
    auto next_read = std::chrono::steady_clock::now() + poll_interval;
    for (;;) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_read - std::chrono::steady_clock::now());
      pollfd in{STDIN_FILENO, POLLIN, 0};
      const int ready = ::poll(&in, 1, static_cast<int>(std::max<std::int64_t>(0, wait.count())));
      if (ready < 0 && errno != EINTR) {
        std::cerr << "tutorbot chat: cannot read the terminal\n";
        return 1;
      }
      if (ready > 0) {
        char buffer[4096];
        const auto n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno != EINTR && errno != EAGAIN) return 1;
        const bool eof = n == 0;
        if (n > 0) pending.append(buffer, static_cast<std::size_t>(n));
        for (auto eol = pending.find('\n'); eol != std::string::npos; eol = pending.find('\n')) {
          auto line = pending.substr(0, eol);
          pending.erase(0, eol + 1);
          if (auto what = handle(std::move(line)); what != next::go_on) return what == next::quit ? 0 : 1;
          next_read = std::chrono::steady_clock::now() + poll_interval;
        }
        if (eof) {
          if (!pending.empty() && handle(std::move(pending)) == next::fail) return 1;
          return 0;
        }
      }
      if (std::chrono::steady_clock::now() >= next_read) {
        if (!read_transcript()) return 1;
        show_new_mail();
        next_read = std::chrono::steady_clock::now() + poll_interval;
      }
    }
  }

  chat_options options_;
  std::string chatwoot_, stripe_;
  bool ansi_, echo_;
  chat::blocking_http http_;
  std::int64_t conversation_ = 0;
  bool reused_ = false;
  bool resent_ = false;
  int failures_ = 0;
  std::string status_;
  std::set<std::int64_t> seen_, seen_undelivered_;
  std::set<std::string> mail_seen_;  // Maildir file names already shown (or there before the chat)
  std::vector<std::string> choices_;
  std::optional<chat::checkout_link> checkout_;
};

}  // namespace

bool parse_chat_args(const std::vector<std::string>& args, chat_options& out, std::string& error) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    std::string* target = nullptr;
    std::string name = a.substr(0, a.find('='));
    if (name == "--phone") target = &out.phone;
    else if (name == "--name") target = &out.name;
    else if (name == "--email") target = &out.email;
    else if (name == "--maildir") target = &out.maildir;
    std::string ignored;
    if (name == "--config") target = &ignored;
    if (!target) {
      error = "tutorbot chat: unexpected argument '" + a + "'";
      return false;
    }
    if (a.size() > name.size()) {
      *target = a.substr(name.size() + 1);
    } else if (i + 1 < args.size()) {
      *target = args[++i];
    } else {
      error = "tutorbot chat: " + name + " needs a value";
      return false;
    }
  }
  if (out.phone.empty() || out.name.empty()) {
    error = "tutorbot chat: --phone and --name may not be empty";
    return false;
  }
  return true;
}

int run_chat_command(const std::vector<std::string>& args) {
  chat_options options;
  std::string error;
  if (!parse_chat_args(args, options, error)) {
    std::cerr << error << "\n";
    return 64;
  }
  const char* chatwoot = std::getenv("CHATWOOT_BASE_URL");
  const std::string chatwoot_base = without_trailing_slash(chatwoot && *chatwoot ? chatwoot : "http://127.0.0.1:8092");
  auto url = net::parse_url(chatwoot_base);
  if (!url || !net::is_loopback_host(url->host) || url->target != "/") {
    std::cerr << "tutorbot chat: CHATWOOT_BASE_URL must be the Chatwoot sandbox on loopback (such as "
                 "http://127.0.0.1:8092, as scripts/sandbox_env.sh sets it), got "
              << chatwoot_base << "; the chat never writes to a real Chatwoot\n";
    return 2;
  }
  const char* stripe = std::getenv("STRIPE_API_BASE");
  const bool ansi = ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") &&
                    std::string(std::getenv("TERM") ? std::getenv("TERM") : "") != "dumb";
  const bool echo = !::isatty(STDIN_FILENO);  // typed lines are not on the screen already
  chat_session session(std::move(options), chatwoot_base, without_trailing_slash(stripe ? stripe : ""), ansi, echo);
  return session.run();
}

}  // namespace tutorbot::app
